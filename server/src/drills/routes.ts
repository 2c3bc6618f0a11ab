import { z } from 'zod';
import {
  BoardDeliveries,
  CheckinResult,
  DrillCheckin,
  DrillCheckinLatest,
  DrillCreate,
  DrillOut,
  DrillReport,
  OFFICE_ROLES,
  ObjectIdString,
  STAFF_ROLES,
} from '@yingji/shared';
import { drillDeliveries } from '../callouts/board';
import type { Module } from '../core/module';
import { drillReportWorkbook } from './export';
import { DrillModel } from './model';
import {
  checkIn,
  createDrill,
  drillReport,
  endDrill,
  getDrill,
  latestRunningDrill,
  startDrill,
  toDrillOut,
} from './service';

const IdParams = z.object({ id: ObjectIdString });
const tags = ['drills'];

/** The drills capability: 演练, 签到, 拉动集结. */
export const drillsModule: Module = {
  name: 'drills',
  routes(api) {
    api.route(
      {
        method: 'post',
        path: '/api/drills',
        summary: '创建演练',
        tags,
        auth: OFFICE_ROLES,
        idempotent: true,
        body: DrillCreate,
        status: 201,
        response: DrillOut,
      },
      async ({ caller, body }) => toDrillOut(await createDrill(caller, body)),
    );

    api.route(
      {
        method: 'get',
        path: '/api/drills',
        summary: '演练列表',
        tags,
        auth: OFFICE_ROLES,
        response: z.object({ items: z.array(DrillOut) }),
      },
      async ({ caller }) => {
        const items = await DrillModel.find({ town: caller.town }).sort({ createdAt: -1 }).limit(200).lean();
        return { items: items.map(toDrillOut) };
      },
    );

    // Declared before /api/drills/:id so that the literal path wins.
    api.route(
      {
        method: 'post',
        path: '/api/drills/checkin-latest',
        summary: '签到（当前进行中的演练，聊天机器人用）',
        tags,
        auth: STAFF_ROLES,
        body: DrillCheckinLatest,
        response: CheckinResult,
      },
      async ({ caller, body, services }) =>
        checkIn(services, caller, await latestRunningDrill(caller), {
          location: body.location,
          channel: body.channel ?? 'chat',
        }),
    );

    api.route(
      {
        method: 'get',
        path: '/api/drills/:id',
        summary: '演练详情',
        tags,
        auth: OFFICE_ROLES,
        params: IdParams,
        response: DrillOut,
      },
      async ({ caller, params }) => toDrillOut(await getDrill(caller, params.id)),
    );

    api.route(
      {
        method: 'post',
        path: '/api/drills/:id/start',
        summary: '开始演练（向参演人员发出集结通知）',
        tags,
        auth: OFFICE_ROLES,
        params: IdParams,
        response: DrillOut,
      },
      async ({ caller, params, services }) => toDrillOut(await startDrill(services, caller, params.id)),
    );

    api.route(
      {
        method: 'post',
        path: '/api/drills/:id/end',
        summary: '结束演练',
        tags,
        auth: OFFICE_ROLES,
        params: IdParams,
        response: DrillOut,
      },
      async ({ caller, params, services }) => toDrillOut(await endDrill(services, caller, params.id)),
    );

    api.route(
      {
        method: 'post',
        path: '/api/drills/:id/checkin',
        summary: '签到',
        tags,
        auth: STAFF_ROLES,
        params: IdParams,
        body: DrillCheckin,
        response: CheckinResult,
      },
      async ({ caller, params, body, services }) =>
        checkIn(services, caller, await getDrill(caller, params.id), {
          location: body.location,
          channel: body.channel ?? 'api',
        }),
    );

    api.route(
      {
        method: 'get',
        path: '/api/drills/:id/report',
        summary: '演练报告：到达、用时、未到',
        tags,
        auth: OFFICE_ROLES,
        params: IdParams,
        response: DrillReport,
      },
      ({ caller, params }) => drillReport(caller, params.id),
    );

    api.route(
      {
        method: 'get',
        path: '/api/drills/:id/deliveries',
        summary: '签到看板：每个人的真实送达情况（未能送达的在前）',
        tags,
        auth: OFFICE_ROLES,
        params: IdParams,
        response: BoardDeliveries,
      },
      ({ caller, params }) => drillDeliveries(caller, params.id),
    );

    api.route(
      {
        method: 'get',
        path: '/api/drills/:id/report.xlsx',
        summary: '导出演练报告（Excel）',
        tags,
        auth: OFFICE_ROLES,
        params: IdParams,
        produces: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      },
      async ({ caller, params, ctx }) => {
        const report = await drillReport(caller, params.id);
        ctx.set(
          'Content-Disposition',
          `attachment; filename*=UTF-8''${encodeURIComponent(`演练报告-${report.drill.title}.xlsx`)}`,
        );
        ctx.type = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
        return drillReportWorkbook(report);
      },
    );
  },
};
