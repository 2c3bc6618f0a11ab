import {
  OFFICE_ROLES,
  TOWN_ADMIN_ROLES,
  WebhookCreate,
  WebhookCreated,
  WebhookIdParam,
  WebhookList,
} from '@yingji/shared';
import type { Module } from '../core/module';
import { runOutboxPass } from '../outbox/worker';
import {
  WebhookDeliveryList,
  WebhookDeliveryParams,
  WebhookDeliveryRetried,
  listWebhookDeliveries,
  retryWebhookDelivery,
} from './deliveries';
import { createWebhook, deleteWebhook, listWebhooks } from './service';

const pollMs = () => Number(process.env.OUTBOX_POLL_MS) || 1000;

/**
 * Signed webhooks: subscriptions by the office, deliveries through the outbox (`webhook` channel,
 * its worker below; parked ones are retried from the console's parked list like any other).
 */
export const webhooksModule: Module = {
  name: 'webhooks',
  jobs: [
    {
      name: 'outbox:webhook',
      get everyMs() {
        return pollMs();
      },
      run: (services) => runOutboxPass(services, 'webhook', { sendTimeoutMs: services.config.WEBHOOK_TIMEOUT_MS }),
    },
  ],
  routes(api) {
    api.route(
      {
        method: 'post',
        path: '/api/webhooks',
        summary: '订阅事件推送（HTTPS 地址；仅此一次显示签名密钥）',
        tags: ['integrations'],
        auth: OFFICE_ROLES,
        body: WebhookCreate,
        status: 201,
        response: WebhookCreated,
      },
      ({ services, caller, body }) => createWebhook(services, caller, body),
    );
    api.route(
      {
        method: 'get',
        path: '/api/webhooks',
        summary: '本镇的事件推送订阅',
        tags: ['integrations'],
        auth: OFFICE_ROLES,
        response: WebhookList,
      },
      ({ caller }) => listWebhooks(caller),
    );
    api.route(
      {
        method: 'delete',
        path: '/api/webhooks/:id',
        summary: '停止事件推送',
        tags: ['integrations'],
        auth: OFFICE_ROLES,
        params: WebhookIdParam,
      },
      ({ caller, params }) => deleteWebhook(caller, params.id),
    );
    api.route(
      {
        method: 'get',
        path: '/api/webhooks/:id/deliveries',
        summary: '事件推送的最近投递（状态、尝试次数、失败原因）',
        tags: ['integrations'],
        auth: OFFICE_ROLES,
        params: WebhookIdParam,
        response: WebhookDeliveryList,
      },
      ({ caller, params }) => listWebhookDeliveries(caller, params.id),
    );
    api.route(
      {
        method: 'post',
        path: '/api/webhooks/:id/deliveries/:deliveryId/retry',
        summary: '立即重试一条失败或已暂停的投递',
        tags: ['integrations'],
        auth: TOWN_ADMIN_ROLES,
        params: WebhookDeliveryParams,
        response: WebhookDeliveryRetried,
      },
      ({ services, caller, params }) => retryWebhookDelivery(services, caller, params.id, params.deliveryId),
    );
  },
};
