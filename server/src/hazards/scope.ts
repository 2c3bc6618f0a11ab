import { Types } from 'mongoose';
import { isOffice } from '@yingji/shared';
import type { Caller } from '../core/context';
import type { Relation } from './rules';

/**
 * Which hazards a caller may see: the office the town's; a cadre their village's; a grid member
 * their grids'; anyone the hazards they are responsible for or reported. Always within the caller's town.
 */
export function hazardScope(caller: Caller): Record<string, unknown> {
  if (isOffice(caller.role)) return { town: caller.town };
  // The reporter may always read what they reported, also outside their grid or village.
  const or: Record<string, unknown>[] = [{ responsibleUser: caller._id }, { reportedBy: caller._id }];
  if (caller.role === 'cadre' && caller.villageId) or.push({ village: new Types.ObjectId(caller.villageId) });
  if ((caller.role === 'grid' || caller.role === 'cadre') && caller.gridIds.length)
    or.push({ grid: { $in: caller.gridIds.map((g) => new Types.ObjectId(g)) } });
  return { town: caller.town, $or: or };
}

/** The caller's relations to one hazard, for the action rules. */
export function relationsTo(
  caller: Caller,
  h: { village?: Types.ObjectId | null; grid?: Types.ObjectId | null; responsibleUser?: Types.ObjectId | null },
): Relation[] {
  const r: Relation[] = [];
  if (isOffice(caller.role)) r.push('office');
  if (caller.role === 'cadre' && h.village && String(h.village) === caller.villageId) r.push('cadre');
  if ((caller.role === 'grid' || caller.role === 'cadre') && h.grid && caller.gridIds.includes(String(h.grid)))
    r.push('grid');
  if (h.responsibleUser && String(h.responsibleUser) === caller.id) r.push('responsible');
  return r;
}
