import type { Types } from 'mongoose';
import type { OutboundMessage } from '../outbox/enqueue';
import { buildData, clip, type RawValue } from './fields';
import type { SubscribeKind, SubscribeSettings } from './settings';

/** The pages a subscription message opens (they exist in the mini-program's app.config.ts). */
export const SUBSCRIBE_PAGES = {
  tip: (id: string) => `pages/tips/detail?id=${id}`,
  warning: (id: string) => `pages/warnings/index?id=${id}`,
} as const;

/** The body of subscribe/send without `touser` (the worker adds the recipient's openid). */
export interface SubscribeCard {
  template_id: string;
  page?: string;
  miniprogram_state: 'developer' | 'trial' | 'formal';
  lang: 'zh_CN' | 'en_US' | 'zh_HK' | 'zh_TW';
  data: Record<string, { value: string }>;
}

/** The card for a kind, or undefined when the town has no template for it (nothing to send). */
export function subscribeCard(
  settings: SubscribeSettings,
  kind: SubscribeKind,
  values: Record<string, RawValue>,
  page: string | undefined,
  now: Date,
): SubscribeCard | undefined {
  const t = settings.templates[kind];
  if (!t) return undefined;
  return {
    template_id: t.templateId,
    ...(page ? { page } : {}),
    miniprogram_state: settings.miniprogramState,
    lang: settings.lang,
    data: buildData(t.fields, values, now),
  };
}

/** One subscription message to one resident, as an outbox record. */
export function subscribeDelivery(args: {
  town: Types.ObjectId;
  user: Types.ObjectId;
  openid: string;
  card: SubscribeCard;
  /** What the office sees in the outbox for it. */
  summary: string;
  source: OutboundMessage['source'];
  idempotencyKey: string;
  exercise?: boolean;
}): OutboundMessage {
  return {
    town: args.town,
    channel: 'wechat_subscribe',
    recipient: { user: args.user, address: args.openid },
    content: { kind: 'subscribe', text: clip(args.summary, 200), card: args.card },
    source: args.source,
    idempotencyKey: args.idempotencyKey,
    ...(args.exercise ? { exercise: true } : {}),
  };
}

/** Status words short enough for a `phrase` keyword (≤ 5 Chinese characters). */
export const TIP_STATUS_PHRASES: Record<string, string> = {
  submitted: '已提交',
  accepted: '已受理',
  rejected: '不予受理',
  duplicate: '已合并',
  closed: '已整改',
};
export const REWARD_STATUS_PHRASES: Record<string, string> = {
  proposed: '待审核',
  approved: '已批准',
  refused: '不予奖励',
  paid: '已发放',
};
export const LEVEL_LABELS: Record<string, string> = {
  red: '红色预警',
  orange: '橙色预警',
  yellow: '黄色预警',
  blue: '蓝色预警',
};
