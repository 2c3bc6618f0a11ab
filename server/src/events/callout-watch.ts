import type { Types } from 'mongoose';
import type { AppServices } from '../core/context';
import { CalloutModel, CalloutRecipientModel, recipientsOfAny } from '../callouts/callout.model';
import { STEPS } from '../callouts/ladder';
import { publish, type PublishInput } from './bus';
import { EventModel } from './model';

const DAY = 24 * 3600_000;
const ACK_LOOKBACK_MS = 15 * 60_000;

interface CalloutPick {
  _id: Types.ObjectId;
  town: Types.ObjectId;
  title: string;
  level: string;
  body?: string;
  event?: string;
  area?: { villages?: Types.ObjectId[]; grids?: Types.ObjectId[] };
  exercise?: boolean;
  status: string;
  issuedAt: Date;
  expiresAt?: Date;
  step: number;
  summary?: { total?: number; acked?: number };
}

export function calloutEventData(c: CalloutPick): Record<string, unknown> {
  return {
    id: String(c._id),
    title: c.title,
    level: c.level,
    body: c.body ?? '',
    event: c.event ?? undefined,
    area: { villages: (c.area?.villages ?? []).map(String), grids: (c.area?.grids ?? []).map(String) },
    exercise: Boolean(c.exercise),
    status: c.status,
    issuedAt: c.issuedAt.toISOString(),
    expiresAt: c.expiresAt?.toISOString(),
    step: c.step >= 0 ? STEPS[c.step] : undefined,
    recipients: c.summary?.total ?? 0,
    acked: c.summary?.acked ?? 0,
  };
}

/**
 * Call-out events, published from the call-out records (the call-out service does not publish
 * them itself yet): `callout.created` once it is active, `callout.escalated` per ladder step
 * reached, `callout.acked` per answer. Ids are derived from the records, so this job and a later
 * publish from the service itself (same ids) store each event once.
 */
export async function watchCallouts(services: AppServices): Promise<number> {
  const now = services.clock.now();
  const callouts = await CalloutModel.find({ issuedAt: { $gt: new Date(now.getTime() - DAY) } })
    .sort({ issuedAt: -1 })
    .limit(200)
    .lean<CalloutPick[]>();
  const wanted: PublishInput[] = [];
  for (const c of callouts) {
    if (c.status === 'preparing') continue;
    const subject = { kind: 'callout', id: String(c._id) };
    const data = calloutEventData(c);
    wanted.push({
      id: `callout.created:${String(c._id)}`,
      event: 'callout.created',
      town: c.town,
      subject,
      data,
      occurredAt: c.issuedAt,
    });
    for (let s = 1; s <= c.step; s++)
      wanted.push({
        id: `callout.escalated:${String(c._id)}:${s}`,
        event: 'callout.escalated',
        town: c.town,
        subject,
        data: { ...data, step: STEPS[s] },
      });
  }
  const active = callouts.filter((c) => c.status === 'active').map((c) => c._id);
  if (active.length) {
    const acked = await CalloutRecipientModel.find({
      ...recipientsOfAny(active),
      acked: true,
      ackAt: { $gt: new Date(now.getTime() - ACK_LOOKBACK_MS) },
    })
      .select('_id callout town user name ackAt ackChannel')
      .limit(5000)
      .lean();
    for (const r of acked)
      wanted.push({
        id: `callout.acked:${String(r._id)}`,
        event: 'callout.acked',
        town: r.town,
        subject: { kind: 'callout', id: String(r.callout) },
        data: {
          callout: String(r.callout),
          user: String(r.user),
          name: r.name,
          ackAt: r.ackAt?.toISOString(),
          channel: r.ackChannel ?? undefined,
        },
        occurredAt: r.ackAt ?? now,
      });
  }
  if (wanted.length === 0) return 0;
  const known = new Set(
    (
      await EventModel.find({ _id: { $in: wanted.map((w) => w.id) } })
        .select('_id')
        .lean()
    ).map((e) => String(e._id)),
  );
  let n = 0;
  for (const w of wanted) {
    if (known.has(w.id)) continue;
    await publish(services, w);
    n++;
  }
  return n;
}
