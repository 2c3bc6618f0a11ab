/** Hazards (隐患): reporting, actions through closure (销号), photos; the list, counters and views live beside it. */
import { Types } from 'mongoose';
import {
  AppError,
  HAZARD_SOURCE_LABELS,
  STAFF_ROLES,
  type HazardCategory,
  type HazardDetail,
  type HazardLevel,
  type HazardSource,
  type HazardStatus,
} from '@yingji/shared';
import type { z } from 'zod';
import type { HazardActionBody as ActionSchema } from '@yingji/shared';
import type { AppServices, Caller } from '../core/context';
import { attachableMedia } from '../media/service';

import { TownModel } from '../people/town.model';
import { UserModel } from '../people/user.model';

import { defaultLocationOf, placeOf } from '../tips/place';

import { loadTownConfig } from '../towns/config';
import { publishHazard } from './events';
import { HazardModel, nextSeq, type Hazard, type HazardDoc } from './hazard.model';
import { deadlineFor, decide, departmentFor, formatHazardCode, localYear, missingEvidence } from './rules';
import { hazardScope, relationsTo } from './scope';
import { counterState, hazardStats, moveCounters, recountHazardStats } from './counters';
import { hazardsForExport, listHazards } from './list';
import { hazardDetail } from './present';

type HazardLean = Hazard & { _id: Types.ObjectId };
type Body = z.output<typeof ActionSchema>;

export interface NewHazard {
  category: HazardCategory;
  level: HazardLevel;
  description: string;
  location: { lat: number; lng: number; address?: string };
  source: HazardSource;
  mediaIds: Types.ObjectId[];
  village?: Types.ObjectId;
  grid?: Types.ObjectId;
  discoveredAt?: Date;
  tip?: { _id: Types.ObjectId; code: string };
}

/** Register a hazard (accepted), with its code, routing and deadline, and count it. */
export async function insertHazard(services: AppServices, caller: Caller, input: NewHazard): Promise<HazardDoc> {
  const now = services.clock.now();
  const [town, cfg] = await Promise.all([TownModel.findById(caller.town).lean(), loadTownConfig(caller.town)]);
  if (!town) throw new AppError('TOWN_NOT_FOUND');
  const year = localYear(now);
  const seq = await nextSeq(`hazard:${String(town._id)}:${year}`);
  const doc = await HazardModel.create({
    town: caller.town,
    code: formatHazardCode(town.code, year, seq),
    category: input.category,
    level: input.level,
    status: 'accepted',
    source: input.source,
    description: input.description,
    location: input.location,
    village: input.village,
    grid: input.grid,
    department: departmentFor(input.category, cfg.departmentByCategory),
    acceptedAt: now,
    deadline: deadlineFor(input.level, now, cfg.deadlineDays),
    discoveredAt: input.discoveredAt ?? now,
    reportedBy: caller._id,
    tips: input.tip ? [input.tip._id] : [],
    mediaIds: input.mediaIds,
    history: [
      {
        at: now,
        by: caller._id,
        byName: caller.name,
        action: 'create',
        to: 'accepted',
        note: input.tip ? `受理群众举报 ${input.tip.code}` : HAZARD_SOURCE_LABELS[input.source],
        mediaIds: input.mediaIds,
      },
    ],
  });
  await moveCounters(caller.town, null, doc);
  await publishHazard(services, 'hazard.created', doc.toObject());
  return doc;
}

/** A hazard reported directly by staff (field, inspection, or the chat bot). */
export async function reportHazard(
  services: AppServices,
  caller: Caller,
  body: {
    category: HazardCategory;
    level: HazardLevel;
    description: string;
    location?: { lat: number; lng: number; address?: string };
    mediaIds: string[];
    source: HazardSource;
  },
): Promise<HazardDetail> {
  const cfg = await loadTownConfig(caller.town);
  const location = body.location ?? (await defaultLocationOf(caller));
  const place = await placeOf(caller.town, location, cfg);
  const mediaIds = await attachableMedia(caller, body.mediaIds);
  const doc = await insertHazard(services, caller, { ...body, location, mediaIds, ...place });
  return hazardDetail(caller, doc.toObject());
}

async function findVisible(caller: Caller, filter: Record<string, unknown>): Promise<HazardLean> {
  const h = await HazardModel.findOne({ $and: [hazardScope(caller), filter] }).lean();
  if (!h) throw new AppError('HAZARD_NOT_FOUND');
  return h;
}

export async function getHazard(caller: Caller, id: string): Promise<HazardDetail> {
  return hazardDetail(caller, await findVisible(caller, { _id: new Types.ObjectId(id) }));
}

export async function getHazardByCode(caller: Caller, code: string): Promise<HazardDetail> {
  return hazardDetail(caller, await findVisible(caller, { code: code.trim().toUpperCase() }));
}

/** Link a duplicate tip to a hazard: its photos join the hazard's, and the history says so. */
export async function linkTip(
  services: AppServices,
  caller: Caller,
  hazardId: Types.ObjectId,
  tip: { _id: Types.ObjectId; code: string; mediaIds: Types.ObjectId[] },
) {
  const updated = await HazardModel.findOneAndUpdate(
    { _id: hazardId, town: caller.town },
    {
      $addToSet: { tips: tip._id, mediaIds: { $each: tip.mediaIds } },
      $push: {
        history: {
          at: services.clock.now(),
          by: caller._id,
          byName: caller.name,
          action: 'link_tip',
          note: `关联重复举报 ${tip.code}`,
          mediaIds: tip.mediaIds,
        },
      },
    },
    { returnDocument: 'after' },
  ).lean();
  // Rewards re-check who reported first (an earlier tip linked later keeps its priority).
  if (updated) await publishHazard(services, 'hazard.updated', updated);
}

/**
 * Move a hazard through its life. Refused with 403 when the caller's role or relation does not
 * allow the action, 409 when the state does not; either way nothing changes. The update is
 * conditional on the state read, so a concurrent change makes it fail (409) rather than mix.
 */
export async function actOnHazard(
  services: AppServices,
  caller: Caller,
  id: string,
  body: Body,
): Promise<HazardDetail> {
  const h = await findVisible(caller, { _id: new Types.ObjectId(id) });
  const verdict = decide(h.status as HazardStatus, body.action, relationsTo(caller, h));
  if (!verdict.ok) throw new AppError(verdict.error);
  const now = services.clock.now();
  const cfg = await loadTownConfig(caller.town);
  const set: Record<string, unknown> = { status: verdict.to };
  const unset: Record<string, ''> = {};
  let note = body.note;

  switch (body.action) {
    case 'assign': {
      if (!body.responsibleUserId) throw new AppError('HAZARD_ASSIGNEE_REQUIRED');
      const user = await UserModel.findOne({
        _id: body.responsibleUserId,
        town: caller.town,
        role: { $in: STAFF_ROLES },
        active: true,
      }).lean();
      if (!user) throw new AppError('HAZARD_ASSIGNEE_INVALID');
      set.responsibleUser = user._id;
      set.responsibleUnit = body.responsibleUnit ?? h.department;
      const level = (body.level ?? h.level) as HazardLevel;
      set.level = level;
      let deadline = h.deadline ?? undefined;
      if (body.deadline) {
        deadline = new Date(body.deadline);
        if (deadline <= now) throw new AppError('HAZARD_DEADLINE_INVALID');
      } else if (level !== h.level) deadline = deadlineFor(level, h.acceptedAt, cfg.deadlineDays);
      set.deadline = deadline;
      if (deadline && deadline.getTime() !== h.deadline?.getTime() && deadline > now) {
        set.overdue = false;
        set.overdueStep = 0;
      }
      note = [`责任人：${user.name}`, `责任单位：${set.responsibleUnit as string}`, note].filter(Boolean).join('；');
      break;
    }
    case 'submit':
      if (!body.mediaIds?.length) throw new AppError('HAZARD_PHOTO_REQUIRED');
      break;
    case 'close': {
      const missing = missingEvidence(body.action, body);
      if (missing) throw new AppError(missing);
      set.closedAt = now;
      set.closedOnTime = !h.deadline || now <= h.deadline;
      if (body.fineAmount !== undefined) set.fineAmount = body.fineAmount;
      break;
    }
    case 'reopen':
      if (!note) throw new AppError('HAZARD_REASON_REQUIRED');
      unset.closedAt = '';
      unset.closedOnTime = '';
      set.deadline = deadlineFor(h.level as HazardLevel, now, cfg.deadlineDays);
      set.overdue = false;
      set.overdueStep = 0;
      break;
    case 'comment':
      if (!note && !body.mediaIds?.length) throw new AppError('VALIDATION_FAILED', { message: '请填写备注或上传照片' });
      break;
    case 'start':
      break;
  }
  const mediaIds = await attachableMedia(caller, body.mediaIds);
  const entry = {
    at: now,
    by: caller._id,
    byName: caller.name,
    action: body.action,
    from: h.status,
    to: verdict.to,
    note,
    mediaIds,
  };
  const updated = await HazardModel.findOneAndUpdate(
    { _id: h._id, town: caller.town, status: h.status, level: h.level, overdue: h.overdue },
    {
      $set: set,
      ...(Object.keys(unset).length ? { $unset: unset } : {}),
      $push: { history: entry },
      ...(mediaIds.length ? { $addToSet: { mediaIds: { $each: mediaIds } } } : {}),
    },
    { returnDocument: 'after' },
  ).lean();
  if (!updated) throw new AppError('CONFLICT');
  await moveCounters(caller.town, h, updated);
  // Rewards and the reporters' notices react to the event (rewards/, tips/subscribers.ts).
  await publishHazard(services, body.action === 'close' ? 'hazard.closed' : 'hazard.updated', updated);
  return hazardDetail(caller, updated);
}

/** Add photos to a hazard after the fact (e.g. sent in chat after the report). */
export async function addHazardMedia(
  services: AppServices,
  caller: Caller,
  id: string,
  body: { mediaIds: string[]; note?: string },
): Promise<HazardDetail> {
  const h = await findVisible(caller, { _id: new Types.ObjectId(id) });
  if (relationsTo(caller, h).length === 0) throw new AppError('FORBIDDEN');
  const mediaIds = await attachableMedia(caller, body.mediaIds);
  const updated = await HazardModel.findOneAndUpdate(
    { _id: h._id, town: caller.town },
    {
      $addToSet: { mediaIds: { $each: mediaIds } },
      $push: {
        history: {
          at: services.clock.now(),
          by: caller._id,
          byName: caller.name,
          action: 'photo',
          note: body.note,
          mediaIds,
        },
      },
    },
    { returnDocument: 'after' },
  ).lean();
  if (!updated) throw new AppError('HAZARD_NOT_FOUND');
  return hazardDetail(caller, updated);
}

export { counterState, moveCounters, recountHazardStats, hazardStats, listHazards, hazardsForExport, hazardDetail };
