import crypto from 'node:crypto';
import os from 'node:os';
import type { AppServices } from '../core/context';
import { DeliveryModel, type DeliveryChannel, type DeliveryLean, type ParkedReason } from './delivery.model';
import { backoffMs } from './limits';
import { SendFailure, resendableOnUnknown, sendDelivery, type SendOk } from './senders';
import { claimSplit, claimWhole, loadUsage, planClaim, postpone, splitDeferred, type Usage } from './claims';
import { Pool, SentResults } from './send-pool';

/**
 * The outbox workers. One pass for a channel:
 *
 * 1. Expired leases (a worker died mid-send, or a send ended with an unknown outcome and waits
 *    for its resend): where the channel drops duplicates (WeCom message/send with its 4-hour
 *    duplicate check), the identical request is sent again; elsewhere the delivery is parked with
 *    reason `outcome_unknown` for the office, because sending it again could deliver it twice.
 * 2. Pending deliveries that are due are claimed with conditional updates (state pending →
 *    sending, lease owner and expiry, claimedAt; see claims.ts), so any number of instances can
 *    run this pass: each delivery is won by exactly one. The send starts only after the claim is
 *    stored: a crash after the call leaves `sending` with a lease, never a silent second send.
 * 3. Rate limits are checked before the claim from the outbox's own record of recent sends.
 *    A batch with members over their budget is split: the others go now, the rest later.
 * 4. Results: sent; failed and retryable → pending again after an exponential back-off with
 *    jitter (or the channel's retry-after); failed for good, or too many attempts → parked.
 *
 * Wechaty deliveries are claimed and reported by the bot process over HTTP (service.ts).
 */
export const WORKER_ID = `${os.hostname()}:${process.pid}:${crypto.randomBytes(3).toString('hex')}`;

/** Channels this server sends itself. */
export const SERVER_CHANNELS = ['wecom_app', 'wecom_robot', 'wechat_subscribe'] as const;

/** WeCom's duplicate check lasts 4 h; resend an uncertain request only well inside it. */
const RESEND_WINDOW_MS = 3.5 * 3600_000;

type Lean = DeliveryLean;

export interface PassReport {
  claimed: number;
  sent: number;
  retried: number;
  parked: number;
  resent: number;
}

export interface PassOptions {
  /** Stop claiming after this long (the scheduler runs the pass again). */
  budgetMs?: number;
  /** Sends in flight at once. */
  concurrency?: number;
  /** Deliveries read per round. */
  batch?: number;
  workerId?: string;
  /** The longest one send can take (default WECOM_TIMEOUT_MS): how far ahead claims may go. */
  sendTimeoutMs?: number;
}

/** One pass of a channel's worker: reclaim, claim, send, record. */
export async function runOutboxPass(
  services: AppServices,
  channel: DeliveryChannel,
  opts: PassOptions = {},
): Promise<PassReport> {
  const report: PassReport = { claimed: 0, sent: 0, retried: 0, parked: 0, resent: 0 };
  const me = opts.workerId ?? WORKER_ID;
  const started = Date.now();
  const budgetMs = opts.budgetMs ?? 10_000;
  const inFlight = opts.concurrency ?? 8;
  const pool = new Pool(inFlight);
  const results = new SentResults(report);

  // Expired leases are looked at while the due deliveries are read (they are never the same ones).
  const reaping = reapExpired(services, channel, me, pool, report, results);
  reaping.catch(() => undefined); // awaited below
  let usage: Usage | undefined;
  for (;;) {
    const now = services.clock.now();
    // (Without a batch's list of user documents: a send needs only the addresses.)
    const due = await DeliveryModel.find({ channel, state: 'pending', nextAttemptAt: { $lte: now } })
      .select('-recipient.users')
      .sort({ nextAttemptAt: 1 })
      .limit(opts.batch ?? 200)
      .lean<Lean[]>();
    if (due.length === 0) break;
    usage ??= await loadUsage(channel, now);
    let progressed = 0;
    // Deliveries that can go whole are claimed together (one conditional update for the lot);
    // those over a budget wait or are split, one by one.
    const whole: Lean[] = [];
    for (const d of due) {
      const plan = planClaim(services, d, usage);
      if (plan.kind === 'whole') whole.push(d);
      else if (plan.kind === 'wait') await postpone(d, plan.until);
      else {
        const claimed = await claimSplit(services, d, me, plan, report);
        if (claimed) {
          progressed++;
          await pool.run(() => sendAndRecord(services, claimed, me, report, pool, results));
        }
      }
    }
    // Claimed a few pool's worth at a time, the next claim made while this one's sends wait for
    // their slots: the database round trips of a claim overlap the sends instead of coming
    // between them. A claimed delivery then waits for at most 2 × `ahead` sends ahead of it: as
    // many as fit in two thirds of its lease even if every one of them takes the whole time-out,
    // so its lease does not run out while it queues (it would be parked as outcome unknown, or
    // sent again, without having been sent). With a lease too short for that, one pool's worth is
    // claimed only once the one before has started. A lease that runs short all the same is
    // renewed before the send (leaseHolds).
    const leaseMs = services.config.OUTBOX_LEASE_SECONDS * 1000;
    const timeoutMs = opts.sendTimeoutMs ?? services.config.WECOM_TIMEOUT_MS;
    const ahead = Math.min(4, Math.floor(leaseMs / (3 * timeoutMs)));
    const chunk = inFlight * Math.max(1, ahead);
    const claimFrom = (i: number) =>
      i < whole.length && Date.now() - started <= budgetMs
        ? claimWhole(services, whole.slice(i, i + chunk), me, report)
        : undefined;
    let next = claimFrom(0);
    for (let i = 0; next; i += chunk) {
      const claimed = await next;
      if (ahead > 0) next = claimFrom(i + chunk);
      for (const d of claimed) {
        progressed++;
        await pool.run(() => sendAndRecord(services, d, me, report, pool, results));
      }
      if (ahead === 0) next = claimFrom(i + chunk);
    }
    if (progressed === 0 || Date.now() - started > budgetMs) break;
  }
  await reaping;
  await pool.drain();
  return report;
}

/** Run passes until nothing is due (for tests, the benchmark and the CLI); bounded by `maxMs`. */
export async function drainOutbox(
  services: AppServices,
  channels: readonly DeliveryChannel[] = SERVER_CHANNELS,
  maxMs = 60_000,
  opts: PassOptions = {},
): Promise<PassReport> {
  const total: PassReport = { claimed: 0, sent: 0, retried: 0, parked: 0, resent: 0 };
  const started = Date.now();
  for (;;) {
    let work = 0;
    for (const ch of channels) {
      const r = await runOutboxPass(services, ch, opts);
      for (const k of Object.keys(total) as (keyof PassReport)[]) total[k] += r[k];
      work += r.claimed + r.resent;
    }
    if (work === 0 || Date.now() - started > maxMs) return total;
  }
}

// ---- expired leases ------------------------------------------------------------------------

async function reapExpired(
  services: AppServices,
  channel: DeliveryChannel,
  me: string,
  pool: Pool,
  report: PassReport,
  results: SentResults,
): Promise<void> {
  const now = services.clock.now();
  const expired = await DeliveryModel.find({ channel, state: 'sending', leaseUntil: { $lt: now } })
    .limit(500)
    .lean<Lean[]>();
  for (const d of expired) {
    const since = d.uncertainSince ?? d.claimedAt ?? now;
    const canResend =
      resendableOnUnknown(d) &&
      now.getTime() - since.getTime() < RESEND_WINDOW_MS &&
      d.attempts < services.config.OUTBOX_MAX_ATTEMPTS;
    if (!canResend) {
      const parked = await DeliveryModel.updateOne(
        { _id: d._id, state: 'sending', leaseUntil: d.leaseUntil },
        {
          $set: {
            state: 'parked',
            parkedReason:
              resendableOnUnknown(d) && d.attempts >= services.config.OUTBOX_MAX_ATTEMPTS
                ? 'max_attempts'
                : 'outcome_unknown',
            lastError: '发送结果未知（超时或服务中断），为避免重复发送已暂停，请核实后决定是否重发',
          },
          $unset: { leaseOwner: 1, leaseUntil: 1 },
        },
      ).exec();
      if (parked.modifiedCount) report.parked++;
      continue;
    }
    // Take the lease over and send the identical request again (WeCom drops the duplicate).
    const taken = await DeliveryModel.findOneAndUpdate(
      { _id: d._id, state: 'sending', leaseUntil: d.leaseUntil },
      {
        $set: {
          leaseOwner: me,
          leaseUntil: new Date(now.getTime() + services.config.OUTBOX_LEASE_SECONDS * 1000),
          uncertainSince: since,
        },
        $inc: { attempts: 1 },
      },
      { returnDocument: 'after' },
    )
      .lean<Lean>()
      .exec();
    if (!taken) continue;
    report.resent++;
    if (taken.deferred?.length) await splitDeferred({ ...taken, attempts: taken.attempts - 1 }, taken.deferred, now);
    await pool.run(() => sendAndRecord(services, taken, me, report, pool, results));
  }
}

// ---- sending and recording --------------------------------------------------------------------

/**
 * Send, holding one of the pool's slots (a call in flight to WeCom), then record the result
 * outside the slot: the next send does not wait for this one's database write.
 */
async function sendAndRecord(
  services: AppServices,
  d: Lean,
  me: string,
  report: PassReport,
  pool: Pool,
  results: SentResults,
): Promise<void> {
  if (!(await leaseHolds(services, d, me))) return;
  let ok: SendOk;
  try {
    ok = await sendDelivery(services, d);
  } catch (e) {
    pool.after(recordFailure(services, d, e as SendFailure, report));
    return;
  }
  pool.after(recordSent(services, d, me, ok, results));
}

/**
 * Whether this worker still holds the delivery with time to send it: a delivery that queued long
 * behind slow sends has its lease renewed first (conditionally: if the lease ran out and another
 * worker took it over, it is theirs, and this one does not send it too).
 */
async function leaseHolds(services: AppServices, d: Lean, me: string): Promise<boolean> {
  const now = services.clock.now().getTime();
  const leaseMs = services.config.OUTBOX_LEASE_SECONDS * 1000;
  if ((d.leaseUntil?.getTime() ?? 0) - now > leaseMs / 2) return true;
  const leaseUntil = new Date(now + leaseMs);
  const renewed = await DeliveryModel.updateOne(
    { _id: d._id, state: 'sending', leaseOwner: me, leaseUntil: d.leaseUntil },
    { $set: { leaseUntil } },
  ).exec();
  if (renewed.modifiedCount === 0) return false;
  d.leaseUntil = leaseUntil;
  return true;
}

async function recordSent(services: AppServices, d: Lean, me: string, ok: SendOk, results: SentResults) {
  const now = services.clock.now();
  if (ok.invalid?.length) await parkInvalid(d, ok.invalid, now);
  await results.add({
    updateOne: {
      filter: { _id: d._id, state: 'sending', leaseOwner: me },
      update: {
        $set: { state: 'sent', sentAt: now, result: ok.result ?? {} },
        $unset: { leaseOwner: 1, leaseUntil: 1, deferred: 1, lastError: 1 },
      },
    },
  });
}

async function recordFailure(services: AppServices, d: Lean, f: SendFailure, report: PassReport) {
  const now = services.clock.now();
  const mine = { _id: d._id, state: 'sending' as const, leaseOwner: d.leaseOwner };
  const cfg = services.config;
  services.log.warn(
    { delivery: String(d._id), channel: d.channel, outcome: f.outcome, err: f.message, attempts: d.attempts },
    'outbox send failed',
  );
  if (f.outcome === 'unknown' && resendableOnUnknown(d) && d.attempts < cfg.OUTBOX_MAX_ATTEMPTS) {
    // Keep it `sending` with a short lease: the reaper sends the identical request again.
    const wait = backoffMs(d.attempts, cfg.OUTBOX_RETRY_BASE_MS);
    await DeliveryModel.updateOne(mine, {
      $set: {
        leaseUntil: new Date(now.getTime() + wait),
        uncertainSince: d.uncertainSince ?? now,
        lastError: f.message,
      },
    }).exec();
    report.retried++;
    return;
  }
  let reason: ParkedReason | undefined = f.reason;
  if (!reason && f.outcome === 'unknown') reason = 'outcome_unknown';
  if (!reason && (!f.retryable || d.attempts >= cfg.OUTBOX_MAX_ATTEMPTS)) reason = 'max_attempts';
  if (reason) {
    await DeliveryModel.updateOne(mine, {
      $set: { state: 'parked', parkedReason: reason, lastError: f.message },
      $unset: { leaseOwner: 1, leaseUntil: 1 },
    }).exec();
    report.parked++;
    return;
  }
  const wait = Math.max(f.retryAfterMs ?? 0, backoffMs(d.attempts, cfg.OUTBOX_RETRY_BASE_MS));
  await DeliveryModel.updateOne(mine, {
    $set: { state: 'pending', nextAttemptAt: new Date(now.getTime() + wait), lastError: f.message },
    $unset: { leaseOwner: 1, leaseUntil: 1 },
  }).exec();
  report.retried++;
}

/** Batch members WeCom does not know: a parked delivery of their own, shown to the office. */
async function parkInvalid(d: Lean, invalid: string[], now: Date) {
  // WeCom lower-cases the ids it returns; match them back to ours.
  const ours = d.recipient.address.split('|');
  const wanted = new Set(invalid.map((s) => s.toLowerCase()));
  const addresses = ours.filter((a) => wanted.has(a.toLowerCase()));
  await DeliveryModel.insertMany(
    [
      {
        town: d.town,
        channel: d.channel,
        recipient: { address: (addresses.length ? addresses : invalid).join('|') },
        content: d.content,
        source: d.source,
        exercise: d.exercise ?? false,
        idempotencyKey: `${d.idempotencyKey}~invalid`,
        state: 'parked',
        parkedReason: 'invalid_recipient',
        lastError: '企业微信账号无效或不在应用可见范围',
        attempts: d.attempts,
        nextAttemptAt: now,
      },
    ],
    { ordered: false },
  ).catch((e: { code?: number; writeErrors?: unknown[] }) => {
    if (e.code !== 11000 && !e.writeErrors) throw e;
  });
}
