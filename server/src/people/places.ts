import { AppError, type GeoJsonPolygon, type GridDetail } from '@yingji/shared';
import { Types } from 'mongoose';
import { audit } from '../audit/service';
import type { AppServices, Caller } from '../core/context';
import type { Point } from '../tips/geo';
import { centerOf, overlaps, polygonOf, ringOf, sharedAreaM2 } from './geometry';
import { GridModel, VillageGroupModel, VillageModel } from './models';

/**
 * Places of a town: villages/communities, their 村民小组, grids with their boundaries. Every change
 * is audited. A boundary change re-routes nothing: hazards and tips keep the grid they were given.
 */

type Services = Pick<AppServices, 'clock'>;
const oid = (s: string) => new Types.ObjectId(s);

export function villageOut(v: {
  _id: Types.ObjectId;
  code: string;
  name: string;
  kind?: string | null;
  active?: boolean | null;
}) {
  return {
    id: String(v._id),
    code: v.code,
    name: v.name,
    kind: (v.kind ?? 'village') as 'village' | 'community',
    active: v.active ?? true,
  };
}

export function gridDetail(g: {
  _id: Types.ObjectId;
  code: string;
  name: string;
  village: Types.ObjectId;
  area?: Point[] | null;
  active?: boolean | null;
}): GridDetail {
  return {
    id: String(g._id),
    code: g.code,
    name: g.name,
    villageId: String(g.village),
    boundary: polygonOf((g.area ?? []).map((p) => ({ lat: p.lat, lng: p.lng }))),
    active: g.active ?? true,
  };
}

async function activeVillage(town: Types.ObjectId, id: string) {
  const v = await VillageModel.findOne({ _id: oid(id), town }).lean();
  if (!v || v.active === false) throw new AppError('VILLAGE_NOT_FOUND');
  return v;
}

/** The next free code `prefix + n` (V1, V2 … or SQ-01 …), by counting what is there. */
async function nextCode(exists: (code: string) => Promise<unknown>, make: (n: number) => string) {
  for (let n = 1; n < 10_000; n++) if (!(await exists(make(n)))) return make(n);
  throw new AppError('CONFLICT');
}

// ---- villages ---------------------------------------------------------------------------------

export async function createVillage(
  services: Services,
  caller: Caller,
  input: { name: string; code?: string; kind?: 'village' | 'community' },
) {
  const town = caller.town;
  if (await VillageModel.exists({ town, name: input.name })) throw new AppError('VILLAGE_NAME_TAKEN');
  const code =
    input.code ??
    (await nextCode(
      (c) => VillageModel.exists({ town, code: c }),
      (n) => `V${String(n).padStart(2, '0')}`,
    ));
  try {
    const v = await VillageModel.create({ town, name: input.name, code, kind: input.kind ?? 'village' });
    await audit(services, town, caller, 'village.create', { target: input.name, after: villageOut(v) });
    return villageOut(v);
  } catch (e) {
    if ((e as { code?: number }).code === 11000) throw new AppError('VILLAGE_NAME_TAKEN');
    throw e;
  }
}

export async function updateVillage(
  services: Services,
  caller: Caller,
  id: string,
  input: { name?: string; kind?: 'village' | 'community' },
) {
  const before = await activeVillage(caller.town, id);
  if (input.name && input.name !== before.name && (await VillageModel.exists({ town: caller.town, name: input.name })))
    throw new AppError('VILLAGE_NAME_TAKEN');
  const after = await VillageModel.findOneAndUpdate(
    { _id: before._id, town: caller.town },
    { $set: input },
    { returnDocument: 'after' },
  ).lean();
  await audit(services, caller.town, caller, 'village.update', {
    target: before.name,
    before: villageOut(before),
    after: villageOut(after!),
  });
  return villageOut(after!);
}

/** Retire a village: only once it has no active grid left (people and history keep pointing at it). */
export async function retireVillage(services: Services, caller: Caller, id: string) {
  const v = await activeVillage(caller.town, id);
  if (await GridModel.exists({ town: caller.town, village: v._id, active: { $ne: false } }))
    throw new AppError('VILLAGE_HAS_ACTIVE_GRIDS');
  await VillageModel.updateOne({ _id: v._id, town: caller.town }, { $set: { active: false } });
  await audit(services, caller.town, caller, 'village.retire', { target: v.name, before: villageOut(v) });
  return { ...villageOut(v), active: false };
}

// ---- 村民小组 ----------------------------------------------------------------------------------

const groupOut = (g: { _id: Types.ObjectId; village: Types.ObjectId; name: string; active?: boolean | null }) => ({
  id: String(g._id),
  villageId: String(g.village),
  name: g.name,
  active: g.active ?? true,
});

export async function listVillageGroups(town: Types.ObjectId, villageId?: string) {
  const filter: Record<string, unknown> = { town, active: { $ne: false } };
  if (villageId) filter.village = oid(villageId);
  return (await VillageGroupModel.find(filter).sort({ name: 1 }).lean()).map(groupOut);
}

export async function createVillageGroup(services: Services, caller: Caller, villageId: string, name: string) {
  const v = await activeVillage(caller.town, villageId);
  try {
    const g = await VillageGroupModel.create({ town: caller.town, village: v._id, name });
    await audit(services, caller.town, caller, 'village-group.create', { target: `${v.name}${name}`, after: name });
    return groupOut(g);
  } catch (e) {
    if ((e as { code?: number }).code === 11000) throw new AppError('VILLAGE_GROUP_NAME_TAKEN');
    throw e;
  }
}

export async function updateVillageGroup(
  services: Services,
  caller: Caller,
  id: string,
  input: { name?: string; active?: boolean },
) {
  const before = await VillageGroupModel.findOne({ _id: oid(id), town: caller.town }).lean();
  if (!before) throw new AppError('VILLAGE_GROUP_NOT_FOUND');
  try {
    const after = await VillageGroupModel.findOneAndUpdate(
      { _id: before._id },
      { $set: input },
      { returnDocument: 'after' },
    ).lean();
    await audit(
      services,
      caller.town,
      caller,
      input.active === false ? 'village-group.retire' : 'village-group.update',
      {
        target: before.name,
        before: groupOut(before),
        after: groupOut(after!),
      },
    );
    return groupOut(after!);
  } catch (e) {
    if ((e as { code?: number }).code === 11000) throw new AppError('VILLAGE_GROUP_NAME_TAKEN');
    throw e;
  }
}

// ---- grids ------------------------------------------------------------------------------------

/** The boundary's ring, refused when malformed, self-intersecting or overlapping another active grid. */
export async function checkedRing(
  town: Types.ObjectId,
  boundary: GeoJsonPolygon,
  except?: Types.ObjectId,
  alsoAgainst: { name: string; area: Point[] }[] = [],
): Promise<Point[]> {
  const ring = ringOf(boundary);
  if ('problem' in ring) throw new AppError(ring.problem);
  const others = await GridModel.find({
    town,
    active: { $ne: false },
    ...(except ? { _id: { $ne: except } } : {}),
  })
    .select('name area')
    .lean();
  for (const g of [...others.map((o) => ({ name: o.name, area: (o.area ?? []) as Point[] })), ...alsoAgainst]) {
    if (overlaps(ring.area, g.area)) {
      const m2 = Math.round(sharedAreaM2(ring.area, g.area));
      throw new AppError('GRID_BOUNDARY_OVERLAPS', {
        message: `网格边界与网格“${g.name}”重叠约 ${m2} 平方米，请调整边界`,
        details: { grid: g.name, sharedM2: m2 },
      });
    }
  }
  return ring.area;
}

export async function createGrid(
  services: Services,
  caller: Caller,
  input: { name: string; villageId: string; boundary: GeoJsonPolygon; code?: string },
): Promise<GridDetail> {
  const town = caller.town;
  const village = await activeVillage(town, input.villageId);
  if (await GridModel.exists({ town, name: input.name, active: { $ne: false } })) throw new AppError('GRID_NAME_TAKEN');
  const area = await checkedRing(town, input.boundary);
  const code =
    input.code ??
    (await nextCode(
      (c) => GridModel.exists({ town, code: c }),
      (n) => `${village.code}-${String(n).padStart(2, '0')}`,
    ));
  let grid;
  try {
    grid = await GridModel.create({ town, village: village._id, code, name: input.name, area, center: centerOf(area) });
  } catch (e) {
    if ((e as { code?: number }).code === 11000) throw new AppError('GRID_NAME_TAKEN');
    throw e;
  }
  const out = gridDetail(grid);
  await audit(services, town, caller, 'grid.create', { target: input.name, after: out });
  return out;
}

/**
 * Edit a grid's name, village or boundary. Nothing already routed moves with it: the office
 * re-routes a hazard itself if it must.
 */
export async function updateGrid(
  services: Services,
  caller: Caller,
  id: string,
  input: { name?: string; villageId?: string; boundary?: GeoJsonPolygon },
): Promise<GridDetail> {
  const before = await GridModel.findOne({ _id: oid(id), town: caller.town }).lean();
  if (!before || before.active === false) throw new AppError('GRID_NOT_FOUND');
  const set: Record<string, unknown> = {};
  if (input.name && input.name !== before.name) {
    if (await GridModel.exists({ town: caller.town, name: input.name, active: { $ne: false } }))
      throw new AppError('GRID_NAME_TAKEN');
    set.name = input.name;
  }
  if (input.villageId) set.village = (await activeVillage(caller.town, input.villageId))._id;
  if (input.boundary) {
    set.area = await checkedRing(caller.town, input.boundary, before._id);
    set.center = centerOf(set.area as Point[]);
  }
  const after = await GridModel.findOneAndUpdate(
    { _id: before._id, town: caller.town },
    { $set: set },
    { returnDocument: 'after' },
  ).lean();
  await audit(services, caller.town, caller, input.boundary ? 'grid.boundary' : 'grid.update', {
    target: before.name,
    before: gridDetail(before),
    after: gridDetail(after!),
  });
  return gridDetail(after!);
}

/** Retire a grid: new tips are no longer routed to it; what it already holds keeps it. */
export async function retireGrid(services: Services, caller: Caller, id: string): Promise<GridDetail> {
  const before = await GridModel.findOneAndUpdate(
    { _id: oid(id), town: caller.town, active: { $ne: false } },
    { $set: { active: false } },
  ).lean();
  if (!before) throw new AppError('GRID_NOT_FOUND');
  await audit(services, caller.town, caller, 'grid.retire', { target: before.name, before: gridDetail(before) });
  return { ...gridDetail(before), active: false };
}
