import { z } from 'zod';
import {
  HazardActionBody,
  HazardCreate,
  HazardDetail,
  HazardListQuery,
  HazardMediaBody,
  HazardOut,
  HazardStats,
  OFFICE_ROLES,
  ObjectIdString,
  STAFF_ROLES,
} from '@yingji/shared';
import type { Module } from '../core/module';
import { hazardWorkbook } from './export';
import { overdueJob } from './overdue';
import { rerouteRoute } from './reroute';
import { formatLocal } from './rules';
import {
  actOnHazard,
  addHazardMedia,
  getHazard,
  getHazardByCode,
  hazardStats,
  hazardsForExport,
  listHazards,
  reportHazard,
} from './service';

const Params = z.object({ id: ObjectIdString });

/** The hazard list 隐患清单: from report to closure, with stats, export and the overdue scheduler. */
export const hazardsModule: Module = {
  name: 'hazards',
  jobs: [overdueJob],
  routes(api) {
    // Fixed paths first: they would otherwise be taken for an :id.
    api.route(
      {
        method: 'get',
        path: '/api/hazards/stats',
        summary: '隐患统计：按等级、类别、村的在办数，重大隐患动态清零，本月按期/逾期销号',
        tags: ['hazards'],
        // Whole-town figures by village: the office's (the mini-program's stats page is office-only).
        auth: OFFICE_ROLES,
        response: HazardStats,
      },
      ({ services, caller }) => hazardStats(services, caller),
    );
    api.route(
      {
        method: 'get',
        path: '/api/hazards/export.xlsx',
        summary: '导出隐患清单（Excel）',
        tags: ['hazards'],
        auth: STAFF_ROLES,
        query: HazardListQuery,
        produces: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      },
      async ({ ctx, caller, query, services }) => {
        const rows = await hazardsForExport(caller, query);
        const name = `隐患清单-${formatLocal(services.clock.now(), 'YYYYMMDD')}.xlsx`;
        ctx.type = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
        ctx.set(
          'Content-Disposition',
          `attachment; filename="hazards.xlsx"; filename*=UTF-8''${encodeURIComponent(name)}`,
        );
        ctx.body = await hazardWorkbook(
          rows.map((r) => r.out),
          name,
        );
      },
    );
    api.route(
      {
        method: 'get',
        path: '/api/hazards/by-code/:code',
        summary: '按编号查看隐患（不区分大小写，如 SZ-2024-0012）',
        tags: ['hazards'],
        auth: STAFF_ROLES,
        params: z.object({ code: z.string().trim().min(1).max(40) }),
        response: HazardDetail,
      },
      ({ caller, params }) => getHazardByCode(caller, params.code),
    );
    api.route(
      {
        method: 'get',
        path: '/api/hazards',
        summary: '隐患清单（网格员、村干部只看本网格、本村）',
        tags: ['hazards'],
        auth: STAFF_ROLES,
        query: HazardListQuery,
        response: z.object({ items: z.array(HazardOut), total: z.number() }),
      },
      ({ caller, query }) => listHazards(caller, query),
    );
    api.route(
      {
        method: 'post',
        path: '/api/hazards',
        summary: '直接上报隐患（现场、检查或群聊）',
        tags: ['hazards'],
        auth: STAFF_ROLES,
        idempotent: true,
        body: HazardCreate,
        status: 201,
        response: HazardDetail,
      },
      ({ services, caller, body }) => reportHazard(services, caller, body),
    );
    api.route(
      {
        method: 'get',
        path: '/api/hazards/:id',
        summary: '隐患详情（含关联举报与全部处理记录）',
        tags: ['hazards'],
        auth: STAFF_ROLES,
        params: Params,
        response: HazardDetail,
      },
      ({ caller, params }) => getHazard(caller, params.id),
    );
    api.route(
      {
        method: 'post',
        path: '/api/hazards/:id/actions',
        summary: '隐患处理：交办、开始整改、提交整改、复核销号、退回、备注',
        tags: ['hazards'],
        auth: STAFF_ROLES,
        params: Params,
        body: HazardActionBody,
        response: HazardDetail,
      },
      ({ services, caller, params, body }) => actOnHazard(services, caller, params.id, body),
    );
    api.route(
      {
        method: 'post',
        path: '/api/hazards/:id/media',
        summary: '为隐患补充照片',
        tags: ['hazards'],
        auth: STAFF_ROLES,
        params: Params,
        body: HazardMediaBody,
        response: HazardDetail,
      },
      ({ services, caller, params, body }) => addHazardMedia(services, caller, params.id, body),
    );
    rerouteRoute(api);
  },
};
