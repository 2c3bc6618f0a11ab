import type { PersonDelivery } from '@yingji/shared';
import {
  deliveryState,
  sortBoard,
  type BoardDelivery,
  type DeliveryStateOut,
  type PersonFacts,
} from '../../server/src/callouts/board';

/** The board's per-person rule, as a table: the facts about a person and their deliveries → what the office reads. */
const reachable: PersonFacts = { hasChannel: true, started: true };
const d = (over: Partial<BoardDelivery>): BoardDelivery => ({
  id: 'd1',
  channel: 'wecom_app',
  state: 'pending',
  idempotencyKey: 'co:1:notify:wecom:0',
  attempts: 0,
  ...over,
});
const sentAt = new Date('2026-07-01T02:00:00.000Z');
const ackAt = new Date('2026-07-01T02:05:00.000Z');

describe('the true delivery state of one person on a board', () => {
  it.each<[string, PersonFacts, BoardDelivery[], DeliveryStateOut]>([
    [
      'confirmed, with time, channel and the stage reached',
      { ...reachable, confirmed: { at: ackAt, channel: 'wecom_card', stage: 'remind' } },
      [d({ state: 'sent', sentAt })],
      { state: 'confirmed', at: ackAt.toISOString(), channel: 'wecom_card', stage: 'remind' },
    ],
    [
      'sent by the WeCom app',
      reachable,
      [d({ state: 'sent', sentAt })],
      { state: 'sent', channel: 'wecom_app', at: sentAt.toISOString() },
    ],
    [
      'failed because the WeCom app is not configured, with the outbox reason and the delivery to retry',
      reachable,
      [
        d({
          state: 'parked',
          parkedReason: 'not_configured',
          lastError: '未配置企业微信应用（WECOM_CORP_ID、WECOM_SECRET、WECOM_AGENT_ID），无法发送',
          attempts: 1,
        }),
      ],
      {
        state: 'failed',
        channel: 'wecom_app',
        reason: 'not_configured',
        detail: '未配置企业微信应用（WECOM_CORP_ID、WECOM_SECRET、WECOM_AGENT_ID），无法发送',
        attempts: 1,
        deliveryId: 'd1',
      },
    ],
    [
      'failed after every attempt, English developer text left out',
      reachable,
      [d({ state: 'parked', parkedReason: 'max_attempts', lastError: 'https://qyapi: ECONNRESET', attempts: 8 })],
      { state: 'failed', channel: 'wecom_app', reason: 'max_attempts', attempts: 8, deliveryId: 'd1' },
    ],
    [
      'parked when the outcome of a send is unknown',
      reachable,
      [d({ state: 'parked', parkedReason: 'outcome_unknown', attempts: 2 })],
      { state: 'parked', channel: 'wecom_app', reason: 'outcome_unknown', attempts: 2, deliveryId: 'd1' },
    ],
    [
      'waiting while the message is queued',
      reachable,
      [d({ state: 'pending' })],
      { state: 'waiting', channel: 'wecom_app' },
    ],
    [
      'waiting to retry after a failed attempt',
      reachable,
      [d({ state: 'pending', attempts: 2, lastError: 'WeCom busy (-1)' })],
      { state: 'waiting', channel: 'wecom_app', reason: 'retrying', attempts: 2 },
    ],
    [
      'sent through the group chat when the personal message failed',
      reachable,
      [
        d({ state: 'parked', parkedReason: 'not_configured' }),
        d({
          id: 'd2',
          channel: 'wechaty',
          state: 'sent',
          viaGroup: true,
          idempotencyKey: 'co:1:notify:group:g',
          sentAt,
        }),
      ],
      { state: 'sent', channel: 'wechaty', viaGroup: true, at: sentAt.toISOString() },
    ],
    [
      'failed for a batch member WeCom refused, although the batch was sent',
      reachable,
      [
        d({ state: 'sent', sentAt }),
        d({
          id: 'd3',
          state: 'parked',
          parkedReason: 'invalid_recipient',
          lastError: '企业微信账号无效或不在应用可见范围',
          idempotencyKey: 'co:1:notify:wecom:0~invalid',
        }),
      ],
      {
        state: 'failed',
        channel: 'wecom_app',
        reason: 'invalid_recipient',
        detail: '企业微信账号无效或不在应用可见范围',
        attempts: 0,
        deliveryId: 'd3',
      },
    ],
    ['no channel to reach them', { hasChannel: false, started: true }, [], { state: 'unreachable' }],
    ['no channel, before the start', { hasChannel: false, started: false }, [], { state: 'unreachable' }],
    ['waiting before the start', { hasChannel: true, started: false }, [], { state: 'waiting' }],
  ])('%s', (_name, facts, deliveries, expected) => {
    expect(deliveryState(facts, deliveries)).toEqual(expected);
  });

  it('puts the people nobody reached at the top of the board', () => {
    const p = (name: string, state: PersonDelivery['state']): PersonDelivery => ({ userId: name, name, state });
    const sorted = sortBoard([
      p('甲', 'confirmed'),
      p('乙', 'sent'),
      p('丙', 'waiting'),
      p('丁', 'failed'),
      p('戊', 'unreachable'),
      p('己', 'parked'),
    ]);
    expect(sorted.map((x) => x.state)).toEqual(['unreachable', 'failed', 'parked', 'waiting', 'sent', 'confirmed']);
  });
});
