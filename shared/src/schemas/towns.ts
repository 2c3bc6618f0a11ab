import { z } from 'zod';
import type { ApiClient, Transport } from '../client';
import { fetchTransport } from '../client';
import { ObjectIdString } from './common';
import { RoleSchema } from './auth';
import { PhoneNumber } from './people';

/** Towns, places (villages, 村民小组, grids), chat groups, town settings, audit log, the county. */

const Name = z.string().trim().min(1, '请填写名称').max(50, '名称最多 50 个字');

// ---- towns ------------------------------------------------------------------------------------

export const TownCreate = z
  .object({
    code: z
      .string()
      .trim()
      .regex(/^[A-Za-z]{2,8}$/, '乡镇编码应为 2 到 8 个字母（用于隐患编号，如 SZ）'),
    name: Name,
    county: z.string().trim().max(50).optional(),
    center: z.object({ lat: z.number().min(-90).max(90), lng: z.number().min(-180).max(180) }).optional(),
  })
  .meta({ id: 'TownCreate' });
export type TownCreate = z.infer<typeof TownCreate>;

export const TownOut = z
  .object({ id: z.string(), code: z.string(), name: z.string(), county: z.string().optional() })
  .meta({ id: 'Town' });
export type TownOut = z.infer<typeof TownOut>;

export const TownAdminCreate = z
  .object({
    username: z
      .string()
      .trim()
      .min(2)
      .max(64)
      .regex(/^[\w.@-]+$/, '用户名只能包含字母、数字和 _ . @ -'),
    password: z.string().min(8, '密码至少 8 位').max(200),
    name: Name,
    phone: PhoneNumber.optional(),
    /** `admin` (the town's first admin) or `county` (a county bureau account based in this town). */
    role: z.enum(['admin', 'county']).default('admin'),
  })
  .meta({ id: 'TownAdminCreate' });
export type TownAdminCreate = z.infer<typeof TownAdminCreate>;

// ---- places -----------------------------------------------------------------------------------

/** A GeoJSON Polygon in WGS-84, `[lng, lat]`; only the outer ring is used (grids have no holes). */
export const GeoJsonPolygon = z
  .object({
    type: z.literal('Polygon'),
    coordinates: z
      .array(z.array(z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)]).rest(z.number())))
      .min(1, '边界至少需要一个环'),
  })
  .meta({ id: 'GeoJsonPolygon' });
export type GeoJsonPolygon = z.infer<typeof GeoJsonPolygon>;

export const VillageCreate = z
  .object({
    name: Name,
    code: z.string().trim().min(1).max(20).optional(),
    kind: z.enum(['village', 'community']).default('village'),
  })
  .meta({ id: 'VillageCreate' });
export const VillageUpdate = z
  .object({ name: Name.optional(), kind: z.enum(['village', 'community']).optional() })
  .meta({ id: 'VillageUpdate' });

export const VillageGroupCreate = z.object({ name: Name }).meta({ id: 'VillageGroupCreate' });
export const VillageGroupOut = z
  .object({ id: z.string(), villageId: z.string(), name: z.string(), active: z.boolean() })
  .meta({ id: 'VillageGroup' });

export const GridCreate = z
  .object({
    name: Name,
    villageId: ObjectIdString,
    boundary: GeoJsonPolygon,
    code: z.string().trim().min(1).max(20).optional(),
  })
  .meta({ id: 'GridCreate' });
export type GridCreate = z.infer<typeof GridCreate>;

export const GridUpdate = z
  .object({ name: Name.optional(), villageId: ObjectIdString.optional(), boundary: GeoJsonPolygon.optional() })
  .meta({ id: 'GridUpdate' });
export type GridUpdate = z.infer<typeof GridUpdate>;

export const GridDetail = z
  .object({
    id: z.string(),
    code: z.string(),
    name: z.string(),
    villageId: z.string(),
    boundary: GeoJsonPolygon,
    active: z.boolean(),
  })
  .meta({ id: 'GridDetail' });
export type GridDetail = z.infer<typeof GridDetail>;

export const PlacesImportRequest = z
  .object({
    format: z.enum(['geojson', 'kml', 'xlsx']),
    /** The file: text for GeoJSON and KML, base64 for Excel. */
    content: z.string().min(1).max(2_000_000),
  })
  .meta({ id: 'PlacesImportRequest' });
export type PlacesImportRequest = z.infer<typeof PlacesImportRequest>;

export const PlacesImportReport = z
  .object({
    total: z.number(),
    created: z.number(),
    villagesCreated: z.number(),
    rejected: z.array(z.object({ row: z.number(), name: z.string().optional(), reason: z.string() })),
  })
  .meta({ id: 'PlacesImportReport' });
export type PlacesImportReport = z.infer<typeof PlacesImportReport>;

// ---- chat groups ------------------------------------------------------------------------------

export const ChatGroupOut = z
  .object({
    id: z.string(),
    channel: z.enum(['wechaty', 'wecom_app', 'wecom_robot']),
    name: z.string(),
    gridId: z.string().optional(),
    villageId: z.string().optional(),
  })
  .meta({ id: 'ChatGroup' });

/** A WeCom group robot, registered by the key of its webhook URL (…/webhook/send?key=KEY). */
export const RobotCreate = z
  .object({
    name: Name,
    webhookKey: z
      .string()
      .trim()
      .regex(/^[\w-]{8,64}$/, '请填写机器人 Webhook 地址中 key= 后面的部分'),
    gridId: ObjectIdString.optional(),
    villageId: ObjectIdString.optional(),
  })
  .meta({ id: 'RobotCreate' });

export const GroupBindCodeRequest = z
  .object({ gridId: ObjectIdString.optional(), villageId: ObjectIdString.optional() })
  .refine((b) => Boolean(b.gridId) !== Boolean(b.villageId), '请选择一个网格或一个村（社区）')
  .meta({ id: 'GroupBindCodeRequest' });
export const GroupBindCode = z
  .object({ code: z.string().regex(/^\d{6}$/), expiresAt: z.string() })
  .meta({ id: 'GroupBindCode' });
export type GroupBindCode = z.infer<typeof GroupBindCode>;

/** The bot, when a member writes `绑定群 123456` in a room. */
export const ChatGroupBindRequest = z
  .object({
    channel: z.enum(['wechaty', 'wecom_app']),
    externalUserId: z.string().trim().min(1).max(128),
    groupExternalId: z.string().trim().min(1).max(128),
    groupName: z.string().trim().max(100).optional(),
    code: z.string().regex(/^\d{6}$/, '绑定码应为 6 位数字'),
  })
  .meta({ id: 'ChatGroupBindRequest' });
export type ChatGroupBindRequest = z.infer<typeof ChatGroupBindRequest>;
export const ChatGroupBindResult = z
  .object({ group: z.object({ id: z.string(), name: z.string() }), placeName: z.string() })
  .meta({ id: 'ChatGroupBindResult' });
export type ChatGroupBindResult = z.infer<typeof ChatGroupBindResult>;

// ---- people -----------------------------------------------------------------------------------

export const UserUpdate = z
  .object({
    name: Name.optional(),
    role: RoleSchema.optional(),
    phone: PhoneNumber.nullable().optional(),
    villageId: ObjectIdString.nullable().optional(),
    gridIds: z.array(ObjectIdString).max(50).optional(),
    superiorId: ObjectIdString.nullable().optional(),
    wecomUserId: z.string().trim().max(64).nullable().optional(),
    department: z.string().trim().max(50).nullable().optional(),
    password: z.string().min(8, '密码至少 8 位').max(200).optional(),
  })
  .meta({ id: 'UserUpdate' });
export type UserUpdate = z.infer<typeof UserUpdate>;

export const UserDeactivate = z.object({ successorId: ObjectIdString.optional() }).meta({ id: 'UserDeactivate' });
export const UserDeactivated = z
  .object({ hazardsHandedOver: z.number(), residentsHandedOver: z.number() })
  .meta({ id: 'UserDeactivated' });

// ---- settings and audit -----------------------------------------------------------------------

/** The town's settings as the console edits them; `hazardDeadlineDays` is the stored `deadlineDays`. */
export const TownConfigOut = z.record(z.string(), z.unknown()).meta({ id: 'TownConfig' });
export const TownConfigPatch = z.record(z.string(), z.unknown()).meta({ id: 'TownConfigPatch' });

export const AuditEntry = z
  .object({
    id: z.string(),
    at: z.string(),
    actor: z.object({ id: z.string(), name: z.string(), role: z.string() }),
    action: z.string(),
    target: z.string().optional(),
    before: z.unknown(),
    after: z.unknown(),
  })
  .meta({ id: 'AuditEntry' });
export type AuditEntry = z.infer<typeof AuditEntry>;

// ---- county -----------------------------------------------------------------------------------

export const CountyTownRow = z
  .object({
    town: TownOut,
    openMajorHazards: z.number(),
    overdueHazards: z.number(),
    unconfirmedNow: z.number(),
    /** Share of incidents of the last 30 days passed on within the town's one-hour window; null without incidents. */
    incidentsWithinHourRate: z.number().nullable(),
    latestDrill: z.object({ title: z.string(), at: z.string(), attendanceRate: z.number().nullable() }).nullable(),
  })
  .meta({ id: 'CountyTownRow' });
export type CountyTownRow = z.infer<typeof CountyTownRow>;
export const CountyDashboard = z
  .object({ county: z.string(), towns: z.array(CountyTownRow) })
  .meta({ id: 'CountyDashboard' });
export type CountyDashboard = z.infer<typeof CountyDashboard>;

export const CountyWarningCreate = z
  .object({
    towns: z.array(z.string().trim().min(1)).min(1, '请至少选择一个乡镇'),
    title: z.string().trim().min(1).max(100),
    level: z.enum(['red', 'orange', 'yellow', 'blue']),
    body: z.string().max(2000).optional(),
    exercise: z.boolean().optional(),
  })
  .meta({ id: 'CountyWarningCreate' });
export type CountyWarningCreate = z.infer<typeof CountyWarningCreate>;
export const CountyWarningResult = z
  .object({
    items: z.array(
      z.object({
        town: z.string(),
        calloutId: z.string().optional(),
        recipients: z.number().optional(),
        error: z.string().optional(),
      }),
    ),
  })
  .meta({ id: 'CountyWarningResult' });
export type CountyWarningResult = z.infer<typeof CountyWarningResult>;

/** A county account looks into one town of its county with `X-Town: <code>` on every request. */
export function townTransport(townCode: string, inner: Transport = fetchTransport): Transport {
  return (req) => inner({ ...req, headers: { ...req.headers, 'x-town': townCode } });
}

/** Typed helpers for the routes above. */
export const townsApi = (c: ApiClient) => ({
  createTown: (body: z.input<typeof TownCreate>) => c.post<TownOut>('/api/towns', body),
  createTownAdmin: (townId: string, body: z.input<typeof TownAdminCreate>) =>
    c.post<{ id: string; username: string }>(`/api/towns/${townId}/admins`, body),
  towns: () => c.get<{ items: TownOut[] }>('/api/towns'),
  config: () => c.get<Record<string, unknown>>('/api/town/config'),
  patchConfig: (patch: Record<string, unknown>) =>
    c.request<Record<string, unknown>>('PATCH', '/api/town/config', patch),
  audit: () => c.get<{ items: AuditEntry[] }>('/api/town/audit'),
  createVillage: (body: z.input<typeof VillageCreate>) =>
    c.post<{ id: string; name: string; code: string }>('/api/villages', body),
  createGrid: (body: GridCreate) => c.post<GridDetail>('/api/grids', body),
  updateGrid: (id: string, body: GridUpdate) => c.request<GridDetail>('PATCH', `/api/grids/${id}`, body),
  groupBindCode: (body: { gridId?: string; villageId?: string }) =>
    c.post<GroupBindCode>('/api/chat-groups/bind-code', body),
  bindGroup: (body: ChatGroupBindRequest) => c.post<ChatGroupBindResult>('/api/chat/bind-group', body),
  importPlaces: (body: PlacesImportRequest) => c.post<PlacesImportReport>('/api/places/import', body),
  countyDashboard: () => c.get<CountyDashboard>('/api/county/dashboard'),
  countyWarning: (body: CountyWarningCreate) => c.post<CountyWarningResult>('/api/county/warnings', body),
});
