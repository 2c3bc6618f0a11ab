import { z } from 'zod';
import { FIELD_KEY } from './fields';

/**
 * The kinds of subscription message a town can send, and the values each offers to its template's
 * keywords. A town picks a template in its WeChat admin console (公共模板库) and maps that template's
 * keywords (`thing1`, `time2` …) to these names in its settings.
 */
export const SUBSCRIBE_KINDS = ['tip_status', 'reward_status', 'warning', 'drill'] as const;
export type SubscribeKind = (typeof SUBSCRIBE_KINDS)[number];

export const SUBSCRIBE_VALUES: Record<SubscribeKind, readonly string[]> = {
  tip_status: ['code', 'category', 'status', 'statusLabel', 'note', 'time'],
  reward_status: ['code', 'status', 'statusLabel', 'amount', 'note', 'time'],
  warning: ['title', 'level', 'levelLabel', 'area', 'body', 'time', 'expires'],
  drill: ['title', 'time', 'place', 'note'],
};

const FieldSource = z.union([z.string().min(1), z.object({ text: z.string().min(1) })]);

export const SubscribeTemplateSchema = z.object({
  /** The template id from the WeChat admin console (订阅消息 → 我的模板). */
  templateId: z.string().min(1).max(128),
  /** Keyword → value name (see SUBSCRIBE_VALUES) or `{ text }` for a fixed text. */
  fields: z
    .record(z.string().regex(FIELD_KEY, '模板关键词应形如 thing1、time2、character_string3'), FieldSource)
    .refine((f) => Object.keys(f).length > 0, '至少配置一个模板关键词'),
});
export type SubscribeTemplate = z.infer<typeof SubscribeTemplateSchema>;

/** The `subscribe` section of a town's settings (towns/config.ts). */
export const SubscribeSettingsSchema = z
  .object({
    /** Which version of the mini-program a message opens: developer | trial | formal. */
    miniprogramState: z.enum(['developer', 'trial', 'formal']).default('formal'),
    lang: z.enum(['zh_CN', 'en_US', 'zh_HK', 'zh_TW']).default('zh_CN'),
    templates: z
      .object({
        tip_status: SubscribeTemplateSchema.optional(),
        reward_status: SubscribeTemplateSchema.optional(),
        warning: SubscribeTemplateSchema.optional(),
        drill: SubscribeTemplateSchema.optional(),
      })
      .prefault({}),
  })
  .superRefine((s, ctx) => {
    for (const kind of SUBSCRIBE_KINDS) {
      const t = s.templates[kind];
      if (!t) continue;
      for (const [key, source] of Object.entries(t.fields))
        if (typeof source === 'string' && !SUBSCRIBE_VALUES[kind].includes(source))
          ctx.addIssue({
            code: 'custom',
            path: ['templates', kind, 'fields', key],
            message: `可用的取值：${SUBSCRIBE_VALUES[kind].join('、')}`,
          });
    }
  })
  .prefault({});
export type SubscribeSettings = z.infer<typeof SubscribeSettingsSchema>;
