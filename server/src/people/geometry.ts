import area from '@turf/area';
import { featureCollection, polygon as turfPolygon } from '@turf/helpers';
import intersect from '@turf/intersect';
import kinks from '@turf/kinks';
import type { GeoJsonPolygon } from '@yingji/shared';
import type { Point } from '../tips/geo';

/**
 * Pure checks of a grid's boundary (no I/O; tested as tables). Grids store their outer ring as
 * {lat, lng} points (see grid.model.ts); the API speaks GeoJSON `[lng, lat]`.
 */
export type BoundaryProblem = 'GRID_BOUNDARY_INVALID' | 'GRID_BOUNDARY_SELF_INTERSECTS';

/** Shared area below this (m²) is two grids touching along a line, not an overlap. */
const OVERLAP_TOLERANCE_M2 = 1;

/** The outer ring as points (closing point dropped), or the problem with it. */
export function ringOf(boundary: GeoJsonPolygon): { area: Point[] } | { problem: BoundaryProblem } {
  const ring = boundary.coordinates[0] ?? [];
  if (ring.length < 4) return { problem: 'GRID_BOUNDARY_INVALID' };
  const first = ring[0]!;
  const last = ring[ring.length - 1]!;
  if (first[0] !== last[0] || first[1] !== last[1]) return { problem: 'GRID_BOUNDARY_INVALID' };
  const points = ring.slice(0, -1).map(([lng, lat]) => ({ lat: lat!, lng: lng! }));
  if (new Set(points.map((p) => `${p.lng},${p.lat}`)).size < 3) return { problem: 'GRID_BOUNDARY_INVALID' };
  const feature = turfPolygon([ring.map(([lng, lat]) => [lng!, lat!])]);
  if (kinks(feature).features.length > 0) return { problem: 'GRID_BOUNDARY_SELF_INTERSECTS' };
  if (area(feature) <= 0) return { problem: 'GRID_BOUNDARY_INVALID' };
  return { area: points };
}

/** GeoJSON of a stored ring (closed again). */
export function polygonOf(points: readonly Point[]): GeoJsonPolygon {
  const ring = points.map((p) => [p.lng, p.lat] as [number, number]);
  if (ring.length) ring.push([...ring[0]!]);
  return { type: 'Polygon', coordinates: [ring] };
}

/** Square metres two stored rings share (0 when they only touch). */
export function sharedAreaM2(a: readonly Point[], b: readonly Point[]): number {
  if (a.length < 3 || b.length < 3) return 0;
  const fa = turfPolygon(polygonOf(a).coordinates);
  const fb = turfPolygon(polygonOf(b).coordinates);
  const shared = intersect(featureCollection([fa, fb]));
  return shared ? area(shared) : 0;
}

export function overlaps(a: readonly Point[], b: readonly Point[]): boolean {
  return sharedAreaM2(a, b) > OVERLAP_TOLERANCE_M2;
}

/** A label point for a ring: the mean of its corners (inside for the convex shapes grids mostly are). */
export function centerOf(points: readonly Point[]): Point {
  const n = points.length || 1;
  return {
    lat: points.reduce((s, p) => s + p.lat, 0) / n,
    lng: points.reduce((s, p) => s + p.lng, 0) / n,
  };
}
