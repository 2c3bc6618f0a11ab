import type { Types } from 'mongoose';
import { AppError } from '@yingji/shared';
import { GridModel } from '../people/grid.model';
import { TownModel } from '../people/town.model';
import { UserModel } from '../people/user.model';
import { VillageModel } from '../people/village.model';
import type { Caller } from '../core/context';
import type { TownConfig } from '../towns/config';
import { locate, type Point } from './geo';

/**
 * The village and grid of a location: the grid whose area contains it, else the nearest grid.
 * A point farther than the town's `hazards.outsideTownKm` from every grid is refused.
 */
export async function placeOf(
  town: Types.ObjectId,
  p: Point,
  cfg: TownConfig,
): Promise<{ village?: Types.ObjectId; grid?: Types.ObjectId }> {
  const grids = await GridModel.find({ town, active: { $ne: false } }) // a retired grid takes nothing new
    .select('village area')
    .lean();
  const found = locate(
    p,
    grids.map((g) => ({ ...g, area: g.area ?? [] })),
  );
  if (!found) return {};
  if (found.distanceM > cfg.hazards.outsideTownKm * 1000) throw new AppError('LOCATION_OUTSIDE_TOWN');
  return { village: found.area.village, grid: found.area._id };
}

/** Where a staff member is when they report without a location: their first grid, village, or town. */
export async function defaultLocationOf(caller: Caller): Promise<Point & { address?: string }> {
  const user = await UserModel.findById(caller._id).select('grids village').lean();
  const gridId = user?.grids?.[0];
  if (gridId) {
    const g = await GridModel.findById(gridId).select('center name').lean();
    if (g?.center?.lat != null && g.center.lng != null)
      return { lat: g.center.lat, lng: g.center.lng, address: g.name };
  }
  if (user?.village) {
    const v = await VillageModel.findById(user.village).select('center name').lean();
    if (v?.center?.lat != null && v.center.lng != null)
      return { lat: v.center.lat, lng: v.center.lng, address: v.name };
  }
  const t = await TownModel.findById(caller.town).select('center name').lean();
  if (t?.center?.lat != null && t.center.lng != null) return { lat: t.center.lat, lng: t.center.lng, address: t.name };
  throw new AppError('VALIDATION_FAILED', { message: '请提供隐患位置' });
}
