import {
  AppError,
  isOffice,
  maskPhone,
  type EvacuationStatus,
  type HazardPointCreate,
  type HazardPointOut,
  type NearestShelters,
  type Role,
  type ShelterCreate,
  type ShelterOut,
  type TransferCreate,
  type TransferResult,
} from '@yingji/shared';
import type { Types } from 'mongoose';
import type { AppServices, Caller } from '../core/context';
import { GridModel, VillageModel } from '../people/models';
import { byDistance, pointInPolygon, type Point } from './geo';
import { HazardPointModel, ShelterModel, TransferModel, type HazardPoint, type Shelter } from './model';

type WithId<T> = T & { _id: Types.ObjectId };

/**
 * People moved, by hazard point, and people sheltered, by shelter: sums of the active transfer
 * reports (one $group with $sum each; see Transfer for why these are not $inc counters).
 */
export async function transferTotals(town: Types.ObjectId) {
  const sums = async (key: '$hazardPoint' | '$shelter') => {
    const rows: { _id: Types.ObjectId | null; n: number }[] = await TransferModel.aggregate([
      { $match: { town, active: true } },
      { $group: { _id: key, n: { $sum: '$count' } } },
    ]);
    return new Map(rows.filter((r) => r._id).map((r) => [String(r._id), r.n]));
  };
  const [moved, occupancy] = await Promise.all([sums('$hazardPoint'), sums('$shelter')]);
  return {
    moved: (id: unknown) => moved.get(String(id)) ?? 0,
    occupancy: (id: unknown) => occupancy.get(String(id)) ?? 0,
  };
}

export function toShelterOut(s: WithId<Shelter>, occupancy = 0): ShelterOut {
  return {
    id: String(s._id),
    code: s.code ?? undefined,
    name: s.name,
    address: s.address ?? undefined,
    location: { lat: s.location.lat, lng: s.location.lng },
    capacity: s.capacity,
    occupancy,
    contact: s.contact ? { name: s.contact.name ?? undefined, phone: s.contact.phone ?? undefined } : undefined,
    facilities: s.facilities ?? [],
    open: s.open ?? true,
    villageId: s.village ? String(s.village) : undefined,
  };
}

/** The organiser's phone is personal data: in full for the office only, masked for other staff. */
export function toHazardPointOut(h: WithId<HazardPoint>, role: Role, shelterName?: string, moved = 0): HazardPointOut {
  const phone = h.organiser?.phone ?? undefined;
  return {
    id: String(h._id),
    code: h.code ?? undefined,
    name: h.name,
    kind: h.kind ?? undefined,
    location: h.location ? { lat: h.location.lat, lng: h.location.lng } : undefined,
    gridId: h.grid ? String(h.grid) : undefined,
    villageId: h.village ? String(h.village) : undefined,
    trigger: h.trigger ?? undefined,
    residents: h.residents,
    households: h.households ?? undefined,
    organiser: h.organiser
      ? { name: h.organiser.name ?? undefined, phone: isOffice(role) ? phone : maskPhone(phone) }
      : undefined,
    shelter: h.shelter ? { id: String(h.shelter), name: shelterName ?? '' } : undefined,
    management: h.management ?? undefined,
    moved,
  };
}

/** A village of the town, or a refusal by code. */
export async function villageOf(town: Types.ObjectId, id: string | undefined) {
  if (!id) return undefined;
  const v = await VillageModel.findOne({ _id: id, town }).select('_id').lean();
  if (!v) throw new AppError('VILLAGE_NOT_FOUND');
  return v._id;
}

export async function createShelter(town: Types.ObjectId, input: ShelterCreate) {
  const village = await villageOf(town, input.villageId);
  if (input.code && (await ShelterModel.exists({ town, code: input.code }))) throw new AppError('SHELTER_CODE_TAKEN');
  const { villageId: _v, ...rest } = input;
  return ShelterModel.create({ ...rest, town, village });
}

/** The nearest open shelters, by great-circle distance computed here (no geo index on FerretDB). */
export async function nearestShelters(town: Types.ObjectId, from: Point, limit: number): Promise<NearestShelters> {
  const [open, totals] = await Promise.all([ShelterModel.find({ town, open: true }).lean(), transferTotals(town)]);
  return {
    items: byDistance(from, open)
      .slice(0, limit)
      .map((s) => ({
        id: String(s._id),
        name: s.name,
        address: s.address ?? undefined,
        distanceM: s.distanceM,
        capacity: s.capacity,
        occupancy: totals.occupancy(s._id),
        location: { lat: s.location.lat, lng: s.location.lng },
        contact: s.contact ? { name: s.contact.name ?? undefined, phone: s.contact.phone ?? undefined } : undefined,
      })),
  };
}

/** The grid whose area contains a point, if any. */
export async function gridAt(town: Types.ObjectId, p: Point) {
  const grids = await GridModel.find({ town }).select('area village').lean();
  return grids.find((g) => pointInPolygon(p, g.area ?? []));
}

export async function createHazardPoint(town: Types.ObjectId, input: HazardPointCreate) {
  if (input.code && (await HazardPointModel.exists({ town, code: input.code })))
    throw new AppError('HAZARD_POINT_CODE_TAKEN');
  let grid: Types.ObjectId | undefined;
  let village = await villageOf(town, input.villageId);
  if (input.gridId) {
    const g = await GridModel.findOne({ _id: input.gridId, town }).select('village').lean();
    if (!g) throw new AppError('GRID_NOT_FOUND');
    grid = g._id;
    village ??= g.village;
  } else if (input.location) {
    // Where the office did not say, the grid is the one whose area holds the point.
    const g = await gridAt(town, input.location);
    grid = g?._id;
    village ??= g?.village;
  }
  let shelter: Types.ObjectId | undefined;
  if (input.shelterId) {
    const s = await ShelterModel.findOne({ _id: input.shelterId, town }).select('_id').lean();
    if (!s) throw new AppError('SHELTER_NOT_FOUND');
    shelter = s._id;
  }
  const { gridId: _g, villageId: _v, shelterId: _s, ...rest } = input;
  return HazardPointModel.create({ ...rest, town, grid, village, shelter });
}

export async function listHazardPoints(town: Types.ObjectId, role: Role): Promise<HazardPointOut[]> {
  const [points, shelters, totals] = await Promise.all([
    HazardPointModel.find({ town }).sort({ code: 1, name: 1 }).lean(),
    ShelterModel.find({ town }).select('name').lean(),
    transferTotals(town),
  ]);
  const names = new Map(shelters.map((s) => [String(s._id), s.name]));
  return points.map((h) =>
    toHazardPointOut(h, role, h.shelter ? names.get(String(h.shelter)) : undefined, totals.moved(h._id)),
  );
}

/**
 * The hazard point a transfer report is about: the one named, else the caller's grid's (a cadre
 * without a grid: their village's). With several, the first (by code) whose plan is not yet met.
 */
async function hazardPointFor(caller: Caller, id?: string) {
  if (id) {
    const h = await HazardPointModel.findOne({ _id: id, town: caller.town });
    if (!h) throw new AppError('HAZARD_POINT_NOT_FOUND');
    // Outside the office, only a hazard point of one's own grids or village: no adding to another grid's figures.
    const own =
      isOffice(caller.role) ||
      caller.gridIds.some((g) => String(h.grid) === g) ||
      (caller.villageId !== undefined && String(h.village) === caller.villageId);
    if (!own) throw new AppError('TRANSFER_NO_PLAN');
    return h;
  }
  const scope = caller.gridIds.length
    ? { grid: { $in: caller.gridIds } }
    : caller.villageId
      ? { village: caller.villageId }
      : undefined;
  if (!scope) throw new AppError('TRANSFER_NO_PLAN');
  const points = await HazardPointModel.find({ town: caller.town, ...scope }).sort({ code: 1, name: 1 });
  const totals = points.length > 1 ? await transferTotals(caller.town) : undefined;
  const h = points.find((p) => (totals?.moved(p._id) ?? 0) < p.residents) ?? points[0];
  if (!h) throw new AppError('TRANSFER_NO_PLAN');
  return h;
}

/**
 * A grid member reports people moved (已转移 12 人). The report is stored (an insert, which is
 * atomic everywhere); the answer sums the reports, so concurrent reports always add up.
 */
export async function reportTransfer(
  services: AppServices,
  caller: Caller,
  input: TransferCreate,
): Promise<TransferResult> {
  const point = await hazardPointFor(caller, input.hazardPointId);
  const shelter = point.shelter
    ? await ShelterModel.findOne({ _id: point.shelter, town: caller.town }).select('name capacity').lean()
    : null;
  await TransferModel.create({
    town: caller.town,
    hazardPoint: point._id,
    shelter: shelter?._id,
    count: input.count,
    reportedBy: caller._id,
    channel: input.channel ?? 'api',
    reportedAt: services.clock.now(),
  });
  const totals = await transferTotals(caller.town);
  return {
    hazardPoint: { id: String(point._id), name: point.name },
    moved: totals.moved(point._id),
    planned: point.residents,
    shelter: shelter
      ? {
          id: String(shelter._id),
          name: shelter.name,
          occupancy: totals.occupancy(shelter._id),
          capacity: shelter.capacity,
        }
      : undefined,
  };
}

/** The office's live view: planned versus moved by hazard point, occupancy versus capacity by shelter. */
export async function evacuationStatus(town: Types.ObjectId): Promise<EvacuationStatus> {
  const [points, shelters, totals] = await Promise.all([
    HazardPointModel.find({ town }).sort({ code: 1, name: 1 }).lean(),
    ShelterModel.find({ town }).sort({ code: 1, name: 1 }).lean(),
    transferTotals(town),
  ]);
  const hazardPoints = points.map((h) => ({
    id: String(h._id),
    name: h.name,
    planned: h.residents,
    moved: totals.moved(h._id),
    shelterId: h.shelter ? String(h.shelter) : undefined,
  }));
  const shelterRows = shelters.map((s) => ({
    id: String(s._id),
    name: s.name,
    capacity: s.capacity,
    occupancy: totals.occupancy(s._id),
  }));
  const sum = <T>(xs: T[], f: (x: T) => number) => xs.reduce((a, x) => a + f(x), 0);
  return {
    hazardPoints,
    shelters: shelterRows,
    totals: {
      planned: sum(hazardPoints, (h) => h.planned),
      moved: sum(hazardPoints, (h) => h.moved),
      capacity: sum(shelterRows, (s) => s.capacity),
      occupancy: sum(shelterRows, (s) => s.occupancy),
    },
  };
}

/** After an evacuation is over: its reports become history, and the figures start again from zero. */
export async function resetEvacuation(services: AppServices, town: Types.ObjectId): Promise<void> {
  await TransferModel.updateMany({ town, active: true }, { $set: { active: false, closedAt: services.clock.now() } });
}
