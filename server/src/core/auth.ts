import crypto from 'node:crypto';
import type Koa from 'koa';
import jwt from 'jsonwebtoken';
import { AppError, type Role } from '@yingji/shared';
import { UserModel } from '../people/user.model';
import { applyAboveTownRules } from '../county/access';
import type { AppServices, AppState, Caller } from './context';

interface TokenClaims {
  sub: string;
  town: string;
  role: Role;
}

export function signToken(
  services: Pick<AppServices, 'config'>,
  user: { id: string; town: string; role: Role },
): string {
  return jwt.sign({ town: user.town, role: user.role } satisfies Omit<TokenClaims, 'sub'>, services.config.JWT_SECRET, {
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
 * Resolve the caller from the bearer token. The user is read from the database on each request,
 * so a role change or a disabled account takes effect at once, not when the token expires.
 */
export function authenticate(services: Pick<AppServices, 'config'>): Koa.Middleware<AppState> {
  return async (ctx, next) => {
    const token = bearer(ctx as unknown as Koa.Context);
    if (!token) throw new AppError('UNAUTHENTICATED');
    let claims: TokenClaims;
    try {
      claims = jwt.verify(token, services.config.JWT_SECRET, { algorithms: ['HS256'] }) as TokenClaims;
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

export async function loadCaller(userId: string): Promise<Caller | undefined> {
  if (!/^[0-9a-f]{24}$/i.test(userId)) return undefined;
  const u = await UserModel.findById(userId).select('town role name village grids active').lean();
  if (!u) return undefined;
  if (!u.active) throw new AppError('ACCOUNT_DISABLED');
  return {
    id: String(u._id),
    _id: u._id,
    role: u.role as Role,
    name: u.name,
    town: u.town,
    townId: String(u.town),
    villageId: u.village ? String(u.village) : undefined,
    gridIds: (u.grids ?? []).map(String),
  };
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
