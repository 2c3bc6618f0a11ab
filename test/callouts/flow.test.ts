import { ApiError, calloutsApi, outboxApi, type ApiClient } from '@yingji/shared';
import { ManualClock } from '../../server/src/core/clock';
import { acknowledge } from '../../server/src/callouts/service';
import { drainOutbox } from '../../server/src/outbox/worker';
import { DeliveryModel } from '../../server/src/outbox/delivery.model';
import { UserModel } from '../../server/src/people/user.model';
import { seedDemo } from '../../server/src/people/seed';
import { useTestDatabase } from '../support/db';
import { http, startTestServer, type TestServer } from '../support/server';
import { startFakeWecom, type FakeWecom } from '../fakes/wecom';

useTestDatabase();

const BOT_TOKEN = 'bot-token-for-tests-0123456789';
let fake: FakeWecom;
let srv: TestServer;
let clock: ManualClock;
let office: ApiClient;

export function wecomEnv(f: FakeWecom): Record<string, string> {
  return {
    WECOM_CORP_ID: f.corpId,
    WECOM_SECRET: f.secret,
    WECOM_AGENT_ID: String(f.agentId),
    WECOM_API_BASE: f.base,
    WECOM_TIMEOUT_MS: '1000',
    OUTBOX_RETRY_BASE_MS: '50',
    BOT_TOKEN,
  };
}

beforeAll(async () => {
  await seedDemo();
  fake = await startFakeWecom();
  clock = new ManualClock('2024-06-01T08:00:00Z');
  srv = await startTestServer({ env: wecomEnv(fake), clock });
  office = await srv.login('office', 'Office@2024');
});
afterAll(async () => {
  await srv.close();
  await fake.close();
});

async function apiError(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ApiError) return e;
    throw e;
  }
  throw new Error('expected the call to fail');
}

const bot = (path: string, body: unknown) =>
  http(srv.base, 'POST', path, {
    body: JSON.stringify(body),
    headers: { authorization: `Bot ${BOT_TOKEN}`, 'content-type': 'application/json' },
  });

describe('a warning from issue to acknowledgement, over HTTP and through the channels', () => {
  let id: string;

  it('is issued by the office to the area’s responsible persons and groups', async () => {
    const res = await calloutsApi(office).create({
      title: '暴雨橙色预警',
      level: 'orange',
      body: '预计未来3小时有大暴雨，请立即巡查地灾隐患点。',
      event: '暴雨',
      area: { villages: ['SQ'] },
    });
    expect(res.recipients).toBe(3); // cadre.sq, grid.sq-01, grid.sq-02
    id = res.id;
  });

  it('reaches every recipient through the outbox: a WeCom card in one batch, the village app chat', async () => {
    await drainOutbox(srv.services);
    const cards = fake.received.filter((r) => r.api === 'message');
    expect(cards.map((r) => r.to).sort()).toEqual(['cadre-sq', 'grid-sq-01', 'grid-sq-02']);
    expect(new Set(cards.map((r) => r.body.touser)).size).toBe(1); // one call, touser joined by |
    expect(cards[0]!.body.template_card).toMatchObject({
      card_type: 'button_interaction',
      button_list: [{ text: '收到', key: `ack:${id}` }],
    });
    expect(fake.received.filter((r) => r.api === 'appchat').map((r) => r.to)).toEqual(['wrchat-sq']);
    expect(fake.received.find((r) => r.api === 'appchat')!.content).toContain('暴雨橙色预警');
  });

  it('hands the WeChat room messages to the bot, which reports them sent', async () => {
    const claimed = await bot('/api/outbox/claim', { channel: 'wechaty', worker: 'bot-test' });
    expect(claimed.status).toBe(200);
    const rooms = (claimed.json.deliveries as { id: string; address: string; kind: string }[]).map((d) => d.address);
    expect(rooms.sort()).toEqual(['room-sq-01', 'room-sq-02']);
    for (const d of claimed.json.deliveries as { id: string }[]) {
      const r = await bot(`/api/outbox/${d.id}/result`, { ok: true, result: { messageId: 'm-' + d.id } });
      expect(r.json).toMatchObject({ state: 'sent' });
    }
    expect((await bot('/api/outbox/claim', { channel: 'wechaty', worker: 'bot-test' })).json.deliveries).toEqual([]);
    // Without the bot token the claim is refused.
    const anon = await http(srv.base, 'POST', '/api/outbox/claim', {
      body: JSON.stringify({ channel: 'wechaty', worker: 'x' }),
      headers: { 'content-type': 'application/json' },
    });
    expect(anon.status).toBe(401);
  });

  it('counts an acknowledgement once however often and through whichever channel it comes', async () => {
    const grid1 = await srv.login('grid.sq-01', 'Grid@2024');
    clock.advance(60_000);
    const first = await calloutsApi(grid1).ack(id, 'miniprogram');
    expect(first).toMatchObject({ alreadyAcked: false, callout: { id, title: '暴雨橙色预警', level: 'orange' } });
    clock.advance(60_000);
    const again = await calloutsApi(grid1).ack(id);
    const viaChat = await calloutsApi(grid1)
      .ackLatest('chat_wechaty')
      .catch((e: ApiError) => e);
    expect(again).toMatchObject({ alreadyAcked: true, ackAt: first.ackAt });
    // Nothing left to acknowledge for the chat: the latest open one is already answered.
    expect(viaChat).toMatchObject({ status: 404, code: 'CALLOUT_NONE_OPEN', message: '您当前没有待确认的预警' });

    const detail = await calloutsApi(office).get(id);
    expect(detail.summary).toEqual({ total: 3, acked: 1, pending: 2, escalated: 0 });
    expect(detail.recipients.find((r) => r.name === '十直社区网格员1')).toMatchObject({
      state: 'acked',
      channel: 'miniprogram',
      ackAt: first.ackAt,
      step: 'notify',
    });
  });

  it('acknowledges from the chat bot (latest open call-out), then from a card click, and updates the card', async () => {
    const grid2 = await srv.login('grid.sq-02', 'Grid@2024');
    const open = await calloutsApi(grid2).open();
    expect(open.items.map((i) => i.id)).toEqual([id]);
    const viaChat = await calloutsApi(grid2).ackLatest('chat_wecom');
    expect(viaChat).toMatchObject({ alreadyAcked: false, callout: { id } });
    expect((await calloutsApi(grid2).open()).items).toEqual([]);

    const user = await UserModel.findOne({ username: 'grid.sq-02' }).lean();
    const viaCard = await acknowledge(srv.services, {
      taskId: `co-${id}-notify-b0`,
      userId: String(user!._id),
      channel: 'wecom_card',
      responseCode: 'rc-123',
    });
    expect(viaCard).toMatchObject({ alreadyAcked: true, ackAt: viaChat.ackAt });
    await drainOutbox(srv.services);
    const update = fake.received.find((r) => r.api === 'update_card');
    expect(update).toMatchObject({ to: 'grid-sq-02' });
    expect(update!.body).toMatchObject({
      response_code: 'rc-123',
      button: { replace_name: expect.stringContaining('十直社区网格员2') },
    });

    const detail = await calloutsApi(office).get(id);
    expect(detail.summary).toEqual({ total: 3, acked: 2, pending: 1, escalated: 0 });
    expect(detail.recipients.find((r) => r.name === '十直社区网格员2')).toMatchObject({ channel: 'chat_wecom' });
  });

  it('records the optional stages: at post, and transfer done with a count', async () => {
    const cadre = await srv.login('cadre.sq', 'Cadre@2024');
    const post = await calloutsApi(cadre).stage(id, { stage: 'at_post' });
    expect(post).toMatchObject({ stage: 'at_post', alreadyReported: false });
    expect(await apiError(calloutsApi(cadre).stage(id, { stage: 'transfer_done' }))).toMatchObject({
      status: 400,
      code: 'CALLOUT_STAGE_COUNT_REQUIRED',
    });
    await calloutsApi(cadre).stage(id, { stage: 'transfer_done', count: 12 });
    await calloutsApi(cadre).stage(id, { stage: 'transfer_done', count: 15 });
    const detail = await calloutsApi(office).get(id);
    expect(detail.stages).toEqual({ atPost: 1, transferDone: 1, transferred: 15 });
    // Reporting a stage is also an answer.
    expect(detail.summary).toEqual({ total: 3, acked: 3, pending: 0, escalated: 0 });
  });

  it('refuses people who are not recipients, and keeps the office’s view to the office', async () => {
    const other = await srv.login('grid.sh-01', 'Grid@2024');
    expect(await apiError(calloutsApi(other).ack(id))).toMatchObject({ status: 403, code: 'CALLOUT_NOT_RECIPIENT' });
    expect(await apiError(calloutsApi(other).get(id))).toMatchObject({ status: 403, code: 'CALLOUT_NOT_RECIPIENT' });
    expect(await apiError(calloutsApi(other).create({ title: 'x', level: 'red' }))).toMatchObject({ status: 403 });
    const grid1 = await srv.login('grid.sq-01', 'Grid@2024');
    const own = await calloutsApi(grid1).get(id);
    expect(own.recipients.map((r) => r.name)).toEqual(['十直社区网格员1']);
  });

  it('refuses bad input with a clear error and stores nothing', async () => {
    const before = await DeliveryModel.countDocuments();
    expect(
      await apiError(calloutsApi(office).create({ title: '预警', level: 'red', area: { villages: ['NOPE'] } })),
    ).toMatchObject({ status: 400, code: 'CALLOUT_AREA_UNKNOWN' });
    expect(await apiError(calloutsApi(office).create({ title: '', level: 'red' }))).toMatchObject({
      status: 400,
      code: 'VALIDATION_FAILED',
    });
    expect(await apiError(calloutsApi(office).create({ title: 'x', level: 'purple' as 'red' }))).toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    expect(await DeliveryModel.countDocuments()).toBe(before);
    expect((await calloutsApi(office).list()).items).toHaveLength(1);
  });

  it('keeps exercises apart from real call-outs', async () => {
    const ex = await calloutsApi(office).create({
      title: '防汛演练',
      level: 'blue',
      area: { grids: ['SH-01'] },
      exercise: true,
    });
    const real = await calloutsApi(office).list();
    const drills = await calloutsApi(office).list({ exercise: 'true' });
    expect(real.items.map((i) => i.id)).toEqual([id]);
    expect(drills.items.map((i) => i.id)).toEqual([ex.id]);
    // It looks the same to recipients.
    await drainOutbox(srv.services);
    const card = fake.received.filter((r) => r.api === 'message' && r.to === 'grid-sh-01').pop();
    expect(JSON.stringify(card!.body)).not.toContain('演练预警');
    expect(await DeliveryModel.countDocuments({ 'source.id': ex.id, exercise: false })).toBe(0);
  });

  it('shows nothing parked when every send went through', async () => {
    expect(await outboxApi(office).parked()).toEqual({ items: [], total: 0 });
  });
});
