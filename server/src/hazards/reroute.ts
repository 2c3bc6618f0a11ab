import { z } from 'zod';
import { AppError, HazardDetail, HazardRerouteBody, ObjectIdString, TOWN_ADMIN_ROLES } from '@yingji/shared';
import { Types } from 'mongoose';
import { audit } from '../audit/service';
import type { AppServices, Caller } from '../core/context';
import type { Api } from '../core/api';
import { GridModel } from '../people/grid.model';
import { publishHazard } from './events';
import { HazardModel } from './hazard.model';
import { hazardDetail, moveCounters } from './service';

/**
 * Re-route one hazard to another grid of the town (and that grid's village). A boundary change
 * moves no hazard by itself: existing hazards keep the grid they were routed to, and the office
 * moves one on purpose, with a reason, here. The responsible person and the deadline stay as
 * they are (reassign with 交办 if the new grid's member should take it over).
 *
 * One conditional update of the hazard document (grid, village and the history entry together),
 * on the grid read: a concurrent re-route or state change makes this one fail with 409.
 */
export async function rerouteHazard(
  services: AppServices,
  caller: Caller,
  id: string,
  body: z.output<typeof HazardRerouteBody>,
): Promise<HazardDetail> {
  const h = await HazardModel.findOne({ _id: new Types.ObjectId(id), town: caller.town }).lean();
  if (!h) throw new AppError('HAZARD_NOT_FOUND');
  if (h.status === 'closed')
    throw new AppError('HAZARD_TRANSITION_NOT_ALLOWED', { message: '该隐患已销号，不能改派网格' });
  const target = await GridModel.findOne({
    _id: new Types.ObjectId(body.gridId),
    town: caller.town,
    active: { $ne: false },
  })
    .select('name village')
    .lean();
  if (!target) throw new AppError('GRID_NOT_FOUND');
  if (h.grid && String(h.grid) === String(target._id))
    throw new AppError('VALIDATION_FAILED', { message: `该隐患已在“${target.name}”，无需改派` });
  const from = h.grid ? await GridModel.findById(h.grid).select('name').lean() : null;
  const fromName = from?.name ?? '未分配网格';
  const now = services.clock.now();
  const updated = await HazardModel.findOneAndUpdate(
    { _id: h._id, town: caller.town, status: h.status, grid: h.grid ?? null },
    {
      $set: { grid: target._id, village: target.village },
      $push: {
        history: {
          at: now,
          by: caller._id,
          byName: caller.name,
          action: 'reroute',
          from: h.status,
          to: h.status,
          note: `改派网格：${fromName} → ${target.name}；原因：${body.reason}`,
          mediaIds: [],
        },
      },
    },
    { returnDocument: 'after' },
  ).lean();
  if (!updated) throw new AppError('CONFLICT');
  // The counters by village move with it; the audit log says who moved what, from where to where.
  await moveCounters(caller.town, h, updated);
  await audit(services, caller.town, caller, 'hazard.reroute', {
    target: h.code,
    before: { grid: h.grid ? String(h.grid) : null, gridName: fromName, village: h.village ? String(h.village) : null },
    after: { grid: String(target._id), gridName: target.name, village: String(target.village), reason: body.reason },
  });
  await publishHazard(services, 'hazard.updated', updated);
  return hazardDetail(caller, updated);
}

/** POST /api/hazards/:id/reroute (registered with the hazards routes). */
export function rerouteRoute(api: Api): void {
  api.route(
    {
      method: 'post',
      path: '/api/hazards/:id/reroute',
      summary: '改派网格：把一条隐患改到本镇另一个网格（须填写原因，记入处理记录和操作日志）',
      tags: ['hazards'],
      auth: TOWN_ADMIN_ROLES,
      params: z.object({ id: ObjectIdString }),
      body: HazardRerouteBody,
      response: HazardDetail,
    },
    ({ services, caller, params, body }) => rerouteHazard(services, caller, params.id, body),
  );
}
