import crypto from 'node:crypto';
import type Koa from 'koa';
import { AppError, isAppError, type ApiKeyScope } from '@yingji/shared';
import { loadCaller } from '../core/auth';
import type { AppServices, AppState } from '../core/context';
import { ApiKeyAuditModel, ApiKeyModel, ApiKeyUsageModel, type ApiKeyLean } from './model';

/** What a route called with a key finds in `ctx.state` besides the caller (its service user). */
export type ApiKeyState = AppState & { apiKey?: { id: string; name: string; scopes: ApiKeyScope[] } };

export const hashKey = (key: string) => crypto.createHash('sha256').update(key).digest('hex');

/** The key of a request: `X-Api-Key`, or `api_key` in the query or form (Open311 clients send it so). */
function keyOf(ctx: Koa.ParameterizedContext<AppState>): string | undefined {
  const h = ctx.get('x-api-key').trim();
  if (h) return h;
  const q = ctx.query.api_key;
  if (typeof q === 'string' && q) return q;
  const b = (ctx.request as { body?: { api_key?: unknown } }).body?.api_key;
  return typeof b === 'string' && b ? b : undefined;
}

/**
 * A route called by an outside system with its key. The key is looked up by its hash on every
 * call (a revoked key is refused at once), must carry the route's scope, and acts in its own
 * town only. Calls are counted per minute (429 past the key's limit) and each is audited.
 */
export function authenticateApiKey(services: AppServices, scope: ApiKeyScope): Koa.Middleware<AppState> {
  return async (ctx, next) => {
    const given = keyOf(ctx);
    if (!given || given.length > 200) throw new AppError('API_KEY_INVALID');
    const key = await ApiKeyModel.findOne({ hash: hashKey(given) }).lean<ApiKeyLean>();
    if (!key || key.revokedAt) throw new AppError('API_KEY_INVALID');
    const now = services.clock.now();
    let status = 500;
    try {
      if (!key.scopes.includes(scope)) throw new AppError('API_KEY_SCOPE_MISSING');
      const minute = Math.floor(now.getTime() / 60_000);
      const used = await ApiKeyUsageModel.findOneAndUpdate(
        { _id: `${String(key._id)}:${minute}` },
        { $inc: { n: 1 }, $setOnInsert: { at: now } },
        { upsert: true, returnDocument: 'after' },
      ).lean();
      if ((used?.n ?? 0) > key.ratePerMinute)
        throw new AppError('API_KEY_RATE_LIMITED', { retryAfter: 60 - (Math.floor(now.getTime() / 1000) % 60) });
      const caller = await loadCaller(String(key.serviceUser)).catch(() => undefined);
      if (!caller || caller.townId !== String(key.town)) throw new AppError('API_KEY_INVALID');
      ctx.state.caller = caller;
      (ctx.state as ApiKeyState).apiKey = { id: String(key._id), name: key.name, scopes: key.scopes };
      ctx.state.log = ctx.state.log.child({ apiKey: String(key._id), town: caller.townId });
      await ApiKeyModel.updateOne({ _id: key._id }, { $set: { lastUsedAt: now } });
      await next();
      status = ctx.status;
    } catch (e) {
      status = isAppError(e) ? e.status : 500;
      throw e;
    } finally {
      await ApiKeyAuditModel.create({
        town: key.town,
        key: key._id,
        keyName: key.name,
        method: ctx.method,
        path: ctx.path,
        status,
        reqId: ctx.state.reqId,
        at: now,
      }).catch((err: unknown) => services.log.error({ err }, 'api key audit failed'));
    }
  };
}
