import { z } from 'zod';
import type { ApiClient } from '../client';
import { HAZARD_CATEGORY_CODES } from '../categories';
import { FreeText, LatLng, ObjectIdString } from './common';

/** Request and answer schemas of the tips capability (shared by the server, the bot and the mini-program). */

export const HazardCategoryCode = z
  .enum(HAZARD_CATEGORY_CODES, { error: '未知的隐患类别，请从类别列表中选择' })
  .meta({ id: 'HazardCategoryCode' });

/** A point with an optional human-readable address. */
export const Location = LatLng.extend({ address: FreeText(200).optional() }).meta({ id: 'Location' });
export type Location = z.infer<typeof Location>;

export const MediaIds = z.array(ObjectIdString).max(9, '最多上传 9 张图片');

export const TIP_STATUSES = ['submitted', 'accepted', 'rejected', 'duplicate'] as const;
export type TipStatus = (typeof TIP_STATUSES)[number];
export const TipStatus = z.enum(TIP_STATUSES).meta({ id: 'TipStatus' });
export const TIP_STATUS_LABELS: Record<TipStatus, string> = {
  submitted: '待受理',
  accepted: '已受理',
  rejected: '不予受理',
  duplicate: '重复举报',
};

/** Where a tip came in: the mini-program, an AI video camera's alarm, an Open311 client. */
export const TIP_SOURCES = ['app', 'video', 'open311'] as const;
export type TipSource = (typeof TIP_SOURCES)[number];
export const TIP_SOURCE_LABELS: Record<TipSource, string> = {
  app: '小程序',
  video: '视频监控',
  open311: 'Open311',
};

export const TipCreate = z
  .object({
    category: HazardCategoryCode,
    description: FreeText(1000, { required: '请描述隐患情况', tooLong: '描述不能超过 1000 字' }),
    location: Location,
    mediaIds: MediaIds.default([]),
    /** The reporter's identity is then shown only to the reward office (and each view is audited). */
    confidential: z.boolean().default(false),
    /**
     * The device's own id for this submission: a retry after a lost answer sends the same one and
     * gets the tip already stored, so a weak signal never makes a duplicate.
     */
    clientId: z
      .string()
      .trim()
      .regex(/^[\w-]{8,64}$/, '提交编号格式不正确')
      .optional(),
  })
  .meta({ id: 'TipCreate' });
export type TipCreate = z.input<typeof TipCreate>;

export const TipCreated = z.object({ id: z.string(), code: z.string(), status: TipStatus }).meta({ id: 'TipCreated' });
export type TipCreated = z.infer<typeof TipCreated>;

/** How a reporter is shown: a confidential one as 匿名举报人 to everyone without the reward permission. */
export const Reporter = z
  .object({
    id: z.string().optional(),
    name: z.string(),
    phone: z.string().optional(),
    anonymous: z.boolean(),
  })
  .meta({ id: 'Reporter' });
export type Reporter = z.infer<typeof Reporter>;

const Ref = z.object({ id: z.string(), name: z.string() });

export const TipOut = z
  .object({
    id: z.string(),
    code: z.string(),
    status: TipStatus,
    statusLabel: z.string(),
    category: z.string(),
    categoryLabel: z.string(),
    /** Where it came in; always set by the server (tips stored before sources were kept: `app`). */
    source: z.enum(TIP_SOURCES).optional(),
    sourceLabel: z.string().optional(),
    description: z.string(),
    location: Location,
    village: Ref.optional(),
    grid: Ref.optional(),
    mediaIds: z.array(z.string()),
    confidential: z.boolean(),
    submittedAt: z.string(),
    rejectReason: z.string().optional(),
    hazard: z
      .object({
        id: z.string(),
        code: z.string(),
        status: z.string(),
        statusLabel: z.string(),
        closedAt: z.string().optional(),
      })
      .optional(),
    reward: z
      .object({ id: z.string(), status: z.string(), statusLabel: z.string(), amount: z.number().optional() })
      .optional(),
    /** Staff only. */
    reporter: Reporter.optional(),
    /** Office only: the content check's mark (flagged text or photos, why; photos others do not see). */
    moderation: z
      .object({
        flagged: z.boolean(),
        reason: z.string().optional(),
        hiddenMediaIds: z.array(z.string()).optional(),
        local: z.boolean().optional(),
      })
      .optional(),
  })
  .meta({ id: 'Tip' });
export type TipOut = z.infer<typeof TipOut>;

export const DuplicateSuggestion = z
  .object({
    kind: z.enum(['tip', 'hazard']),
    id: z.string(),
    code: z.string(),
    status: z.string(),
    description: z.string(),
    distanceM: z.number(),
    at: z.string(),
  })
  .meta({ id: 'DuplicateSuggestion' });
export type DuplicateSuggestion = z.infer<typeof DuplicateSuggestion>;

export const TipQueueItem = TipOut.extend({ duplicates: z.array(DuplicateSuggestion) }).meta({ id: 'TipQueueItem' });
export type TipQueueItem = z.infer<typeof TipQueueItem>;

export const TipListQuery = z.object({
  status: TipStatus.default('submitted'),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});
export type TipListQuery = z.input<typeof TipListQuery>;

export const TipTriage = z
  .object({
    decision: z.enum(['accept', 'reject', 'duplicate'], { error: '处理结果应为 accept、reject 或 duplicate' }),
    level: z.enum(['general', 'major']).optional(),
    /** Required to reject: the resident sees it. */
    reason: FreeText(500).optional(),
    /** Required for a duplicate: the hazard it repeats. */
    hazardId: ObjectIdString.optional(),
  })
  .meta({ id: 'TipTriage' });
export type TipTriage = z.input<typeof TipTriage>;

export const tipsApi = (c: ApiClient) => ({
  create: (body: TipCreate) => c.post<TipCreated>('/api/tips', body),
  mine: () => c.get<{ items: TipOut[] }>('/api/tips/mine'),
  get: (id: string) => c.get<TipOut>(`/api/tips/${id}`),
  queue: (query: TipListQuery = {}) => c.get<{ items: TipQueueItem[]; total: number }>('/api/tips', query),
  triage: (id: string, body: TipTriage) => c.post<TipOut>(`/api/tips/${id}/triage`, body),
  reporter: (id: string) => c.get<Reporter>(`/api/tips/${id}/reporter`),
});
