import { Types } from 'mongoose';
import { isOffice } from '@yingji/shared';
import type { Caller } from '../core/context';

/**
 * Which tips a caller may read: a resident only their own; a cadre or grid member their own and
 * those located in their village or grids; the office the town's. Always within the caller's town.
 */
export function tipScope(caller: Caller): Record<string, unknown> {
  if (isOffice(caller.role)) return { town: caller.town };
  const or: Record<string, unknown>[] = [{ reporter: caller._id }];
  if (caller.role === 'cadre' && caller.villageId) or.push({ village: new Types.ObjectId(caller.villageId) });
  if ((caller.role === 'grid' || caller.role === 'cadre') && caller.gridIds.length)
    or.push({ grid: { $in: caller.gridIds.map((g) => new Types.ObjectId(g)) } });
  return { town: caller.town, $or: or };
}
