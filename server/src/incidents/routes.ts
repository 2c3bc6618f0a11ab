import { z } from 'zod';
import {
  IncidentCreate,
  IncidentOut,
  IncidentReportUp,
  IncidentStats,
  IncidentStatsQuery,
  OFFICE_ROLES,
  ObjectIdString,
  STAFF_ROLES,
  isOffice,
} from '@yingji/shared';
import type { Module } from '../core/module';
import { monthRange } from '../scores/month';
import { IncidentModel } from './model';
import { createIncident, escalateLateIncidents, getIncident, incidentStats, reportUp, toIncidentOut } from './service';

const tags = ['incidents'];
const IdParams = z.object({ id: ObjectIdString });

/** Incident information within one hour 事件信息一小时内上报. */
export const incidentsModule: Module = {
  name: 'incidents',
  routes(api) {
    api.route(
      {
        method: 'post',
        path: '/api/incidents',
        summary: '报告突发事件信息',
        tags,
        auth: STAFF_ROLES,
        body: IncidentCreate,
        status: 201,
        response: IncidentOut,
      },
      async ({ caller, body, services }) => toIncidentOut((await createIncident(services, caller, body)).toObject()),
    );

    api.route(
      {
        method: 'get',
        path: '/api/incidents',
        summary: '事件信息列表（应急办看全部，其他人员看自己报告的）',
        tags,
        auth: STAFF_ROLES,
        response: z.object({ items: z.array(IncidentOut) }),
      },
      async ({ caller }) => {
        const filter: Record<string, unknown> = { town: caller.town };
        if (!isOffice(caller.role)) filter.reportedBy = caller._id;
        const items = await IncidentModel.find(filter).sort({ occurredAt: -1 }).limit(500).lean();
        return { items: items.map(toIncidentOut) };
      },
    );

    api.route(
      {
        method: 'get',
        path: '/api/incidents/stats',
        summary: '一小时内上报率',
        tags,
        auth: OFFICE_ROLES,
        query: IncidentStatsQuery,
        response: IncidentStats,
      },
      async ({ caller, query, services }) => ({
        month: query.month,
        ...(await incidentStats(services, caller.town, query.month ? monthRange(query.month) : undefined)),
      }),
    );

    api.route(
      {
        method: 'get',
        path: '/api/incidents/:id',
        summary: '事件信息详情',
        tags,
        auth: STAFF_ROLES,
        params: IdParams,
        response: IncidentOut,
      },
      async ({ caller, params }) => toIncidentOut(await getIncident(caller, params.id)),
    );

    api.route(
      {
        method: 'post',
        path: '/api/incidents/:id/report-up',
        summary: '登记已向上级报送（谁、报给谁、方式、时间）',
        tags,
        auth: OFFICE_ROLES,
        params: IdParams,
        body: IncidentReportUp,
        response: IncidentOut,
      },
      async ({ caller, params, body, services }) => toIncidentOut(await reportUp(services, caller, params.id, body)),
    );
  },
  jobs: [{ name: 'incidents.escalate-late', everyMs: 60_000, run: escalateLateIncidents }],
};
