import crypto from 'node:crypto';
import { Types } from 'mongoose';
import {
  ALARM_TYPE_LABELS,
  AppError,
  type AlarmAccepted,
  type AlarmType,
  type HazardCategory,
  type HazardLevel,
} from '@yingji/shared';
import type { AppServices, Caller } from '../core/context';
import { isDuplicateKey } from '../db/duplicate';
import { HazardModel } from '../hazards/hazard.model';
import { uploadMedia } from '../media/service';
import { createTip, triageTip } from '../tips/service';
import { AlarmModel, AlarmWindowModel, CalloutDraftModel, IntakeRulesModel } from './model';
import { fetchSnapshot } from './snapshot';

/** The tip category an alarm type becomes. */
const CATEGORY: Record<AlarmType, HazardCategory> = {
  smoke_fire: 'forest_fire',
  landslide: 'landslide',
  rockfall: 'rockfall',
  water_level: 'flood_drought',
  intrusion: 'other',
  other: 'other',
};
/** A window opened by a request that died before creating its tip is taken over after this. */
const STALE_OPEN_MS = 30_000;

export interface AlarmInput {
  cameraId: string;
  type: AlarmType;
  occurredAt: string;
  confidence?: number;
  location: { lat: number; lng: number };
  snapshotUrl?: string;
  description?: string;
}

const shanghai = (d: Date) => new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');

/**
 * A camera's alarm becomes a tip in the triage queue, marked as from video; repeats of the same
 * camera and type within the town's window fold into that tip (one atomic window per camera and
 * type). A town rule can accept a high-confidence alarm straight into a hazard, with a warning
 * draft for its village.
 */
export async function receiveAlarm(
  services: AppServices,
  caller: Caller,
  apiKeyId: string | undefined,
  body: AlarmInput,
  snapshot?: Buffer,
): Promise<AlarmAccepted> {
  const now = services.clock.now();
  const settings = await IntakeRulesModel.findOne({ town: caller.town }).lean();
  const foldMs = (settings?.foldMinutes ?? 10) * 60_000;
  const key = `${caller.townId}:${body.cameraId}:${body.type}`;
  const record = (tip: Types.ObjectId, folded: boolean, media?: string) =>
    AlarmModel.create({
      town: caller.town,
      apiKey: apiKeyId,
      cameraId: body.cameraId,
      type: body.type,
      occurredAt: new Date(body.occurredAt),
      confidence: body.confidence,
      location: body.location,
      snapshotUrl: body.snapshotUrl,
      media,
      tip,
      folded,
      receivedAt: now,
    });

  for (let attempt = 0; attempt < 60; attempt++) {
    const open = await AlarmWindowModel.findOneAndUpdate(
      { _id: key, until: { $gt: now }, tip: { $exists: true } },
      { $inc: { count: 1 }, $set: { lastAt: now } },
      { returnDocument: 'after' },
    ).lean();
    if (open) {
      await record(open.tip!, true);
      return {
        id: String(open.tip),
        code: open.tipCode ?? '',
        folded: true,
        ...(open.hazard ? { hazardId: String(open.hazard) } : {}),
      };
    }
    const token = crypto.randomUUID();
    try {
      await AlarmWindowModel.findOneAndUpdate(
        {
          _id: key,
          $or: [
            { until: { $lte: now } },
            { tip: { $exists: false }, updatedAt: { $lt: new Date(now.getTime() - STALE_OPEN_MS) } },
          ],
        },
        {
          $set: { town: caller.town, until: new Date(now.getTime() + foldMs), token, count: 1, lastAt: now },
          $unset: { tip: 1, tipCode: 1, hazard: 1 },
        },
        { upsert: true },
      );
    } catch (e) {
      if (!isDuplicateKey(e)) throw e;
      // Another alarm of this camera is opening the window right now: fold into it once it has its tip.
      await new Promise((r) => setTimeout(r, 50));
      continue;
    }
    let raised: { tip: Types.ObjectId; code: string; hazard?: Types.ObjectId; media?: string };
    try {
      raised = await raise(services, caller, body, now, snapshot);
    } catch (e) {
      await AlarmWindowModel.updateOne({ _id: key, token }, { $set: { until: new Date(0) } });
      throw e;
    }
    await AlarmWindowModel.updateOne(
      { _id: key, token },
      { $set: { tip: raised.tip, tipCode: raised.code, ...(raised.hazard ? { hazard: raised.hazard } : {}) } },
    );
    await record(raised.tip, false, raised.media);
    return {
      id: String(raised.tip),
      code: raised.code,
      folded: false,
      ...(raised.hazard ? { hazardId: String(raised.hazard) } : {}),
    };
  }
  throw new AppError('ALARM_BUSY');
}

async function raise(services: AppServices, caller: Caller, body: AlarmInput, now: Date, snapshot?: Buffer) {
  const label = ALARM_TYPE_LABELS[body.type];
  let media: string | undefined;
  let snapshotNote = '';
  try {
    const buf =
      snapshot ??
      (body.snapshotUrl
        ? await fetchSnapshot(body.snapshotUrl, services.config.INTAKE_SNAPSHOT_ALLOW_HOSTS)
        : undefined);
    if (buf) media = (await uploadMedia(services, caller, buf)).id;
  } catch (e) {
    // An alarm without its picture is still an alarm.
    services.log.warn({ err: e, camera: body.cameraId }, 'alarm snapshot not stored');
    snapshotNote =
      e instanceof AppError && e.code === 'SNAPSHOT_ADDRESS_REFUSED' ? '（截图地址不允许访问）' : '（截图获取失败）';
  }
  const confidence = body.confidence !== undefined ? `，置信度 ${Math.round(body.confidence * 100)}%` : '';
  const description =
    `【视频告警】${label}：摄像头 ${body.cameraId}${confidence}，${shanghai(new Date(body.occurredAt))}` +
    `${snapshotNote}${body.description ? `。${body.description}` : ''}`;
  const tip = await createTip(services, caller, {
    category: CATEGORY[body.type],
    description,
    location: body.location,
    mediaIds: media ? [media] : [],
    confidential: false,
    source: 'video',
    clientId: `alarm:${body.cameraId}:${body.type}:${now.getTime()}`,
  });
  const tipId = new Types.ObjectId(tip.id);
  const rules = (await IntakeRulesModel.findOne({ town: caller.town }).lean())?.rules ?? [];
  const rule = rules.find((r) => r.type === body.type);
  if (!rule || (body.confidence ?? 0) < rule.minConfidence) return { tip: tipId, code: tip.code, media };

  const accepted = await triageTip(services, caller, tip.id, {
    decision: 'accept',
    level: (rule.level ?? 'major') as HazardLevel,
  });
  const hazardId = accepted.hazard ? new Types.ObjectId(accepted.hazard.id) : undefined;
  if (hazardId && rule.calloutDraft) {
    const h = await HazardModel.findById(hazardId).select('code village level').lean();
    await CalloutDraftModel.updateOne(
      { hazard: hazardId },
      {
        $setOnInsert: {
          town: caller.town,
          hazard: hazardId,
          title: `${label}预警（${h?.code ?? ''}）`,
          level: rule.level === 'general' ? 'yellow' : 'orange',
          body: `视频监控发现${label}（摄像头 ${body.cameraId}），请立即核实并组织群众避险。`,
          villages: h?.village ? [h.village] : [],
        },
      },
      { upsert: true },
    );
  }
  return { tip: tipId, code: tip.code, hazard: hazardId, media };
}

export async function getRules(caller: Caller) {
  const r = await IntakeRulesModel.findOne({ town: caller.town }).lean();
  return {
    foldMinutes: r?.foldMinutes ?? 10,
    rules: (r?.rules ?? []).map((x) => ({
      type: x.type as AlarmType,
      minConfidence: x.minConfidence,
      level: (x.level ?? 'major') as 'general' | 'major',
      calloutDraft: x.calloutDraft ?? true,
    })),
  };
}

export async function setRules(
  caller: Caller,
  body: {
    foldMinutes: number;
    rules: { type: AlarmType; minConfidence: number; level: 'general' | 'major'; calloutDraft: boolean }[];
  },
) {
  await IntakeRulesModel.updateOne(
    { town: caller.town },
    { $set: { foldMinutes: body.foldMinutes, rules: body.rules } },
    { upsert: true },
  );
  return getRules(caller);
}

export async function listDrafts(caller: Caller) {
  const ds = await CalloutDraftModel.find({ town: caller.town }).sort({ createdAt: -1 }).limit(100).lean();
  return {
    items: ds.map((d) => ({
      id: String(d._id),
      hazardId: String(d.hazard),
      title: d.title,
      level: d.level,
      body: d.body,
      villageIds: d.villages.map(String),
      createdAt: d.createdAt.toISOString(),
    })),
  };
}
