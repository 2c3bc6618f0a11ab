import type { CalloutDetail } from '@yingji/shared';

/** Display words for the call-out capability (its API helpers are calloutsApi in @yingji/shared). */

export const STEP_LABELS: Record<CalloutDetail['recipients'][number]['step'], string> = {
  notify: '已发送',
  remind: '已提醒',
  mention: '群内@提醒',
  direct: '已私信',
  superior: '已报上级',
  phone: '待电话联系',
};

export const CHANNEL_LABELS: Record<string, string> = {
  miniprogram: '小程序',
  api: '小程序',
  wechaty: '微信群',
  wecom_app: '企业微信',
  wecom_robot: '企业微信群',
  wecom_card: '企业微信卡片',
  terminal: '终端',
  chat: '群聊',
};

export const CONTACT_LABELS = { pending: '未确认', contacted: '已联系', transferred: '已转移' } as const;

export const RESIDENT_KIND_LABELS: Record<string, string> = {
  living_alone: '独居',
  disabled: '残疾',
  bedridden: '卧床',
  elderly: '高龄',
  left_behind_child: '留守儿童',
  pregnant: '孕产妇',
  other: '其他',
};
