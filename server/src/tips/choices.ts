import { z } from 'zod';
import type { Types } from 'mongoose';
import { GridModel } from '../people/grid.model';
import { VillageModel } from '../people/village.model';

/**
 * The places a resident can choose from a list when the phone gives no location (GPS is a
 * convenience, never a requirement): each village with its grids (组), each with a point to file
 * the tip at: the grid's centre, else the middle of its area, else the village's centre.
 */
const Point = z.object({ lat: z.number(), lng: z.number() });
export const PlaceChoices = z
  .object({
    villages: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        point: Point.optional(),
        groups: z.array(z.object({ id: z.string(), name: z.string(), point: Point })),
      }),
    ),
  })
  .meta({ id: 'PlaceChoices' });
export type PlaceChoices = z.infer<typeof PlaceChoices>;

type P = { lat: number; lng: number };
const valid = (p: { lat?: number | null; lng?: number | null } | null | undefined): p is P =>
  !!p && typeof p.lat === 'number' && typeof p.lng === 'number';

function middle(area: P[] | undefined): P | undefined {
  if (!area?.length) return undefined;
  const lat = area.reduce((s, p) => s + p.lat, 0) / area.length;
  const lng = area.reduce((s, p) => s + p.lng, 0) / area.length;
  return { lat: Math.round(lat * 1e6) / 1e6, lng: Math.round(lng * 1e6) / 1e6 };
}

export async function placeChoices(town: Types.ObjectId): Promise<PlaceChoices> {
  const [villages, grids] = await Promise.all([
    VillageModel.find({ town, active: { $ne: false } })
      .sort({ code: 1 })
      .select('name center')
      .lean(),
    GridModel.find({ town, active: { $ne: false } })
      .sort({ code: 1 })
      .select('name village center area')
      .lean(),
  ]);
  return {
    villages: villages.map((v) => {
      const vPoint = valid(v.center) ? { lat: v.center.lat, lng: v.center.lng } : undefined;
      const groups = grids
        .filter((g) => String(g.village) === String(v._id))
        .map((g) => {
          const point = valid(g.center) ? { lat: g.center.lat, lng: g.center.lng } : (middle(g.area as P[]) ?? vPoint);
          // 双河村第一网格 reads 第一网格 under 双河村.
          const name =
            g.name.startsWith(v.name) && g.name.length > v.name.length ? g.name.slice(v.name.length) : g.name;
          return point ? { id: String(g._id), name, point } : undefined;
        })
        .filter((g): g is { id: string; name: string; point: P } => !!g);
      return { id: String(v._id), name: v.name, point: vPoint ?? groups[0]?.point, groups };
    }),
  };
}
