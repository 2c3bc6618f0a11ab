import crypto from 'node:crypto';
import type Koa from 'koa';
import jwt from 'jsonwebtoken';
import { AppError, type Role } from '@yingji/shared';
import { UserModel } from '../people/user.model';
import { applyAboveTownRules } from '../county/access';
import { cacheMark, cachedCaller, rememberCallers, toCaller } from './caller-cache';
import type { AppServices, AppState, Caller } from './context';

interface TokenClaims {
  sub: string;
  town: string;
  role: Role;
}

/**
 * The signing key as a KeyObject: given the secret as a string, jsonwebtoken first tries to parse
 * it as a PEM public or private key on every sign and verify (and fails), which cost about a
 * millisecond of CPU per request.
 */
const keys = new Map<string, crypto.KeyObject>();
export function tokenKey(config: Pick<AppServices['config'], 'JWT_SECRET'>): crypto.KeyObject {
  let key = keys.get(config.JWT_SECRET);
  if (!key) keys.set(config.JWT_SECRET, (key = crypto.createSecretKey(Buffer.from(config.JWT_SECRET, 'utf8'))));
  return key;
}

export function signToken(
  services: Pick<AppServices, 'config'>,
  user: { id: string; town: string; role: Role },
): string {
  return jwt.sign({ town: user.town, role: user.role } satisfies Omit<TokenClaims, 'sub'>, tokenKey(services.config), {
    subject: user.id,
    expiresIn: `${services.config.JWT_TTL_HOURS}h`,
    algorithm: 'HS256',
  });
}

function bearer(ctx: Koa.Context): string | undefined {
  const h = ctx.get('authorization');
  const m = /^Bearer\s+(.+)$/i.exec(h);
  return m?.[1]?.trim();
}

/**
 * Resolve the caller from the bearer token. The user is read from the database (through a cache of
 * minutes, emptied whenever users change: core/caller-cache.ts), so a role change or a disabled account takes effect at once, not
 * when the token expires.
 */
export function authenticate(services: Pick<AppServices, 'config'>): Koa.Middleware<AppState> {
  return async (ctx, next) => {
    const token = bearer(ctx as unknown as Koa.Context);
    if (!token) throw new AppError('UNAUTHENTICATED');
    let claims: TokenClaims;
    try {
      claims = jwt.verify(token, tokenKey(services.config), { algorithms: ['HS256'] }) as TokenClaims;
    } catch {
      throw new AppError('TOKEN_INVALID');
    }
    const caller = await loadCaller(claims.sub);
    if (!caller || caller.townId !== claims.town) throw new AppError('TOKEN_INVALID');
    await applyAboveTownRules(ctx as unknown as Koa.Context, caller);
    ctx.state.caller = caller;
    ctx.state.log = ctx.state.log.child({ userId: caller.id, town: caller.townId });
    await next();
  };
}

/** The caller by user id: from the cache (caller-cache.ts) or the database; disabled accounts refused. */
export async function loadCaller(userId: string): Promise<Caller | undefined> {
  if (!/^[0-9a-f]{24}$/i.test(userId)) return undefined;
  const hit = await cachedCaller(userId);
  if (hit) return hit;
  const mark = cacheMark();
  const u = await UserModel.findById(userId).select('town role name village grids active').lean();
  if (!u) return undefined;
  if (!u.active) throw new AppError('ACCOUNT_DISABLED');
  rememberCallers(mark, [u]);
  return toCaller(u);
}

export function requireRoles(roles: readonly Role[]): Koa.Middleware<AppState> {
  return async (ctx, next) => {
    const caller = ctx.state.caller;
    if (!caller) throw new AppError('UNAUTHENTICATED');
    // The county reads whatever the office may (its writes are refused in county/access.ts).
    const countyReads = caller.role === 'county' && roles.includes('office');
    if (!roles.includes(caller.role) && !countyReads) throw new AppError('FORBIDDEN');
    await next();
  };
}

/**
 * A bot process (Wechaty on another machine, the terminal simulator) calls service routes with
 * `Authorization: Bot <BOT_TOKEN>`; it then acts for a chat user through a user token it obtains.
 * Compared in constant time. Without BOT_TOKEN configured, service routes are closed.
 */
export function authenticateBot(services: Pick<AppServices, 'config'>): Koa.Middleware<AppState> {
  return async (ctx, next) => {
    const expected = services.config.BOT_TOKEN;
    const m = /^Bot\s+(.+)$/i.exec(ctx.get('authorization'));
    const given = m?.[1]?.trim() ?? '';
    if (!expected || !given || !safeEqual(given, expected)) throw new AppError('UNAUTHENTICATED');
    await next();
  };
}

export function safeEqual(a: string, b: string): boolean {
  const ha = crypto.createHash('sha256').update(a).digest();
  const hb = crypto.createHash('sha256').update(b).digest();
  return crypto.timingSafeEqual(ha, hb);
}
