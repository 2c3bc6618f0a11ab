/**
 * Pure geometry on WGS-84 points (no I/O): distances for the nearest shelter, the assembly circle of
 * a drill, and point-in-area for grids. FerretDB has no geo indexes, so these run in the service.
 */
export interface Point {
  lat: number;
  lng: number;
}

const EARTH_RADIUS_M = 6371008.8;
const rad = (deg: number) => (deg * Math.PI) / 180;

/** Great-circle distance in metres (haversine). */
export function haversineM(a: Point, b: Point): number {
  const dLat = rad(b.lat - a.lat);
  const dLng = rad(b.lng - a.lng);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Inside (or on the edge of) a circle of `radiusM` metres around `center`. */
export function insideCircle(p: Point, center: Point, radiusM: number): boolean {
  return haversineM(p, center) <= radiusM;
}

/**
 * Ray casting on the plane of lat/lng, good enough for the small areas of a township (a grid, a
 * village). A point on the boundary counts as inside.
 */
export function pointInPolygon(p: Point, polygon: readonly Point[]): boolean {
  if (polygon.length < 3) return false;
  let inside = false;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const a = polygon[i]!;
    const b = polygon[j]!;
    if (onSegment(p, a, b)) return true;
    const crosses = a.lat > p.lat !== b.lat > p.lat;
    if (crosses && p.lng < ((b.lng - a.lng) * (p.lat - a.lat)) / (b.lat - a.lat) + a.lng) inside = !inside;
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

/** Items sorted by distance from `from`, each with `distanceM` rounded to the metre. */
export function byDistance<T extends { location: Point }>(
  from: Point,
  items: readonly T[],
): (T & { distanceM: number })[] {
  return items
    .map((it) => ({ ...it, distanceM: Math.round(haversineM(from, it.location)) }))
    .sort((a, b) => a.distanceM - b.distanceM);
}
