import { z } from 'zod';
import {
  EvacuationStatus,
  HazardPointCreate,
  HazardPointOut,
  NearestShelterQuery,
  NearestShelters,
  OFFICE_ROLES,
  ObjectIdString,
  STAFF_ROLES,
  ShelterCreate,
  ShelterOut,
  TransferCreate,
  TransferResult,
} from '@yingji/shared';
import { parseXlsx, uploadedXlsx } from '../core/excel-upload';
import type { Module } from '../core/module';
import { ShelterUpdate, updateShelter } from './edit';
import { importHazardPoints, importShelters } from './import';
import { ShelterModel } from './model';
import {
  createHazardPoint,
  createShelter,
  evacuationStatus,
  listHazardPoints,
  nearestShelters,
  reportTransfer,
  resetEvacuation,
  toHazardPointOut,
  toShelterOut,
  transferTotals,
} from './service';

const tags = ['shelters'];

const ImportReport = z
  .object({
    total: z.number(),
    created: z.number(),
    updated: z.number(),
    rejected: z.array(z.object({ row: z.number(), name: z.string().optional(), reason: z.string() })),
  })
  .meta({ id: 'ImportReport' });

/** Evacuation and shelters 转移避险, 避难场所: shelters, hazard points with transfer plans, transfers. */
export const sheltersModule: Module = {
  name: 'shelters',
  routes(api) {
    api.route(
      {
        method: 'get',
        path: '/api/shelters/nearest',
        summary: '最近的避难场所（按距离，只含开放的）',
        tags,
        auth: 'any',
        query: NearestShelterQuery,
        response: NearestShelters,
      },
      ({ caller, query }) => nearestShelters(caller.town, { lat: query.lat, lng: query.lng }, query.limit),
    );

    api.route(
      {
        method: 'get',
        path: '/api/shelters',
        summary: '避难场所（容纳人数与已安置人数）',
        tags,
        auth: 'any',
        response: z.object({ items: z.array(ShelterOut) }),
      },
      async ({ caller }) => {
        const [items, totals] = await Promise.all([
          ShelterModel.find({ town: caller.town }).sort({ code: 1, name: 1 }).lean(),
          transferTotals(caller.town),
        ]);
        return { items: items.map((s) => toShelterOut(s, totals.occupancy(s._id))) };
      },
    );

    api.route(
      {
        method: 'post',
        path: '/api/shelters',
        summary: '添加避难场所',
        tags,
        auth: OFFICE_ROLES,
        body: ShelterCreate,
        status: 201,
        response: ShelterOut,
      },
      async ({ caller, body }) => toShelterOut((await createShelter(caller.town, body)).toObject()),
    );

    api.route(
      {
        method: 'patch',
        path: '/api/shelters/:id',
        summary: '修改避难场所（容纳人数、开放与否、联系人等）',
        tags,
        auth: OFFICE_ROLES,
        params: z.object({ id: ObjectIdString }),
        body: ShelterUpdate,
        response: ShelterOut,
      },
      ({ caller, params, body }) => updateShelter(caller.town, params.id, body),
    );
    api.route(
      {
        method: 'post',
        path: '/api/shelters/import',
        summary: '从 Excel 导入避难场所（multipart 字段 file）',
        tags,
        auth: OFFICE_ROLES,
        before: [parseXlsx],
        response: ImportReport,
      },
      ({ caller, ctx, services }) =>
        importShelters(caller.town, uploadedXlsx(ctx), undefined, services.config.IMPORT_MAX_ROWS),
    );

    api.route(
      {
        method: 'get',
        path: '/api/hazard-points',
        summary: '隐患点及转移方案（应转移与已转移人数）',
        tags,
        auth: STAFF_ROLES,
        response: z.object({ items: z.array(HazardPointOut) }),
      },
      async ({ caller }) => ({ items: await listHazardPoints(caller.town, caller.role) }),
    );

    api.route(
      {
        method: 'post',
        path: '/api/hazard-points',
        summary: '添加隐患点及转移方案',
        tags,
        auth: OFFICE_ROLES,
        body: HazardPointCreate,
        status: 201,
        response: HazardPointOut,
      },
      async ({ caller, body }) => {
        const h = await createHazardPoint(caller.town, body);
        const shelter = h.shelter ? await ShelterModel.findById(h.shelter).select('name').lean() : null;
        return toHazardPointOut(h.toObject(), caller.role, shelter?.name);
      },
    );

    api.route(
      {
        method: 'post',
        path: '/api/hazard-points/import',
        summary: '从 Excel 导入隐患点及转移方案（multipart 字段 file）',
        tags,
        auth: OFFICE_ROLES,
        before: [parseXlsx],
        response: ImportReport,
      },
      ({ caller, ctx, services }) =>
        importHazardPoints(caller.town, uploadedXlsx(ctx), undefined, services.config.IMPORT_MAX_ROWS),
    );

    api.route(
      {
        method: 'post',
        path: '/api/transfers',
        summary: '报告已转移人数（已转移 N 人）',
        tags,
        auth: STAFF_ROLES,
        idempotent: true,
        body: TransferCreate,
        status: 201,
        response: TransferResult,
      },
      ({ caller, body, services }) => reportTransfer(services, caller, body),
    );

    api.route(
      {
        method: 'get',
        path: '/api/evacuation',
        summary: '转移进展：各隐患点应转移与已转移、各避难场所安置情况',
        tags,
        auth: OFFICE_ROLES,
        response: EvacuationStatus,
      },
      ({ caller }) => evacuationStatus(caller.town),
    );

    api.route(
      {
        method: 'post',
        path: '/api/evacuation/reset',
        summary: '转移结束：已转移与已安置人数清零（转移记录保留）',
        tags,
        auth: OFFICE_ROLES,
        response: EvacuationStatus,
      },
      async ({ caller, services }) => {
        await resetEvacuation(services, caller.town);
        return evacuationStatus(caller.town);
      },
    );
  },
};
