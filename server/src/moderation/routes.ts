import type { Module } from '../core/module';
import { wechatPush } from './push';
import { runContentChecks } from './service';

/**
 * The content check of what residents post: a job checks each new tip after it is stored (text by
 * msgSecCheck v2 or the local list, photos by mediaCheckAsync), and the message push brings
 * WeChat's later verdict on photos.
 */
export const moderationModule: Module = {
  name: 'moderation',
  middleware: (services) => wechatPush(services),
  jobs: [{ name: 'moderation:check', everyMs: 3_000, run: (services) => runContentChecks(services) }],
};
