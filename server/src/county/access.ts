import type Koa from 'koa';
import { Types } from 'mongoose';
import { AppError } from '@yingji/shared';
import type { Caller } from '../core/context';
import { TownModel } from '../people/town.model';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** The only writes a county account may make. */
const COUNTY_WRITES = [/^\/api\/county\/warnings$/];
/** The only writes a platform administrator may make: towns and their first admins. */
const PLATFORM_WRITES = [/^\/api\/towns(\/|$)/];

/**
 * Roles above a town (called from core/auth.ts after the caller is loaded). A county account
 * looks into one town of its county with `X-Town: <code>` (its own base town otherwise) and is
 * refused every write but a county warning; a platform administrator writes only towns.
 */
export async function applyAboveTownRules(ctx: Koa.Context, caller: Caller): Promise<void> {
  if (caller.role !== 'county' && caller.role !== 'platform') return;
  const write = !SAFE_METHODS.has(ctx.method.toUpperCase());
  if (caller.role === 'platform') {
    if (write && !PLATFORM_WRITES.some((r) => r.test(ctx.path))) throw new AppError('FORBIDDEN');
    return;
  }
  if (write && !COUNTY_WRITES.some((r) => r.test(ctx.path))) throw new AppError('COUNTY_READ_ONLY');
  const wanted = ctx.get('x-town').trim();
  caller.homeTown = caller.town;
  if (!wanted) return;
  const home = await TownModel.findById(caller.town).select('county').lean();
  const filter =
    Types.ObjectId.isValid(wanted) && wanted.length === 24 ? { _id: wanted } : { code: wanted.toUpperCase() };
  const town = await TownModel.findOne(filter).select('county').lean();
  if (!town) throw new AppError('TOWN_NOT_FOUND');
  if (!home?.county || town.county !== home.county) throw new AppError('COUNTY_TOWN_FORBIDDEN');
  caller.town = town._id;
  caller.townId = String(town._id);
}
