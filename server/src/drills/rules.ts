import { insideCircle, pointInPolygon, type Point } from '../shelters/geo';

/** Pure rules of drills and of the figures built on them (no I/O; tested as tables). */

/** The median of a list of numbers (mean of the two middle values for an even count); null when empty. */
export function median(values: readonly number[]): number | null {
  return percentile(values, 50);
}

/**
 * The p-th percentile by linear interpolation between closest ranks (the "R-7" / Excel PERCENTILE.INC
 * definition); null when empty.
 */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  if (p < 0 || p > 100) throw new RangeError('percentile must be between 0 and 100');
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo);
}

/** Whole seconds from the start to the check-in (never negative). */
export function assemblySeconds(startedAt: Date, checkedInAt: Date): number {
  return Math.max(0, Math.round((checkedInAt.getTime() - startedAt.getTime()) / 1000));
}

export interface AssemblyArea {
  assemblyPoint?: { lat: number; lng: number; radiusM: number } | null;
  polygon?: readonly Point[] | null;
}

/**
 * Whether a check-in is outside the assembly area. Without a location, or without an area set, it
 * cannot be outside (the report shows who checked in without a location by its channel). With both
 * a circle and a polygon, being in either one is enough.
 */
export function outsideAssemblyArea(location: Point | undefined | null, area: AssemblyArea): boolean {
  if (!location) return false;
  const circle = area.assemblyPoint;
  const polygon = area.polygon && area.polygon.length >= 3 ? area.polygon : undefined;
  if (!circle && !polygon) return false;
  if (circle && insideCircle(location, circle, circle.radiusM)) return false;
  if (polygon && pointInPolygon(location, polygon)) return false;
  return true;
}

/** Late: the assembly took longer than the town's target. */
export function isLate(seconds: number, targetMinutes: number): boolean {
  return seconds > targetMinutes * 60;
}

export interface CheckinFact {
  seconds?: number;
  late?: boolean;
  outsideArea?: boolean;
}

/** The report's summary of a group of participants. */
export function summarise(rows: readonly CheckinFact[]) {
  const present = rows.filter((r) => r.seconds !== undefined);
  const secs = present.map((r) => r.seconds!);
  return {
    total: rows.length,
    present: present.length,
    absent: rows.length - present.length,
    medianSeconds: median(secs),
    maxSeconds: secs.length ? Math.max(...secs) : null,
    late: present.filter((r) => r.late).length,
    outsideArea: present.filter((r) => r.outsideArea).length,
  };
}
