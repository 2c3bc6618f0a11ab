import { z } from 'zod';
import type { ApiClient } from '../client';
import { FreeText, ObjectIdString } from './common';

/** Request and answer schemas of the incidents capability: incident information within one hour. */

/** Where it happened: coordinates, a place name, or both. */
export const IncidentLocation = z
  .object({
    lat: z.number().min(-90, '纬度应在 -90 到 90 之间').max(90, '纬度应在 -90 到 90 之间').optional(),
    lng: z.number().min(-180, '经度应在 -180 到 180 之间').max(180, '经度应在 -180 到 180 之间').optional(),
    address: FreeText(200, { required: true }).optional(),
  })
  .strict()
  .refine((l) => (l.lat === undefined) === (l.lng === undefined), { message: '经纬度需同时填写' })
  .refine((l) => l.lat !== undefined || l.address !== undefined, { message: '请填写事发地点' })
  .meta({ id: 'IncidentLocation' });

export const Casualties = z
  .object({
    deaths: z.number().int().min(0).max(100000).default(0),
    injuries: z.number().int().min(0).max(100000).default(0),
    missing: z.number().int().min(0).max(100000).default(0),
  })
  .strict();

export const IncidentCreate = z
  .object({
    kind: FreeText(40, { required: '请填写事件类型' }),
    /** ISO 8601 with an offset, e.g. 2024-06-01T08:30:00+08:00 */
    occurredAt: z.iso.datetime({ offset: true, message: '事发时间格式不正确' }),
    location: IncidentLocation,
    casualties: Casualties.optional(),
    description: FreeText(2000, { required: '请填写事件经过' }),
    villageId: ObjectIdString.optional(),
  })
  .strict()
  .meta({ id: 'IncidentCreate' });
export type IncidentCreate = z.infer<typeof IncidentCreate>;

export const IncidentReportUp = z
  .object({
    /** Who it was passed to, e.g. 县应急管理局值班室. */
    to: FreeText(100, { required: '请填写上报单位' }),
    /** How: phone, the county's system, a document… */
    method: z.enum(['phone', 'system', 'document', 'other']).default('phone'),
    note: FreeText(500).optional(),
  })
  .strict()
  .meta({ id: 'IncidentReportUp' });
export type IncidentReportUp = z.infer<typeof IncidentReportUp>;

export const IncidentOut = z
  .object({
    id: z.string(),
    kind: z.string(),
    occurredAt: z.string(),
    reportedAt: z.string(),
    location: z.object({ lat: z.number().optional(), lng: z.number().optional(), address: z.string().optional() }),
    casualties: z.object({ deaths: z.number(), injuries: z.number(), missing: z.number() }),
    description: z.string(),
    villageId: z.string().optional(),
    reportedBy: z.object({ id: z.string(), name: z.string() }),
    /** When it must be passed on upward at the latest (occurredAt + the town's reportUpMinutes). */
    dueAt: z.string(),
    reportedUp: z
      .object({ at: z.string(), by: z.string(), to: z.string(), method: z.string(), note: z.string().optional() })
      .optional(),
    /** Passed on upward within the limit (undefined while still pending and not yet late). */
    withinLimit: z.boolean().optional(),
    late: z.boolean(),
    escalatedAt: z.string().optional(),
  })
  .meta({ id: 'Incident' });
export type IncidentOut = z.infer<typeof IncidentOut>;

export const IncidentStatsQuery = z.object({
  month: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/, '月份格式应为 YYYY-MM')
    .optional(),
});

export const IncidentStats = z
  .object({
    month: z.string().optional(),
    total: z.number(),
    /** Incidents whose deadline has passed or which have been passed on upward: the denominator. */
    due: z.number(),
    withinLimit: z.number(),
    late: z.number(),
    pending: z.number(),
    /** withinLimit / due, null when nothing is due yet. */
    rate: z.number().nullable(),
  })
  .meta({ id: 'IncidentStats' });
export type IncidentStats = z.infer<typeof IncidentStats>;

export const incidentsApi = (c: ApiClient) => ({
  create: (body: IncidentCreate) => c.post<IncidentOut>('/api/incidents', body),
  list: () => c.get<{ items: IncidentOut[] }>('/api/incidents'),
  get: (id: string) => c.get<IncidentOut>(`/api/incidents/${id}`),
  reportUp: (id: string, body: IncidentReportUp) => c.post<IncidentOut>(`/api/incidents/${id}/report-up`, body),
  stats: (month?: string) => c.get<IncidentStats>('/api/incidents/stats', { month }),
});
