import { AppError, isOffice, type IncidentCreate, type IncidentOut, type IncidentReportUp } from '@yingji/shared';
import type { Types } from 'mongoose';
import type { AppServices, Caller } from '../core/context';
import { enqueue, type OutboundMessage } from '../outbox/enqueue';
import { UserModel } from '../people/models';
import { shanghai } from '../drills/export';
import { gridAt, villageOf } from '../shelters/service';
import { loadTownConfig } from '../towns/config';
import { publishIncident } from './events';
import { IncidentModel, type Incident } from './model';
import { isLate, oneHourFigure, reportUpDueAt, withinLimit } from './rules';

/** A report may not say it happened in the future; this much clock skew is forgiven. */
const FUTURE_SLACK_MS = 5 * 60_000;

type IncidentLike = Incident & { _id: Types.ObjectId };

export function toIncidentOut(i: IncidentLike): IncidentOut {
  return {
    id: String(i._id),
    kind: i.kind,
    occurredAt: i.occurredAt.toISOString(),
    reportedAt: i.reportedAt.toISOString(),
    location: {
      lat: i.location?.lat ?? undefined,
      lng: i.location?.lng ?? undefined,
      address: i.location?.address ?? undefined,
    },
    casualties: {
      deaths: i.casualties?.deaths ?? 0,
      injuries: i.casualties?.injuries ?? 0,
      missing: i.casualties?.missing ?? 0,
    },
    description: i.description,
    villageId: i.village ? String(i.village) : undefined,
    reportedBy: { id: String(i.reportedBy), name: i.reporterName ?? '' },
    dueAt: i.dueAt.toISOString(),
    reportedUp:
      i.reportedUpAt && i.reportedUp
        ? {
            at: i.reportedUpAt.toISOString(),
            by: i.reportedUp.byName ?? '',
            to: i.reportedUp.to ?? '',
            method: i.reportedUp.method ?? '',
            note: i.reportedUp.note ?? undefined,
          }
        : undefined,
    withinLimit: i.withinLimit ?? undefined,
    late: !!i.late,
    escalatedAt: i.escalatedAt?.toISOString(),
  };
}

/**
 * Record an incident report. The village is the one named, else the one whose grid holds the
 * location, else the reporter's. The due time is fixed now, from the town's limit.
 */
export async function createIncident(services: AppServices, caller: Caller, input: IncidentCreate) {
  const now = services.clock.now();
  const occurredAt = new Date(input.occurredAt);
  if (occurredAt.getTime() > now.getTime() + FUTURE_SLACK_MS) throw new AppError('INCIDENT_IN_FUTURE');
  let village = await villageOf(caller.town, input.villageId);
  if (!village && input.location.lat !== undefined && input.location.lng !== undefined)
    village = (await gridAt(caller.town, { lat: input.location.lat, lng: input.location.lng }))?.village;
  village ??= caller.villageId as unknown as Types.ObjectId | undefined;
  const config = await loadTownConfig(caller.town);
  const incident = await IncidentModel.create({
    town: caller.town,
    kind: input.kind,
    occurredAt,
    reportedAt: now,
    location: input.location,
    casualties: input.casualties,
    description: input.description,
    village,
    reportedBy: caller._id,
    reporterName: caller.name,
    dueAt: reportUpDueAt(occurredAt, config.incidents.reportUpMinutes),
  });
  await publishIncident(services, 'incident.created', incident);
  return incident;
}

export async function getIncident(caller: Caller, id: string) {
  const i = await IncidentModel.findOne({ _id: id, town: caller.town }).lean();
  // Staff other than the office see only the reports they made.
  if (!i || (!isOffice(caller.role) && String(i.reportedBy) !== caller.id)) throw new AppError('INCIDENT_NOT_FOUND');
  return i;
}

/**
 * The office passes the incident on upward (to the county's duty office, by phone or system) and
 * records it here: who, to whom, how, when. Within the limit or not is decided by the clock now.
 */
export async function reportUp(services: AppServices, caller: Caller, id: string, input: IncidentReportUp) {
  const now = services.clock.now();
  const current = await IncidentModel.findOne({ _id: id, town: caller.town }).lean();
  if (!current) throw new AppError('INCIDENT_NOT_FOUND');
  if (current.status !== 'pending') throw new AppError('INCIDENT_ALREADY_REPORTED_UP');
  const inTime = withinLimit(current.dueAt, now);
  const updated = await IncidentModel.findOneAndUpdate(
    { _id: id, town: caller.town, status: 'pending' },
    {
      $set: {
        status: 'reported_up',
        reportedUpAt: now,
        reportedUp: { by: caller._id, byName: caller.name, to: input.to, method: input.method, note: input.note },
        withinLimit: inTime,
        late: current.late || !inTime,
      },
    },
    { returnDocument: 'after' },
  ).lean();
  if (!updated) throw new AppError('INCIDENT_ALREADY_REPORTED_UP');
  // Passed on after its hour, before the job flagged it: it was late all the same.
  if (!inTime) await announceLate(services, updated);
  return updated;
}

/** How far back the job looks for late incidents whose event is not yet published (a long outage). */
const ANNOUNCE_LOOKBACK_MS = 7 * 24 * 3600_000;

/**
 * Publish `incident.late` once (the event id is the incident's), then mark it published. A crash
 * in between publishes again, which stores nothing new.
 */
async function announceLate(services: AppServices, i: IncidentLike): Promise<void> {
  await publishIncident(services, 'incident.late', i);
  await IncidentModel.updateOne({ _id: i._id }, { $set: { lateAnnounced: true } });
}

/**
 * Late incidents whose event is not marked published: flagged by a run that died before
 * publishing, or passed on late before the job saw them.
 */
async function announcePendingLate(services: AppServices): Promise<void> {
  const since = new Date(services.clock.now().getTime() - ANNOUNCE_LOOKBACK_MS);
  const due = await IncidentModel.find({ late: true, lateAnnounced: { $ne: true }, dueAt: { $gte: since } })
    .limit(500)
    .lean();
  for (const i of due) {
    try {
      await announceLate(services, i);
    } catch (err) {
      services.log.warn({ err, incident: String(i._id) }, 'incident.late not published; retried on the next run');
    }
  }
}

/** Who hears of a late incident: the users named in the town's config, else those with the leader roles. */
async function leadersOf(town: Types.ObjectId) {
  const config = await loadTownConfig(town);
  const { leaderUsernames, leaderRoles } = config.incidents;
  const filter = leaderUsernames.length
    ? { town, active: true, username: { $in: leaderUsernames } }
    : { town, active: true, role: { $in: leaderRoles } };
  return UserModel.find(filter).select('name wecomUserId phone').lean();
}

function lateText(i: IncidentLike, limitMinutes: number): string {
  const c = i.casualties;
  const casualties =
    c && (c.deaths || c.injuries || c.missing)
      ? `死亡 ${c.deaths} 人，受伤 ${c.injuries} 人，失踪 ${c.missing} 人`
      : '暂无人员伤亡报告';
  return [
    `【事件信息超时未上报】${i.kind}`,
    `事发时间：${shanghai(i.occurredAt)}，已超过 ${limitMinutes} 分钟仍未向上级报送。`,
    `地点：${i.location?.address ?? `${i.location?.lat}, ${i.location?.lng}`}`,
    `伤亡：${casualties}`,
    '请立即核实并上报。',
  ].join('\n');
}

/**
 * The job: every incident past its due time and not passed on upward is flagged late (once) and
 * escalated to the leaders through the outbox: a WeCom app message to those with a WeCom
 * account, the phone list for the others. Idempotency keys make a second run send nothing twice.
 * It looks at every due time already past, so after the server was down over a deadline its
 * first run (the scheduler runs each job at start) catches up; `incident.late` is published for
 * each late incident, once, even if a run died between flagging and publishing.
 */
export async function escalateLateIncidents(services: AppServices): Promise<number> {
  const now = services.clock.now();
  const overdue = await IncidentModel.find({ status: 'pending', late: false, dueAt: { $lt: now } })
    .limit(500)
    .lean();
  let escalated = 0;
  for (const i of overdue) {
    if (!isLate(i.dueAt, null, now)) continue;
    const limit = Math.round((i.dueAt.getTime() - i.occurredAt.getTime()) / 60_000);
    const text = lateText(i, limit);
    const messages: OutboundMessage[] = [];
    for (const u of await leadersOf(i.town)) {
      const base = { town: i.town, source: { kind: 'incident', id: String(i._id), step: 'late' } };
      if (u.wecomUserId)
        messages.push({
          ...base,
          channel: 'wecom_app',
          recipient: { user: u._id, address: u.wecomUserId },
          content: { kind: 'text', text },
          idempotencyKey: `incident:${i._id}:late:${u._id}`,
        });
      else if (u.phone)
        messages.push({
          ...base,
          channel: 'phone_list',
          recipient: { user: u._id, address: u.phone },
          content: { kind: 'text', text },
          idempotencyKey: `incident:${i._id}:late:${u._id}`,
        });
    }
    // Enqueue first, flag after: a crash in between means a rerun, which the idempotency keys make
    // harmless; the other way round it would lose the escalation for good.
    await enqueue(services.clock, messages);
    const res = await IncidentModel.updateOne(
      { _id: i._id, status: 'pending', late: false },
      { $set: { late: true, escalatedAt: now } },
    );
    if (res.modifiedCount) escalated++; // else passed on, or flagged by another run, in between
  }
  await announcePendingLate(services);
  return escalated;
}

/** The one-hour figure of a month (or of all time). */
export async function incidentStats(services: AppServices, town: Types.ObjectId, range?: { from: Date; to: Date }) {
  const filter: Record<string, unknown> = { town };
  if (range) filter.occurredAt = { $gte: range.from, $lt: range.to };
  const incidents = await IncidentModel.find(filter).select('dueAt reportedUpAt').lean();
  return oneHourFigure(incidents, services.clock.now());
}
