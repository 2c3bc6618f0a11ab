import { z } from 'zod';
import type { ApiClient, RequestOptions } from '../client';
import { FreeText, ObjectIdString } from './common';
import { HazardCategoryCode, Location, MediaIds, Reporter } from './tips';

/** Request and answer schemas of the hazards capability (shared by the server, the bot and the mini-program). */

export const HAZARD_LEVELS = ['general', 'major'] as const;
export type HazardLevel = (typeof HAZARD_LEVELS)[number];
export const HazardLevel = z.enum(HAZARD_LEVELS, { error: '隐患等级应为 general（一般）或 major（重大）' }).meta({
  id: 'HazardLevel',
});
export const HAZARD_LEVEL_LABELS: Record<HazardLevel, string> = { general: '一般', major: '重大' };

/** The life of a hazard: accepted → assigned → rectifying → awaiting_reinspection → closed (销号). */
export const HAZARD_STATUSES = ['accepted', 'assigned', 'rectifying', 'awaiting_reinspection', 'closed'] as const;
export type HazardStatus = (typeof HAZARD_STATUSES)[number];
export const HazardStatus = z.enum(HAZARD_STATUSES).meta({ id: 'HazardStatus' });
export const HAZARD_STATUS_LABELS: Record<HazardStatus, string> = {
  accepted: '已受理',
  assigned: '已交办',
  rectifying: '整改中',
  awaiting_reinspection: '待复核',
  closed: '已销号',
};

export const HAZARD_SOURCES = ['tip', 'chat', 'inspection', 'field'] as const;
export type HazardSource = (typeof HAZARD_SOURCES)[number];
export const HAZARD_SOURCE_LABELS: Record<HazardSource, string> = {
  tip: '群众举报',
  chat: '群聊上报',
  inspection: '检查发现',
  field: '现场上报',
};

/**
 * What can be done to a hazard. `assign` names the responsible unit and person; `start` begins
 * rectification; `submit` hands it in with photos; `close` is the office's re-inspection (销号);
 * `reopen` sends it back from re-inspection or closure; `comment` adds a note or photos.
 */
export const HAZARD_ACTIONS = ['assign', 'start', 'submit', 'close', 'reopen', 'comment'] as const;
export type HazardAction = (typeof HAZARD_ACTIONS)[number];
/** History also records events that are not actions a user sends. */
export const HAZARD_HISTORY_LABELS: Record<string, string> = {
  create: '登记',
  assign: '交办',
  start: '开始整改',
  submit: '提交整改',
  close: '复核销号',
  reopen: '退回重新整改',
  comment: '备注',
  photo: '补充照片',
  link_tip: '关联重复举报',
  reroute: '改派网格',
  overdue: '逾期',
};

export const HazardCreate = z
  .object({
    category: HazardCategoryCode.default('other'),
    level: HazardLevel.default('general'),
    description: FreeText(1000, { required: '请描述隐患情况', tooLong: '描述不能超过 1000 字' }),
    /** Defaults to the centre of the reporter's first grid, else their village. */
    location: Location.optional(),
    mediaIds: MediaIds.default([]),
    source: z.enum(['chat', 'inspection', 'field']).default('field'),
  })
  .meta({ id: 'HazardCreate' });
export type HazardCreate = z.input<typeof HazardCreate>;

export const HazardActionBody = z
  .object({
    action: z.enum(HAZARD_ACTIONS, { error: '未知的操作' }),
    note: FreeText(1000).optional(),
    mediaIds: MediaIds.optional(),
    /** assign */
    responsibleUserId: ObjectIdString.optional(),
    responsibleUnit: FreeText(100, { required: true }).optional(),
    deadline: z.iso.datetime({ offset: true, error: '整改期限应为 ISO 时间' }).optional(),
    level: HazardLevel.optional(),
    /** close: the fine imposed, if any (yuan), for a reward rule that shares it. */
    fineAmount: z.number().int().min(0).max(100_000_000).optional(),
  })
  .meta({ id: 'HazardActionBody' });
export type HazardActionBody = z.input<typeof HazardActionBody>;

export const HazardMediaBody = z
  .object({ mediaIds: MediaIds.min(1, '请至少选择一张图片'), note: FreeText(1000).optional() })
  .meta({ id: 'HazardMediaBody' });
export type HazardMediaBody = z.input<typeof HazardMediaBody>;

const Ref = z.object({ id: z.string(), name: z.string() });

export const HazardOut = z
  .object({
    id: z.string(),
    code: z.string(),
    category: z.string(),
    categoryLabel: z.string(),
    level: HazardLevel,
    levelLabel: z.string(),
    status: HazardStatus,
    statusLabel: z.string(),
    source: z.string(),
    sourceLabel: z.string(),
    description: z.string(),
    location: Location,
    village: Ref.optional(),
    grid: Ref.optional(),
    /** Routed by category (the town's routing table). */
    department: z.string(),
    responsibleUnit: z.string().optional(),
    responsibleUser: Ref.optional(),
    deadline: z.string().optional(),
    overdue: z.boolean(),
    discoveredAt: z.string(),
    closedAt: z.string().optional(),
    closedOnTime: z.boolean().optional(),
  })
  .meta({ id: 'Hazard' });
export type HazardOut = z.infer<typeof HazardOut>;

export const HazardHistoryEntry = z
  .object({
    at: z.string(),
    by: Ref.optional(),
    action: z.string(),
    actionLabel: z.string(),
    from: z.string().optional(),
    to: z.string().optional(),
    note: z.string().optional(),
    mediaIds: z.array(z.string()),
  })
  .meta({ id: 'HazardHistoryEntry' });
export type HazardHistoryEntry = z.infer<typeof HazardHistoryEntry>;

export const HazardDetail = HazardOut.extend({
  mediaIds: z.array(z.string()),
  reportedBy: Ref.optional(),
  fineAmount: z.number().optional(),
  /** Office only: the content check's mark (a chat report's, or the tip's it was accepted from). */
  moderation: z
    .object({
      flagged: z.boolean(),
      reason: z.string().optional(),
      hiddenMediaIds: z.array(z.string()).optional(),
      local: z.boolean().optional(),
    })
    .optional(),
  tips: z.array(
    z.object({
      id: z.string(),
      code: z.string(),
      status: z.string(),
      submittedAt: z.string(),
      confidential: z.boolean(),
      reporter: Reporter,
    }),
  ),
  history: z.array(HazardHistoryEntry),
}).meta({ id: 'HazardDetail' });
export type HazardDetail = z.infer<typeof HazardDetail>;

export const HazardListQuery = z.object({
  /** A status, or `open` for every status but closed. */
  status: z.enum([...HAZARD_STATUSES, 'open']).optional(),
  level: HazardLevel.optional(),
  category: HazardCategoryCode.optional(),
  /** Village id or code. */
  village: z.string().trim().max(50).optional(),
  overdue: z.enum(['true', 'false']).optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});
export type HazardListQuery = z.input<typeof HazardListQuery>;

export const HazardStats = z
  .object({
    open: z.object({ total: z.number(), major: z.number(), general: z.number(), overdue: z.number() }),
    /** 动态清零: open major hazards, to be driven to zero. */
    openMajor: z.number(),
    byCategory: z.array(z.object({ code: z.string(), label: z.string(), count: z.number() })),
    byVillage: z.array(z.object({ id: z.string(), name: z.string(), count: z.number() })),
    month: z.string(),
    closedThisMonth: z.object({ onTime: z.number(), late: z.number() }),
  })
  .meta({ id: 'HazardStats' });
export type HazardStats = z.infer<typeof HazardStats>;

/** The office moves one hazard to another grid (a boundary change moves none by itself). */
export const HazardRerouteBody = z
  .object({
    gridId: ObjectIdString,
    reason: FreeText(200, { required: '请填写改派原因', tooLong: '原因不能超过 200 字' }),
  })
  .meta({ id: 'HazardRerouteBody' });
export type HazardRerouteBody = z.input<typeof HazardRerouteBody>;

export const hazardsApi = (c: ApiClient) => ({
  create: (body: HazardCreate, opts?: RequestOptions) => c.create<HazardDetail>('/api/hazards', body, opts),
  list: (query: HazardListQuery = {}) => c.get<{ items: HazardOut[]; total: number }>('/api/hazards', query),
  get: (id: string) => c.get<HazardDetail>(`/api/hazards/${id}`),
  byCode: (code: string) => c.get<HazardDetail>(`/api/hazards/by-code/${encodeURIComponent(code)}`),
  act: (id: string, body: HazardActionBody) => c.post<HazardDetail>(`/api/hazards/${id}/actions`, body),
  attachMedia: (id: string, body: HazardMediaBody) => c.post<HazardDetail>(`/api/hazards/${id}/media`, body),
  stats: () => c.get<HazardStats>('/api/hazards/stats'),
  reroute: (id: string, body: HazardRerouteBody) => c.post<HazardDetail>(`/api/hazards/${id}/reroute`, body),
  exportUrl: () => `${c.baseUrl}/api/hazards/export.xlsx`,
});
