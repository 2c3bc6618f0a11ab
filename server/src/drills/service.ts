import { AppError, type CheckinResult, type DrillCreate, type DrillOut, type DrillReport } from '@yingji/shared';
import type { Types } from 'mongoose';
import type { AppServices, Caller } from '../core/context';
import { enqueue, type OutboundMessage } from '../outbox/enqueue';
import { ChatGroupModel, UserModel, VillageModel } from '../people/models';
import { loadTownConfig } from '../towns/config';
import { publishDrill } from './events';
import { DrillCheckinModel, DrillModel, type DrillDoc } from './model';
import { assemblySeconds, isLate, outsideAssemblyArea, summarise } from './rules';

/** Roles called to a drill when no participant list is given. */
const DEFAULT_PARTICIPANT_ROLES = ['grid', 'cadre'];

type DrillLike = Pick<
  DrillDoc,
  '_id' | 'title' | 'unannounced' | 'status' | 'participants' | 'area' | 'assemblyPoint' | 'startedAt' | 'endedAt'
> & { createdAt?: Date };

export function toDrillOut(d: DrillLike): DrillOut {
  const area = d.area
    ? {
        villages: d.area.villages?.length ? d.area.villages.map(String) : undefined,
        grids: d.area.grids?.length ? d.area.grids.map(String) : undefined,
        polygon: d.area.polygon?.length ? d.area.polygon.map((p) => ({ lat: p.lat, lng: p.lng })) : undefined,
      }
    : undefined;
  const ap = d.assemblyPoint;
  return {
    id: String(d._id),
    title: d.title,
    unannounced: !!d.unannounced,
    status: d.status as DrillOut['status'],
    participantCount: d.participants?.length ?? 0,
    assemblyPoint:
      ap && ap.lat != null && ap.lng != null && ap.radiusM != null
        ? { lat: ap.lat, lng: ap.lng, radiusM: ap.radiusM, name: ap.name ?? undefined }
        : undefined,
    area: area && (area.villages || area.grids || area.polygon) ? area : undefined,
    startedAt: d.startedAt?.toISOString(),
    endedAt: d.endedAt?.toISOString(),
    createdAt: (d.createdAt ?? new Date(0)).toISOString(),
    exercise: true,
  };
}

/** Create a drill; the participants are fixed now: the given users, or the staff of the area. */
export async function createDrill(caller: Caller, input: DrillCreate): Promise<DrillDoc> {
  let participants: Types.ObjectId[];
  if (input.participants) {
    const ids = [...new Set(input.participants)];
    const found = await UserModel.find({ _id: { $in: ids }, town: caller.town, active: true })
      .select('_id')
      .lean();
    if (found.length !== ids.length) throw new AppError('DRILL_PARTICIPANT_UNKNOWN');
    participants = found.map((u) => u._id);
  } else {
    const filter: Record<string, unknown> = {
      town: caller.town,
      active: true,
      role: { $in: DEFAULT_PARTICIPANT_ROLES },
    };
    const or: Record<string, unknown>[] = [];
    if (input.area?.villages?.length) or.push({ village: { $in: input.area.villages } });
    if (input.area?.grids?.length) or.push({ grids: { $in: input.area.grids } });
    if (or.length) filter.$or = or;
    participants = (await UserModel.find(filter).select('_id').lean()).map((u) => u._id);
  }
  if (participants.length === 0) throw new AppError('DRILL_NO_PARTICIPANTS');
  return DrillModel.create({
    town: caller.town,
    title: input.title,
    unannounced: input.unannounced ?? false,
    participants,
    area: input.area,
    assemblyPoint: input.assemblyPoint,
    message: input.message,
    createdBy: caller._id,
  });
}

export async function getDrill(caller: Pick<Caller, 'town'>, id: string): Promise<DrillDoc> {
  const d = await DrillModel.findOne({ _id: id, town: caller.town });
  if (!d) throw new AppError('DRILL_NOT_FOUND');
  return d;
}

/**
 * The call's text. An unannounced drill's call reads like a real call-out (that is the point of
 * 双盲); only the records say it is an exercise.
 */
export function drillCallText(d: Pick<DrillDoc, 'title' | 'unannounced' | 'message' | 'assemblyPoint'>): string {
  if (d.message) return `${d.message}\n到达后请回复“签到”。`;
  const where = d.assemblyPoint?.name ? `前往${d.assemblyPoint.name}` : '到指定地点';
  const head = d.unannounced ? '【紧急集结】' : '【应急演练】';
  return `${head}${d.title}\n请立即${where}集结，到达后回复“签到”。`;
}

/**
 * Start: the call goes to every participant through the outbox (a WeCom app message to each one
 * with a WeCom account, and a message in each participant's grid room (Wechaty) that @mentions
 * them), then the drill is claimed atomically (planned → running, so two clicks start it once).
 * Enqueue first: if it fails the drill stays planned and /start can be retried; the idempotency
 * keys make a second enqueue (a retry, or a concurrent click) send nothing twice.
 */
export async function startDrill(services: AppServices, caller: Caller, id: string): Promise<DrillDoc> {
  const now = services.clock.now();
  const planned = await DrillModel.findOne({ _id: id, town: caller.town, status: 'planned' }).lean();
  if (!planned) {
    await getDrill(caller, id);
    throw new AppError('DRILL_ALREADY_STARTED');
  }
  await enqueue(services.clock, await drillCall(caller, planned));
  const drill = await DrillModel.findOneAndUpdate(
    { _id: id, town: caller.town, status: 'planned' },
    { $set: { status: 'running', startedAt: now } },
    { returnDocument: 'after' },
  );
  if (!drill) {
    await getDrill(caller, id);
    throw new AppError('DRILL_ALREADY_STARTED');
  }
  await publishDrill(services, 'drill.started', drill);
  return drill;
}

/** The call of a drill: one message per participant with WeCom, one per grid room. */
async function drillCall(
  caller: Caller,
  drill: Pick<DrillDoc, '_id' | 'participants' | 'title' | 'unannounced' | 'message' | 'assemblyPoint'>,
): Promise<OutboundMessage[]> {
  const users = await UserModel.find({ _id: { $in: drill.participants }, town: caller.town })
    .select('wecomUserId wechatyContactIds grids')
    .lean();
  const text = drillCallText(drill);
  const source = { kind: 'drill', id: String(drill._id), step: 'call' };
  const messages: OutboundMessage[] = [];
  for (const u of users) {
    if (!u.wecomUserId) continue;
    messages.push({
      town: caller.town,
      channel: 'wecom_app',
      recipient: { user: u._id, address: u.wecomUserId },
      content: { kind: 'text', text },
      source,
      exercise: true,
      idempotencyKey: `drill:${drill._id}:call:user:${u._id}`,
    });
  }
  const gridIds = [...new Set(users.flatMap((u) => (u.grids ?? []).map(String)))];
  const rooms = gridIds.length
    ? await ChatGroupModel.find({ town: caller.town, channel: 'wechaty', grid: { $in: gridIds } }).lean()
    : [];
  for (const room of rooms) {
    const members = users.filter((u) => (u.grids ?? []).some((g) => String(g) === String(room.grid)));
    messages.push({
      town: caller.town,
      channel: 'wechaty',
      recipient: { group: room._id, address: room.externalId },
      content: { kind: 'text', text, mentions: members.flatMap((u) => u.wechatyContactIds ?? []) },
      source,
      exercise: true,
      idempotencyKey: `drill:${drill._id}:call:group:${room._id}`,
    });
  }
  return messages;
}

export async function endDrill(services: AppServices, caller: Caller, id: string): Promise<DrillDoc> {
  const drill = await DrillModel.findOneAndUpdate(
    { _id: id, town: caller.town, status: 'running' },
    { $set: { status: 'ended', endedAt: services.clock.now() } },
    { returnDocument: 'after' },
  );
  if (!drill) {
    await getDrill(caller, id);
    throw new AppError('DRILL_NOT_RUNNING');
  }
  await publishDrill(services, 'drill.ended', drill);
  return drill;
}

/**
 * Check a participant in. The first check-in stands (unique per drill and user); a second one
 * answers the first with `alreadyCheckedIn`. Outside the assembly area and late are recorded.
 */
export async function checkIn(
  services: AppServices,
  caller: Caller,
  drill: DrillDoc,
  input: { location?: { lat: number; lng: number }; channel?: string },
): Promise<CheckinResult> {
  if (drill.status !== 'running' || !drill.startedAt) throw new AppError('DRILL_NOT_RUNNING');
  if (!drill.participants.some((p) => String(p) === caller.id)) throw new AppError('DRILL_NOT_PARTICIPANT');
  const existing = await DrillCheckinModel.findOne({ drill: drill._id, user: caller._id }).lean();
  if (existing) return checkinResult(drill, existing, true);
  const config = await loadTownConfig(caller.town);
  const now = services.clock.now();
  const seconds = assemblySeconds(drill.startedAt, now);
  const record = {
    town: caller.town,
    drill: drill._id,
    user: caller._id,
    village: caller.villageId,
    checkedInAt: now,
    seconds,
    channel: input.channel ?? 'api',
    location: input.location,
    outsideArea: outsideAssemblyArea(input.location, {
      assemblyPoint: drill.assemblyPoint?.radiusM != null ? (drill.assemblyPoint as never) : undefined,
      polygon: drill.area?.polygon,
    }),
    late: isLate(seconds, config.drills.assemblyTargetMinutes),
    exercise: true,
  };
  try {
    await DrillCheckinModel.create(record);
    return checkinResult(drill, record, false);
  } catch (e) {
    // Two check-ins at the same moment: the other one won; answer it.
    if ((e as { code?: number }).code !== 11000) throw e;
    const first = await DrillCheckinModel.findOne({ drill: drill._id, user: caller._id }).lean();
    if (!first) throw e;
    return checkinResult(drill, first, true);
  }
}

function checkinResult(
  drill: DrillDoc,
  c: { checkedInAt: Date; seconds: number; outsideArea?: boolean | null; late?: boolean | null },
  alreadyCheckedIn: boolean,
): CheckinResult {
  return {
    drill: { id: String(drill._id), title: drill.title },
    checkedInAt: c.checkedInAt.toISOString(),
    seconds: c.seconds,
    alreadyCheckedIn,
    outsideArea: !!c.outsideArea,
    late: !!c.late,
  };
}

/** The chat's 签到: the caller's most recently started running drill. */
export async function latestRunningDrill(caller: Caller): Promise<DrillDoc> {
  const drill = await DrillModel.findOne({ town: caller.town, status: 'running', participants: caller._id }).sort({
    startedAt: -1,
  });
  if (!drill) throw new AppError('DRILL_NONE_RUNNING');
  return drill;
}

/** Who came, how fast, who did not; by village. */
export async function drillReport(caller: Pick<Caller, 'town'>, id: string): Promise<DrillReport> {
  const drill = await getDrill(caller, id);
  const [users, checkins] = await Promise.all([
    UserModel.find({ _id: { $in: drill.participants }, town: caller.town })
      .select('name village')
      .lean(),
    DrillCheckinModel.find({ drill: drill._id }).lean(),
  ]);
  const villages = await VillageModel.find({ town: caller.town }).select('name code').lean();
  const villageName = new Map(villages.map((v) => [String(v._id), v.name]));
  const byUser = new Map(checkins.map((c) => [String(c.user), c]));
  const participants = users.map((u) => {
    const c = byUser.get(String(u._id));
    const villageId = u.village ? String(u.village) : undefined;
    return {
      userId: String(u._id),
      name: u.name,
      villageId,
      villageName: villageId ? villageName.get(villageId) : undefined,
      checkedInAt: c?.checkedInAt.toISOString(),
      seconds: c?.seconds,
      channel: c?.channel,
      outsideArea: c ? !!c.outsideArea : undefined,
      late: c ? !!c.late : undefined,
    };
  });
  // Present first, fastest first; then the absent by name.
  participants.sort((a, b) =>
    a.seconds !== undefined && b.seconds !== undefined
      ? a.seconds - b.seconds
      : a.seconds !== undefined
        ? -1
        : b.seconds !== undefined
          ? 1
          : a.name.localeCompare(b.name, 'zh'),
  );
  const groups = new Map<string, typeof participants>();
  for (const p of participants) {
    const key = p.villageId ?? '';
    groups.set(key, [...(groups.get(key) ?? []), p]);
  }
  const order = new Map(villages.map((v) => [String(v._id), v.code]));
  const byVillage = [...groups.entries()]
    .sort(([a], [b]) => (order.get(a) ?? '~').localeCompare(order.get(b) ?? '~'))
    .map(([key, rows]) => ({
      villageId: key || null,
      name: key ? (villageName.get(key) ?? '') : '镇级及其他',
      ...summarise(rows),
    }));
  return { drill: toDrillOut(drill), participants, summary: summarise(participants), byVillage };
}
