import { WeComClient, WeComError, ackCard } from '../../server/src/wecom/client';
import { WeComRobotSender, robotText } from '../../server/src/wecom/robot';
import { startFakeWecom, type FakeWecom } from '../fakes/wecom';

let fake: FakeWecom;
beforeAll(async () => {
  fake = await startFakeWecom();
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.clearFaults();
  fake.received.length = 0;
  fake.knownUsers = undefined;
});

function client(over: Partial<ConstructorParameters<typeof WeComClient>[0]> = {}) {
  return new WeComClient({
    corpId: fake.corpId,
    secret: fake.secret,
    agentId: fake.agentId,
    baseUrl: fake.base,
    timeoutMs: 500,
    retry: { retries: 3, baseDelayMs: 20, maxDelayMs: 100 },
    ...over,
  });
}

async function failure(p: Promise<unknown>): Promise<WeComError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof WeComError) return e;
    throw e;
  }
  throw new Error('expected a WeComError');
}

const text = (content: string) => ({ msgtype: 'text' as const, text: { content } });

describe('access token', () => {
  it('fetches the token once for many concurrent calls and reuses it', async () => {
    const c = client();
    await Promise.all(Array.from({ length: 10 }, (_, i) => c.sendMessage([`u${i}`], text('hi'))));
    await c.sendMessage(['u1'], text('again'));
    expect(c.tokenFetches).toBe(1);
    expect(fake.received).toHaveLength(11);
  });

  it('refreshes once when WeCom says the token expired (42001), and the message goes out', async () => {
    const c = client();
    await c.sendMessage(['a'], text('first'));
    fake.expireTokens();
    await c.sendMessage(['a'], text('after expiry'));
    expect(c.tokenFetches).toBe(2);
    expect(fake.to('a').map((r) => r.content)).toEqual(['first', 'after expiry']);
  });

  it('refreshes once on an invalid token (40014) and does not loop when the new one fails too', async () => {
    const c = client();
    fake.failNext('/cgi-bin/message/send', 'token_invalid');
    await c.sendMessage(['b'], text('ok after refresh'));
    expect(c.tokenFetches).toBe(2);

    fake.failNext('/cgi-bin/message/send', 'token_invalid', 2);
    const err = await failure(c.sendMessage(['b'], text('never')));
    expect(err.errcode).toBe(40014);
    expect(c.tokenFetches).toBe(3);
    expect(fake.to('b')).toHaveLength(1);
  });

  it('refuses a wrong secret as a configuration error, not worth retrying', async () => {
    const err = await failure(client({ secret: 'wrong' }).sendMessage(['a'], text('x')));
    expect(err).toMatchObject({ errcode: 40001, retryable: false });
  });
});

describe('back-off on busy and rate limits', () => {
  it.each([
    ['busy', -1],
    ['freq', 45009],
    ['concurrent', 45033],
  ] as const)('retries after %s (%i) with a growing wait and then sends', async (fault, _code) => {
    const c = client();
    await c.getToken();
    fake.failNext('/cgi-bin/message/send', fault, 2);
    const started = Date.now();
    await c.sendMessage(['c'], text(`after ${fault}`));
    expect(Date.now() - started).toBeGreaterThanOrEqual(15); // at least two jittered waits
    expect(fake.to('c').map((r) => r.content)).toEqual([`after ${fault}`]);
  });

  it('gives up after its retries with a retryable error; 45009 asks to wait a minute', async () => {
    const c = client();
    fake.failNext('/cgi-bin/message/send', 'freq', 4);
    const err = await failure(c.sendMessage(['d'], text('x')));
    expect(err).toMatchObject({ errcode: 45009, retryable: true, outcome: 'not_sent', retryAfterMs: 60_000 });
    expect(fake.to('d')).toHaveLength(0);
  });
});

describe('recipients', () => {
  it('reports invalid users and still delivers to the others', async () => {
    fake.knownUsers = new Set(['good1', 'good2']);
    const res = await client().sendMessage(['good1', 'Ghost', 'good2'], text('warn'));
    expect(res.invalidUsers).toEqual(['ghost']);
    expect(fake.received.map((r) => r.to).sort()).toEqual(['good1', 'good2']);
  });

  it('fails with 81013 and lists them when every recipient is invalid', async () => {
    fake.knownUsers = new Set(['someone-else']);
    const err = await failure(client().sendMessage(['x1', 'x2'], text('warn')));
    expect(err).toMatchObject({ errcode: 81013, retryable: false, invalidUsers: ['x1', 'x2'] });
  });

  it('sends to many users in one call, joined by |', async () => {
    const users = Array.from({ length: 1000 }, (_, i) => `m${i}`);
    await client().sendMessage(users, text('batch'));
    expect(fake.calls.filter((c) => c.path === '/cgi-bin/message/send').length).toBeGreaterThan(0);
    expect(fake.received).toHaveLength(1000);
    await expect(client().sendMessage([...users, 'one-more'], text('too many'))).rejects.toThrow(/1000/);
  });
});

describe('time-outs', () => {
  it('reports an unknown outcome, and the identical request sent again is not delivered twice', async () => {
    const c = client({ timeoutMs: 200 });
    await c.getToken();
    fake.failNext('/cgi-bin/message/send', 'timeout');
    const err = await failure(c.sendMessage(['t1', 't2'], text('maybe')));
    expect(err).toMatchObject({ errcode: 'timeout', outcome: 'unknown', retryable: true });
    await c.sendMessage(['t1', 't2'], text('maybe'));
    expect(fake.to('t1')).toHaveLength(1);
    expect(fake.to('t2')).toHaveLength(1);
    expect(fake.duplicatesSuppressed).toBeGreaterThanOrEqual(1);
  });
});

describe('message kinds', () => {
  it('sends markdown, an interactive card, an app-chat message and a card update', async () => {
    const c = client();
    await c.sendMessage(['k'], { msgtype: 'markdown', markdown: { content: '**红色预警**' } });
    const card = ackCard({ taskId: 'co-1-notify-0', title: '暴雨红色预警', buttonKey: 'ack:abc' });
    const sent = await c.sendMessage(['k'], { msgtype: 'template_card', template_card: card });
    expect(sent.responseCode).toEqual(expect.any(String));
    await c.sendAppChat('chat-sq', text('群消息'));
    await c.updateTemplateCard({ userids: ['k'], responseCode: sent.responseCode!, replaceName: '已确认' });

    expect(fake.received.map((r) => [r.api, r.to, r.msgtype])).toEqual([
      ['message', 'k', 'markdown'],
      ['message', 'k', 'template_card'],
      ['appchat', 'chat-sq', 'text'],
      ['update_card', 'k', undefined],
    ]);
    const cardBody = fake.received[1]!.body.template_card as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(cardBody).toMatchObject({
      card_type: 'button_interaction',
      task_id: 'co-1-notify-0',
      button_list: [{ text: '收到', key: 'ack:abc' }],
    });
    expect(fake.received[3]!.body).toMatchObject({ button: { replace_name: '已确认' } });
  });
});

describe('group robot', () => {
  it('sends text with @mentions of user ids and mobiles, and markdown', async () => {
    const robot = new WeComRobotSender({ baseUrl: fake.base });
    await robot.send('key-1', robotText('请回复收到', { userIds: ['grid-sq-01'], mobiles: ['13800000111'] }));
    await robot.send('key-1', { msgtype: 'markdown', markdown: { content: '# 预警' } });
    expect(fake.to('key-1').map((r) => r.body)).toEqual([
      {
        msgtype: 'text',
        text: { content: '请回复收到', mentioned_list: ['grid-sq-01'], mentioned_mobile_list: ['13800000111'] },
      },
      { msgtype: 'markdown', markdown: { content: '# 预警' } },
    ]);
  });

  it('refuses the 21st message to one robot within a minute, and sends again a minute later', async () => {
    let t = 1_700_000_000_000;
    const own = await startFakeWecom({ now: () => t }); // WeCom's clock and ours move together
    const robot = new WeComRobotSender({ baseUrl: own.base, now: () => t });
    for (let i = 0; i < 20; i++) await robot.send('key-2', robotText(`m${i}`));
    const err = await failure(robot.send('key-2', robotText('m20')));
    expect(err).toMatchObject({ errcode: 'rate_limited', outcome: 'not_sent' });
    expect(err.retryAfterMs).toBeGreaterThan(0);
    await robot.send('key-3', robotText('another robot is not affected'));
    t += 60_001;
    await robot.send('key-2', robotText('m20'));
    expect(own.to('key-2')).toHaveLength(21);
    expect(own.dropped).toHaveLength(0);
    await own.close();
  });
});
