/** The hazard list (隐患清单): its filter, its pages newest first, and the export's rows. */
import { Types } from 'mongoose';
import { AppError, type HazardOut } from '@yingji/shared';
import type { z } from 'zod';
import type { HazardListQuery as ListSchema } from '@yingji/shared';
import type { Caller } from '../core/context';

import { VillageModel } from '../people/village.model';

import { HazardModel } from './hazard.model';

import { hazardScope } from './scope';
import { hazardOut, loadNames, type HazardLean } from './present';
import { moderatedView } from '../moderation/present';

type ListQuery = z.output<typeof ListSchema>;

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
