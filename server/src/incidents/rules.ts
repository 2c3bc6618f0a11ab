/** Pure rules of the one-hour incident information rule (一小时内上报); no I/O, tested as tables. */

const MINUTE = 60_000;

/** The latest time an incident may be passed on upward. */
export function reportUpDueAt(occurredAt: Date, limitMinutes: number): Date {
  return new Date(occurredAt.getTime() + limitMinutes * MINUTE);
}

/** Passed on upward within the limit: reported up at or before the due time. */
export function withinLimit(occurredAt: Date, reportedUpAt: Date, limitMinutes: number): boolean {
  return reportedUpAt.getTime() <= reportUpDueAt(occurredAt, limitMinutes).getTime();
}

/** Late: not passed on upward and the due time has passed (strictly after it). */
export function isOverdue(occurredAt: Date, reportedUpAt: Date | null | undefined, now: Date, limitMinutes: number) {
  if (reportedUpAt) return !withinLimit(occurredAt, reportedUpAt, limitMinutes);
  return now.getTime() > reportUpDueAt(occurredAt, limitMinutes).getTime();
}

export interface IncidentFact {
  occurredAt: Date;
  reportedUpAt?: Date | null;
}

/**
 * The one-hour figure of a set of incidents at `now`. An incident counts once it is due: passed on
 * upward, or past its deadline; one still inside its hour is pending and counts nowhere yet.
 */
export function oneHourFigure(incidents: readonly IncidentFact[], now: Date, limitMinutes: number) {
  let within = 0;
  let late = 0;
  let pending = 0;
  for (const i of incidents) {
    if (i.reportedUpAt && withinLimit(i.occurredAt, i.reportedUpAt, limitMinutes)) within++;
    else if (isOverdue(i.occurredAt, i.reportedUpAt, now, limitMinutes)) late++;
    else pending++;
  }
  const due = within + late;
  return { total: incidents.length, due, withinLimit: within, late, pending, rate: due ? within / due : null };
}
