/** Creations cut short: a call-out stored, its recipients not all written (the server died between). */
import type { CalloutCreate } from '@yingji/shared';
import type { AppServices } from '../core/context';
import { CalloutModel, CalloutRecipientModel, recipientsOf } from './callout.model';
import type { CalloutLean } from './common';
import {
  activate,
  contactDocs,
  countPeople,
  firstStepPeople,
  gatherRecipients,
  writeContacts,
  writeRecipients,
} from './create';
import { startFirstStep } from './steps';

/** Older than this, a `preparing` call-out is no longer being created by anyone. */
const STUCK_AFTER_MS = 60_000;

type Stored = CalloutLean & { request?: Pick<CalloutCreate, 'area' | 'recipients'> | null };

/**
 * Finish each stuck creation from its stored request: the recipients written (those already there
 * stay), the first step sent if it was not (the same idempotency keys: nobody gets it twice), and
 * the ladder started. Whoever is in the area now is who it reaches.
 */
export async function finishPreparing(services: AppServices): Promise<number> {
  const before = new Date(services.clock.now().getTime() - STUCK_AFTER_MS);
  const stuck = await CalloutModel.find({ status: 'preparing', issuedAt: { $lt: before } })
    .limit(10)
    .lean<Stored[]>();
  let finished = 0;
  for (const c of stuck) {
    try {
      const request = c.request ?? { area: { villages: c.area.villages.map(String), grids: c.area.grids.map(String) } };
      const gathered = await gatherRecipients(c.town, {
        area: request.area ?? undefined,
        recipients: request.recipients?.length ? request.recipients : undefined,
      });
      // Cut short before its persons were counted: none of their messages was enqueued yet, so
      // their batches are cut now (else as stored, the way the first of them were).
      const counts = c.summary.total === 0 && c.step < 0 ? await countPeople(c._id, gathered) : {};
      await writeContacts(contactDocs(c._id, c.town, gathered));
      await writeRecipients(c._id, c.town, c.issuedAt, gathered);
      const total = await CalloutRecipientModel.countDocuments(recipientsOf(c._id));
      await CalloutModel.updateOne({ _id: c._id }, { $set: { 'summary.total': total } }).exec();
      if (c.step < 0) await startFirstStep(services, { ...c, ...counts }, firstStepPeople(gathered));
      await activate(c._id);
      finished++;
      services.log.warn({ callout: String(c._id), total }, 'callout creation finished after a restart');
    } catch (err) {
      services.log.error({ err, callout: String(c._id) }, 'stuck callout could not be finished');
    }
  }
  return finished;
}
