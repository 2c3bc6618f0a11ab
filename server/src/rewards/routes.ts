import { z } from 'zod';
import {
  MyReward,
  OFFICE_ROLES,
  ObjectIdString,
  Reporter,
  ReporterAccess,
  RewardDecisionBody,
  RewardListQuery,
  RewardOut,
} from '@yingji/shared';
import type { Module } from '../core/module';
import { accessLog, decide, getReward, listRewards, myRewards, rewardReporter } from './service';

/** The reward permission: only these roles decide rewards and may see a confidential reporter. */
export const REWARD_ROLES = OFFICE_ROLES;
const Params = z.object({ id: ObjectIdString });

/** Rewards 举报奖励 for verified tips. */
export const rewardsModule: Module = {
  name: 'rewards',
  routes(api) {
    api.route(
      {
        method: 'get',
        path: '/api/rewards/mine',
        summary: '我的举报奖励',
        tags: ['rewards'],
        auth: 'any',
        response: z.object({ items: z.array(MyReward) }),
      },
      ({ caller }) => myRewards(caller),
    );
    api.route(
      {
        method: 'get',
        path: '/api/rewards/audit',
        summary: '保密举报人身份查看记录',
        tags: ['rewards'],
        auth: REWARD_ROLES,
        response: z.object({ items: z.array(ReporterAccess) }),
      },
      ({ caller }) => accessLog(caller),
    );
    api.route(
      {
        method: 'get',
        path: '/api/rewards',
        summary: '举报奖励列表',
        tags: ['rewards'],
        auth: REWARD_ROLES,
        query: RewardListQuery,
        response: z.object({ items: z.array(RewardOut), total: z.number() }),
      },
      ({ caller, query }) => listRewards(caller, query),
    );
    api.route(
      {
        method: 'get',
        path: '/api/rewards/:id',
        summary: '查看奖励',
        tags: ['rewards'],
        auth: REWARD_ROLES,
        params: Params,
        response: RewardOut,
      },
      ({ caller, params }) => getReward(caller, params.id),
    );
    api.route(
      {
        method: 'post',
        path: '/api/rewards/:id/decisions',
        summary: '审批、调整（须说明理由）、不予奖励或登记发放',
        tags: ['rewards'],
        auth: REWARD_ROLES,
        params: Params,
        body: RewardDecisionBody,
        response: RewardOut,
      },
      ({ services, caller, params, body }) => decide(services, caller, params.id, body),
    );
    api.route(
      {
        method: 'get',
        path: '/api/rewards/:id/reporter',
        summary: '查看受奖举报人身份（保密举报人每次查看均记入审计日志）',
        tags: ['rewards'],
        auth: REWARD_ROLES,
        params: Params,
        response: Reporter,
      },
      ({ services, caller, params }) => rewardReporter(services, caller, params.id),
    );
  },
};
