import type { Types } from 'mongoose';
import { AppError } from '@yingji/shared';
import { isDuplicateKey } from '../db/duplicate';
import { LoginAttemptModel } from './login-attempt.model';

/** The address's own record, counting every username tried from it. */
export const ADDRESS = '';

/**
 * Login slow-down. Per (account, address): 4 free failures, then each failure locks that pair for
 * 30 s, 1 min, 2 min, … up to 15 min. Per address, across all names: 20 free failures, then 1 min,
 * 2 min, … up to 15 min. Failures from one address never lock the account out for another address,
 * so nobody can lock the office out by guessing its name. A pair is forgiven after an hour without
 * failures, or by a successful login (the address count only by time: a valid account of one's own
 * must not wipe a spray of guesses).
 */
export const LOCKOUT_POLICY = {
  account: { free: 4, firstMs: 30_000 },
  address: { free: 20, firstMs: 60_000 },
  maxMs: 15 * 60_000,
  forgiveAfterMs: 60 * 60_000,
  keepMs: 7 * 24 * 60 * 60_000,
};

/** Refuse with 429 (and Retry-After) while the pair or the address is locked. */
export async function assertNotLocked(username: string, ip: string, now: Date): Promise<void> {
  const locks = await LoginAttemptModel.find({ ip, username: { $in: [username, ADDRESS] }, lockedUntil: { $gt: now } })
    .select('lockedUntil')
    .lean();
  const until = Math.max(0, ...locks.map((l) => l.lockedUntil!.getTime()));
  if (until > now.getTime())
    throw new AppError('LOGIN_TOO_MANY_ATTEMPTS', { retryAfter: Math.max(1, (until - now.getTime()) / 1000) });
}

/** Count one failure against the record and lock it once past its free failures. */
async function countFailure(
  username: string,
  ip: string,
  town: Types.ObjectId | undefined,
  policy: { free: number; firstMs: number },
  now: Date,
): Promise<boolean> {
  const key = { username, ip };
  // An old streak is forgiven: start counting again.
  await LoginAttemptModel.updateOne(
    { ...key, lastFailureAt: { $lt: new Date(now.getTime() - LOCKOUT_POLICY.forgiveAfterMs) } },
    { $set: { failures: 0 } },
  );
  const inc = (upsert: boolean) =>
    LoginAttemptModel.findOneAndUpdate(
      key,
      { $inc: { failures: 1 }, $set: { lastFailureAt: now, ...(town ? { town } : {}) } },
      { upsert, returnDocument: 'after' },
    ).lean();
  let doc;
  try {
    doc = await inc(true);
  } catch (e) {
    if (!isDuplicateKey(e)) throw e; // a concurrent first failure inserted it: count on it
    doc = await inc(false);
  }
  const over = (doc?.failures ?? 0) - policy.free;
  if (over <= 0) return false;
  const ms = Math.min(LOCKOUT_POLICY.maxMs, policy.firstMs * 2 ** Math.min(over - 1, 20));
  await LoginAttemptModel.updateOne(key, { $max: { lockedUntil: new Date(now.getTime() + ms), lockedAt: now } });
  return true;
}

/** A wrong password (or an unknown name) from this address. */
export async function recordFailure(
  username: string,
  ip: string,
  town: Types.ObjectId | undefined,
  now: Date,
): Promise<void> {
  const locked = await Promise.all([
    countFailure(username, ip, town, LOCKOUT_POLICY.account, now),
    countFailure(ADDRESS, ip, undefined, LOCKOUT_POLICY.address, now),
  ]);
  if (locked.some(Boolean))
    await LoginAttemptModel.deleteMany({ lastFailureAt: { $lt: new Date(now.getTime() - LOCKOUT_POLICY.keepMs) } });
}

/** The right password: the pair's streak ends (its lock history stays for the office's list). */
export async function recordSuccess(username: string, ip: string): Promise<void> {
  await LoginAttemptModel.updateOne({ username, ip, failures: { $gt: 0 } }, { $set: { failures: 0 } });
}

/** Lock-outs begun in the last `sinceMs`, newest first, of the town's accounts and of addresses. */
export async function recentLockouts(town: Types.ObjectId | string, now: Date, sinceMs = 24 * 60 * 60_000) {
  const rows = await LoginAttemptModel.find({
    lockedAt: { $gte: new Date(now.getTime() - sinceMs) },
    $or: [{ town }, { town: { $exists: false } }],
  })
    .sort({ lockedAt: -1 })
    .limit(200)
    .lean();
  return rows.map((r) => ({
    kind: r.username === ADDRESS ? ('address' as const) : ('account' as const),
    username: r.username === ADDRESS ? undefined : r.username,
    ip: r.ip,
    failures: r.failures,
    lockedAt: r.lockedAt!.toISOString(),
    lockedUntil: r.lockedUntil!.toISOString(),
    active: r.lockedUntil!.getTime() > now.getTime(),
  }));
}
