import { z } from 'zod';

/** The product's domain events (DESIGN.md principle 7): what webhooks and in-process subscribers receive. */
export const EVENT_NAMES = [
  'tip.created',
  'tip.accepted',
  'hazard.created',
  'hazard.updated',
  'hazard.closed',
  'callout.created',
  'callout.acked',
  'callout.escalated',
  'incident.created',
  'incident.late',
  'drill.started',
  'drill.ended',
] as const;
export type EventName = (typeof EVENT_NAMES)[number];
export const EventNameEnum = z.enum(EVENT_NAMES).meta({ id: 'EventName' });

/**
 * One event as delivered to a webhook (the signed body). A receiver dedupes by `id` and may refuse
 * a stale `occurredAt`; `data` never carries a confidential reporter or an unmasked phone number.
 */
export const EventEnvelope = z
  .object({
    id: z.string(),
    event: EventNameEnum,
    town: z.string(),
    occurredAt: z.string(),
    data: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'EventEnvelope' });
export type EventEnvelope = z.infer<typeof EventEnvelope>;

export const EventFeedQuery = z.object({
  /** Events after this one (the id of the last event read), oldest first. */
  after: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export const EventFeed = z.object({ items: z.array(EventEnvelope) }).meta({ id: 'EventFeed' });
