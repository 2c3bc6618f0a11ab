import { z } from 'zod';
import { AppError, ObjectIdString } from '@yingji/shared';
import type { AppServices, Caller } from '../core/context';
import { DeliveryModel, type DeliveryLean } from '../outbox/delivery.model';
import { WebhookModel } from './model';

export const WebhookDeliveryParams = z.object({ id: ObjectIdString, deliveryId: ObjectIdString });

/** One delivery of a subscription, for the console: what was sent, how it went. Never the body. */
export const WebhookDeliveryOut = z
  .object({
    id: z.string(),
    event: z.string(),
    state: z.enum(['pending', 'sending', 'sent', 'failed', 'parked']),
    attempts: z.number().int(),
    lastError: z.string().optional(),
    parkedReason: z.string().optional(),
    createdAt: z.string(),
    sentAt: z.string().optional(),
    nextAttemptAt: z.string().optional(),
  })
  .meta({ id: 'WebhookDelivery' });
export const WebhookDeliveryList = z.object({ items: z.array(WebhookDeliveryOut) }).meta({ id: 'WebhookDeliveryList' });
export const WebhookDeliveryRetried = z.object({ id: z.string(), state: z.string() });

const RECENT = 20;

async function subscriptionOf(caller: Caller, id: string) {
  const w = await WebhookModel.findOne({ _id: id, town: caller.town }).select('_id').lean();
  if (!w) throw new AppError('WEBHOOK_NOT_FOUND');
  return String(w._id);
}

/** The subscription's most recent deliveries, newest first. */
export async function listWebhookDeliveries(caller: Caller, id: string): Promise<z.infer<typeof WebhookDeliveryList>> {
  const address = await subscriptionOf(caller, id);
  // By the idempotency key's prefix (`wh:<subscription>:<event>`): an anchored match uses its index.
  const ds = await DeliveryModel.find({
    town: caller.town,
    channel: 'webhook',
    idempotencyKey: { $regex: `^wh:${address}:` },
  })
    .sort({ createdAt: -1 })
    .limit(RECENT)
    .lean<DeliveryLean[]>();
  return {
    items: ds.map((d) => ({
      id: String(d._id),
      event: d.source?.step ?? '',
      state: d.state,
      attempts: d.attempts ?? 0,
      ...(d.lastError ? { lastError: d.lastError } : {}),
      ...(d.parkedReason ? { parkedReason: d.parkedReason } : {}),
      createdAt: (d.createdAt ?? new Date(0)).toISOString(),
      ...(d.sentAt ? { sentAt: d.sentAt.toISOString() } : {}),
      ...(d.state === 'pending' && d.nextAttemptAt ? { nextAttemptAt: d.nextAttemptAt.toISOString() } : {}),
    })),
  };
}

/**
 * 重试: a parked delivery starts again from its first attempt; one that failed and waits for its
 * back-off is sent at the next pass. A delivery sent, or not yet tried, needs no retry (409).
 */
export async function retryWebhookDelivery(services: AppServices, caller: Caller, id: string, deliveryId: string) {
  const address = await subscriptionOf(caller, id);
  const now = services.clock.now();
  const mine = { _id: deliveryId, town: caller.town, channel: 'webhook' as const, 'recipient.address': address };
  const d =
    (await DeliveryModel.findOneAndUpdate(
      { ...mine, state: 'parked' },
      {
        $set: { state: 'pending', attempts: 0, nextAttemptAt: now },
        $unset: { parkedReason: 1, uncertainSince: 1, leaseOwner: 1, leaseUntil: 1 },
      },
      { returnDocument: 'after' },
    ).lean<DeliveryLean>()) ??
    (await DeliveryModel.findOneAndUpdate(
      { ...mine, $or: [{ state: 'failed' }, { state: 'pending', attempts: { $gt: 0 } }] },
      { $set: { state: 'pending', nextAttemptAt: now } },
      { returnDocument: 'after' },
    ).lean<DeliveryLean>());
  if (!d) {
    if (await DeliveryModel.exists(mine)) throw new AppError('DELIVERY_NOT_PARKED');
    throw new AppError('DELIVERY_NOT_FOUND');
  }
  services.log.info({ delivery: deliveryId, webhook: id, userId: caller.id }, 'webhook delivery retried');
  return { id: String(d._id), state: d.state };
}
