/**
 * The two things every acknowledgement needed from the call-out document, made cheap for a
 * 临灾叫应 where hundreds of people answer within a minute:
 *
 * - its head (town, title, level, step), read through a cache of a second or two instead of once
 *   per answer;
 * - its `summary.acked` counter, incremented by one `$inc` per moment for all the answers that
 *   arrived meanwhile (group commit) instead of one per answer. On PostgreSQL every update of the
 *   one call-out row leaves a row version behind; a thousand of them made each read of the call-out
 *   walk a thousand dead versions (a by-id read took 15–75 ms during the benchmark's answers).
 *
 * Each answer still waits for the `$inc` that carries it, so a 2xx means it is counted.
 */
import { LRUCache } from 'lru-cache';
import type { Types } from 'mongoose';
import { CalloutModel, CalloutRecipientModel, type Level } from './callout.model';

export interface CalloutHead {
  _id: Types.ObjectId;
  town: Types.ObjectId;
  title: string;
  level: Level;
  step: number;
  exercise: boolean;
  /** `preparing`: recipients still being written (an answer may come before its recipient). */
  status: 'preparing' | 'active' | 'closed';
}

/**
 * An answer that came before its recipient's document: the first step goes out while recipients
 * are written (create.ts). Waits while the call-out is still `preparing`; true once it is there.
 */
export async function recipientWritten(calloutId: Types.ObjectId, recipientId: string, maxMs = 10_000) {
  for (const until = Date.now() + maxMs; ;) {
    if (await CalloutRecipientModel.exists({ _id: recipientId })) return true;
    const preparing = await CalloutModel.exists({ _id: calloutId, status: 'preparing' });
    if (!preparing) return Boolean(await CalloutRecipientModel.exists({ _id: recipientId }));
    if (Date.now() > until) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Short: a step advanced by another process shows in an answer's ackStep within this long. */
const HEAD_TTL_MS = 1500;
const heads = new LRUCache<string, CalloutHead>({ max: 500, ttl: HEAD_TTL_MS });

/** Reads of a head under way: answers arriving together while it is not cached share one. */
const reading = new Map<string, Promise<CalloutHead | null>>();

/** The call-out's head, or null when there is none with that id (in that town, when given). */
export async function calloutHead(id: string, town?: Types.ObjectId): Promise<CalloutHead | null> {
  let head: CalloutHead | null | undefined = heads.get(id);
  if (!head) {
    let read = reading.get(id);
    if (!read) {
      const mine: Promise<CalloutHead | null> = readHead(id)
        .then((h) => {
          // Cached unless forgotten meanwhile (a step or status changed while it was read).
          if (h && reading.get(id) === mine) heads.set(id, h);
          return h;
        })
        .finally(() => {
          if (reading.get(id) === mine) reading.delete(id);
        });
      reading.set(id, (read = mine));
    }
    head = await read;
    if (!head) return null;
  }
  return !town || String(head.town) === String(town) ? head : null;
}

async function readHead(id: string): Promise<CalloutHead | null> {
  const c = await CalloutModel.findById(id).select('town title level step exercise status').lean<CalloutHead>();
  if (!c) return null;
  return {
    _id: c._id,
    town: c.town,
    title: c.title,
    level: c.level,
    step: c.step,
    exercise: !!c.exercise,
    status: c.status,
  };
}

/** This process changed the call-out's step (the ladder) or status: read it afresh next time. */
export function forgetCalloutHead(id: Types.ObjectId | string): void {
  heads.delete(String(id));
  // (A read under way may have begun before the change: the next answer reads afresh.)
  reading.delete(String(id));
}

interface Tally {
  id: Types.ObjectId;
  n: number;
  waiters: { resolve: () => void; reject: (e: unknown) => void }[];
}
const waiting = new Map<string, Tally>();
const writing = new Set<string>();

/** Count `n` new acknowledgements of the call-out; resolves once they are in its summary. */
export function countAcks(id: Types.ObjectId, n = 1): Promise<void> {
  const key = String(id);
  return new Promise((resolve, reject) => {
    let t = waiting.get(key);
    if (!t) waiting.set(key, (t = { id, n: 0, waiters: [] }));
    t.n += n;
    t.waiters.push({ resolve, reject });
    if (!writing.has(key)) void write(key);
  });
}

/** One `$inc` at a time per call-out; whatever arrived meanwhile goes in the next one. */
async function write(key: string): Promise<void> {
  writing.add(key);
  try {
    for (let t = waiting.get(key); t; t = waiting.get(key)) {
      waiting.delete(key);
      try {
        await CalloutModel.updateOne({ _id: t.id }, { $inc: { 'summary.acked': t.n } }).exec();
        for (const w of t.waiters) w.resolve();
      } catch (e) {
        for (const w of t.waiters) w.reject(e);
      }
    }
  } finally {
    writing.delete(key);
  }
}
