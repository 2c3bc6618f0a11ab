/** The town's hazard dashboard counters: moved on every change, rebuilt by the repair tool, read without scanning. */
import { Types } from 'mongoose';
import { categoryLabel, type HazardLevel, type HazardStats, type HazardStatus } from '@yingji/shared';

import type { AppServices, Caller } from '../core/context';

import { VillageModel } from '../people/village.model';

import { HazardModel, HazardStatModel, type Hazard } from './hazard.model';
import { counterDelta, localMonth, type CounterState } from './rules';

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
