import type { Types } from 'mongoose';
import type { AppServices } from '../core/context';
import { publish } from '../events/bus';
import { idOf, isoOf, maskPhonesIn } from '../events/privacy';

interface IncidentPick {
  _id: Types.ObjectId;
  town: Types.ObjectId;
  kind: string;
  occurredAt: Date;
  dueAt: Date;
  status?: string | null;
  late?: boolean | null;
  description?: string | null;
  village?: Types.ObjectId | null;
  location?: { lat?: number | null; lng?: number | null; address?: string | null } | null;
  casualties?: unknown;
}

/** `incident.created` / `incident.late`, once per incident; no reporter, phones masked in the text. */
export function publishIncident(services: AppServices, event: 'incident.created' | 'incident.late', i: IncidentPick) {
  const id = String(i._id);
  return publish(services, {
    id: `${event}:${id}`,
    event,
    town: i.town,
    subject: { kind: 'incident', id },
    // Late at its due time, even when the server noticed it later (it was down at that moment).
    occurredAt: event === 'incident.created' ? i.occurredAt : i.dueAt,
    data: {
      id,
      kind: i.kind,
      occurredAt: isoOf(i.occurredAt),
      dueAt: isoOf(i.dueAt),
      status: i.status ?? 'pending',
      late: event === 'incident.late' || Boolean(i.late),
      description: maskPhonesIn(i.description),
      village: idOf(i.village),
      location: i.location ? { lat: i.location.lat ?? undefined, lng: i.location.lng ?? undefined } : undefined,
      casualties: i.casualties ?? undefined,
    },
  });
}
