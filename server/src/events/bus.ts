import type { Types } from 'mongoose';
import type { EventName } from '@yingji/shared';
import type { AppServices } from '../core/context';
import { EventModel, EventReceiptModel, type DomainEvent } from './model';
import { isDuplicateKey } from '../db/duplicate';

/**
 * Publish and subscribe on the durable event feed (DESIGN.md principle 7).
 *
 * `publish` stores the event (idempotent by id) and then runs the in-process subscribers at once,
 * so a reaction (a reward proposal, a reporter's notice, a webhook delivery put in the outbox)
 * happens in the same request as today; if that fails or the process dies, the `events:dispatch`
 * job runs what is left. Each subscriber processes each event once: its receipt is claimed by a
 * conditional update with a lease, and its own writes are idempotent (unique keys), so a
 * subscriber that crashed half-way and runs again changes nothing twice.
 */
export interface Subscriber {
  /** Stable name: part of the receipt key, never renamed. */
  name: string;
  events: readonly EventName[] | '*';
  handle(services: AppServices, e: DomainEvent): Promise<void>;
}

const registry = new Map<string, Subscriber>();

/** Called once at start (modules.ts) with every capability's subscribers. */
export function registerSubscribers(subs: Subscriber[]): void {
  for (const s of subs) registry.set(s.name, s);
}

export function subscribersOf(event: EventName): Subscriber[] {
  return [...registry.values()].filter((s) => s.events === '*' || s.events.includes(event));
}

export interface PublishInput {
  /** Unique and derived from the change, so a repeat publishes nothing new. */
  id: string;
  event: EventName;
  town: Types.ObjectId;
  subject: { kind: string; id: string };
  data: Record<string, unknown>;
  occurredAt?: Date;
}

const LEASE_MS = 60_000;
/** How long the job leaves a new event to the publisher's own dispatch. */
const GRACE_MS = 5_000;
const MAX_ATTEMPTS = 12;

/** Store an event once and run its subscribers. Never throws for a subscriber's failure. */
export async function publish(services: AppServices, input: PublishInput): Promise<DomainEvent> {
  const now = services.clock.now();
  const doc = {
    _id: input.id,
    event: input.event,
    town: input.town,
    occurredAt: input.occurredAt ?? now,
    subject: input.subject,
    data: input.data,
    open: true,
    nextCheckAt: new Date(now.getTime() + GRACE_MS),
  };
  let stored: DomainEvent = doc;
  try {
    await EventModel.collection.insertOne(doc as never);
  } catch (e) {
    if (!isDuplicateKey(e)) throw e;
    stored = (await EventModel.findById(input.id).lean<DomainEvent>()) ?? doc;
  }
  try {
    await dispatch(services, stored);
  } catch (err) {
    services.log.warn({ err, event: input.id }, 'event dispatch failed; the job will retry');
  }
  return stored;
}

/** Run every subscriber of an event that has not processed it; close the event when all have. */
export async function dispatch(services: AppServices, e: DomainEvent): Promise<boolean> {
  let allDone = true;
  let retryAt = Infinity;
  for (const sub of subscribersOf(e.event)) {
    const r = await runOnce(services, sub, e);
    if (r !== true) {
      allDone = false;
      retryAt = Math.min(retryAt, r);
    }
  }
  const now = services.clock.now().getTime();
  await EventModel.updateOne(
    { _id: e._id, open: true },
    allDone
      ? { $set: { open: false } }
      : { $set: { nextCheckAt: new Date(Number.isFinite(retryAt) ? Math.max(retryAt, now + 1000) : now + LEASE_MS) } },
  );
  return allDone;
}

/** true when the subscriber has processed the event; otherwise when to look again (ms). */
async function runOnce(services: AppServices, sub: Subscriber, e: DomainEvent): Promise<true | number> {
  const key = `${sub.name}:${e._id}`;
  const now = services.clock.now();
  const lease = new Date(now.getTime() + LEASE_MS);
  let claimed = false;
  try {
    await EventReceiptModel.create({
      _id: key,
      subscriber: sub.name,
      eventId: e._id,
      state: 'processing',
      attempts: 1,
      leaseUntil: lease,
    });
    claimed = true;
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
  }
  let attempts = 1;
  if (!claimed) {
    const took = await EventReceiptModel.findOneAndUpdate(
      { _id: key, state: { $in: ['processing', 'failed'] }, leaseUntil: { $lte: now } },
      { $set: { state: 'processing', leaseUntil: lease }, $inc: { attempts: 1 } },
      { returnDocument: 'after' },
    ).lean();
    if (!took) {
      const r = await EventReceiptModel.findById(key).select('state leaseUntil').lean();
      if (!r || r.state === 'done' || r.state === 'parked') return true;
      return r.leaseUntil?.getTime() ?? now.getTime() + LEASE_MS;
    }
    attempts = took.attempts;
  }
  try {
    await sub.handle(services, e);
  } catch (err) {
    const park = attempts >= MAX_ATTEMPTS;
    const wait = Math.min(3600_000, 2000 * 2 ** (attempts - 1));
    services.log.warn({ err, event: e._id, subscriber: sub.name, attempts }, 'event subscriber failed');
    await EventReceiptModel.updateOne(
      { _id: key, state: 'processing' },
      {
        $set: {
          state: park ? 'parked' : 'failed',
          leaseUntil: new Date(services.clock.now().getTime() + wait),
          lastError: err instanceof Error ? err.message : String(err),
        },
      },
    );
    return park ? true : services.clock.now().getTime() + wait;
  }
  await EventReceiptModel.updateOne(
    { _id: key, state: 'processing' },
    { $set: { state: 'done', doneAt: services.clock.now() }, $unset: { leaseUntil: 1, lastError: 1 } },
  );
  return true;
}

/** The scheduler job: events some subscriber has not processed, whose time to look again has come. */
export async function dispatchPending(services: AppServices, limit = 100): Promise<number> {
  const now = services.clock.now();
  const due = await EventModel.find({ open: true, nextCheckAt: { $lte: now } })
    .sort({ nextCheckAt: 1 })
    .limit(limit)
    .lean<DomainEvent[]>();
  let done = 0;
  for (const e of due) {
    try {
      if (await dispatch(services, e)) done++;
    } catch (err) {
      services.log.error({ err, event: e._id }, 'event dispatch failed');
    }
  }
  return done;
}

/** Events published but not yet processed by every subscriber (for tests and the CLI): run them all now. */
export async function drainEvents(services: AppServices): Promise<number> {
  let total = 0;
  for (;;) {
    const due = await EventModel.find({ open: true }).sort({ nextCheckAt: 1 }).limit(100).lean<DomainEvent[]>();
    let progressed = 0;
    for (const e of due) if (await dispatch(services, e)) progressed++;
    total += progressed;
    if (progressed === 0) return total;
  }
}
