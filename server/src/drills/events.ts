import type { AppServices } from '../core/context';
import { publish } from '../events/bus';
import type { DrillDoc } from './model';

/** `drill.started` / `drill.ended`, once per drill (the id names the drill and the change). */
export function publishDrill(services: AppServices, event: 'drill.started' | 'drill.ended', d: DrillDoc) {
  const id = String(d._id);
  return publish(services, {
    id: `${event}:${id}`,
    event,
    town: d.town,
    subject: { kind: 'drill', id },
    occurredAt: (event === 'drill.started' ? d.startedAt : d.endedAt) ?? services.clock.now(),
    data: {
      id,
      title: d.title,
      unannounced: Boolean(d.unannounced),
      status: d.status,
      startedAt: d.startedAt?.toISOString(),
      endedAt: d.endedAt?.toISOString(),
      participants: d.participants?.length ?? 0,
      exercise: true,
    },
  });
}
