import {
  OFFICE_ROLES,
  OutboxClaimRequest,
  OutboxClaimResponse,
  OutboxIdParam,
  OutboxResultRequest,
  OutboxResultResponse,
  ParkedList,
  ParkedQuery,
} from '@yingji/shared';
import type { Module, Job } from '../core/module';
import { DeliveryModel, type DeliveryChannel } from './delivery.model';
import { claimForBot, listParked, reapBotLeases, recordBotResult, retryParked } from './service';
import { onOutboxWake } from './wake';
import { SERVER_CHANNELS, runOutboxPass } from './worker';

/** Poll interval of the workers (OUTBOX_POLL_MS, validated in config.ts); read when the job is scheduled. */
const pollMs = () => Number(process.env.OUTBOX_POLL_MS) || 1000;

const channelJob = (channel: DeliveryChannel): Job => ({
  name: `outbox:${channel}`,
  get everyMs() {
    return pollMs();
  },
  run: (services) => runOutboxPass(services, channel, { concurrency: services.config.OUTBOX_CONCURRENCY }),
  wakeOn: (wake) => onOutboxWake(channel, wake),
});

/** Old sent deliveries are kept 30 days (the per-member limits read the last hour). */
const cleanupJob: Job = {
  name: 'outbox:cleanup',
  everyMs: 3600_000,
  run: (services) =>
    DeliveryModel.deleteMany({
      state: 'sent',
      sentAt: { $lt: new Date(services.clock.now().getTime() - 30 * 24 * 3600_000) },
    }),
};

/** The outbox: its workers (one job per channel the server sends), the bot's claim/result routes, the office's view. */
export const outboxModule: Module = {
  name: 'outbox',
  jobs: [
    ...SERVER_CHANNELS.map(channelJob),
    {
      name: 'outbox:bot-leases',
      get everyMs() {
        return pollMs() * 5;
      },
      run: (services) => reapBotLeases(services),
    },
    cleanupJob,
  ],
  routes(api) {
    api.route(
      {
        method: 'post',
        path: '/api/outbox/claim',
        summary: '机器人进程领取待发消息（租约内发送并报告结果）',
        tags: ['outbox'],
        auth: 'bot',
        body: OutboxClaimRequest,
        response: OutboxClaimResponse,
      },
      async ({ body, services }) => ({ deliveries: await claimForBot(services, body) }),
    );
    api.route(
      {
        method: 'post',
        path: '/api/outbox/:id/result',
        summary: '机器人进程报告发送结果',
        tags: ['outbox'],
        auth: 'bot',
        params: OutboxIdParam,
        body: OutboxResultRequest,
        response: OutboxResultResponse,
      },
      ({ params, body, services }) => recordBotResult(services, params.id, body),
    );
    api.route(
      {
        method: 'get',
        path: '/api/outbox/parked',
        summary: '发送失败、已暂停的消息（待应急办处理）',
        tags: ['outbox'],
        auth: OFFICE_ROLES,
        query: ParkedQuery,
        response: ParkedList,
      },
      ({ caller, query }) => listParked(caller, query),
    );
    api.route(
      {
        method: 'post',
        path: '/api/outbox/:id/retry',
        summary: '重发一条已暂停的消息',
        tags: ['outbox'],
        auth: OFFICE_ROLES,
        params: OutboxIdParam,
        response: OutboxResultResponse,
      },
      ({ caller, params, services }) => retryParked(services, caller, params.id),
    );
  },
};
