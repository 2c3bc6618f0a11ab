import { z } from 'zod';
import type { ApiClient } from '../client';
import { ObjectIdString } from './common';

/** Request and answer schemas of the outbox capability (shared by the server, the bot and the mini-program). */

export const DeliveryChannelEnum = z
  .enum(['wecom_app', 'wecom_robot', 'wechaty', 'wechat_subscribe', 'phone_list', 'webhook', 'broadcast', 'sms'])
  .meta({ id: 'DeliveryChannel' });

/** A bot process asks for deliveries of its channel to send (`Authorization: Bot <BOT_TOKEN>`). */
export const OutboxClaimRequest = z
  .object({
    channel: z.literal('wechaty'),
    limit: z.number().int().min(1).max(100).default(20),
    /** Who claims (host:pid), for the office's view and the logs. */
    worker: z.string().trim().min(1).max(100),
  })
  .meta({ id: 'OutboxClaimRequest' });
export type OutboxClaimRequest = z.input<typeof OutboxClaimRequest>;

export const ClaimedDelivery = z
  .object({
    id: z.string(),
    channel: DeliveryChannelEnum,
    /** A Wechaty room id (group) or contact id (direct). */
    address: z.string(),
    kind: z.enum(['group', 'direct']),
    text: z.string(),
    /** Wechaty contact ids to @mention in the room. */
    mentions: z.array(z.string()),
    exercise: z.boolean(),
    attempts: z.number().int(),
    leaseUntil: z.string(),
    source: z.object({ kind: z.string(), id: z.string().optional(), step: z.string().optional() }),
  })
  .meta({ id: 'ClaimedDelivery' });
export type ClaimedDelivery = z.infer<typeof ClaimedDelivery>;

export const OutboxClaimResponse = z
  .object({ deliveries: z.array(ClaimedDelivery) })
  .meta({ id: 'OutboxClaimResponse' });
export type OutboxClaimResponse = z.infer<typeof OutboxClaimResponse>;

/** What the bot reports after trying to send a claimed delivery. */
export const OutboxResultRequest = z
  .object({
    ok: z.boolean(),
    error: z.string().max(1000).optional(),
    result: z.record(z.string(), z.unknown()).optional(),
  })
  .meta({ id: 'OutboxResultRequest' });
export type OutboxResultRequest = z.infer<typeof OutboxResultRequest>;

export const OutboxResultResponse = z
  .object({ id: z.string(), state: z.enum(['pending', 'sending', 'sent', 'failed', 'parked']) })
  .meta({ id: 'OutboxResultResponse' });
export type OutboxResultResponse = z.infer<typeof OutboxResultResponse>;

export const ParkedQuery = z.object({
  channel: DeliveryChannelEnum.optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});

export const ParkedDelivery = z
  .object({
    id: z.string(),
    channel: DeliveryChannelEnum,
    /** Who it was for: the user's or group's name when known. */
    recipientName: z.string().optional(),
    recipientCount: z.number().int(),
    summary: z.string(),
    source: z.object({ kind: z.string(), id: z.string().optional(), step: z.string().optional() }),
    exercise: z.boolean(),
    attempts: z.number().int(),
    reason: z.enum(['max_attempts', 'outcome_unknown', 'invalid_recipient', 'rejected', 'not_configured']).optional(),
    lastError: z.string().optional(),
    updatedAt: z.string(),
  })
  .meta({ id: 'ParkedDelivery' });
export type ParkedDelivery = z.infer<typeof ParkedDelivery>;

export const ParkedList = z
  .object({ items: z.array(ParkedDelivery), total: z.number().int() })
  .meta({ id: 'ParkedList' });
export type ParkedList = z.infer<typeof ParkedList>;

export const OutboxIdParam = z.object({ id: ObjectIdString });

/** Typed helpers for the outbox routes. */
export const outboxApi = (c: ApiClient) => ({
  parked: (q: Partial<z.input<typeof ParkedQuery>> = {}) => c.get<ParkedList>('/api/outbox/parked', q),
  retry: (id: string) => c.post<OutboxResultResponse>(`/api/outbox/${id}/retry`),
});
