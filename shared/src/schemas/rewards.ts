import { z } from 'zod';
import type { ApiClient } from '../client';
import { FreeText } from './common';
import { Reporter } from './tips';

/** Request and answer schemas of the rewards capability (shared by the server, the bot and the mini-program). */

export const REWARD_STATUSES = ['proposed', 'approved', 'refused', 'paid'] as const;
export type RewardStatus = (typeof REWARD_STATUSES)[number];
export const RewardStatus = z.enum(REWARD_STATUSES).meta({ id: 'RewardStatus' });
export const REWARD_STATUS_LABELS: Record<RewardStatus, string> = {
  proposed: '待审核',
  approved: '已批准',
  refused: '不予奖励',
  paid: '已发放',
};

export const REWARD_DECISIONS = ['approve', 'change', 'refuse', 'pay'] as const;
export type RewardDecisionKind = (typeof REWARD_DECISIONS)[number];

export const RewardDecisionBody = z
  .object({
    decision: z.enum(REWARD_DECISIONS, { error: '操作应为 approve、change、refuse 或 pay' }),
    /** change: the new amount (yuan). */
    amount: z.number().int('金额应为整数（元）').min(0).max(10_000_000).optional(),
    /** Required for change and refuse. */
    reason: FreeText(500).optional(),
    /** pay: voucher or transfer reference. */
    reference: FreeText(100).optional(),
  })
  .meta({ id: 'RewardDecisionBody' });
export type RewardDecisionBody = z.input<typeof RewardDecisionBody>;

const Ref = z.object({ id: z.string(), name: z.string() });

export const RewardOut = z
  .object({
    id: z.string(),
    status: RewardStatus,
    statusLabel: z.string(),
    amount: z.number(),
    proposedAmount: z.number(),
    rule: z.string(),
    tip: z.object({ id: z.string(), code: z.string() }),
    hazard: z.object({ id: z.string(), code: z.string(), level: z.string(), category: z.string() }),
    confidential: z.boolean(),
    reporter: Reporter,
    decisions: z.array(
      z.object({
        at: z.string(),
        by: Ref.optional(),
        decision: z.string(),
        amount: z.number().optional(),
        reason: z.string().optional(),
        reference: z.string().optional(),
      }),
    ),
    paidAt: z.string().optional(),
    createdAt: z.string(),
  })
  .meta({ id: 'Reward' });
export type RewardOut = z.infer<typeof RewardOut>;

/** A resident's own reward: the amount once approved, the reason when refused. */
export const MyReward = z
  .object({
    id: z.string(),
    status: RewardStatus,
    statusLabel: z.string(),
    amount: z.number().optional(),
    reason: z.string().optional(),
    tip: z.object({ id: z.string(), code: z.string() }),
    hazardCode: z.string(),
    paidAt: z.string().optional(),
    createdAt: z.string(),
  })
  .meta({ id: 'MyReward' });
export type MyReward = z.infer<typeof MyReward>;

export const RewardListQuery = z.object({
  status: RewardStatus.optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});
export type RewardListQuery = z.input<typeof RewardListQuery>;

export const ReporterAccess = z
  .object({
    at: z.string(),
    viewer: Ref,
    tip: z.object({ id: z.string(), code: z.string() }),
    purpose: z.string(),
  })
  .meta({ id: 'ReporterAccess' });
export type ReporterAccess = z.infer<typeof ReporterAccess>;

export const rewardsApi = (c: ApiClient) => ({
  mine: () => c.get<{ items: MyReward[] }>('/api/rewards/mine'),
  list: (query: RewardListQuery = {}) => c.get<{ items: RewardOut[]; total: number }>('/api/rewards', query),
  get: (id: string) => c.get<RewardOut>(`/api/rewards/${id}`),
  decide: (id: string, body: RewardDecisionBody) => c.post<RewardOut>(`/api/rewards/${id}/decisions`, body),
  reporter: (id: string) => c.get<Reporter>(`/api/rewards/${id}/reporter`),
  audit: () => c.get<{ items: ReporterAccess[] }>('/api/rewards/audit'),
});
