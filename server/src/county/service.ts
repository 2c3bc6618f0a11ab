import { AppError, type CountyDashboard, type CountyWarningCreate, type CountyWarningResult } from '@yingji/shared';
import type { Types } from 'mongoose';
import { CalloutModel } from '../callouts/callout.model';
import { createCallout } from '../callouts/service';
import type { AppServices, Caller } from '../core/context';
import { DrillCheckinModel, DrillModel } from '../drills/model';
import { HazardModel } from '../hazards/hazard.model';
import { IncidentModel } from '../incidents/model';
import { TownModel } from '../people/town.model';
import { toTownOut } from '../towns/service';

const DAY = 24 * 3600 * 1000;

/** The towns of the county account's county (its base town's `county`). */
export async function countyTowns(caller: Caller) {
  const home = await TownModel.findById(caller.homeTown ?? caller.town).lean();
  if (!home?.county) throw new AppError('COUNTY_NOT_SET');
  return { county: home.county, towns: await TownModel.find({ county: home.county }).sort({ code: 1 }).lean() };
}

async function townRow(
  services: Pick<AppServices, 'clock'>,
  t: { _id: Types.ObjectId; code: string; name: string; county?: string | null },
) {
  const town = t._id;
  const now = services.clock.now();
  const open = { town, status: { $ne: 'closed' as const } };
  const [openMajorHazards, overdueHazards, callouts, incidents, drill] = await Promise.all([
    HazardModel.countDocuments({ ...open, level: 'major' }),
    HazardModel.countDocuments({ ...open, deadline: { $lt: now } }),
    CalloutModel.find({ town, status: 'active' }).select('summary').lean(),
    IncidentModel.find({ town, occurredAt: { $gte: new Date(now.getTime() - 30 * DAY) } })
      .select('status dueAt withinLimit')
      .lean(),
    DrillModel.findOne({ town, status: { $in: ['running', 'ended'] } })
      .sort({ startedAt: -1 })
      .select('title startedAt participants')
      .lean(),
  ]);
  // An incident counts once it is passed on or its hour is up.
  const decided = incidents.filter((i) => i.status === 'reported_up' || i.dueAt.getTime() <= now.getTime());
  const within = decided.filter((i) => i.withinLimit === true).length;
  let latestDrill: CountyDashboard['towns'][number]['latestDrill'] = null;
  if (drill) {
    const checkins = await DrillCheckinModel.countDocuments({ drill: drill._id });
    const invited = drill.participants?.length ?? 0;
    latestDrill = {
      title: drill.title,
      at: (drill.startedAt ?? now).toISOString(),
      attendanceRate: invited ? Math.min(1, checkins / invited) : null,
    };
  }
  return {
    town: toTownOut(t),
    openMajorHazards,
    overdueHazards,
    unconfirmedNow: callouts.reduce((s, c) => s + Math.max(0, (c.summary?.total ?? 0) - (c.summary?.acked ?? 0)), 0),
    incidentsWithinHourRate: decided.length ? within / decided.length : null,
    latestDrill,
  };
}

/** Per town of the county, side by side: the figures a county bureau watches. */
export async function countyDashboard(services: Pick<AppServices, 'clock'>, caller: Caller): Promise<CountyDashboard> {
  const { county, towns } = await countyTowns(caller);
  return { county, towns: await Promise.all(towns.map((t) => townRow(services, t))) };
}

/**
 * One warning to several towns: each town gets the call-out its own office would have issued
 * (its recipients, groups and ladder windows), through the call-out service. A town that
 * cannot take it (no recipients) is reported without stopping the others.
 */
export async function countyWarning(
  services: AppServices,
  caller: Caller,
  input: CountyWarningCreate,
): Promise<CountyWarningResult> {
  const { towns } = await countyTowns(caller);
  const wanted = input.towns.map((c) => c.toUpperCase());
  const chosen = wanted.map((code) => {
    const t = towns.find((x) => x.code === code || String(x._id) === code.toLowerCase());
    if (!t) throw new AppError('COUNTY_TOWN_FORBIDDEN', { message: `乡镇“${code}”不属于您所在的县` });
    return t;
  });
  const items: CountyWarningResult['items'] = [];
  for (const t of chosen) {
    const asTown: Caller = { ...caller, town: t._id, townId: String(t._id) };
    try {
      const r = await createCallout(services, asTown, {
        title: input.title,
        level: input.level,
        body: input.body ?? '',
        exercise: input.exercise,
      });
      items.push({ town: t.code, calloutId: r.id, recipients: r.recipients });
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      items.push({ town: t.code, error: e.message });
    }
  }
  return { items };
}
