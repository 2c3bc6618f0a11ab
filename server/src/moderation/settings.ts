import { z } from 'zod';

/**
 * The `moderation` section: extra words for the local list (used when WeChat's content check is
 * unreachable or not configured) and the msgSecCheck scene (2 评论, WeChat's choice for comments).
 */
export const ModerationSettingsSchema = z
  .object({
    extraWords: z.array(z.string().min(1).max(50)).max(2000).default([]),
    scene: z.number().int().min(1).max(4).default(2),
  })
  .prefault({});
export type ModerationSettings = z.infer<typeof ModerationSettingsSchema>;
