import { OFFICE_ROLES, SubscribeConsentBody, SubscribeReach, SubscribeTemplates } from '@yingji/shared';
import type { Module } from '../core/module';
import { myTemplates, reachByVillage, recordConsents } from './service';
import { announceRewards } from './rewards';
import { announceWarnings } from './warnings';

/**
 * Subscription messages 订阅消息: the templates the mini-program asks for, the residents' answers
 * (one message per accept), the office's view of whom it can still reach, and the job that tells
 * subscribed residents of a warning in force for their village.
 */
export const subscriptionsModule: Module = {
  name: 'subscriptions',
  routes(api) {
    api.route(
      {
        method: 'get',
        path: '/api/subscriptions/templates',
        summary: '本镇订阅消息模板及本人剩余可接收次数',
        tags: ['subscriptions'],
        response: SubscribeTemplates,
      },
      ({ caller }) => myTemplates(caller),
    );
    api.route(
      {
        method: 'post',
        path: '/api/subscriptions/consents',
        summary: '记录 requestSubscribeMessage 的结果（每个模板：accept/reject/ban/filter）',
        tags: ['subscriptions'],
        body: SubscribeConsentBody,
        response: SubscribeTemplates,
      },
      ({ services, caller, body }) => recordConsents(services, caller, body),
    );
    api.route(
      {
        method: 'get',
        path: '/api/subscriptions/reach',
        summary: '各村（社区）仍可通过订阅消息通知到的群众人数',
        tags: ['subscriptions'],
        auth: OFFICE_ROLES,
        response: SubscribeReach,
      },
      ({ caller }) => reachByVillage(caller),
    );
  },
  jobs: [
    { name: 'subscriptions:warnings', everyMs: 10_000, run: (services) => announceWarnings(services) },
    { name: 'subscriptions:rewards', everyMs: 30_000, run: (services) => announceRewards(services) },
  ],
};
