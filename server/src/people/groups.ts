import crypto from 'node:crypto';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { AppError, type ChatGroupBindRequest, type ChatGroupBindResult, type GroupBindCode } from '@yingji/shared';
import { Types } from 'mongoose';
import { audit } from '../audit/service';
import type { AppServices, Caller } from '../core/context';
import { ChatGroupModel, GridModel, GroupCodeModel, VillageModel } from './models';

/**
 * Chat groups to places: a WeCom group robot is registered by its webhook key; a WeChat room or
 * WeCom group is bound by a short code the console shows, posted in the room as `绑定群 123456`.
 */

const CODE_TTL_MS = 30 * 60 * 1000;
const oid = (s: string) => new Types.ObjectId(s);

type GroupLike = {
  _id: Types.ObjectId;
  channel: string;
  name: string;
  grid?: Types.ObjectId | null;
  village?: Types.ObjectId | null;
};
export const groupOut = (g: GroupLike) => ({
  id: String(g._id),
  channel: g.channel as 'wechaty' | 'wecom_app' | 'wecom_robot',
  name: g.name,
  gridId: g.grid ? String(g.grid) : undefined,
  villageId: g.village ? String(g.village) : undefined,
});

/** The grid (with its village) or the village a group is for, within the town. */
async function placeFor(town: Types.ObjectId, ref: { gridId?: string; villageId?: string }) {
  if (ref.gridId) {
    const g = await GridModel.findOne({ _id: oid(ref.gridId), town, active: { $ne: false } }).lean();
    if (!g) throw new AppError('GRID_NOT_FOUND');
    return { grid: g._id, village: g.village, name: g.name };
  }
  if (ref.villageId) {
    const v = await VillageModel.findOne({ _id: oid(ref.villageId), town, active: { $ne: false } }).lean();
    if (!v) throw new AppError('VILLAGE_NOT_FOUND');
    return { grid: undefined, village: v._id, name: v.name };
  }
  return { grid: undefined, village: undefined, name: '' };
}

export async function listGroups(town: Types.ObjectId) {
  return (await ChatGroupModel.find({ town }).sort({ name: 1 }).lean()).map(groupOut);
}

export async function registerRobot(
  services: Pick<AppServices, 'clock'>,
  caller: Caller,
  input: { name: string; webhookKey: string; gridId?: string; villageId?: string },
) {
  const place = await placeFor(caller.town, input);
  try {
    const g = await ChatGroupModel.create({
      town: caller.town,
      channel: 'wecom_robot',
      externalId: input.webhookKey,
      name: input.name,
      grid: place.grid,
      village: place.village,
    });
    await audit(services, caller.town, caller, 'chat-group.robot', {
      target: input.name,
      after: { ...groupOut(g), webhookKey: `${input.webhookKey.slice(0, 4)}…` },
    });
    return groupOut(g);
  } catch (e) {
    if ((e as { code?: number }).code === 11000) throw new AppError('CHAT_GROUP_TAKEN');
    throw e;
  }
}

export async function unbindGroup(services: Pick<AppServices, 'clock'>, caller: Caller, id: string) {
  const g = await ChatGroupModel.findOneAndDelete({ _id: oid(id), town: caller.town }).lean();
  if (!g) throw new AppError('CHAT_GROUP_NOT_FOUND');
  await audit(services, caller.town, caller, 'chat-group.unbind', { target: g.name, before: groupOut(g) });
}

function hashCode(services: Pick<AppServices, 'config'>, code: string) {
  return crypto.createHmac('sha256', services.config.JWT_SECRET).update(`group-bind:${code}`).digest('hex');
}

/** A fresh code binding the next room it is posted in to this grid or village. */
export async function createGroupBindCode(
  services: Pick<AppServices, 'config' | 'clock'>,
  caller: Caller,
  ref: { gridId?: string; villageId?: string },
): Promise<GroupBindCode> {
  const place = await placeFor(caller.town, ref);
  const now = services.clock.now();
  await GroupCodeModel.deleteMany({ expiresAt: { $lte: now } });
  const expiresAt = new Date(now.getTime() + CODE_TTL_MS);
  for (let attempt = 0; attempt < 5; attempt++) {
    const code = String(crypto.randomInt(0, 1_000_000)).padStart(6, '0');
    try {
      await GroupCodeModel.create({
        town: caller.town,
        grid: place.grid,
        village: place.village,
        createdBy: caller._id,
        codeHash: hashCode(services, code),
        expiresAt,
      });
      return { code, expiresAt: expiresAt.toISOString() };
    } catch (e) {
      if ((e as { code?: number }).code !== 11000) throw e;
    }
  }
  throw new AppError('CONFLICT');
}

/** Guesses are limited per room and overall, as for personal binding codes (chat/service.ts). */
const failuresByRoom = new RateLimiterMemory({ keyPrefix: 'group-bind', points: 5, duration: 15 * 60 });
const failuresAll = new RateLimiterMemory({ keyPrefix: 'group-bind-all', points: 60, duration: 60 });

/** The bot's route: the room the code was posted in becomes the code's grid's (or village's) group. */
export async function bindGroupByCode(
  services: Pick<AppServices, 'config' | 'clock'>,
  input: ChatGroupBindRequest,
): Promise<ChatGroupBindResult> {
  const key = `${input.channel}:${input.groupExternalId}`;
  const [a, b] = await Promise.all([failuresByRoom.get(key), failuresAll.get('all')]);
  const blocked = [a, b].find((r) => r && r.remainingPoints <= 0 && r.consumedPoints > 0);
  if (blocked)
    throw new AppError('CHAT_BIND_TOO_MANY_ATTEMPTS', { retryAfter: Math.ceil(blocked.msBeforeNext / 1000) });
  const found = await GroupCodeModel.findOneAndDelete({
    codeHash: hashCode(services, input.code),
    expiresAt: { $gt: services.clock.now() },
  }).lean();
  if (!found) {
    await Promise.all([failuresByRoom.consume(key), failuresAll.consume('all')]).catch((e) => {
      if (!(e instanceof RateLimiterRes)) throw e;
    });
    throw new AppError('GROUP_BIND_CODE_INVALID');
  }
  const [grid, village] = await Promise.all([
    found.grid ? GridModel.findById(found.grid).lean() : null,
    found.village ? VillageModel.findById(found.village).lean() : null,
  ]);
  const placeName = grid?.name ?? village?.name ?? '';
  const group = await ChatGroupModel.findOneAndUpdate(
    { channel: input.channel, externalId: input.groupExternalId },
    {
      $set: {
        town: found.town,
        name: input.groupName || placeName,
        ...(found.grid ? { grid: found.grid } : {}),
        ...(found.village ? { village: found.village } : {}),
      },
      ...(found.grid ? {} : { $unset: { grid: 1 } }),
    },
    { upsert: true, returnDocument: 'after' },
  ).lean();
  await failuresByRoom.delete(key);
  await audit(services, found.town, { name: '聊天机器人', role: 'bot' }, 'chat-group.bind', {
    target: group!.name,
    after: { ...groupOut(group!), by: input.externalUserId },
  });
  return { group: { id: String(group!._id), name: group!.name }, placeName };
}
