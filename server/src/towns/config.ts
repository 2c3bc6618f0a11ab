import { z } from 'zod';
import type { Types } from 'mongoose';
import { AppError, HAZARD_CATEGORY_CODES, ROLES } from '@yingji/shared';
import { TownModel } from '../people/town.model';
import { ModerationSettingsSchema } from '../moderation/settings';
import { SubscribeSettingsSchema } from '../subscriptions/settings';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Subscription settings without the templates and keywords set to null (taken out). */
function withoutRemoved(v: unknown): unknown {
  if (!isObject(v) || !isObject(v.templates)) return v;
  const templates: Record<string, unknown> = {};
  for (const [kind, t] of Object.entries(v.templates)) {
    if (t === null) continue;
    templates[kind] =
      isObject(t) && isObject(t.fields)
        ? { ...t, fields: Object.fromEntries(Object.entries(t.fields).filter(([, f]) => f !== null)) }
        : t;
  }
  return { ...v, templates };
}

/**
 * Per-town configuration (the FixMyStreet "cobrand" idea): every rule that differs between towns
 * lives here with a default, and is stored in the town's `config` field. Capabilities add their
 * section with defaults; a stored value overrides the default key by key.
 */
export const TownConfigSchema = z.object({
  /** Tips a resident may submit per hour before 429. */
  tipsPerHour: z.number().int().min(1).default(10),
  /** Suggested duplicates: same category within this distance (m) and time (days). */
  duplicateRadiusM: z.number().min(1).default(200),
  duplicateWindowDays: z.number().min(0).default(7),
  /** Rectification deadline in days by hazard level. */
  deadlineDays: z.object({ general: z.number().min(0).default(30), major: z.number().min(0).default(7) }).prefault({}),
  /** Category code → responsible department (routing table); a category left out goes to its default. */
  departmentByCategory: z
    .record(z.string(), z.string().trim().min(1, '请填写负责部门').max(60, '部门名称最多 60 个字'))
    .superRefine((table, ctx) => {
      for (const key of Object.keys(table))
        if (!(HAZARD_CATEGORY_CODES as readonly string[]).includes(key))
          ctx.addIssue({ code: 'custom', path: [key], message: '没有这个隐患类别' });
    })
    .default({}),
  /** Minutes to acknowledge a warning, by level. */
  ackMinutes: z
    .object({
      red: z.number().min(1).default(10),
      orange: z.number().min(1).default(20),
      yellow: z.number().min(1).default(30),
      blue: z.number().min(1).default(60),
    })
    .prefault({}),
  /** Minutes between escalation steps once the acknowledgement window has passed, by level. */
  escalationWaitMinutes: z
    .object({
      red: z.number().min(1).default(5),
      orange: z.number().min(1).default(10),
      yellow: z.number().min(1).default(15),
      blue: z.number().min(1).default(30),
    })
    .prefault({}),
  /** Drills 拉动集结: a check-in later than this after the start is counted as late. */
  drills: z.object({ assemblyTargetMinutes: z.number().min(1).default(30) }).prefault({}),
  /**
   * Incident information: minutes from occurring to passing it on upward (一小时内上报); a late one
   * is escalated to the users named here, or else to the users with these roles.
   */
  incidents: z
    .object({
      reportUpMinutes: z.number().min(1).default(60),
      leaderRoles: z.array(z.enum(ROLES)).default(['office']),
      leaderUsernames: z.array(z.string()).default([]),
    })
    .prefault({}),
  /** Supervision scores 督查考核: the weight (points) of each figure; figures without data are left out. */
  scoreWeights: z
    .object({
      calloutConfirmation: z.number().min(0).default(30),
      hazardsOnTime: z.number().min(0).default(30),
      drillAttendance: z.number().min(0).default(20),
      incidentsWithinHour: z.number().min(0).default(20),
    })
    .prefault({}),
  /** Hazard list: hours after the first overdue reminder before the superior is reminded; how far (km) from every grid a location may be. */
  hazards: z
    .object({
      escalateAfterHours: z.number().min(0).default(24),
      outsideTownKm: z.number().min(0).default(20),
    })
    .prefault({}),
  /**
   * Rewards for verified tips: when a tip counts as verified (accepted, or its hazard closed), which
   * reporters' roles are rewarded, and the rule table (the most specific rule matching level and
   * category wins; with a fine, `fineShare` of it, at least `amount`, at most `maxAmount`).
   */
  rewards: z
    .object({
      trigger: z.enum(['accepted', 'closed']).default('accepted'),
      roles: z.array(z.enum(ROLES, { error: '没有这个身份' })).default(['resident']),
      rules: z
        .array(
          z
            .object({
              level: z.enum(['general', 'major'], { error: '隐患等级只能是一般或重大' }).optional(),
              category: z.enum(HAZARD_CATEGORY_CODES, { error: '没有这个隐患类别' }).optional(),
              amount: z.number({ error: '请填写奖励金额' }).int('金额请填整数（元）').min(0, '金额不能小于 0'),
              fineShare: z.number().min(0, '罚款比例不能小于 0').max(1, '罚款比例不能超过 100%').optional(),
              maxAmount: z.number().int('上限请填整数（元）').min(0, '上限不能小于 0').optional(),
            })
            .refine((r) => r.maxAmount === undefined || r.maxAmount >= r.amount, {
              message: '上限不能低于奖励金额',
              path: ['maxAmount'],
            }),
        )
        .default([
          { level: 'general', amount: 50 },
          { level: 'major', amount: 3000, fineShare: 0.15 },
        ]),
    })
    .prefault({}),
  /**
   * Mini-program subscription messages: per message kind, the template id and its keyword mapping
   * (the one place for them; an older `wechatSubscribeTemplates` of bare ids is dropped, see
   * towns/service.ts). A template or keyword the console takes out is sent as null (settings merge
   * key by key) and dropped here.
   */
  subscribe: z.preprocess(withoutRemoved, SubscribeSettingsSchema),
  /** Content check of residents' text and photos: the local word list's extra words, the scene. */
  moderation: ModerationSettingsSchema,
  /**
   * The WeCom self-built app of this town, when it is not the deployment's (a county may run one
   * WeCom corp or one per town). The secret is never shown back (see towns/service.ts). With the
   * callback's Token and EncodingAESKey set too, members' replies and card clicks come in at
   * `/wecom/callback/<town code>` (chat/wecom-callback.ts).
   */
  wecomApp: z
    .object({
      corpId: z.string().trim().max(64).optional(),
      agentId: z.number().int().min(0).optional(),
      secret: z.string().trim().max(128).optional(),
      token: z
        .string()
        .trim()
        .regex(/^[A-Za-z0-9]{0,32}$/, '回调 Token 为 32 位以内的英文字母和数字')
        .optional(),
      encodingAESKey: z
        .string()
        .trim()
        .regex(/^([A-Za-z0-9]{43})?$/, 'EncodingAESKey 为 43 位英文字母和数字')
        .optional(),
    })
    .prefault({}),
  /** Extra settings of capabilities not modelled here yet. */
  extra: z.record(z.string(), z.unknown()).default({}),
});
export type TownConfig = z.infer<typeof TownConfigSchema>;

export function parseTownConfig(stored: unknown): TownConfig {
  return TownConfigSchema.parse(stored ?? {});
}

/**
 * The one accessor of a town's settings. Parsed settings are cached per town and kept while the
 * town's `updatedAt` is unchanged, so a change made by another process (the admin CLI, a second
 * server) is seen at once; a change through towns/service.ts also drops the entry directly.
 */
const cache = new Map<string, { updatedAt: number; config: TownConfig }>();

export async function loadTownConfig(townId: Types.ObjectId | string): Promise<TownConfig> {
  const key = String(townId);
  const stamp = await TownModel.findById(townId).select('updatedAt').lean();
  if (!stamp) throw new AppError('TOWN_NOT_FOUND');
  const updatedAt = stamp.updatedAt ? new Date(stamp.updatedAt).getTime() : 0;
  const hit = cache.get(key);
  if (hit && hit.updatedAt === updatedAt) return hit.config;
  const town = await TownModel.findById(townId).select('config updatedAt').lean();
  if (!town) throw new AppError('TOWN_NOT_FOUND');
  const config = parseTownConfig(town.config);
  cache.set(key, { updatedAt: town.updatedAt ? new Date(town.updatedAt).getTime() : 0, config });
  return config;
}

/** Forget a town's cached settings (after changing them). */
export function invalidateTownConfig(townId: Types.ObjectId | string): void {
  cache.delete(String(townId));
}
