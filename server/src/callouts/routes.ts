import type Koa from 'koa';
import ExcelJS from 'exceljs';
import {
  AppError,
  BoardDeliveries,
  CalloutAckRequest,
  CalloutAckResponse,
  CalloutCapImport,
  CalloutContactConfirm,
  CalloutContactList,
  CalloutContactOut,
  CalloutCreate,
  CalloutCreated,
  CalloutDetail,
  CalloutDetailQuery,
  CalloutIdParam,
  CalloutList,
  CalloutListQuery,
  CalloutOpenList,
  CalloutPhoneList,
  CalloutPhoneListQuery,
  CalloutResidentParam,
  CalloutStageRequest,
  CalloutStageResponse,
  OFFICE_ROLES,
  ResidentCreate,
  ResidentList,
  ResidentOut,
  STAFF_ROLES,
} from '@yingji/shared';
import type { AppState } from '../core/context';
import type { Module } from '../core/module';
import { calloutDeliveries } from './board';
import { CalloutModel } from './callout.model';
import { calloutToCap, capToCallout } from './cap';
import { finishPreparing } from './recover';
import { recountAnswers } from './recount';
import { acksCounted } from './ack-tally';
import { confirmContact, createResident, listContacts, listResidents } from './one-to-one';
import {
  ackLatest,
  acknowledge,
  closeCallout,
  createCallout,
  getCallout,
  listCallouts,
  openCallouts,
  phoneList,
  reportStage,
  runLadder,
  type CalloutLean,
} from './service';

const tags = ['callouts'];

/** CAP alerts may be posted as raw XML (application/xml, text/xml, application/cap+xml) or as JSON { xml }. */
const rawXml: Koa.Middleware<AppState> = async (ctx, next) => {
  if (ctx.is('application/xml', 'text/xml', 'application/cap+xml')) {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > 512 * 1024) throw new AppError('PAYLOAD_TOO_LARGE');
      chunks.push(chunk);
    }
    (ctx.request as { body?: unknown }).body = { xml: Buffer.concat(chunks).toString('utf8') };
  }
  await next();
};

/** A warning that has already expired would be issued and called out for nothing: refused. */
function assertNotExpired(expiresAt: string | undefined, now: Date) {
  if (expiresAt && new Date(expiresAt).getTime() <= now.getTime()) throw new AppError('CALLOUT_ALREADY_EXPIRED');
}

/** Warnings and call-outs (预警叫应): issue, watch, answer, escalate, export; one-to-one; CAP. */
export const calloutsModule: Module = {
  name: 'callouts',
  jobs: [
    { name: 'callouts:ladder', everyMs: 5_000, run: (services) => runLadder(services) },
    { name: 'callouts:finish-preparing', everyMs: 30_000, run: (services) => finishPreparing(services) },
    { name: 'callouts:recount-answers', everyMs: 5 * 60_000, run: (services) => recountAnswers(services) },
  ],
  drain: () => acksCounted(),
  routes(api) {
    api.route(
      {
        method: 'post',
        path: '/api/callouts',
        summary: '发布预警并叫应',
        tags,
        auth: OFFICE_ROLES,
        idempotent: true,
        body: CalloutCreate,
        status: 201,
        response: CalloutCreated,
      },
      ({ body, caller, services }) => {
        assertNotExpired(body.expiresAt, services.clock.now());
        return createCallout(services, caller, body);
      },
    );
    api.route(
      {
        method: 'get',
        path: '/api/callouts',
        summary: '预警列表（实战与演练分开）',
        tags,
        auth: OFFICE_ROLES,
        query: CalloutListQuery,
        response: CalloutList,
      },
      ({ caller, query }) => listCallouts(caller, query),
    );
    // Fixed paths before /:id.
    api.route(
      {
        method: 'get',
        path: '/api/callouts/open',
        summary: '我的待确认预警',
        tags,
        auth: 'any',
        response: CalloutOpenList,
      },
      ({ caller }) => openCallouts(caller),
    );
    api.route(
      {
        method: 'post',
        path: '/api/callouts/ack-latest',
        summary: '确认我最近一条待确认的预警（聊天"收到"）',
        tags,
        auth: 'any',
        body: CalloutAckRequest,
        response: CalloutAckResponse,
      },
      ({ caller, body, services }) => ackLatest(services, caller, body.channel),
    );
    api.route(
      {
        method: 'post',
        path: '/api/callouts/import-cap',
        summary: '导入 CAP 1.2 预警',
        tags,
        auth: OFFICE_ROLES,
        before: [rawXml],
        body: CalloutCapImport,
        status: 201,
        response: CalloutCreated,
      },
      async ({ caller, body, services }) => {
        const { input, cap } = await capToCallout(caller.town, body.xml);
        if (
          await CalloutModel.exists({ town: caller.town, 'cap.sender': cap.sender, 'cap.identifier': cap.identifier })
        )
          throw new AppError('CAP_DUPLICATE');
        const parsed = CalloutCreate.parse(input);
        assertNotExpired(parsed.expiresAt, services.clock.now());
        return createCallout(services, caller, parsed, { cap });
      },
    );
    api.route(
      {
        method: 'get',
        path: '/api/callouts/:id',
        summary: '预警详情与叫应情况',
        tags,
        auth: 'any',
        params: CalloutIdParam,
        query: CalloutDetailQuery,
        response: CalloutDetail,
      },
      ({ caller, params, query }) => getCallout(caller, params.id, query),
    );
    api.route(
      {
        method: 'post',
        path: '/api/callouts/:id/ack',
        summary: '确认收到预警',
        tags,
        auth: 'any',
        params: CalloutIdParam,
        body: CalloutAckRequest,
        response: CalloutAckResponse,
      },
      ({ caller, params, body, services }) =>
        acknowledge(services, {
          calloutId: params.id,
          userId: caller.id,
          known: { town: caller.town },
          channel: body.channel ?? 'miniprogram',
        }),
    );
    api.route(
      {
        method: 'post',
        path: '/api/callouts/:id/stage',
        summary: '报告到岗或转移完成',
        tags,
        auth: 'any',
        params: CalloutIdParam,
        body: CalloutStageRequest,
        response: CalloutStageResponse,
      },
      ({ caller, params, body, services }) => reportStage(services, caller, params.id, body),
    );
    api.route(
      {
        method: 'post',
        path: '/api/callouts/:id/close',
        summary: '结束预警（停止升级叫应）',
        tags,
        auth: OFFICE_ROLES,
        params: CalloutIdParam,
      },
      ({ caller, params }) => closeCallout(caller, params.id),
    );
    api.route(
      {
        method: 'get',
        path: '/api/callouts/:id/deliveries',
        summary: '叫应看板：每个人的真实送达情况（未能送达的在前）',
        tags,
        auth: OFFICE_ROLES,
        params: CalloutIdParam,
        response: BoardDeliveries,
      },
      ({ caller, params }) => calloutDeliveries(caller, params.id),
    );
    api.route(
      {
        method: 'get',
        path: '/api/callouts/:id/cap.xml',
        summary: '导出 CAP 1.2 预警',
        tags,
        auth: OFFICE_ROLES,
        params: CalloutIdParam,
        produces: 'application/xml',
      },
      async ({ caller, params, ctx }) => {
        const c = await CalloutModel.findOne({ _id: params.id, town: caller.town }).lean<CalloutLean>();
        if (!c) throw new AppError('CALLOUT_NOT_FOUND');
        ctx.type = 'application/xml; charset=utf-8';
        ctx.body = await calloutToCap(c);
      },
    );
    api.route(
      {
        method: 'get',
        path: '/api/callouts/:id/phone-list',
        summary: '电话叫应名单（未确认人员，可导出 Excel）',
        tags,
        auth: OFFICE_ROLES,
        params: CalloutIdParam,
        query: CalloutPhoneListQuery,
        response: CalloutPhoneList,
      },
      async ({ caller, params, query, ctx }) => {
        const list = await phoneList(caller, params.id, query.all);
        if (query.format !== 'xlsx') return list;
        const wb = new ExcelJS.Workbook();
        const ws = wb.addWorksheet('电话叫应名单');
        ws.columns = [
          { header: '姓名', key: 'name', width: 14 },
          { header: '电话', key: 'phone', width: 16 },
          { header: '村（社区）', key: 'village', width: 14 },
          { header: '网格', key: 'grids', width: 24 },
          { header: '未完成事项', key: 'missing', width: 48 },
        ];
        for (const i of list.items) ws.addRow({ ...i, grids: i.grids.join('、') });
        ctx.type = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
        ctx.attachment(`phone-list-${params.id}.xlsx`);
        ctx.body = Buffer.from(await wb.xlsx.writeBuffer());
      },
    );
    api.route(
      {
        method: 'get',
        path: '/api/callouts/:id/contacts',
        summary: '一对一叫应：特殊群体联系确认情况',
        tags,
        auth: STAFF_ROLES,
        params: CalloutIdParam,
        response: CalloutContactList,
      },
      ({ caller, params }) => listContacts(caller, params.id),
    );
    api.route(
      {
        method: 'post',
        path: '/api/callouts/:id/contacts/:residentId',
        summary: '一对一叫应：确认已联系或已转移',
        tags,
        auth: STAFF_ROLES,
        params: CalloutResidentParam,
        body: CalloutContactConfirm,
        response: CalloutContactOut,
      },
      ({ caller, params, body, services }) =>
        confirmContact(services, caller, params.id, params.residentId, body.state),
    );
    api.route(
      {
        method: 'get',
        path: '/api/vulnerable-residents',
        summary: '特殊群体名单（应急办看全部，包保责任人看自己的）',
        tags,
        auth: STAFF_ROLES,
        response: ResidentList,
      },
      ({ caller }) => listResidents(caller),
    );
    api.route(
      {
        method: 'post',
        path: '/api/vulnerable-residents',
        summary: '登记特殊群体及包保责任人',
        tags,
        auth: OFFICE_ROLES,
        body: ResidentCreate,
        status: 201,
        response: ResidentOut,
      },
      ({ caller, body }) => createResident(caller, body),
    );
  },
};
