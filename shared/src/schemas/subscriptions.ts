import { z } from 'zod';
import type { ApiClient } from '../client';

/**
 * Mini-program subscription messages (订阅消息): which templates the mini-program asks for at each
 * moment, what the resident answered in requestSubscribeMessage, and how many residents the office
 * can still reach per village (each accept allows one message).
 */
export const SubscribeKind = z.enum(['tip_status', 'reward_status', 'warning', 'drill']);
export type SubscribeKind = z.infer<typeof SubscribeKind>;

export const SubscribeTemplates = z
  .object({
    items: z.array(z.object({ kind: SubscribeKind, templateId: z.string(), remaining: z.number().int() })),
  })
  .meta({ id: 'SubscribeTemplates' });
export type SubscribeTemplates = z.infer<typeof SubscribeTemplates>;

/** The answer of wx.requestSubscribeMessage, per template id. */
export const SubscribeResult = z.enum(['accept', 'reject', 'ban', 'filter', 'acceptWithAudio']);
export const SubscribeConsentBody = z
  .object({
    results: z
      .record(z.string().min(1).max(128), SubscribeResult)
      .refine((r) => Object.keys(r).length >= 1 && Object.keys(r).length <= 3, '每次最多 3 个模板'),
  })
  .meta({ id: 'SubscribeConsentBody' });
export type SubscribeConsentBody = z.infer<typeof SubscribeConsentBody>;

export const SubscribeReach = z
  .object({
    items: z.array(
      z.object({
        village: z.object({ id: z.string(), name: z.string() }).nullable(),
        kind: SubscribeKind,
        residents: z.number().int(),
        messages: z.number().int(),
      }),
    ),
  })
  .meta({ id: 'SubscribeReach' });
export type SubscribeReach = z.infer<typeof SubscribeReach>;

export const subscriptionsApi = (c: ApiClient) => ({
  templates: () => c.get<SubscribeTemplates>('/api/subscriptions/templates'),
  record: (body: SubscribeConsentBody) => c.post<SubscribeTemplates>('/api/subscriptions/consents', body),
  reach: () => c.get<SubscribeReach>('/api/subscriptions/reach'),
});
