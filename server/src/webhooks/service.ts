import crypto from 'node:crypto';
import { AppError, type EventName, type WebhookCreated } from '@yingji/shared';
import type { AppServices, Caller } from '../core/context';
import type { Subscriber } from '../events/bus';
import { envelopeOf } from '../events/model';
import { enqueue } from '../outbox/enqueue';
import { WebhookModel, type WebhookLean } from './model';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** HTTPS only; plain HTTP to loopback when WEBHOOK_ALLOW_HTTP_LOOPBACK=true (tests, a local relay). */
export function checkUrl(services: AppServices, raw: string): string {
  const u = new URL(raw);
  if (u.protocol === 'https:') return u.toString();
  if (u.protocol === 'http:' && services.config.WEBHOOK_ALLOW_HTTP_LOOPBACK === 'true' && LOOPBACK.has(u.hostname))
    return u.toString();
  throw new AppError('WEBHOOK_HTTPS_REQUIRED');
}

export async function createWebhook(
  services: AppServices,
  caller: Caller,
  body: { url: string; events: EventName[] },
): Promise<WebhookCreated> {
  const url = checkUrl(services, body.url);
  const secret = `whsec_${crypto.randomBytes(24).toString('base64url')}`;
  const w = await WebhookModel.create({
    town: caller.town,
    url,
    events: [...new Set(body.events)],
    secret,
    createdBy: caller._id,
  });
  return { id: String(w._id), secret };
}

export async function listWebhooks(caller: Caller) {
  const ws = await WebhookModel.find({ town: caller.town }).sort({ createdAt: -1 }).lean<WebhookLean[]>();
  return {
    items: ws.map((w) => ({
      id: String(w._id),
      url: w.url,
      events: w.events,
      active: w.active,
      createdAt: w.createdAt.toISOString(),
    })),
  };
}

export async function deleteWebhook(caller: Caller, id: string) {
  const r = await WebhookModel.updateOne({ _id: id, town: caller.town }, { $set: { active: false } });
  if (!r.matchedCount) throw new AppError('WEBHOOK_NOT_FOUND');
}

export const sign = (secret: string, body: string) =>
  `sha256=${crypto.createHmac('sha256', secret).update(body).digest('hex')}`;

/**
 * Every event of a town goes to the town's subscriptions for it, as outbox deliveries (one per
 * subscription and event, by idempotency key): the request that caused the event never waits
 * for a receiver, and retries, back-off and parking are the outbox's.
 */
export const webhooksSubscriber: Subscriber = {
  name: 'webhooks',
  events: '*',
  async handle(services, e) {
    const subs = await WebhookModel.find({ town: e.town, active: true, events: e.event }).lean<WebhookLean[]>();
    if (subs.length === 0) return;
    const body = JSON.stringify(envelopeOf(e));
    await enqueue(
      services.clock,
      subs.map((w) => ({
        town: e.town,
        channel: 'webhook' as const,
        recipient: { address: String(w._id) },
        content: { kind: 'text' as const, text: body },
        source: { kind: 'event', id: e._id, step: e.event },
        idempotencyKey: `wh:${String(w._id)}:${e._id}`,
      })),
    );
  },
};
