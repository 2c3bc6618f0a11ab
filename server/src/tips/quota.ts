import type { Types } from 'mongoose';
import { AppError } from '@yingji/shared';
import { isDuplicateKey } from '../db/duplicate';
import { TipQuotaModel } from './quota.model';

const HOUR = 3600 * 1000;

/**
 * Take one of the reporter's tip slots of the current hour, or refuse with TIP_RATE_LIMITED.
 * One atomic update per attempt: `$inc` only while `count < limit`; the first tip of an hour
 * inserts the counter (upsert), and a concurrent first tip that loses that insert race (duplicate
 * key) retries as a plain update. Answers a function that gives the slot back (the tip was not
 * stored after all).
 */
export async function claimTipSlot(
  reporter: Types.ObjectId | string,
  limit: number,
  now: Date,
): Promise<() => Promise<void>> {
  const window = new Date(Math.floor(now.getTime() / HOUR) * HOUR);
  const key = { reporter, window };
  const claim = (upsert: boolean) =>
    TipQuotaModel.findOneAndUpdate(
      { ...key, count: { $lt: limit } },
      { $inc: { count: 1 } },
      { upsert, returnDocument: 'after' },
    ).lean();
  let doc;
  try {
    doc = await claim(true);
  } catch (e) {
    // Either the hour's counter is full (the filter missed, the upsert hit the unique key), or
    // another request inserted it first: a plain update tells which.
    if (!isDuplicateKey(e)) throw e;
    doc = await claim(false);
  }
  if (!doc) {
    throw new AppError('TIP_RATE_LIMITED', {
      message: `举报提交太频繁：每小时最多提交 ${limit} 条，请稍后再试`,
      retryAfter: Math.max(1, (window.getTime() + HOUR - now.getTime()) / 1000),
    });
  }
  if (doc.count === 1) await TipQuotaModel.deleteMany({ reporter, window: { $lt: window } });
  return async () => {
    await TipQuotaModel.updateOne({ ...key, count: { $gt: 0 } }, { $inc: { count: -1 } });
  };
}
