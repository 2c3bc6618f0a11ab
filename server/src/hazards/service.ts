import { Types } from 'mongoose';
import {
  AppError,
  HAZARD_HISTORY_LABELS,
  HAZARD_LEVEL_LABELS,
  HAZARD_SOURCE_LABELS,
  HAZARD_STATUS_LABELS,
  STAFF_ROLES,
  categoryLabel,
  type HazardCategory,
  type HazardDetail,
  type HazardLevel,
  type HazardOut,
  type HazardSource,
  type HazardStats,
  type HazardStatus,
} from '@yingji/shared';
import type { z } from 'zod';
import type { HazardActionBody as ActionSchema, HazardListQuery as ListSchema } from '@yingji/shared';
import type { AppServices, Caller } from '../core/context';
import { attachableMedia } from '../media/service';
import { GridModel } from '../people/grid.model';
import { TownModel } from '../people/town.model';
import { UserModel } from '../people/user.model';
import { VillageModel } from '../people/village.model';
import { reporterView } from '../people/reporter-view';
import { defaultLocationOf, placeOf } from '../tips/place';
import { TipModel } from '../tips/tip.model';
import { loadTownConfig } from '../towns/config';
import { publishHazard } from './events';
import { HazardModel, HazardStatModel, nextSeq, type Hazard, type HazardDoc } from './hazard.model';
import {
  counterDelta,
  deadlineFor,
  decide,
  departmentFor,
  formatHazardCode,
  localMonth,
  localYear,
  missingEvidence,
  type CounterState,
} from './rules';
import { hazardScope, relationsTo } from './scope';
import { moderatedView } from '../moderation/present';

type HazardLean = Hazard & { _id: Types.ObjectId };
type Body = z.output<typeof ActionSchema>;
type ListQuery = z.output<typeof ListSchema>;

export function counterState(h: Hazard): CounterState {
  return {
    status: h.status as HazardStatus,
    level: h.level as HazardLevel,
    category: h.category,
    village: h.village ? String(h.village) : null,
    overdue: Boolean(h.overdue),
    closedAt: h.closedAt,
    closedOnTime: h.closedOnTime,
  };
}

/** Move the town's dashboard counters by the change from one state to the next (one $inc, upserted). */
export async function moveCounters(town: Types.ObjectId, before: Hazard | null, after: Hazard | null) {
  const inc = counterDelta(before && counterState(before), after && counterState(after));
  if (Object.keys(inc).length === 0) return;
  await HazardStatModel.collection.updateOne({ town }, { $inc: inc }, { upsert: true });
}

/**
 * Rebuild a town's counters from its hazards (a repair tool: a crash between a hazard's update and
 * its $inc could leave them one off). Scans the list, so it is not used by the dashboard itself.
 */
export async function recountHazardStats(town: Types.ObjectId): Promise<void> {
  const total: Record<string, number> = {};
  for await (const h of HazardModel.find({ town }).lean().cursor()) {
    for (const [k, n] of Object.entries(counterDelta(null, counterState(h)))) total[k] = (total[k] ?? 0) + n;
  }
  const nest = (prefix: string) => {
    const out: Record<string, unknown> = {};
    for (const [k, n] of Object.entries(total)) {
      if (!k.startsWith(`${prefix}.`)) continue;
      const parts = k.slice(prefix.length + 1).split('.');
      let node = out;
      for (const p of parts.slice(0, -1)) node = (node[p] ??= {}) as Record<string, unknown>;
      node[parts.at(-1)!] = n;
    }
    return out;
  };
  await HazardStatModel.collection.updateOne(
    { town },
    { $set: { open: nest('open'), closed: nest('closed') } },
    { upsert: true },
  );
}

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

/** The list filter for a caller and a query (the caller's scope always applies). */
async function listFilter(caller: Caller, q: ListQuery): Promise<Record<string, unknown>> {
  const f: Record<string, unknown> = {};
  if (q.status === 'open') f.status = { $ne: 'closed' };
  else if (q.status) f.status = q.status;
  if (q.level) f.level = q.level;
  if (q.category) f.category = q.category;
  if (q.overdue) f.overdue = q.overdue === 'true';
  if (q.village) {
    const v = await VillageModel.findOne({
      town: caller.town,
      ...(Types.ObjectId.isValid(q.village) ? { _id: q.village } : { code: q.village.toUpperCase() }),
    }).lean();
    if (!v) throw new AppError('VILLAGE_NOT_FOUND');
    f.village = v._id;
  }
  return { $and: [hazardScope(caller), f] };
}

const WINDOW_DAYS = [7, 30, 180, 730];

/**
 * One page of the list, newest first. The engine sorts every document the filter matches before
 * it takes a page, so a town's whole history would be read for its first page: the page is read
 * instead from growing windows of recent `discoveredAt` (index town_1_discoveredAt_-1__id_-1). A
 * window that holds at least skip + limit entries holds the page, since everything outside it is
 * older; deep pages and a town with little recent history end with the whole filter.
 */
async function pageNewestFirst(filter: Record<string, unknown>, skip: number, limit: number): Promise<HazardLean[]> {
  const want = skip + limit;
  if (want <= 1000) {
    for (const days of WINDOW_DAYS) {
      const since = new Date(Date.now() - days * 24 * 3600 * 1000);
      const docs = await HazardModel.find({ $and: [filter, { discoveredAt: { $gte: since } }] })
        .sort({ discoveredAt: -1, _id: -1 })
        .limit(want)
        .lean();
      if (docs.length >= want) return docs.slice(skip);
    }
  }
  return HazardModel.find(filter).sort({ discoveredAt: -1, _id: -1 }).skip(skip).limit(limit).lean();
}

export async function listHazards(caller: Caller, q: ListQuery): Promise<{ items: HazardOut[]; total: number }> {
  const filter = await listFilter(caller, q);
  const [total, docs] = await Promise.all([
    HazardModel.countDocuments(filter),
    pageNewestFirst(filter, (q.page - 1) * q.pageSize, q.pageSize),
  ]);
  const names = await loadNames(docs);
  // The content check: a flagged chat report's text is shown to the office only.
  const checked = await moderatedView(caller, 'hazard', docs);
  return { items: docs.map((d) => ({ ...hazardOut(d, names), description: checked(d).description })), total };
}

/** Every hazard of the list for the export (at most 10 000 rows), oldest first as numbered. */
export async function hazardsForExport(caller: Caller, q: ListQuery) {
  const docs = await HazardModel.find(await listFilter(caller, q))
    .sort({ discoveredAt: 1, _id: 1 })
    .limit(10_000)
    .lean();
  const names = await loadNames(docs);
  return docs.map((d) => ({ doc: d, out: hazardOut(d, names) }));
}

interface Names {
  villages: Map<string, string>;
  grids: Map<string, string>;
  users: Map<string, string>;
}

async function loadNames(docs: HazardLean[]): Promise<Names> {
  const ids = (pick: (d: HazardLean) => (Types.ObjectId | null | undefined)[]) => [
    ...new Set(docs.flatMap(pick).filter(Boolean).map(String)),
  ];
  const [villages, grids, users] = await Promise.all([
    VillageModel.find({ _id: { $in: ids((d) => [d.village]) } })
      .select('name')
      .lean(),
    GridModel.find({ _id: { $in: ids((d) => [d.grid]) } })
      .select('name')
      .lean(),
    UserModel.find({ _id: { $in: ids((d) => [d.responsibleUser, d.reportedBy]) } })
      .select('name')
      .lean(),
  ]);
  const map = (xs: { _id: Types.ObjectId; name: string }[]) => new Map(xs.map((x) => [String(x._id), x.name]));
  return { villages: map(villages), grids: map(grids), users: map(users) };
}

const ref = (id: Types.ObjectId | null | undefined, names: Map<string, string>) =>
  id ? { id: String(id), name: names.get(String(id)) ?? '' } : undefined;
const iso = (d: Date | null | undefined) => (d ? d.toISOString() : undefined);

function hazardOut(h: HazardLean, names: Names): HazardOut {
  return {
    id: String(h._id),
    code: h.code,
    category: h.category,
    categoryLabel: categoryLabel(h.category),
    level: h.level as HazardLevel,
    levelLabel: HAZARD_LEVEL_LABELS[h.level as HazardLevel],
    status: h.status as HazardStatus,
    statusLabel: HAZARD_STATUS_LABELS[h.status as HazardStatus],
    source: h.source,
    sourceLabel: HAZARD_SOURCE_LABELS[h.source as HazardSource],
    description: h.description,
    location: {
      lat: h.location!.lat,
      lng: h.location!.lng,
      ...(h.location?.address ? { address: h.location.address } : {}),
    },
    village: ref(h.village, names.villages),
    grid: ref(h.grid, names.grids),
    department: h.department,
    responsibleUnit: h.responsibleUnit ?? undefined,
    responsibleUser: ref(h.responsibleUser, names.users),
    deadline: iso(h.deadline),
    overdue: Boolean(h.overdue),
    discoveredAt: h.discoveredAt.toISOString(),
    closedAt: iso(h.closedAt),
    closedOnTime: h.closedOnTime ?? undefined,
  };
}

export async function hazardDetail(caller: Caller, h: HazardLean): Promise<HazardDetail> {
  const names = await loadNames([h]);
  const tips = await TipModel.find({ _id: { $in: h.tips } })
    .sort({ submittedAt: 1 })
    .lean();
  const reporters = await UserModel.find({ _id: { $in: tips.map((t) => t.reporter) } })
    .select('name phone')
    .lean();
  const byId = new Map(reporters.map((u) => [String(u._id), u]));
  const checked = (await moderatedView(caller, 'hazard', [h]))(h);
  return {
    ...hazardOut(h, names),
    description: checked.description, // flagged text and photos for the office only
    mediaIds: checked.mediaIds,
    ...(checked.moderation ? { moderation: checked.moderation } : {}),
    reportedBy: ref(h.reportedBy, names.users),
    fineAmount: h.fineAmount ?? undefined,
    tips: tips.map((t) => ({
      id: String(t._id),
      code: t.code,
      status: t.status,
      submittedAt: t.submittedAt.toISOString(),
      confidential: Boolean(t.confidential),
      reporter: reporterView(t, byId.get(String(t.reporter)), caller),
    })),
    history: (h.history ?? []).map((e) => ({
      at: e.at.toISOString(),
      by: e.by ? { id: String(e.by), name: e.byName ?? '' } : undefined,
      action: e.action,
      actionLabel: HAZARD_HISTORY_LABELS[e.action] ?? e.action,
      from: e.from ?? undefined,
      to: e.to ?? undefined,
      note: e.note ?? undefined,
      mediaIds: (e.mediaIds ?? []).map(String),
    })),
  };
}

/** The dashboard, from the counters kept on every change (no scan of the list). */
export async function hazardStats(services: AppServices, caller: Caller): Promise<HazardStats> {
  const [stat, villages] = await Promise.all([
    HazardStatModel.findOne({ town: caller.town }).lean(),
    VillageModel.find({ town: caller.town }).sort({ code: 1 }).select('name').lean(),
  ]);
  const open = (stat?.open ?? {}) as {
    total?: number;
    overdue?: number;
    level?: Record<string, number>;
    category?: Record<string, number>;
    village?: Record<string, number>;
  };
  const month = localMonth(services.clock.now());
  const closed = ((stat?.closed ?? {}) as Record<string, { onTime?: number; late?: number }>)[month] ?? {};
  const major = open.level?.major ?? 0;
  return {
    open: { total: open.total ?? 0, major, general: open.level?.general ?? 0, overdue: open.overdue ?? 0 },
    openMajor: major,
    byCategory: Object.entries(open.category ?? {})
      .filter(([, n]) => n > 0)
      // Ties in a fixed order (by code): the stored counters' key order is the engine's, not ours.
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .map(([code, count]) => ({ code, label: categoryLabel(code), count })),
    byVillage: villages.map((v) => ({ id: String(v._id), name: v.name, count: open.village?.[String(v._id)] ?? 0 })),
    month,
    closedThisMonth: { onTime: closed.onTime ?? 0, late: closed.late ?? 0 },
  };
}
