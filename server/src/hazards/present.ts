/** A hazard as the API shows it: the list row (with names) and the detail (tips, history, content check). */
import { Types } from 'mongoose';
import {
  HAZARD_HISTORY_LABELS,
  HAZARD_LEVEL_LABELS,
  HAZARD_SOURCE_LABELS,
  HAZARD_STATUS_LABELS,
  categoryLabel,
  type HazardDetail,
  type HazardLevel,
  type HazardOut,
  type HazardSource,
  type HazardStatus,
} from '@yingji/shared';

import type { Caller } from '../core/context';

import { GridModel } from '../people/grid.model';

import { UserModel } from '../people/user.model';
import { VillageModel } from '../people/village.model';
import { reporterView } from '../people/reporter-view';

import { TipModel } from '../tips/tip.model';

import { type Hazard } from './hazard.model';

import { moderatedView } from '../moderation/present';

export type HazardLean = Hazard & { _id: Types.ObjectId };

interface Names {
  villages: Map<string, string>;
  grids: Map<string, string>;
  users: Map<string, string>;
}

export async function loadNames(docs: HazardLean[]): Promise<Names> {
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

export function hazardOut(h: HazardLean, names: Names): HazardOut {
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
