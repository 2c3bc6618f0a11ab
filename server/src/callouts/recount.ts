/**
 * The recount of answers: restores to a call-out's `summary.acked` the answers whose `$inc` was
 * lost (the process died between recording an answer and counting it, or the database stayed away
 * longer than ack-tally's GIVE_UP_MS). It never counts an answer twice: it only looks at answers
 * recorded longer ago than SETTLED_MS, whose `$inc` has landed or been given up by then, and adds
 * at most the shortfall among those, in one update conditional on the counter it read. (So a lost
 * count is restored once the answers counted after it are settled too: within minutes of a burst.)
 * Run every five minutes: it reads every recipient of the call-outs of the last two days, and a
 * lost count needs a process to die.
 */
import type { AppServices } from '../core/context';
import { GIVE_UP_MS } from './ack-tally';
import { CalloutModel, CalloutRecipientModel, recipientsOf } from './callout.model';

/** Well past GIVE_UP_MS: a count still being tried is never taken for a lost one. */
export const SETTLED_MS = 3 * GIVE_UP_MS;
/** Call-outs issued within this long are recounted (answers may come after one is closed). */
const WITHIN_MS = 2 * 24 * 3600_000;

/** Answers restored to the summaries (0 when none was lost). */
export async function recountAnswers(services: AppServices): Promise<number> {
  const now = services.clock.now();
  const callouts = await CalloutModel.find({
    status: { $in: ['active', 'closed'] },
    issuedAt: { $gt: new Date(now.getTime() - WITHIN_MS) },
  })
    .select('summary')
    .limit(500)
    .lean<{ _id: unknown; summary: { total: number; acked: number } }[]>();
  // The wall clock, as the recipients' updatedAt (the time an answer was recorded) is.
  const settledBefore = new Date(Date.now() - SETTLED_MS);
  let restored = 0;
  for (const c of callouts) {
    if (c.summary.acked >= c.summary.total) continue;
    const settled = await CalloutRecipientModel.countDocuments({
      ...recipientsOf(c._id),
      acked: true,
      updatedAt: { $lt: settledBefore },
    });
    const missing = settled - c.summary.acked;
    if (missing <= 0) continue;
    const r = await CalloutModel.updateOne(
      { _id: c._id, 'summary.acked': c.summary.acked },
      { $inc: { 'summary.acked': missing } },
    ).exec();
    if (!r.modifiedCount) continue; // counted meanwhile: the next recount looks again
    restored += missing;
    services.log.warn({ callout: String(c._id), answers: missing }, 'answers restored to the summary by the recount');
  }
  return restored;
}
