import { ackCard, type TemplateCard } from '../wecom/client';

/** Every Chinese text a call-out sends, in one place. */
export const LEVEL_LABELS: Record<string, string> = { red: '红色', orange: '橙色', yellow: '黄色', blue: '蓝色' };

export interface CalloutText {
  id: string;
  title: string;
  level: string;
  body: string;
}

const head = (c: CalloutText) => `【${LEVEL_LABELS[c.level] ?? ''}预警】${c.title}`;

export const text = {
  notify: (c: CalloutText) => `${head(c)}\n${c.body}\n请回复"收到"确认。`.replace(/\n\n/g, '\n'),
  remind: (c: CalloutText) => `【提醒】请确认收到预警《${c.title}》：回复"收到"或点击卡片上的"收到"。`,
  mention: (c: CalloutText, names: string[]) =>
    `【叫应】${names.map((n) => `@${n}`).join(' ')} 请尽快确认预警《${c.title}》，回复"收到"。`,
  /** For channels that @mention by id (Wechaty, robot): the names are not repeated in the text. */
  mentionById: (c: CalloutText) => `【叫应】以上人员请尽快确认预警《${c.title}》，回复"收到"。`,
  direct: (c: CalloutText) => `【紧急】预警《${c.title}》仍未收到您的确认，请立即回复"收到"。`,
  superior: (c: CalloutText, names: string[]) =>
    `【督促】预警《${c.title}》以下人员尚未确认：${names.join('、')}。请督促其立即确认。`,
  phoneOffice: (c: CalloutText, n: number) =>
    `预警《${c.title}》仍有 ${n} 人未确认，已列入电话叫应名单，请在系统中导出并逐一电话联系。`,
  contacts: (c: CalloutText, residents: string[]) =>
    `【一对一叫应】预警《${c.title}》：请逐一联系您包保的特殊群体并确认（已联系/已转移）：${residents.join('、')}。`,
  cardConfirmed: (name: string, hhmm: string) => `${name} ${hhmm} 已确认`,
};

/** The WeCom card with a 收到 button; its key `ack:<calloutId>` comes back in template_card_event. */
export function calloutCard(c: CalloutText, taskId: string, reminder = false): TemplateCard {
  return ackCard({
    taskId,
    source: '应急叫应',
    title: reminder ? `【提醒】${c.title}` : `${LEVEL_LABELS[c.level] ?? ''}预警：${c.title}`,
    desc: reminder ? '请确认收到' : '请点击"收到"确认',
    body: c.body,
    buttonKey: `ack:${c.id}`,
  });
}

/** WeCom task ids: [0-9a-zA-Z_-@], at most 128 bytes. */
export function taskId(calloutId: string, step: string, batch: string): string {
  return `co-${calloutId}-${step}-${batch}`.replace(/[^0-9a-zA-Z_\-@]/g, '_');
}

/** The call-out a task id or button key points at. */
export function calloutIdFrom(s: string | undefined): string | undefined {
  return /(?:^co-|^ack:)([0-9a-f]{24})/i.exec(s ?? '')?.[1];
}
