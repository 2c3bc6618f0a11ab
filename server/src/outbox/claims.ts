import crypto from 'node:crypto';
import type { AppServices } from '../core/context';
import { DeliveryModel, type DeliveryChannel, type DeliveryLean } from './delivery.model';
import { LIMITS, nextAllowedAt, splitByBudget } from './limits';

/**
 * Claiming due deliveries for a worker: each is planned against the channel's rate limits (from
 * the outbox's own record of recent sends), then those that can go whole are claimed together in
 * one conditional update, and those over a budget wait or are split.
 */
type Lean = DeliveryLean;

/** What a claim counts in the pass's report. */
export interface ClaimCounter {
  claimed: number;
}

export interface Usage {
  /** Send times (ms) per member address (WeCom user id) or robot key. */
  byAddress: Map<string, number[]>;
  /** Send times of every API call of the channel (per-corp limit). */
  calls: number[];
}

/** Recent sends of a channel, from the outbox itself (the last hour of claims). */
export async function loadUsage(channel: DeliveryChannel, now: Date): Promise<Usage> {
  const usage: Usage = { byAddress: new Map(), calls: [] };
  if (channel !== 'wecom_app' && channel !== 'wecom_robot') return usage;
  const recent = await DeliveryModel.find({
    channel,
    claimedAt: { $gt: new Date(now.getTime() - 3600_000) },
    state: { $in: ['sending', 'sent'] },
  })
    .select('channel recipient.address recipient.group content.kind claimedAt')
    .lean();
  for (const d of recent) record(usage, d as unknown as Lean, d.claimedAt!.getTime());
  return usage;
}

function countsPerMember(d: Pick<Lean, 'channel' | 'recipient' | 'content'>): boolean {
  return d.channel === 'wecom_app' && !d.recipient.group && d.content.kind !== 'card_update';
}

function record(usage: Usage, d: Pick<Lean, 'channel' | 'recipient' | 'content'>, at: number, addresses?: string[]) {
  usage.calls.push(at);
  const members = countsPerMember(d) ? (addresses ?? d.recipient.address.split('|')) : [];
  const keys = d.channel === 'wecom_robot' ? [d.recipient.address] : members;
  for (const a of keys) {
    const list = usage.byAddress.get(a);
    if (list) list.push(at);
    else usage.byAddress.set(a, [at]);
  }
}

export type Plan =
  | { kind: 'whole' }
  | { kind: 'wait'; until: number }
  | { kind: 'split'; now: string[]; later: string[]; until: number };

/**
 * What the rate limits allow for this delivery now, from the outbox's own record of recent
 * sends. A delivery planned to go is counted in `usage` at once, so the rest of the batch sees
 * its budget spent (if another worker wins the claim, the budget is merely conservative).
 */
export function planClaim(services: AppServices, d: Lean, usage: Usage): Plan {
  const t = services.clock.now().getTime();
  let plan: Plan = { kind: 'whole' };
  // Per-corp API calls, per robot, per member.
  const corpAt = nextAllowedAt(usage.calls, t, LIMITS.corpCalls);
  if (corpAt > t) plan = { kind: 'wait', until: corpAt };
  else if (d.channel === 'wecom_robot') {
    const at = nextAllowedAt(usage.byAddress.get(d.recipient.address) ?? [], t, LIMITS.robot);
    if (at > t) plan = { kind: 'wait', until: at };
  } else if (countsPerMember(d) && !d.uncertainSince) {
    // (A delivery whose earlier send may have arrived is sent again unchanged, never split:
    // WeCom drops the duplicate only when the request is identical.)
    const split = splitByBudget(d.recipient.address.split('|'), usage.byAddress, t);
    if (split.now.length === 0) plan = { kind: 'wait', until: split.retryAt ?? t + 60_000 };
    else if (split.later.length)
      plan = { kind: 'split', now: split.now, later: split.later, until: split.retryAt ?? t + 60_000 };
  }
  if (plan.kind === 'whole') record(usage, d, t);
  if (plan.kind === 'split') record(usage, d, t, plan.now);
  return plan;
}

/** Not now: leave it pending until the budget allows (no attempt counted). */
export async function postpone(d: Lean, until: number) {
  const at = Number.isFinite(until) ? until : Date.now() + 60_000;
  await DeliveryModel.updateOne({ _id: d._id, state: 'pending' }, { $set: { nextAttemptAt: new Date(at) } }).exec();
}

function leaseFields(services: AppServices, me: string, now: Date) {
  return {
    state: 'sending',
    leaseOwner: me,
    leaseUntil: new Date(now.getTime() + services.config.OUTBOX_LEASE_SECONDS * 1000),
    claimedAt: now,
  };
}

/**
 * Claims many deliveries in one update: each is still taken only from `pending` and due, so it is
 * won by exactly one worker; a claim token tells which of them this worker won.
 */
export async function claimWhole(
  services: AppServices,
  due: Lean[],
  me: string,
  report: ClaimCounter,
): Promise<Lean[]> {
  if (due.length === 0) return [];
  const now = services.clock.now();
  const claimToken = crypto.randomUUID();
  const ids = due.map((d) => d._id);
  const lease = leaseFields(services, me, now);
  const res = await DeliveryModel.updateMany(
    { _id: { $in: ids }, state: 'pending', nextAttemptAt: { $lte: now } },
    { $set: { ...lease, claimToken }, $inc: { attempts: 1 } },
  ).exec();
  // Every one changed by this update is won (each was still pending). Only when some were not is
  // it read back which ones: the rest of each document is what was just read as due (what a send
  // needs does not change while a delivery is pending), so a batch of 1,000 WeCom ids is not sent
  // over the wire twice.
  const won =
    res.modifiedCount === ids.length
      ? undefined
      : new Set(
          (
            await DeliveryModel.find({ _id: { $in: ids }, claimToken, state: 'sending' })
              .select('_id')
              .lean()
          ).map((d) => String(d._id)),
        );
  const claimed = due
    .filter((d) => !won || won.has(String(d._id)))
    .map((d) => ({ ...d, ...lease, state: 'sending' as const, claimToken, attempts: d.attempts + 1 }));
  report.claimed += claimed.length;
  return claimed;
}

/** Claims the members within budget now; the others go into a delivery of their own, later. */
export async function claimSplit(
  services: AppServices,
  d: Lean,
  me: string,
  plan: Extract<Plan, { kind: 'split' }>,
  report: ClaimCounter,
) {
  const now = services.clock.now();
  const claimed = await DeliveryModel.findOneAndUpdate(
    { _id: d._id, state: 'pending', nextAttemptAt: { $lte: now } },
    {
      $set: { ...leaseFields(services, me, now), 'recipient.address': plan.now.join('|'), deferred: plan.later },
      $inc: { attempts: 1 },
    },
    { returnDocument: 'after' },
  )
    .lean<Lean>()
    .exec();
  if (!claimed) return undefined; // another worker won it
  report.claimed++;
  await splitDeferred(claimed, plan.later, new Date(plan.until));
  return claimed;
}

/**
 * Members of a batch that were over their budget go into a delivery of their own (idempotent by
 * key, so doing this again after a crash stores it once). Written after the claim and before the
 * send; `deferred` stays on the claimed delivery until it is recorded as sent.
 */
export async function splitDeferred(d: Lean, later: string[], notBefore: Date) {
  const doc = {
    town: d.town,
    channel: d.channel,
    recipient: { address: later.join('|') },
    content: d.content,
    source: d.source,
    exercise: d.exercise ?? false,
    idempotencyKey: `${d.idempotencyKey}~${d.attempts}`,
    state: 'pending',
    attempts: 0,
    nextAttemptAt: notBefore,
  };
  await DeliveryModel.insertMany([doc], { ordered: false }).catch((e: { code?: number; writeErrors?: unknown[] }) => {
    if (e.code !== 11000 && !e.writeErrors) throw e;
  });
}
