import crypto from 'node:crypto';
import jwt from 'jsonwebtoken';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import {
  AppError,
  type ChatBindCode,
  type ChatBindRequest,
  type ChatBindResult,
  type ChatSession,
  type ChatSessionRequest,
  type ChatTransferRequest,
  type Role,
  type TransferResult,
} from '@yingji/shared';
import type { Types } from 'mongoose';
import { warningInForceFor } from '../callouts/chat';
import type { Config } from '../config';
import { tokenKey } from '../core/auth';
import { isDuplicateKey } from '../db/duplicate';
import type { AppServices, Caller } from '../core/context';
import { ChatGroupModel, type ChatChannel } from '../people/chat-group.model';
import { UserModel } from '../people/user.model';
import { reportTransfer } from '../shelters/service';
import { townsOfCorp } from '../towns/wecom-corps';
import { ChatBindCodeModel, ProcessedMessageModel } from './models';

/** A chat session's token lives a quarter of an hour: enough for a conversation, little if it leaks. */
export const CHAT_TOKEN_TTL_SECONDS = 15 * 60;
export const BIND_CODE_TTL_MS = 10 * 60 * 1000;

type SessionUser = {
  _id: Types.ObjectId;
  town: Types.ObjectId;
  role: string;
  name: string;
  village?: Types.ObjectId | null;
  grids?: Types.ObjectId[];
};

/**
 * The user behind a chat sender: a WeCom user id (set by the office) or a Wechaty contact id bound
 * by the user themselves. Ids are unique within one WeCom corp or WeChat account; if more than one
 * active user claims the id, nobody is trusted with it.
 */
/**
 * The one active person behind a chat account, or nobody when none or several match. A WeCom
 * userid is looked up among the towns of the corp the message came through (`towns`; WeCom only
 * names people inside a corp); without `towns`, among the towns of the deployment's corp.
 */
export async function findChatUser(
  channel: ChatSessionRequest['channel'],
  externalUserId: string,
  scope: { config: Pick<Config, 'WECOM_CORP_ID'>; towns?: Types.ObjectId[] },
) {
  const towns = channel === 'wecom_app' ? (scope.towns ?? (await townsOfCorp(scope.config, undefined))) : undefined;
  const filter =
    channel === 'wecom_app'
      ? { wecomUserId: externalUserId, town: { $in: towns } }
      : { wechatyContactIds: externalUserId };
  const users = await UserModel.find({ ...filter, active: true })
    .select('town role name village grids')
    .limit(2)
    .lean();
  return users.length === 1 ? (users[0] as SessionUser) : undefined;
}

/** A short-lived token acting with the user's own rights, and who they are. */
export async function sessionFor(
  services: Pick<AppServices, 'config'>,
  user: SessionUser,
  group?: { channel: ChatChannel; externalId: string },
): Promise<ChatSession> {
  const token = jwt.sign({ town: String(user.town), role: user.role }, tokenKey(services.config), {
    subject: String(user._id),
    expiresIn: CHAT_TOKEN_TTL_SECONDS,
    algorithm: 'HS256',
  });
  const g = group
    ? await ChatGroupModel.findOne({ channel: group.channel, externalId: group.externalId, town: user.town }).lean()
    : null;
  return {
    token,
    expiresAt: new Date(Date.now() + CHAT_TOKEN_TTL_SECONDS * 1000).toISOString(),
    user: {
      id: String(user._id),
      name: user.name,
      role: user.role as Role,
      townId: String(user.town),
      villageId: user.village ? String(user.village) : undefined,
      gridIds: (user.grids ?? []).map(String),
    },
    group: g
      ? {
          id: String(g._id),
          name: g.name,
          gridId: g.grid ? String(g.grid) : undefined,
          villageId: g.village ? String(g.village) : undefined,
        }
      : undefined,
  };
}

export async function openChatSession(
  services: Pick<AppServices, 'config'>,
  input: ChatSessionRequest,
): Promise<ChatSession> {
  const user = await findChatUser(input.channel, input.externalUserId, services);
  if (!user) throw new AppError('CHAT_SENDER_UNKNOWN');
  const group = input.groupExternalId ? { channel: input.channel, externalId: input.groupExternalId } : undefined;
  return sessionFor(services, user, group);
}

function hashCode(services: Pick<AppServices, 'config'>, code: string): string {
  return crypto.createHmac('sha256', services.config.JWT_SECRET).update(`chat-bind:${code}`).digest('hex');
}

/** A fresh one-time code for the caller; an earlier one of theirs stops working. */
export async function createBindCode(
  services: Pick<AppServices, 'config' | 'clock'>,
  caller: Caller,
): Promise<ChatBindCode> {
  const now = services.clock.now();
  await ChatBindCodeModel.deleteMany({ $or: [{ user: caller._id }, { expiresAt: { $lte: now } }] });
  const expiresAt = new Date(now.getTime() + BIND_CODE_TTL_MS);
  for (let attempt = 0; attempt < 5; attempt++) {
    const code = String(crypto.randomInt(0, 1_000_000)).padStart(6, '0');
    try {
      await ChatBindCodeModel.create({
        town: caller.town,
        user: caller._id,
        codeHash: hashCode(services, code),
        expiresAt,
      });
      return { code, expiresAt: expiresAt.toISOString() };
    } catch (e) {
      if ((e as { code?: number }).code !== 11000) throw e; // another live code has these digits: draw again
    }
  }
  throw new AppError('CONFLICT');
}

/**
 * Six digits can be guessed, so guesses are limited per chat account (5 in 15 minutes) and across
 * all accounts (60 a minute): a brute force over a code's 10-minute life would need ~1e6 tries.
 */
const bindFailuresByAccount = new RateLimiterMemory({ keyPrefix: 'chat-bind', points: 5, duration: 15 * 60 });
const bindFailuresAll = new RateLimiterMemory({ keyPrefix: 'chat-bind-all', points: 60, duration: 60 });

async function assertBindAllowed(key: string) {
  const [a, b] = await Promise.all([bindFailuresByAccount.get(key), bindFailuresAll.get('all')]);
  const blocked = [a, b].find((r) => r && r.remainingPoints <= 0 && r.consumedPoints > 0);
  if (blocked)
    throw new AppError('CHAT_BIND_TOO_MANY_ATTEMPTS', { retryAfter: Math.ceil(blocked.msBeforeNext / 1000) });
}

/** Bind a Wechaty contact to the user whose live code it sent; the code is used up at once. */
export async function bindChatAccount(
  services: Pick<AppServices, 'config' | 'clock'>,
  input: ChatBindRequest,
): Promise<ChatBindResult> {
  const key = `${input.channel}:${input.externalUserId}`;
  await assertBindAllowed(key);
  const found = await ChatBindCodeModel.findOneAndDelete({
    codeHash: hashCode(services, input.code),
    expiresAt: { $gt: services.clock.now() },
  }).lean();
  const user = found ? await UserModel.findOne({ _id: found.user, town: found.town, active: true }) : null;
  if (!user) {
    await Promise.all([bindFailuresByAccount.consume(key), bindFailuresAll.consume('all')]).catch((e) => {
      if (!(e instanceof RateLimiterRes)) throw e;
    });
    throw new AppError('CHAT_BIND_CODE_INVALID');
  }
  // One contact belongs to one user: whoever controls it has just proved it is theirs.
  await UserModel.updateMany(
    { wechatyContactIds: input.externalUserId, _id: { $ne: user._id } },
    { $pull: { wechatyContactIds: input.externalUserId } },
  );
  await UserModel.updateOne({ _id: user._id }, { $addToSet: { wechatyContactIds: input.externalUserId } });
  await bindFailuresByAccount.delete(key);
  return { user: { id: String(user._id), name: user.name } };
}

/**
 * Take an inbound message in once: true the first time its key is seen, false on every retry.
 * The unique index decides, so two retries arriving together cannot both pass.
 */
export async function firstTimeSeen(
  services: Pick<AppServices, 'clock'>,
  channel: string,
  key: string,
): Promise<boolean> {
  try {
    await ProcessedMessageModel.create({ key: `${channel}:${key}`, channel, receivedAt: services.clock.now() });
    return true;
  } catch (e) {
    if (isDuplicateKey(e)) return false;
    throw e;
  }
}

/** Keys are only needed while the sender may still retry; a week is plenty. */
export async function forgetOldProcessedMessages(services: Pick<AppServices, 'clock'>): Promise<number> {
  const before = new Date(services.clock.now().getTime() - 7 * 24 * 3600 * 1000);
  const res = await ProcessedMessageModel.deleteMany({ receivedAt: { $lt: before } });
  return res.deletedCount ?? 0;
}

/**
 * 已转移 N 人 from a chat. A chat line names no plan, so the report would go to the sender's
 * grid's hazard point whatever is happening: it is taken only while a warning is in force for
 * the sender (or when a hazard point is named), never into a total out of season.
 */
export async function transferFromChat(
  services: AppServices,
  caller: Caller,
  input: ChatTransferRequest,
): Promise<TransferResult> {
  if (!input.hazardPointId && !(await warningInForceFor(services, caller)))
    throw new AppError('CHAT_TRANSFER_NO_WARNING');
  return reportTransfer(services, caller, {
    count: input.count,
    channel: input.channel ?? 'chat',
    ...(input.hazardPointId ? { hazardPointId: input.hazardPointId } : {}),
  });
}
