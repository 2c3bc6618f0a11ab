import { z } from 'zod';
import { ObjectIdString } from './common';
import { EventNameEnum } from './events';

export const WebhookCreate = z
  .object({
    url: z.url({ protocol: /^https?$/, error: '请填写有效的网址' }).max(500),
    events: z.array(EventNameEnum).min(1, '请至少选择一种事件'),
  })
  .meta({ id: 'WebhookCreate' });
export type WebhookCreate = z.input<typeof WebhookCreate>;

/** The signing secret is in this answer only (HMAC-SHA256 of the raw body, `X-Yingji-Signature: sha256=<hex>`). */
export const WebhookCreated = z.object({ id: z.string(), secret: z.string() }).meta({ id: 'WebhookCreated' });
export type WebhookCreated = z.infer<typeof WebhookCreated>;

export const WebhookOut = z
  .object({
    id: z.string(),
    url: z.string(),
    events: z.array(EventNameEnum),
    active: z.boolean(),
    createdAt: z.string(),
  })
  .meta({ id: 'WebhookOut' });
export const WebhookList = z.object({ items: z.array(WebhookOut) }).meta({ id: 'WebhookList' });
export const WebhookIdParam = z.object({ id: ObjectIdString });
