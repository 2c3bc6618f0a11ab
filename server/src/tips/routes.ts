import { z } from 'zod';
import {
  OFFICE_ROLES,
  ObjectIdString,
  Reporter,
  TipCreate,
  TipCreated,
  TipListQuery,
  TipOut,
  TipQueueItem,
  TipTriage,
} from '@yingji/shared';
import type { Module } from '../core/module';
import { revealReporter } from '../rewards/service';
import { PlaceChoices, placeChoices } from './choices';
import { announceCheckedTips } from './events';
import { createTip, getTip, myTips, tipQueue, triageTip } from './service';
import { Types } from 'mongoose';

const Params = z.object({ id: ObjectIdString });

/** Tips 随手拍: residents report, the office triages them into the hazard list. */
export const tipsModule: Module = {
  name: 'tips',
  // `tip.created` once the content check has run (see tips/events.ts).
  jobs: [{ name: 'tips:announce', everyMs: 1000, run: (services) => announceCheckedTips(services) }],
  routes(api) {
    api.route(
      {
        method: 'post',
        path: '/api/tips',
        summary: '提交隐患举报（随手拍）',
        tags: ['tips'],
        auth: ['resident', 'grid', 'cadre'],
        body: TipCreate,
        status: 201,
        response: TipCreated,
      },
      ({ services, caller, body }) => createTip(services, caller, body),
    );
    api.route(
      {
        method: 'get',
        path: '/api/tips/places',
        summary: '举报时可选的地点（村 → 组），手机没有定位时用',
        tags: ['tips'],
        auth: 'any',
        response: PlaceChoices,
      },
      ({ caller }) => placeChoices(caller.town),
    );
    api.route(
      {
        method: 'get',
        path: '/api/tips/mine',
        summary: '我的举报（最新在前）',
        tags: ['tips'],
        auth: 'any',
        response: z.object({ items: z.array(TipOut) }),
      },
      ({ caller }) => myTips(caller),
    );
    api.route(
      {
        method: 'get',
        path: '/api/tips',
        summary: '举报受理队列（蓄水池），附疑似重复',
        tags: ['tips'],
        auth: OFFICE_ROLES,
        query: TipListQuery,
        response: z.object({ items: z.array(TipQueueItem), total: z.number() }),
      },
      ({ caller, query }) => tipQueue(caller, query),
    );
    api.route(
      {
        method: 'get',
        path: '/api/tips/:id',
        summary: '查看举报（群众只能看本人的）',
        tags: ['tips'],
        auth: 'any',
        params: Params,
        response: TipOut,
      },
      ({ caller, params }) => getTip(caller, params.id),
    );
    api.route(
      {
        method: 'post',
        path: '/api/tips/:id/triage',
        summary: '受理、不予受理或标记重复',
        tags: ['tips'],
        auth: OFFICE_ROLES,
        params: Params,
        body: TipTriage,
        response: TipOut,
      },
      ({ services, caller, params, body }) => triageTip(services, caller, params.id, body),
    );
    api.route(
      {
        method: 'get',
        path: '/api/tips/:id/reporter',
        summary: '查看举报人身份（保密举报人每次查看均记入审计日志）',
        tags: ['tips', 'rewards'],
        auth: OFFICE_ROLES,
        params: Params,
        response: Reporter,
      },
      ({ services, caller, params }) =>
        revealReporter(services, caller, new Types.ObjectId(params.id), `举报 ${params.id}`),
    );
  },
};
