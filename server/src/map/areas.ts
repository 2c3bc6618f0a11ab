import {
  HAZARD_LEVEL_LABELS,
  HAZARD_STATUS_LABELS,
  categoryLabel,
  type HazardLevel,
  type HazardStatus,
  type MapBase,
  type MapFeature,
} from '@yingji/shared';
import type { Types } from 'mongoose';
import { HazardModel } from '../hazards/hazard.model';
import { GridModel } from '../people/grid.model';
import { VillageModel } from '../people/village.model';
import type { Point } from '../tips/geo';

/** Open hazards drawn at most (the newest); the list page has the rest. */
const MAX_OPEN_HAZARDS = 500;

const ring = (points: readonly Point[]): [number, number][] => {
  const r = points.map((p) => [p.lng, p.lat] as [number, number]);
  if (r.length) r.push([...r[0]!]);
  return r;
};

/** Convex hull (monotone chain) of the points, counter-clockwise, without the closing point. */
export function convexHull(points: readonly Point[]): Point[] {
  const pts = [...new Map(points.map((p) => [`${p.lng},${p.lat}`, p])).values()].sort((a, b) =>
    a.lng === b.lng ? a.lat - b.lat : a.lng - b.lng,
  );
  if (pts.length < 3) return pts;
  const cross = (o: Point, a: Point, b: Point) => (a.lng - o.lng) * (b.lat - o.lat) - (a.lat - o.lat) * (b.lng - o.lng);
  const half = (list: Point[]) => {
    const out: Point[] = [];
    for (const p of list) {
      while (out.length >= 2 && cross(out[out.length - 2]!, out[out.length - 1]!, p) <= 0) out.pop();
      out.push(p);
    }
    out.pop();
    return out;
  };
  return [...half(pts), ...half([...pts].reverse())];
}

/**
 * Villages: the outline around their grids (the convex hull of the grids' corners: the town keeps
 * no surveyed village boundary), or the village's centre when it has no grid drawn yet.
 */
export async function villageFeatures(town: Types.ObjectId): Promise<MapFeature[]> {
  const [villages, grids] = await Promise.all([
    VillageModel.find({ town, active: true }).sort({ code: 1 }).lean(),
    GridModel.find({ town, active: true }).select('village area').lean(),
  ]);
  const out: MapFeature[] = [];
  for (const v of villages) {
    const corners = grids.filter((g) => String(g.village) === String(v._id)).flatMap((g) => (g.area ?? []) as Point[]);
    const hull = convexHull(corners);
    const properties = { kind: 'village', name: v.name, villageKind: v.kind };
    if (hull.length >= 3) {
      out.push({
        type: 'Feature',
        id: `village:${String(v._id)}`,
        geometry: { type: 'Polygon', coordinates: [ring(hull)] },
        properties,
      });
    } else if (v.center?.lat != null && v.center?.lng != null) {
      out.push({
        type: 'Feature',
        id: `village:${String(v._id)}`,
        geometry: { type: 'Point', coordinates: [v.center.lng, v.center.lat] },
        properties,
      });
    }
  }
  return out;
}

/** Grids 网格 with their drawn boundary. */
export async function gridFeatures(town: Types.ObjectId): Promise<MapFeature[]> {
  const [grids, villages] = await Promise.all([
    GridModel.find({ town, active: true }).sort({ code: 1 }).lean(),
    VillageModel.find({ town }).select('name').lean(),
  ]);
  const villageName = new Map(villages.map((v) => [String(v._id), v.name]));
  return grids
    .filter((g) => (g.area?.length ?? 0) >= 3)
    .map((g) => ({
      type: 'Feature' as const,
      id: `grid:${String(g._id)}`,
      geometry: { type: 'Polygon' as const, coordinates: [ring(g.area as Point[])] },
      properties: { kind: 'grid', name: g.name, code: g.code, village: villageName.get(String(g.village)) },
    }));
}

/** Hazards not yet closed (销号), newest first, with what the office needs to pick one. */
export async function openHazardFeatures(town: Types.ObjectId): Promise<MapFeature[]> {
  const items = await HazardModel.find({ town, status: { $ne: 'closed' } })
    .sort({ discoveredAt: -1 })
    .limit(MAX_OPEN_HAZARDS)
    .select('code category level status overdue location deadline')
    .lean();
  return items.flatMap((h) => {
    const at = h.location;
    if (!at) return [];
    return [
      {
        type: 'Feature' as const,
        id: `hazard:${String(h._id)}`,
        geometry: { type: 'Point' as const, coordinates: [at.lng, at.lat] as [number, number] },
        properties: {
          kind: 'hazard',
          name: `${h.code} ${categoryLabel(h.category)}`,
          code: h.code,
          level: h.level,
          levelLabel: HAZARD_LEVEL_LABELS[h.level as HazardLevel],
          status: h.status,
          statusLabel: HAZARD_STATUS_LABELS[h.status as HazardStatus],
          overdue: h.overdue ?? false,
          address: at.address ?? undefined,
        },
      },
    ];
  });
}

/**
 * 天地图's vector map and its labels (Web Mercator tiles, which is what Leaflet draws), when the
 * server has a key. 天地图 uses CGCS2000, within a metre of the GPS's WGS-84: no shifting needed.
 */
export function tiandituBase(key: string | undefined): MapBase | undefined {
  if (!key) return undefined;
  const wmts = (layer: string) =>
    `https://t{s}.tianditu.gov.cn/${layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=${layer}` +
    `&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=${key}`;
  return { name: '天地图', urls: [wmts('vec'), wmts('cva')], subdomains: '01234567', attribution: '天地图' };
}
