/**
 * Pure geometry on WGS-84 points (no I/O): distances for the nearest shelter, the assembly circle of
 * a drill. Distance and point-in-area are the ones tips/geo.ts routes locations with. FerretDB has no
 * geo indexes, so these run in the service.
 */
import { haversineM, pointInPolygon, type Point } from '../tips/geo';

export { haversineM, pointInPolygon, type Point };

/** Inside (or on the edge of) a circle of `radiusM` metres around `center`. */
export function insideCircle(p: Point, center: Point, radiusM: number): boolean {
  return haversineM(p, center) <= radiusM;
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
