/**
 * Pure geometry for routing a location to its grid: great-circle distance, point in a grid's
 * area, distance to an area. No I/O; tested as tables. (FerretDB has no geo indexes, so this
 * runs in the service over a town's few grids.)
 */
export interface Point {
  lat: number;
  lng: number;
}

const EARTH_RADIUS_M = 6_371_008.8;
const rad = (d: number) => (d * Math.PI) / 180;

/** Great-circle distance in metres (haversine). */
export function haversineM(a: Point, b: Point): number {
  const dLat = rad(b.lat - a.lat);
  const dLng = rad(b.lng - a.lng);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/**
 * Ray casting with longitude as x and latitude as y; an area needs at least three points. A point
 * on the boundary counts as inside (a place on the line between two grids belongs to one of them).
 */
export function pointInPolygon(p: Point, polygon: readonly Point[]): boolean {
  if (polygon.length < 3) return false;
  let inside = false;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const a = polygon[i]!;
    const b = polygon[j]!;
    if (onSegment(p, a, b)) return true;
    if (a.lat > p.lat !== b.lat > p.lat && p.lng < ((b.lng - a.lng) * (p.lat - a.lat)) / (b.lat - a.lat) + a.lng) {
      inside = !inside;
    }
  }
  return inside;
}

function onSegment(p: Point, a: Point, b: Point): boolean {
  const cross = (p.lat - a.lat) * (b.lng - a.lng) - (p.lng - a.lng) * (b.lat - a.lat);
  if (Math.abs(cross) > 1e-12) return false;
  return (
    p.lat >= Math.min(a.lat, b.lat) - 1e-12 &&
    p.lat <= Math.max(a.lat, b.lat) + 1e-12 &&
    p.lng >= Math.min(a.lng, b.lng) - 1e-12 &&
    p.lng <= Math.max(a.lng, b.lng) + 1e-12
  );
}

/**
 * Metres from a point to an area: 0 inside, else to its nearest edge. Edges are measured on a
 * local flat projection around the point, exact enough at the scale of a town.
 */
export function distanceToPolygonM(p: Point, polygon: readonly Point[]): number {
  if (polygon.length === 0) return Infinity;
  if (polygon.length === 1) return haversineM(p, polygon[0]!);
  if (pointInPolygon(p, polygon)) return 0;
  const mPerLat = (Math.PI * EARTH_RADIUS_M) / 180;
  const mPerLng = mPerLat * Math.cos(rad(p.lat));
  const xy = (q: Point) => ({ x: (q.lng - p.lng) * mPerLng, y: (q.lat - p.lat) * mPerLat });
  let best = Infinity;
  for (let i = 0; i < polygon.length; i++) {
    const a = xy(polygon[i]!);
    const b = xy(polygon[(i + 1) % polygon.length]!);
    const dx = b.x - a.x;
    const dy = b.y - a.y;
    const len2 = dx * dx + dy * dy;
    const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, -(a.x * dx + a.y * dy) / len2));
    best = Math.min(best, Math.hypot(a.x + t * dx, a.y + t * dy));
  }
  return best;
}

/** The area containing the point, else the nearest one, with the distance to it (0 inside). */
export function locate<T extends { area: readonly Point[] }>(
  p: Point,
  areas: readonly T[],
): { area: T; inside: boolean; distanceM: number } | undefined {
  let best: { area: T; inside: boolean; distanceM: number } | undefined;
  for (const area of areas) {
    if (area.area.length < 3) continue;
    const d = distanceToPolygonM(p, area.area);
    if (d === 0) return { area, inside: true, distanceM: 0 };
    if (!best || d < best.distanceM) best = { area, inside: false, distanceM: d };
  }
  return best;
}

/** A lat/lng box around a point, to narrow a query before measuring exactly. */
export function boundingBox(p: Point, radiusM: number) {
  const dLat = radiusM / ((Math.PI * EARTH_RADIUS_M) / 180);
  const dLng = dLat / Math.max(0.01, Math.cos(rad(p.lat)));
  return { minLat: p.lat - dLat, maxLat: p.lat + dLat, minLng: p.lng - dLng, maxLng: p.lng + dLng };
}
