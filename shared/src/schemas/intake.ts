import { z } from 'zod';
import { LatLng, ObjectIdString } from './common';

/** Alarm types of the AI video monitoring platforms (AI 视频监控), and the tip category each becomes. */
export const ALARM_TYPES = ['smoke_fire', 'landslide', 'rockfall', 'water_level', 'intrusion', 'other'] as const;
export type AlarmType = (typeof ALARM_TYPES)[number];
export const ALARM_TYPE_LABELS: Record<AlarmType, string> = {
  smoke_fire: '烟火',
  landslide: '滑坡',
  rockfall: '落石',
  water_level: '水位/内涝',
  intrusion: '人员闯入',
  other: '其他',
};

export const AlarmIntake = z
  .object({
    cameraId: z.string().trim().min(1).max(100),
    type: z.enum(ALARM_TYPES, { error: '未知的告警类型' }),
    occurredAt: z.iso.datetime({ offset: true }),
    /** 0–1, as the platform reports it. */
    confidence: z.number().min(0).max(1).optional(),
    location: LatLng,
    /** A JPEG/PNG the server fetches (HTTPS, at most 5 MB, 5 s). */
    snapshotUrl: z
      .url({ protocol: /^https?$/ })
      .max(1000)
      .optional(),
    description: z.string().trim().max(500).optional(),
  })
  .meta({ id: 'AlarmIntake' });
export type AlarmIntake = z.input<typeof AlarmIntake>;

export const AlarmAccepted = z
  .object({
    /** The tip the alarm became (the same one for repeats folded into it). */
    id: z.string(),
    code: z.string(),
    folded: z.boolean(),
    hazardId: z.string().optional(),
  })
  .meta({ id: 'AlarmAccepted' });
export type AlarmAccepted = z.infer<typeof AlarmAccepted>;

/** A town's rule: a high-confidence alarm of this type becomes a hazard (and a call-out draft) at once. */
export const IntakeRule = z
  .object({
    type: z.enum(ALARM_TYPES),
    minConfidence: z.number().min(0).max(1),
    level: z.enum(['general', 'major']).default('major'),
    /** Also prepare a warning for the hazard's village (issued by the office). */
    calloutDraft: z.boolean().default(true),
  })
  .meta({ id: 'IntakeRule' });
export const IntakeRules = z
  .object({
    /** Repeats of one camera and type within this many minutes fold into one tip. */
    foldMinutes: z
      .number()
      .int()
      .min(1)
      .max(24 * 60)
      .default(10),
    rules: z.array(IntakeRule).max(ALARM_TYPES.length).default([]),
  })
  .meta({ id: 'IntakeRules' });
export type IntakeRules = z.input<typeof IntakeRules>;

export const CalloutDraftOut = z
  .object({
    id: z.string(),
    hazardId: z.string(),
    title: z.string(),
    level: z.string(),
    body: z.string(),
    villageIds: z.array(z.string()),
    createdAt: z.string(),
  })
  .meta({ id: 'CalloutDraft' });
export const CalloutDraftList = z.object({ items: z.array(CalloutDraftOut) }).meta({ id: 'CalloutDraftList' });
export const IntakeIdParam = z.object({ id: ObjectIdString });
