import crypto from 'node:crypto';
import { Types } from 'mongoose';
import { AppError, type ApiKeyCreated, type ApiKeyOut, type ApiKeyScope } from '@yingji/shared';
import type { AppServices, Caller } from '../core/context';
import { UserModel } from '../people/user.model';
import { hashKey } from './auth';
import { ApiKeyModel, type ApiKeyLean } from './model';

const DEFAULT_RATE = 120;

/**
 * Create a key for an outside system. Its service user (the caller the key acts as) has the
 * office role in the key's town and no password; the key itself is answered once.
 */
export async function createApiKey(
  services: AppServices,
  caller: Caller,
  body: { name: string; scopes: ApiKeyScope[]; ratePerMinute?: number },
): Promise<ApiKeyCreated> {
  const id = new Types.ObjectId();
  const prefix = crypto.randomBytes(4).toString('hex');
  const key = `yj_${prefix}_${crypto.randomBytes(24).toString('base64url')}`;
  const user = await UserModel.create({
    town: caller.town,
    username: `apikey.${String(id)}`,
    role: 'office',
    name: `接口：${body.name}`,
    active: true,
  });
  await ApiKeyModel.create({
    _id: id,
    town: caller.town,
    name: body.name,
    scopes: [...new Set(body.scopes)],
    prefix: `yj_${prefix}`,
    hash: hashKey(key),
    ratePerMinute: body.ratePerMinute ?? DEFAULT_RATE,
    serviceUser: user._id,
    createdBy: caller._id,
  });
  services.log.info({ apiKey: String(id), town: caller.townId, userId: caller.id }, 'api key created');
  return { id: String(id), key };
}

function out(k: ApiKeyLean): ApiKeyOut {
  return {
    id: String(k._id),
    name: k.name,
    scopes: k.scopes,
    prefix: k.prefix,
    ratePerMinute: k.ratePerMinute,
    createdAt: k.createdAt.toISOString(),
    lastUsedAt: k.lastUsedAt?.toISOString(),
    revokedAt: k.revokedAt?.toISOString(),
  };
}

export async function listApiKeys(caller: Caller): Promise<{ items: ApiKeyOut[] }> {
  const keys = await ApiKeyModel.find({ town: caller.town }).sort({ createdAt: -1 }).lean<ApiKeyLean[]>();
  return { items: keys.map(out) };
}

/** Revoke at once: the next call with the key is refused (the key is looked up on every call). */
export async function revokeApiKey(services: AppServices, caller: Caller, id: string): Promise<ApiKeyOut> {
  const now = services.clock.now();
  const k =
    (await ApiKeyModel.findOneAndUpdate(
      { _id: id, town: caller.town, revokedAt: null },
      { $set: { revokedAt: now } },
      { returnDocument: 'after' },
    ).lean<ApiKeyLean>()) ?? (await ApiKeyModel.findOne({ _id: id, town: caller.town }).lean<ApiKeyLean>());
  if (!k) throw new AppError('API_KEY_NOT_FOUND');
  await UserModel.updateOne({ _id: k.serviceUser, town: caller.town }, { $set: { active: false } });
  return out(k);
}
