import crypto from 'node:crypto';
import { Types } from 'mongoose';
import { AppError } from '@yingji/shared';
import type { AppServices, Caller } from '../core/context';
import type { Subscriber } from '../events/bus';
import { CalloutModel } from '../callouts/callout.model';
import { DeliveryModel, type DeliveryLean } from '../outbox/delivery.model';
import { enqueue } from '../outbox/enqueue';
import { GridModel, VillageModel } from '../people/models';
import { checkUrl } from '../webhooks/service';
import { BroadcastEndpointModel, BroadcastRequestModel, BroadcastSettingsModel, type EndpointLean } from './model';

const LEVEL_LABELS: Record<string, string> = { red: '红色', orange: '橙色', yellow: '黄色', blue: '蓝色' };

async function villagesByRef(town: Types.ObjectId, refs: string[]) {
  const ids = refs.filter((r) => Types.ObjectId.isValid(r));
  const codes = refs.filter((r) => !Types.ObjectId.isValid(r)).map((r) => r.toUpperCase());
  const vs = await VillageModel.find({ town, $or: [{ _id: { $in: ids } }, { code: { $in: codes } }] })
    .select('_id name')
    .lean();
  if (vs.length !== new Set(refs).size) throw new AppError('VILLAGE_NOT_FOUND');
  return vs;
}

export async function createEndpoint(
  services: AppServices,
  caller: Caller,
  body: { name: string; url: string; villageIds: string[]; repeat?: number },
) {
  const url = checkUrl(services, body.url);
  const villages = await villagesByRef(caller.town, [...new Set(body.villageIds)]);
  const secret = `bcsec_${crypto.randomBytes(24).toString('base64url')}`;
  const e = await BroadcastEndpointModel.create({
    town: caller.town,
    name: body.name,
    url,
    secret,
    villages: villages.map((v) => v._id),
    repeat: body.repeat ?? 3,
  });
  return { id: String(e._id), secret };
}

export async function listEndpoints(caller: Caller) {
  const es = await BroadcastEndpointModel.find({ town: caller.town, active: true }).lean<EndpointLean[]>();
  return {
    items: es.map((e) => ({
      id: String(e._id),
      name: e.name,
      url: e.url,
      villageIds: e.villages.map(String),
      repeat: e.repeat,
    })),
  };
}

/** Stop broadcasting to an endpoint (kept, inactive, so past call-out boards still name it). */
export async function deleteEndpoint(caller: Caller, id: string) {
  const r = await BroadcastEndpointModel.updateOne(
    { _id: id, town: caller.town, active: true },
    { $set: { active: false } },
  );
  if (!r.matchedCount) throw new AppError('NOT_FOUND');
}

export async function getSettings(caller: Caller) {
  const s = await BroadcastSettingsModel.findOne({ town: caller.town }).lean();
  return { levels: (s?.levels ?? []) as ('red' | 'orange' | 'yellow' | 'blue')[] };
}

export async function setSettings(caller: Caller, body: { levels: string[] }) {
  await BroadcastSettingsModel.updateOne({ town: caller.town }, { $set: { levels: body.levels } }, { upsert: true });
  return getSettings(caller);
}

/** A call-out issued with `broadcast: true` (recorded by the middleware in routes.ts). */
export async function requestBroadcast(services: AppServices, caller: Caller, calloutId: string) {
  await BroadcastRequestModel.updateOne(
    { _id: calloutId },
    { $setOnInsert: { town: caller.town, by: caller._id } },
    { upsert: true },
  ).catch((e: { code?: number }) => {
    if (e.code !== 11000) throw e;
  });
  await startBroadcast(services, calloutId);
}

/**
 * Sound the loudspeakers of the warned villages for a call-out that asked for it (or whose level
 * the town broadcasts always): one outbox delivery per endpoint covering a warned village, with
 * the text to speak, the area, the level and the repeat count. Idempotent by call-out and endpoint.
 */
export async function startBroadcast(services: AppServices, calloutId: string): Promise<number> {
  const c = await CalloutModel.findById(calloutId).lean();
  if (!c || c.status === 'preparing') return 0;
  const [asked, settings] = await Promise.all([
    BroadcastRequestModel.exists({ _id: calloutId }),
    BroadcastSettingsModel.findOne({ town: c.town }).lean(),
  ]);
  if (!asked && !(settings?.levels ?? []).includes(c.level)) return 0;
  const villageIds = c.area?.villages ?? [];
  const gridVillages = (c.area?.grids ?? []).length
    ? (
        await GridModel.find({ _id: { $in: c.area!.grids } })
          .select('village')
          .lean()
      ).map((g) => g.village)
    : [];
  const warned = new Set([...villageIds, ...gridVillages].filter(Boolean).map(String));
  const whole = warned.size === 0;
  const endpoints = (await BroadcastEndpointModel.find({ town: c.town, active: true }).lean<EndpointLean[]>()).filter(
    (e) => whole || e.villages.some((v) => warned.has(String(v))),
  );
  if (endpoints.length === 0) return 0;
  const names = new Map(
    (await VillageModel.find({ town: c.town }).select('name').lean()).map((v) => [String(v._id), v.name]),
  );
  const level = LEVEL_LABELS[c.level] ?? c.level;
  const text = `${c.exercise ? '【演练】' : ''}${level}预警：${c.title}。${c.body ?? ''}`.trim();
  return enqueue(
    services.clock,
    endpoints.map((e) => {
      const area = e.villages.map(String).filter((v) => whole || warned.has(v));
      return {
        town: c.town,
        channel: 'broadcast' as const,
        recipient: { address: String(e._id) },
        content: {
          kind: 'text' as const,
          text: JSON.stringify({
            id: `${calloutId}:${String(e._id)}`,
            callout: calloutId,
            text,
            level: c.level,
            levelLabel: level,
            area: area.map((v) => ({ id: v, name: names.get(v) ?? '' })),
            repeat: e.repeat,
            exercise: Boolean(c.exercise),
          }),
        },
        source: { kind: 'callout', id: calloutId, step: 'broadcast' },
        exercise: Boolean(c.exercise),
        idempotencyKey: `bc:${calloutId}:${String(e._id)}`,
      };
    }),
  );
}

export const broadcastSubscriber: Subscriber = {
  name: 'broadcast',
  events: ['callout.created'],
  handle: async (services, e) => {
    await startBroadcast(services, e.subject.id);
  },
};

/** The call-out board's broadcast column: each endpoint's delivery and how it went. */
export async function calloutBroadcasts(caller: Caller, calloutId: string) {
  const ds = await DeliveryModel.find({
    town: caller.town,
    channel: 'broadcast',
    'source.kind': 'callout',
    'source.id': calloutId,
  }).lean<DeliveryLean[]>();
  const eps = await BroadcastEndpointModel.find({ _id: { $in: ds.map((d) => d.recipient.address) } })
    .select('name')
    .lean();
  const name = new Map(eps.map((e) => [String(e._id), e.name]));
  return {
    items: ds.map((d) => ({
      endpointId: d.recipient.address,
      endpointName: name.get(d.recipient.address) ?? '',
      state: d.state,
      attempts: d.attempts ?? 0,
      sentAt: d.sentAt?.toISOString(),
      lastError: d.lastError ?? undefined,
    })),
  };
}
