import { renderToStaticMarkup } from 'react-dom/server';
import type { PersonDelivery } from '@yingji/shared';
import { DeliveryTag } from '../../miniprogram/src/components/DeliveryTag';

// Taro's View and Text are plain elements outside a Taro runtime.
jest.mock('@tarojs/components', () => ({
  View: (p: { className?: string; children?: unknown }) => <div className={p.className}>{p.children as never}</div>,
  Text: (p: { className?: string; children?: unknown }) => <span className={p.className}>{p.children as never}</span>,
}));

const person = (over: Partial<PersonDelivery>): PersonDelivery => ({
  userId: 'u1',
  name: '张三',
  state: 'waiting',
  ...over,
});

/** What the duty officer reads for one person, as text. */
function read(d: Partial<PersonDelivery>): string {
  return renderToStaticMarkup(<DeliveryTag d={person(d)} />)
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

describe('the delivery-state label on the call-out and drill boards', () => {
  it.each<[string, Partial<PersonDelivery>, string]>([
    ['waiting in the outbox', { state: 'waiting', channel: 'wecom_app' }, '等待发送（企业微信）'],
    [
      'retrying after a failure',
      { state: 'waiting', channel: 'wecom_app', reason: 'retrying', attempts: 2 },
      '等待发送：上次发送失败，正在重试（已失败 2 次）',
    ],
    ['sent by the WeCom app', { state: 'sent', channel: 'wecom_app' }, '已发送（企业微信）'],
    ['sent by SMS at the phone step', { state: 'sent', channel: 'sms' }, '已发送（短信）'],
    ['sent through a WeChat group', { state: 'sent', channel: 'wechaty', viaGroup: true }, '已发送（微信群）'],
    [
      'failed: the WeCom app is not configured, never 已发送',
      { state: 'failed', channel: 'wecom_app', reason: 'not_configured' },
      '发送失败：企业微信应用未配置 渠道：企业微信',
    ],
    [
      'failed: WeCom does not know the account',
      {
        state: 'failed',
        channel: 'wecom_app',
        reason: 'invalid_recipient',
        detail: '企业微信账号无效或不在应用可见范围',
      },
      '发送失败：账号无效或不在应用可见范围 企业微信账号无效或不在应用可见范围',
    ],
    [
      'parked: the outcome is unknown',
      { state: 'parked', channel: 'wecom_app', reason: 'outcome_unknown' },
      '已暂停：发送结果未知，为避免重复已暂停，请核实 渠道：企业微信',
    ],
    ['no channel to reach them', { state: 'unreachable' }, '无法联系：没有可用的联系渠道 请电话联系'],
    [
      'confirmed, with time, channel and stage',
      { state: 'confirmed', at: '2026-07-01T06:05:00.000Z', channel: 'wecom_card', stage: 'remind' },
      '已确认 7月1日 14:05 企业微信卡片 · 提醒后',
    ],
    [
      'checked in at a drill',
      { state: 'confirmed', at: '2026-07-01T06:05:00.000Z', channel: 'gps', stage: 'checkin' },
      '已确认 7月1日 14:05 定位签到 · 签到',
    ],
  ])('%s', (_name, d, text) => {
    expect(read(d)).toBe(text);
  });

  it('colours failures red, so they stand out from the sent', () => {
    expect(renderToStaticMarkup(<DeliveryTag d={person({ state: 'failed', reason: 'max_attempts' })} />)).toContain(
      'tag-red',
    );
    expect(renderToStaticMarkup(<DeliveryTag d={person({ state: 'sent', channel: 'wecom_app' })} />)).not.toContain(
      'tag-red',
    );
  });
});
