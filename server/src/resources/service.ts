import { isOffice, isStaff, maskPhone, type MapFeature, type MapLayers, type Role } from '@yingji/shared';
import type { Types } from 'mongoose';
import { HazardPointModel, ShelterModel } from '../shelters/model';
import { transferTotals } from '../shelters/service';
import { gridFeatures, openHazardFeatures, tiandituBase, villageFeatures } from '../map/areas';
import { EquipmentModel, RescueTeamModel } from './model';

type Contact = { name?: string | null; phone?: string | null } | null | undefined;

const LAYER_NAMES = {
  villages: '村（社区）',
  grids: '网格',
  shelters: '避难场所',
  hazardPoints: '隐患点（转移点）',
  rescueTeams: '应急救援队伍',
  equipment: '应急装备',
  openHazards: '未销号隐患',
} as const;
type LayerId = keyof typeof LAYER_NAMES;

function feature(
  kind: string,
  id: unknown,
  p: { lat: number; lng: number },
  properties: Record<string, unknown>,
): MapFeature {
  return {
    type: 'Feature',
    id: `${kind}:${String(id)}`,
    geometry: { type: 'Point', coordinates: [p.lng, p.lat] },
    properties: { kind, ...properties },
  };
}

/** Who sees which layer: residents the places and shelters; staff the resources; the office the open hazards. */
function allowedLayers(role: Role): LayerId[] {
  const all: LayerId[] = ['villages', 'grids', 'shelters'];
  if (isStaff(role)) all.push('hazardPoints', 'rescueTeams', 'equipment');
  if (isOffice(role)) all.push('openHazards');
  return all;
}

/**
 * The one map 一张图 as GeoJSON-style layers, in drawing order (areas first). People's phones in
 * full only to the office (PIPL), masked for other staff. Shelter contacts are the shelters'
 * published duty numbers, shown to all. `base` is the tile map to draw under them, if keyed.
 */
export async function mapLayers(
  town: Types.ObjectId,
  role: Role,
  wanted?: LayerId[],
  opts: { tiandituKey?: string } = {},
): Promise<MapLayers> {
  const allowed = allowedLayers(role);
  const ids = (wanted?.length ? wanted : allowed).filter((l) => allowed.includes(l));
  const phone = (c: Contact) =>
    c
      ? { name: c.name ?? undefined, phone: isOffice(role) ? (c.phone ?? undefined) : maskPhone(c.phone ?? undefined) }
      : undefined;
  const layers: MapLayers['layers'] = [];
  const totals = await transferTotals(town);
  for (const id of ids) {
    let features: MapFeature[];
    if (id === 'villages') features = await villageFeatures(town);
    else if (id === 'grids') features = await gridFeatures(town);
    else if (id === 'openHazards') features = await openHazardFeatures(town);
    else if (id === 'shelters') {
      const items = await ShelterModel.find({ town }).sort({ code: 1, name: 1 }).lean();
      features = items.map((s) =>
        feature('shelter', s._id, s.location, {
          name: s.name,
          address: s.address ?? undefined,
          capacity: s.capacity,
          occupancy: totals.occupancy(s._id),
          open: s.open ?? true,
          facilities: s.facilities ?? [],
          contact: s.contact ? { name: s.contact.name ?? undefined, phone: s.contact.phone ?? undefined } : undefined,
        }),
      );
    } else if (id === 'hazardPoints') {
      const items = await HazardPointModel.find({ town, location: { $exists: true } })
        .sort({ code: 1, name: 1 })
        .lean();
      features = items
        .filter((h) => h.location)
        .map((h) =>
          feature('hazardPoint', h._id, h.location!, {
            name: h.name,
            hazardKind: h.kind ?? undefined,
            residents: h.residents,
            moved: totals.moved(h._id),
            trigger: h.trigger ?? undefined,
            organiser: phone(h.organiser),
            shelterId: h.shelter ? String(h.shelter) : undefined,
          }),
        );
    } else if (id === 'rescueTeams') {
      const items = await RescueTeamModel.find({ town }).sort({ name: 1 }).lean();
      features = items.map((t) =>
        feature('rescueTeam', t._id, t.location, {
          name: t.name,
          teamKind: t.kind ?? undefined,
          leader: phone(t.leader),
          memberCount: t.memberCount ?? t.members?.length ?? 0,
          members: (t.members ?? []).map((m) => phone(m)),
        }),
      );
    } else {
      const items = await EquipmentModel.find({ town }).sort({ name: 1 }).lean();
      features = items.map((e) =>
        feature('equipment', e._id, e.location, {
          name: e.name,
          equipmentKind: e.kind ?? undefined,
          count: e.count,
          unit: e.unit ?? undefined,
          keptAt: e.keptAt ?? undefined,
          keeper: phone(e.keeper),
        }),
      );
    }
    layers.push({ id, name: LAYER_NAMES[id], type: 'FeatureCollection', features });
  }
  const base = tiandituBase(opts.tiandituKey);
  return base ? { layers, base } : { layers };
}
