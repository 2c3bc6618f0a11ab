/** Pure rules of the one-hour incident information rule (一小时内上报); no I/O, tested as tables. */

const MINUTE = 60_000;

/** The latest time an incident may be passed on upward. */
export function reportUpDueAt(occurredAt: Date, limitMinutes: number): Date {
  return new Date(occurredAt.getTime() + limitMinutes * MINUTE);
}

/** Passed on upward within the limit: at or before the due time. */
export function withinLimit(dueAt: Date, reportedUpAt: Date): boolean {
  return reportedUpAt.getTime() <= dueAt.getTime();
}

/** Late: passed on upward after the due time, or not yet passed on and the due time is past. */
export function isLate(dueAt: Date, reportedUpAt: Date | null | undefined, now: Date): boolean {
  if (reportedUpAt) return !withinLimit(dueAt, reportedUpAt);
  return now.getTime() > dueAt.getTime();
}

export interface IncidentFact {
  dueAt: Date;
  reportedUpAt?: Date | null;
}

/**
 * The one-hour figure of a set of incidents at `now`. An incident counts once it is due: passed on
 * upward, or past its deadline; one still inside its hour is pending and counts nowhere yet.
 */
export function oneHourFigure(incidents: readonly IncidentFact[], now: Date) {
  let within = 0;
  let late = 0;
  let pending = 0;
  for (const i of incidents) {
    if (i.reportedUpAt && withinLimit(i.dueAt, i.reportedUpAt)) within++;
    else if (isLate(i.dueAt, i.reportedUpAt, now)) late++;
    else pending++;
  }
  const due = within + late;
  return { total: incidents.length, due, withinLimit: within, late, pending, rate: due ? within / due : null };
}
