import type { BoardReason, BoardState, PersonDelivery } from '@yingji/shared';
import { formatTime } from '../text';

/**
 * The words of the boards' delivery states (one place): what really happened to the message for
 * each person, so the office never reads 已发送 for someone the message did not reach.
 */

export const BOARD_STATE_LABELS: Record<BoardState, string> = {
  unreachable: '无法联系',
  failed: '发送失败',
  parked: '已暂停',
  waiting: '等待发送',
  sent: '已发送',
  confirmed: '已确认',
};

export const BOARD_REASON_LABELS: Record<BoardReason, string> = {
  not_configured: '发送渠道未配置',
  invalid_recipient: '账号无效或不在应用可见范围',
  rejected: '对方渠道拒收',
  max_attempts: '多次重试仍未成功',
  outcome_unknown: '发送结果未知，为避免重复已暂停，请核实',
  retrying: '上次发送失败，正在重试',
};

/** Channels of the outbox, and how people answer. */
export const DELIVERY_CHANNEL_LABELS: Record<string, string> = {
  wecom_app: '企业微信',
  wecom_robot: '企业微信群',
  wecom_card: '企业微信卡片',
  wechaty: '微信',
  wechat_subscribe: '小程序订阅消息',
  phone_list: '电话名单',
  sms: '短信',
  webhook: '对接系统',
  broadcast: '应急广播',
  miniprogram: '小程序',
  api: '小程序',
  chat: '群聊回复',
  terminal: '终端',
  qr: '扫码',
  gps: '定位签到',
  stage_at_post: '报告到岗',
  stage_transfer_done: '报告转移完成',
};

const NOT_CONFIGURED: Record<string, string> = {
  wecom_app: '企业微信应用未配置',
  wecom_robot: '企业微信群机器人未配置',
  wechat_subscribe: '小程序订阅消息未配置',
  wechaty: '微信机器人未连接',
};

/** The escalation step someone answered at (or a drill check-in). */
export const STAGE_LABELS: Record<string, string> = {
  notify: '首次通知后',
  remind: '提醒后',
  mention: '群内@后',
  direct: '私信后',
  superior: '报上级后',
  phone: '电话联系阶段',
  checkin: '签到',
};

export type Tone = 'red' | 'orange' | 'gray' | 'green' | 'blue';
const TONES: Record<BoardState, Tone> = {
  unreachable: 'red',
  failed: 'red',
  parked: 'orange',
  waiting: 'gray',
  sent: 'blue',
  confirmed: 'green',
};

export function channelLabel(channel: string | undefined, viaGroup?: boolean): string {
  if (!channel) return '';
  if (viaGroup) return channel === 'wechaty' ? '微信群' : channel === 'wecom_robot' ? '企业微信群' : '群聊';
  return DELIVERY_CHANNEL_LABELS[channel] ?? channel;
}

export function reasonLabel(d: Pick<PersonDelivery, 'reason' | 'channel'>): string {
  if (!d.reason) return '';
  if (d.reason === 'not_configured' && d.channel && NOT_CONFIGURED[d.channel]) return NOT_CONFIGURED[d.channel]!;
  return BOARD_REASON_LABELS[d.reason];
}

/** One person's state as the board shows it: a short label, a tone, and a line of detail. */
export function deliveryLabel(d: PersonDelivery): { text: string; tone: Tone; detail?: string } {
  const base = BOARD_STATE_LABELS[d.state];
  const tone = TONES[d.state];
  const ch = channelLabel(d.channel, d.viaGroup);
  switch (d.state) {
    case 'confirmed':
      return {
        text: `${base} ${formatTime(d.at)}`,
        tone,
        detail: [ch, d.stage ? STAGE_LABELS[d.stage] : ''].filter(Boolean).join(' · ') || undefined,
      };
    case 'sent':
      return { text: ch ? `${base}（${ch}）` : base, tone, detail: d.at ? `送达 ${formatTime(d.at)}` : undefined };
    case 'failed':
    case 'parked':
      return { text: `${base}：${reasonLabel(d)}`, tone, detail: d.detail ?? (ch ? `渠道：${ch}` : undefined) };
    case 'waiting':
      return d.reason
        ? { text: `${base}：${reasonLabel(d)}（已失败 ${d.attempts ?? 1} 次）`, tone: 'orange', detail: d.detail }
        : { text: ch ? `${base}（${ch}）` : base, tone };
    case 'unreachable':
      return { text: `${base}：没有可用的联系渠道`, tone, detail: '请电话联系' };
  }
}
