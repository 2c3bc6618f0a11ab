import crypto from 'node:crypto';
import { Types } from 'mongoose';
import {
  AppError,
  HAZARD_STATUS_LABELS,
  REWARD_STATUS_LABELS,
  TIP_SOURCE_LABELS,
  TIP_STATUS_LABELS,
  categoryLabel,
  isOffice,
  type DuplicateSuggestion,
  type HazardCategory,
  type HazardLevel,
  type HazardStatus,
  type RewardStatus,
  type TipCreated,
  type TipOut,
  type TipQueueItem,
  type TipSource,
  type TipStatus,
} from '@yingji/shared';
import type { AppServices, Caller } from '../core/context';
import { HazardModel, nextSeq } from '../hazards/hazard.model';
import { formatTipCode, localYear } from '../hazards/rules';
import { insertHazard, linkTip } from '../hazards/service';
import { attachableMedia } from '../media/service';
import { GridModel } from '../people/grid.model';
import { TownModel } from '../people/town.model';
import { UserModel } from '../people/user.model';
import { VillageModel } from '../people/village.model';
import { RewardModel } from '../rewards/reward.model';
import { loadTownConfig, type TownConfig } from '../towns/config';
import { carryTipCheck, ensureChecked } from '../moderation/service';
import { announceTip, publishTipAccepted } from './events';
import { boundingBox, haversineM } from './geo';
import { notifyReporter } from './notify';
import { placeOf } from './place';
import { claimTipSlot } from './quota';
import { moderatedView } from '../moderation/present';
import { reporterView } from './present';
import { tipScope } from './scope';
import { TipModel, type Tip } from './tip.model';

type TipLean = Tip & { _id: Types.ObjectId };
const HOUR = 3600 * 1000;

/**
 * A resident's tip enters the reservoir as `submitted`. Refused with 429 past the town's hourly
 * limit (counted in the database, so it holds across server instances), with 400 for a location
 * outside the town or photos that are not the reporter's; nothing is stored then.
 */
export async function createTip(
  services: AppServices,
  caller: Caller,
  body: {
    category: HazardCategory;
    description: string;
    location: { lat: number; lng: number; address?: string };
    mediaIds: string[];
    confidential: boolean;
    clientId?: string;
    /** The intake path: the mini-program (default), a video alarm, Open311. */
    source?: TipSource;
  },
): Promise<TipCreated> {
  if (body.clientId) {
    const stored = await TipModel.findOne({ reporter: caller._id, clientId: body.clientId }).lean();
    if (stored) return { id: String(stored._id), code: stored.code, status: stored.status as TipCreated['status'] };
  }
  const now = services.clock.now();
  const cfg = await loadTownConfig(caller.town);
  const place = await placeOf(caller.town, body.location, cfg);
  const mediaIds = await attachableMedia(caller, body.mediaIds);
  const town = await TownModel.findById(caller.town).select('code').lean();
  if (!town) throw new AppError('TOWN_NOT_FOUND');
  // The hourly limit is a counter claimed in the database before the insert, not a count of
  // stored tips, so a burst of concurrent submissions cannot all pass the check.
  const release = await claimTipSlot(caller._id, cfg.tipsPerHour, now);
  const year = localYear(now);
  const seq = await nextSeq(`tip:${String(town._id)}:${year}`);
  const tip = await TipModel.create({
    town: caller.town,
    code: formatTipCode(town.code, year, seq),
    reporter: caller._id,
    reporterRole: caller.role,
    confidential: body.confidential,
    category: body.category,
    description: body.description,
    location: body.location,
    ...place,
    mediaIds,
    status: 'submitted',
    submittedAt: now,
    clientId: body.clientId ?? crypto.randomUUID(),
    source: body.source ?? 'app',
    // tip.created waits for the content check (tips/events.ts).
    announcePending: true,
  }).catch(async (e: unknown) => {
    await release();
    throw e;
  });
  return { id: String(tip._id), code: tip.code, status: 'submitted' };
}

async function shape(caller: Caller, tips: TipLean[]): Promise<TipOut[]> {
  const uniq = (xs: (Types.ObjectId | null | undefined)[]) => [...new Set(xs.filter(Boolean).map(String))];
  const [villages, grids, hazards, rewards, reporters] = await Promise.all([
    VillageModel.find({ _id: { $in: uniq(tips.map((t) => t.village)) } })
      .select('name')
      .lean(),
    GridModel.find({ _id: { $in: uniq(tips.map((t) => t.grid)) } })
      .select('name')
      .lean(),
    HazardModel.find({ _id: { $in: uniq(tips.map((t) => t.hazard)) } })
      .select('code status closedAt')
      .lean(),
    RewardModel.find({ tip: { $in: tips.map((t) => t._id) } })
      .select('tip status amount')
      .lean(),
    caller.role === 'resident'
      ? Promise.resolve([])
      : UserModel.find({ _id: { $in: uniq(tips.map((t) => t.reporter)) } })
          .select('name phone')
          .lean(),
  ]);
  const vName = new Map(villages.map((v) => [String(v._id), v.name]));
  const gName = new Map(grids.map((g) => [String(g._id), g.name]));
  const hById = new Map(hazards.map((h) => [String(h._id), h]));
  const rByTip = new Map(rewards.map((r) => [String(r.tip), r]));
  const uById = new Map(reporters.map((u) => [String(u._id), u]));
  // The content check: flagged text and photos are shown to the office only, with the reason.
  const checked = await moderatedView(caller, 'tip', tips);
  return tips.map((t) => {
    const h = t.hazard ? hById.get(String(t.hazard)) : undefined;
    const r = rByTip.get(String(t._id));
    const mine = String(t.reporter) === caller.id;
    const showAmount = r && (isOffice(caller.role) || r.status === 'approved' || r.status === 'paid');
    return {
      id: String(t._id),
      code: t.code,
      status: t.status as TipStatus,
      statusLabel: TIP_STATUS_LABELS[t.status as TipStatus],
      category: t.category,
      categoryLabel: categoryLabel(t.category),
      source: (t.source ?? 'app') as TipSource,
      sourceLabel: TIP_SOURCE_LABELS[(t.source ?? 'app') as TipSource],
      location: {
        lat: t.location!.lat,
        lng: t.location!.lng,
        ...(t.location?.address ? { address: t.location.address } : {}),
      },
      village: t.village ? { id: String(t.village), name: vName.get(String(t.village)) ?? '' } : undefined,
      grid: t.grid ? { id: String(t.grid), name: gName.get(String(t.grid)) ?? '' } : undefined,
      ...checked(t), // description and mediaIds, as the content check allows
      confidential: Boolean(t.confidential),
      submittedAt: t.submittedAt.toISOString(),
      rejectReason: t.rejectReason ?? undefined,
      hazard: h
        ? {
            id: String(h._id),
            code: h.code,
            status: h.status,
            statusLabel: HAZARD_STATUS_LABELS[h.status as HazardStatus],
            closedAt: h.closedAt?.toISOString(),
          }
        : undefined,
      reward:
        r && (mine || isOffice(caller.role))
          ? {
              id: String(r._id),
              status: r.status,
              statusLabel: REWARD_STATUS_LABELS[r.status as RewardStatus],
              amount: showAmount ? r.amount : undefined,
            }
          : undefined,
      reporter: caller.role === 'resident' ? undefined : reporterView(t, uById.get(String(t.reporter)), caller),
    };
  });
}

export async function myTips(caller: Caller): Promise<{ items: TipOut[] }> {
  const tips = await TipModel.find({ town: caller.town, reporter: caller._id }).sort({ submittedAt: -1 }).lean();
  return { items: await shape(caller, tips) };
}

async function findVisibleTip(caller: Caller, id: string): Promise<TipLean> {
  const tip = await TipModel.findOne({ $and: [tipScope(caller), { _id: new Types.ObjectId(id) }] }).lean();
  if (!tip) throw new AppError('TIP_NOT_FOUND');
  return tip;
}

export async function getTip(caller: Caller, id: string): Promise<TipOut> {
  return (await shape(caller, [await findVisibleTip(caller, id)]))[0]!;
}

/**
 * Suggested duplicates of a tip: open tips and open hazards of the same category within the
 * town's radius and time window. A lat/lng box narrows the query; the exact distance decides.
 */
export async function duplicatesOf(tip: TipLean, cfg: TownConfig): Promise<DuplicateSuggestion[]> {
  const p = { lat: tip.location!.lat, lng: tip.location!.lng };
  const box = boundingBox(p, cfg.duplicateRadiusM);
  const windowMs = cfg.duplicateWindowDays * 24 * HOUR;
  const t = tip.submittedAt.getTime();
  const near = {
    town: tip.town,
    category: tip.category,
    'location.lat': { $gte: box.minLat, $lte: box.maxLat },
    'location.lng': { $gte: box.minLng, $lte: box.maxLng },
  };
  const when = { $gte: new Date(t - windowMs), $lte: new Date(t + windowMs) };
  const [tips, hazards] = await Promise.all([
    TipModel.find({ ...near, _id: { $ne: tip._id }, status: 'submitted', submittedAt: when })
      .limit(50)
      .lean(),
    HazardModel.find({ ...near, status: { $ne: 'closed' }, discoveredAt: when })
      .limit(50)
      .lean(),
  ]);
  const out: DuplicateSuggestion[] = [
    ...tips.map((x) => ({
      kind: 'tip' as const,
      id: String(x._id),
      code: x.code,
      status: x.status,
      description: x.description,
      distanceM: Math.round(haversineM(p, x.location!)),
      at: x.submittedAt.toISOString(),
    })),
    ...hazards.map((x) => ({
      kind: 'hazard' as const,
      id: String(x._id),
      code: x.code,
      status: x.status,
      description: x.description,
      distanceM: Math.round(haversineM(p, x.location!)),
      at: x.discoveredAt.toISOString(),
    })),
  ];
  return out.filter((d) => d.distanceM <= cfg.duplicateRadiusM).sort((a, b) => a.distanceM - b.distanceM);
}

/** The office's triage queue, each tip with its suggested duplicates. */
export async function tipQueue(
  caller: Caller,
  q: { status: TipStatus; page: number; pageSize: number },
): Promise<{ items: TipQueueItem[]; total: number }> {
  const filter = { town: caller.town, status: q.status };
  const cfg = await loadTownConfig(caller.town);
  const [total, tips] = await Promise.all([
    TipModel.countDocuments(filter),
    TipModel.find(filter)
      .sort({ submittedAt: 1, _id: 1 })
      .skip((q.page - 1) * q.pageSize)
      .limit(q.pageSize)
      .lean(),
  ]);
  const shaped = await shape(caller, tips);
  const dups = await Promise.all(tips.map((t) => duplicatesOf(t, cfg)));
  return { items: shaped.map((s, i) => ({ ...s, duplicates: dups[i]! })), total };
}

/**
 * Accept (a new hazard), reject (with a reason the resident sees) or mark as a duplicate (linked
 * to an existing hazard). The tip is claimed atomically from `submitted`, so it is triaged once.
 */
export async function triageTip(
  services: AppServices,
  caller: Caller,
  id: string,
  body: { decision: 'accept' | 'reject' | 'duplicate'; level?: HazardLevel; reason?: string; hazardId?: string },
): Promise<TipOut> {
  const tip = await TipModel.findOne({ _id: new Types.ObjectId(id), town: caller.town }).lean();
  if (!tip) throw new AppError('TIP_NOT_FOUND');
  if (tip.status !== 'submitted') throw new AppError('TIP_ALREADY_TRIAGED');
  const now = services.clock.now();
  const triage = { by: caller._id, byName: caller.name, at: now };

  let target: Types.ObjectId | undefined;
  if (body.decision === 'reject' && !body.reason) throw new AppError('TIP_REJECT_REASON_REQUIRED');
  if (body.decision === 'duplicate') {
    if (!body.hazardId) throw new AppError('TIP_DUPLICATE_HAZARD_REQUIRED');
    const h = await HazardModel.findOne({ _id: new Types.ObjectId(body.hazardId), town: caller.town })
      .select('_id')
      .lean();
    if (!h) throw new AppError('HAZARD_NOT_FOUND');
    target = h._id;
  }

  const status: TipStatus =
    body.decision === 'accept' ? 'accepted' : body.decision === 'reject' ? 'rejected' : 'duplicate';
  const claimed = await TipModel.findOneAndUpdate(
    { _id: tip._id, town: caller.town, status: 'submitted' },
    {
      $set: {
        status,
        triage,
        ...(body.decision === 'reject' ? { rejectReason: body.reason } : {}),
        ...(target ? { hazard: target } : {}),
      },
    },
    { returnDocument: 'after' },
  ).lean();
  if (!claimed) throw new AppError('TIP_ALREADY_TRIAGED');

  // Triaged within seconds (a town rule accepting a video alarm at once): check the text now and
  // publish tip.created before what follows, so outside systems get the checked text, in order.
  try {
    await ensureChecked(services, 'tip', { ...tip, author: tip.reporter });
  } catch (err) {
    services.log.warn({ err, tip: id }, 'content check at triage failed; the text is withheld from outside');
  }
  if (tip.announcePending) await announceTip(services, tip);

  if (body.decision === 'accept') {
    let hazard;
    try {
      hazard = await insertHazard(services, caller, {
        category: tip.category as HazardCategory,
        level: body.level ?? 'general',
        description: tip.description,
        location: { lat: tip.location!.lat, lng: tip.location!.lng, address: tip.location?.address ?? undefined },
        source: 'tip',
        mediaIds: tip.mediaIds ?? [],
        village: tip.village ?? undefined,
        grid: tip.grid ?? undefined,
        discoveredAt: tip.submittedAt,
        tip,
      });
    } catch (e) {
      // Put the tip back in the queue: the office can try again.
      await TipModel.updateOne(
        { _id: tip._id, status: 'accepted' },
        { $set: { status: 'submitted' }, $unset: { triage: '' } },
      );
      throw e;
    }
    await TipModel.updateOne({ _id: tip._id }, { $set: { hazard: hazard._id } });
    // The hazard copied the tip's text: it carries the tip's verdict (flagged: office only, never passed on).
    await carryTipCheck(tip._id, hazard._id);
    // Rewards react to the event (rewards/subscribers.ts).
    await publishTipAccepted(services, tip, hazard);
    await notifyReporter(services.clock, tip, 'accepted', '已受理，已列入隐患清单', hazard.code);
  } else if (body.decision === 'duplicate') {
    await linkTip(services, caller, target!, tip);
    await notifyReporter(services.clock, tip, 'duplicate', '与已登记的隐患重复，已合并处理');
  } else {
    await notifyReporter(services.clock, tip, 'rejected', '未予受理', body.reason);
  }
  return getTip(caller, id);
}
