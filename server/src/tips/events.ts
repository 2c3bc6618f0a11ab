import type { Types } from 'mongoose';
import type { AppServices } from '../core/context';
import { publish } from '../events/bus';
import { idOf, isoOf, maskPhonesIn } from '../events/privacy';
import type { Tip } from './tip.model';

type TipLean = Tip & { _id: Types.ObjectId };

/** The outside view of a tip: never its reporter (confidential or not), phones masked in the text. */
export function tipEventData(t: TipLean): Record<string, unknown> {
  const extra = t as unknown as { source?: string; camera?: unknown };
  return {
    id: String(t._id),
    code: t.code,
    category: t.category,
    description: maskPhonesIn(t.description),
    location: t.location ? { lat: t.location.lat, lng: t.location.lng } : undefined,
    village: idOf(t.village),
    grid: idOf(t.grid),
    status: t.status,
    submittedAt: isoOf(t.submittedAt),
    ...(extra.source ? { source: extra.source } : {}),
  };
}

export function publishTipCreated(services: AppServices, t: TipLean) {
  return publish(services, {
    id: `tip.created:${String(t._id)}`,
    event: 'tip.created',
    town: t.town,
    subject: { kind: 'tip', id: String(t._id) },
    data: tipEventData(t),
    occurredAt: t.submittedAt,
  });
}

export function publishTipAccepted(services: AppServices, t: TipLean, hazard: { _id: Types.ObjectId; code: string }) {
  return publish(services, {
    id: `tip.accepted:${String(t._id)}`,
    event: 'tip.accepted',
    town: t.town,
    subject: { kind: 'tip', id: String(t._id) },
    data: { ...tipEventData({ ...t, status: 'accepted' }), hazard: { id: String(hazard._id), code: hazard.code } },
  });
}
