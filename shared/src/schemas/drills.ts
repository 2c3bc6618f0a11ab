import { z } from 'zod';
import type { ApiClient, RequestOptions } from '../client';
import { FreeText, LatLng, ObjectIdString } from './common';

/** Request and answer schemas of the drills capability (shared by the server, the bot and the mini-program). */

/** Where participants must assemble: a circle around a point. */
export const AssemblyPoint = z
  .object({
    lat: LatLng.shape.lat,
    lng: LatLng.shape.lng,
    radiusM: z.number().min(1, '集结范围至少 1 米').max(50000, '集结范围不超过 50 公里'),
    name: z.string().trim().max(100).optional(),
  })
  .meta({ id: 'AssemblyPoint' });
export type AssemblyPoint = z.infer<typeof AssemblyPoint>;

/**
 * Who is called when no participant list is given: the grid members and cadres of these villages
 * or grids (all of the town's when both are empty). A polygon, if given, is also an assembly area.
 */
export const DrillArea = z
  .object({
    villages: z.array(ObjectIdString).max(100).optional(),
    grids: z.array(ObjectIdString).max(500).optional(),
    polygon: z.array(LatLng).min(3, '区域至少需要 3 个点').max(500).optional(),
  })
  .meta({ id: 'DrillArea' });
export type DrillArea = z.infer<typeof DrillArea>;

export const DrillCreate = z
  .object({
    title: FreeText(100, { required: '请填写演练名称', tooLong: '演练名称不超过 100 字' }),
    unannounced: z.boolean().optional(),
    participants: z.array(ObjectIdString).min(1, '参演人员不能为空').max(2000).optional(),
    area: DrillArea.optional(),
    assemblyPoint: AssemblyPoint.optional(),
    /** What the call says (default: the title and the assembly point). */
    message: FreeText(500).optional(),
  })
  .strict()
  .meta({ id: 'DrillCreate' });
export type DrillCreate = z.infer<typeof DrillCreate>;

export const DRILL_STATUSES = ['planned', 'running', 'ended'] as const;
export const DrillStatus = z.enum(DRILL_STATUSES);

export const DrillOut = z
  .object({
    id: z.string(),
    title: z.string(),
    unannounced: z.boolean(),
    status: DrillStatus,
    participantCount: z.number(),
    assemblyPoint: AssemblyPoint.optional(),
    area: DrillArea.optional(),
    startedAt: z.string().optional(),
    endedAt: z.string().optional(),
    createdAt: z.string(),
    /** Always true: a drill's records are exercise records, never real ones. */
    exercise: z.literal(true),
  })
  .meta({ id: 'Drill' });
export type DrillOut = z.infer<typeof DrillOut>;

export const CHECKIN_CHANNELS = ['api', 'miniprogram', 'wechaty', 'wecom_app', 'wecom_robot', 'terminal'] as const;
export const CheckinChannel = z.enum(CHECKIN_CHANNELS);

export const DrillCheckin = z
  .object({ location: LatLng.optional(), channel: CheckinChannel.optional() })
  .strict()
  .meta({ id: 'DrillCheckin' });
export type DrillCheckin = z.infer<typeof DrillCheckin>;

/** The chat bot's 签到: check the caller in to their most recent running drill. */
export const DrillCheckinLatest = z
  .object({ channel: z.string().trim().max(32).optional(), location: LatLng.optional() })
  .strict()
  .meta({ id: 'DrillCheckinLatest' });
export type DrillCheckinLatest = z.infer<typeof DrillCheckinLatest>;

export const CheckinResult = z
  .object({
    drill: z.object({ id: z.string(), title: z.string() }),
    checkedInAt: z.string(),
    /** Assembly time: seconds from the drill's start to the (first) check-in. */
    seconds: z.number(),
    /** True when the caller had already checked in: the first check-in stands. */
    alreadyCheckedIn: z.boolean(),
    /** True when a location was given and it is outside the assembly area. */
    outsideArea: z.boolean(),
    /** True when the assembly took longer than the town's target (drills.assemblyTargetMinutes). */
    late: z.boolean(),
  })
  .meta({ id: 'CheckinResult' });
export type CheckinResult = z.infer<typeof CheckinResult>;

export const DrillReportParticipant = z.object({
  userId: z.string(),
  name: z.string(),
  villageId: z.string().optional(),
  villageName: z.string().optional(),
  checkedInAt: z.string().optional(),
  seconds: z.number().optional(),
  channel: z.string().optional(),
  outsideArea: z.boolean().optional(),
  late: z.boolean().optional(),
});

export const DrillSummary = z.object({
  total: z.number(),
  present: z.number(),
  absent: z.number(),
  medianSeconds: z.number().nullable(),
  maxSeconds: z.number().nullable(),
  late: z.number(),
  outsideArea: z.number(),
});

export const DrillReport = z
  .object({
    drill: DrillOut,
    participants: z.array(DrillReportParticipant),
    summary: DrillSummary,
    byVillage: z.array(DrillSummary.extend({ villageId: z.string().nullable(), name: z.string() })),
  })
  .meta({ id: 'DrillReport' });
export type DrillReport = z.infer<typeof DrillReport>;

export const drillsApi = (c: ApiClient) => ({
  create: (body: DrillCreate, opts?: RequestOptions) => c.create<DrillOut>('/api/drills', body, opts),
  list: () => c.get<{ items: DrillOut[] }>('/api/drills'),
  get: (id: string) => c.get<DrillOut>(`/api/drills/${id}`),
  start: (id: string) => c.post<DrillOut>(`/api/drills/${id}/start`),
  end: (id: string) => c.post<DrillOut>(`/api/drills/${id}/end`),
  checkin: (id: string, body: DrillCheckin = {}) => c.post<CheckinResult>(`/api/drills/${id}/checkin`, body),
  checkinLatest: (body: DrillCheckinLatest = {}) => c.post<CheckinResult>('/api/drills/checkin-latest', body),
  report: (id: string) => c.get<DrillReport>(`/api/drills/${id}/report`),
});
