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
 * An answer does not wait for its `$inc`: a 2xx means the answer is recorded (the recipient's
 * document), and it is in the summary some 50 ms later. The office's views of a call-out wait
 * for this process's counts first (acksCounted); a count lost with the process is restored by the
 * recount (recount.ts).
 */
import { LRUCache } from 'lru-cache';
import type { Types } from 'mongoose';
import type { Logger } from '../logger';
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
  log: Logger;
  /** Answers recorded by this process, and how many of them are in the summary (or given up on). */
  recorded: number;
  written: number;
  /** Recorded and not yet in a `$inc`. */
  queued: number;
  writing: boolean;
  waiters: { upTo: number; resolve: () => void }[];
}
const tallies = new Map<string, Tally>();

/** A count that cannot be written for this long is left to the recount (recount.ts), which waits longer. */
export const GIVE_UP_MS = 20_000;

/**
 * Count `n` new acknowledgements of the call-out. Not awaited by the answer: the recipient's
 * document already holds it durably, and waiting for the counter as well made every answer take
 * two or three round trips instead of one. The answers of a moment (COUNT_WINDOW_MS) go into one
 * `$inc`, one at a time per call-out.
 */
export function countAcks(log: Logger, id: Types.ObjectId, n = 1): void {
  const key = String(id);
  let t = tallies.get(key);
  if (!t) tallies.set(key, (t = { id, log, recorded: 0, written: 0, queued: 0, writing: false, waiters: [] }));
  t.recorded += n;
  t.queued += n;
  if (!t.writing) void write(key, t);
}

/**
 * How long answers are gathered before their `$inc`: at most one write of the call-out's row per
 * this long, whatever the rate (each write leaves a row version behind, and the row is ~4 KB).
 */
const COUNT_WINDOW_MS = 50;

/**
 * Resolves once the answers this process had recorded for the call-out (or for all of them) when
 * it was called are in the summary. Later answers are not waited for: a burst does not hold a view.
 */
export async function acksCounted(id?: Types.ObjectId | string): Promise<void> {
  const ts = id === undefined ? [...tallies.values()] : [tallies.get(String(id))];
  await Promise.all(
    ts.map((t) =>
      !t || t.written >= t.recorded
        ? undefined
        : new Promise<void>((resolve) => t.waiters.push({ upTo: t.recorded, resolve })),
    ),
  );
}

async function write(key: string, t: Tally): Promise<void> {
  t.writing = true;
  try {
    while (t.queued > 0) {
      await new Promise((r) => setTimeout(r, COUNT_WINDOW_MS));
      const n = t.queued;
      t.queued = 0;
      await incrementAcked(t, n);
      t.written += n;
      t.waiters = t.waiters.filter((w) => w.upTo > t.written || (w.resolve(), false));
    }
  } finally {
    t.writing = false;
    if (t.queued === 0 && t.waiters.length === 0 && tallies.get(key) === t) tallies.delete(key);
  }
}

/** One `$inc`, tried again while the database is away; after GIVE_UP_MS left to the recount. */
async function incrementAcked({ id, log }: Tally, n: number): Promise<void> {
  const since = Date.now();
  for (let pause = 100; ; pause = Math.min(pause * 2, 2000)) {
    try {
      await CalloutModel.updateOne({ _id: id }, { $inc: { 'summary.acked': n } }).exec();
      return;
    } catch (err) {
      if (Date.now() - since > GIVE_UP_MS) {
        log.error({ err, callout: String(id), answers: n }, 'answers not counted yet: the recount will');
        return;
      }
      await new Promise((r) => setTimeout(r, pause));
    }
  }
}
