import type { Types } from 'mongoose';
import type { AppServices } from '../core/context';
import { publish } from '../events/bus';
import { idOf, isoOf, maskPhonesIn } from '../events/privacy';
import { outsideView } from '../moderation/present';
import { ensureChecked } from '../moderation/service';
import type { Hazard } from './hazard.model';

type HazardLean = Hazard & { _id: Types.ObjectId };

/**
 * The outside view of a hazard in its events: no reporter, phones masked in the text, and a text
 * from a chat report or a tip only once the content check passed it (moderation/present.ts).
 */
export async function hazardEventData(h: HazardLean): Promise<Record<string, unknown>> {
  const last = h.history?.at(-1);
  const view = (await outsideView('hazard', [h]))(h);
  return {
    id: String(h._id),
    code: h.code,
    category: h.category,
    level: h.level,
    status: h.status,
    source: h.source,
    description: view.withheld ? view.description : maskPhonesIn(h.description),
    ...(view.withheld ? { withheld: true } : {}),
    location: h.location ? { lat: h.location.lat, lng: h.location.lng } : undefined,
    village: idOf(h.village),
    grid: idOf(h.grid),
    department: h.department ?? undefined,
    deadline: isoOf(h.deadline),
    overdue: Boolean(h.overdue),
    closedAt: isoOf(h.closedAt),
    closedOnTime: h.closedOnTime ?? undefined,
    tips: (h.tips ?? []).map(String),
    ...(last ? { action: last.action, from: last.from ?? undefined, to: last.to ?? undefined } : {}),
  };
}

/**
 * Publish a hazard's change. The id names the history entry the change wrote, so a repeat of the
 * same change publishes nothing new.
 */
export async function publishHazard(
  services: AppServices,
  event: 'hazard.created' | 'hazard.updated' | 'hazard.closed',
  h: HazardLean,
) {
  const n = h.history?.length ?? 0;
  // A chat report is checked right after it is stored, so its first event carries the checked
  // text rather than the marker (staff in a chat have no WeChat openid: the local list decides).
  if (event === 'hazard.created' && h.source === 'chat')
    await ensureChecked(services, 'hazard', { ...h, author: h.reportedBy }).catch((err: unknown) =>
      services.log.warn({ err, hazard: String(h._id) }, 'content check of a chat report failed; the job retries'),
    );
  return publish(services, {
    id: `${event}:${String(h._id)}:${n}`,
    event,
    town: h.town,
    subject: { kind: 'hazard', id: String(h._id) },
    data: await hazardEventData(h),
    occurredAt: h.history?.at(-1)?.at ?? services.clock.now(),
  });
}
