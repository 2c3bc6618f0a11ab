import type { Types } from 'mongoose';
import type { AppServices } from '../core/context';
import { publish } from '../events/bus';
import { idOf, isoOf, maskPhonesIn } from '../events/privacy';
import { TextCheckModel, textCheckId } from '../moderation/check.model';
import { outsideView } from '../moderation/present';
import { TipModel, type Tip } from './tip.model';

type TipLean = Tip & { _id: Types.ObjectId };

/**
 * How long `tip.created` waits for the content check (it runs every few seconds). Past this, the
 * event goes out anyway, with the text withheld as not yet checked: a tip is never lost to a check
 * that keeps failing.
 */
export const ANNOUNCE_WAIT_MS = 5 * 60_000;

/**
 * The outside view of a tip: never its reporter (confidential or not), phones masked in the text,
 * and the text only once the content check passed it (flagged or unchecked: a neutral marker).
 * No photos.
 */
export async function tipEventData(t: TipLean): Promise<Record<string, unknown>> {
  const view = (await outsideView('tip', [t]))(t);
  return {
    id: String(t._id),
    code: t.code,
    category: t.category,
    description: view.withheld ? view.description : maskPhonesIn(t.description),
    ...(view.withheld ? { withheld: true } : {}),
    location: t.location ? { lat: t.location.lat, lng: t.location.lng } : undefined,
    village: idOf(t.village),
    grid: idOf(t.grid),
    status: t.status,
    source: t.source ?? 'app',
    submittedAt: isoOf(t.submittedAt),
  };
}

/**
 * Publish `tip.created` for a stored tip, then clear its pending mark (a crash in between
 * publishes again, which the event id makes harmless).
 *
 * Why not at once when the tip is stored: the webhook subscriber writes the event's data into the
 * outbox body (it is signed as is), and the event feed serves the stored data, so whatever the
 * event says when published is what leaves. The content check runs after the tip is stored, so
 * the event waits for it (the `tips:announce` job below, or the triage of a tip accepted at once)
 * and carries the checked text. A photo's verdict may come later still, but no photo leaves with
 * an event.
 */
export async function announceTip(services: AppServices, t: TipLean) {
  const e = await publish(services, {
    id: `tip.created:${String(t._id)}`,
    event: 'tip.created',
    town: t.town,
    subject: { kind: 'tip', id: String(t._id) },
    data: await tipEventData({ ...t, status: 'submitted' }),
    occurredAt: t.submittedAt,
  });
  await TipModel.updateOne({ _id: t._id }, { $unset: { announcePending: 1 } });
  return e;
}

/** The job: tips waiting for `tip.created` whose check is done (or that waited long enough). */
export async function announceCheckedTips(services: AppServices, limit = 200): Promise<number> {
  const waiting = await TipModel.find({ announcePending: true }).sort({ submittedAt: 1 }).limit(limit).lean();
  if (waiting.length === 0) return 0;
  const checked = new Set(
    (
      await TextCheckModel.find({ _id: { $in: waiting.map((t) => textCheckId('tip', t._id)) } })
        .select('_id')
        .lean()
    ).map((c) => String(c._id)),
  );
  const late = services.clock.now().getTime() - ANNOUNCE_WAIT_MS;
  let n = 0;
  for (const t of waiting) {
    if (!checked.has(textCheckId('tip', t._id)) && t.submittedAt.getTime() > late) continue;
    try {
      await announceTip(services, t);
      n++;
    } catch (err) {
      services.log.warn({ err, tip: String(t._id) }, 'tip.created not published; retried on the next run');
    }
  }
  return n;
}

export async function publishTipAccepted(
  services: AppServices,
  t: TipLean,
  hazard: { _id: Types.ObjectId; code: string },
) {
  return publish(services, {
    id: `tip.accepted:${String(t._id)}`,
    event: 'tip.accepted',
    town: t.town,
    subject: { kind: 'tip', id: String(t._id) },
    data: {
      ...(await tipEventData({ ...t, status: 'accepted' })),
      hazard: { id: String(hazard._id), code: hazard.code },
    },
  });
}
