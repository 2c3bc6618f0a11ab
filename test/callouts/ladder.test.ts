import { calloutsApi, type ApiClient } from '@yingji/shared';
import { ManualClock } from '../../server/src/core/clock';
import { runLadder } from '../../server/src/callouts/service';
import { batches, bucketCount, recipientState, recipientStep, stepDueAt } from '../../server/src/callouts/ladder';
import { DeliveryModel, type DeliveryLean } from '../../server/src/outbox/delivery.model';
import { drainOutbox } from '../../server/src/outbox/worker';
import { ChatGroupModel, GridModel, UserModel } from '../../server/src/people/models';
import { seedDemo } from '../../server/src/people/seed';
import { useTestDatabase } from '../support/db';
import { startTestServer, type TestServer } from '../support/server';
import { startFakeWecom, type FakeWecom } from '../fakes/wecom';

const MIN = 60_000;

describe('the ladder schedule (pure)', () => {
  const issued = new Date('2024-06-01T08:00:00Z');
  it.each([
    [0, 0],
    [1, 10],
    [2, 15],
    [3, 20],
    [4, 25],
    [5, 30],
  ])('step %i of a red warning (10 min to answer, 5 min between steps) is due after %i minutes', (step, minutes) => {
    expect(stepDueAt(issued, step, 10, 5).getTime() - issued.getTime()).toBe(minutes * MIN);
  });

  it.each([
    [{ acked: false }, -1, 'pending', 'notify'],
    [{ acked: false }, 0, 'pending', 'notify'],
    [{ acked: false }, 1, 'escalated', 'remind'],
    [{ acked: false }, 5, 'escalated', 'phone'],
    [{ acked: true, ackStep: 0 }, 3, 'acked', 'notify'],
    [{ acked: true, ackStep: 2 }, 4, 'acked', 'mention'],
  ] as const)('a recipient %o at call-out step %i shows as %s at step %s', (r, step, state, name) => {
    expect(recipientState(r, step)).toBe(state);
    expect(recipientStep(r, step)).toBe(name);
  });

  it('keeps everyone in the same WeCom batch when the step is built again with fewer people', () => {
    const people = Array.from({ length: 5000 }, (_, i) => ({ key: `user${i}`, address: `wx${i}` }));
    const n = bucketCount(people.length);
    const first = batches(people, n);
    const fewer = batches(
      people.filter((_, i) => i % 7 !== 0),
      n,
    );
    const where = (m: Map<string, string[]>) => new Map([...m].flatMap(([b, list]) => list.map((a) => [a, b])));
    const before = where(first);
    for (const [address, batch] of where(fewer)) expect(before.get(address)).toBe(batch);
    for (const list of first.values()) expect(list.length).toBeLessThanOrEqual(1000);
    expect([...first.values()].flat()).toHaveLength(5000);
  });
});

describe('escalation of silence on an injectable clock', () => {
  useTestDatabase();
  let fake: FakeWecom;
  let srv: TestServer;
  let office: ApiClient;
  const clock = new ManualClock('2024-06-01T08:00:00Z');
  const t0 = clock.now().getTime();
  let id: string;

  beforeAll(async () => {
    await seedDemo();
    const sq01 = await GridModel.findOne({ code: 'SQ-01' }).lean();
    await ChatGroupModel.create({
      town: sq01!.town,
      channel: 'wecom_robot',
      externalId: 'robot-key-sq01',
      name: '十直社区第一网格机器人',
      grid: sq01!._id,
    });
    await UserModel.updateOne({ username: 'grid.sq-01' }, { $set: { wechatyContactIds: ['wxid-sq01'] } });
    fake = await startFakeWecom({ now: () => clock.now().getTime() });
    srv = await startTestServer({
      clock,
      env: {
        WECOM_CORP_ID: fake.corpId,
        WECOM_SECRET: fake.secret,
        WECOM_AGENT_ID: String(fake.agentId),
        WECOM_API_BASE: fake.base,
      },
    });
    office = await srv.login('office', 'Office@2024');
  });
  afterAll(async () => {
    await srv.close();
    await fake.close();
  });

  const at = (minutes: number) => clock.set(t0 + minutes * MIN);
  const newSince = (n: number) => fake.received.slice(n);
  const deliveries = (step: string) =>
    DeliveryModel.find({ 'source.id': id, 'source.step': step }).lean<DeliveryLean[]>();

  it('notifies everyone at once (step 0)', async () => {
    id = (
      await calloutsApi(office).create({ title: '山洪红色预警', level: 'red', area: { grids: ['SQ-01', 'SQ-02'] } })
    ).id;
    await drainOutbox(srv.services);
    expect(
      fake.received
        .filter((r) => r.api === 'message')
        .map((r) => r.to)
        .sort(),
    ).toEqual(['grid-sq-01', 'grid-sq-02']);
    expect(fake.to('robot-key-sq01')).toHaveLength(1);
  });

  it('does nothing before the acknowledgement window has passed', async () => {
    const grid2 = await srv.login('grid.sq-02', 'Grid@2024');
    at(2);
    await calloutsApi(grid2).ack(id);
    at(9.9);
    expect(await runLadder(srv.services)).toBe(0);
  });

  it('step 1 after 10 minutes: a reminder card straight to the silent recipient only', async () => {
    const n = fake.received.length;
    at(10);
    expect(await runLadder(srv.services)).toBe(1);
    await drainOutbox(srv.services);
    const sent = newSince(n);
    expect(sent.map((r) => [r.api, r.to])).toEqual([['message', 'grid-sq-01']]);
    expect(sent[0]!.body.template_card).toMatchObject({ main_title: { title: '【提醒】山洪红色预警' } });
    const detail = await calloutsApi(office).get(id);
    expect(detail.summary).toEqual({ total: 2, acked: 1, pending: 0, escalated: 1 });
    expect(detail.recipients.find((r) => r.name === '十直社区网格员1')).toMatchObject({
      state: 'escalated',
      step: 'remind',
    });
  });

  it('step 2 after 15 minutes: an @mention in the groups, by id where the channel can', async () => {
    const n = fake.received.length;
    at(15);
    expect(await runLadder(srv.services)).toBe(1);
    await drainOutbox(srv.services);
    const robot = newSince(n).filter((r) => r.api === 'webhook');
    expect(robot).toHaveLength(1);
    expect(robot[0]!.body).toMatchObject({ msgtype: 'text', text: { mentioned_list: ['grid-sq-01'] } });
    const rooms = await deliveries('mention');
    const room = rooms.find((d) => d.recipient.address === 'room-sq-01');
    expect(room!.content.mentions).toEqual(['wxid-sq01']);
    // The other grid's room has nobody left to call.
    expect(rooms.find((d) => d.recipient.address === 'room-sq-02')).toBeUndefined();
  });

  it('step 3 after 20 minutes: a direct message on every channel the person has', async () => {
    const n = fake.received.length;
    at(20);
    await runLadder(srv.services);
    await drainOutbox(srv.services);
    expect(newSince(n).map((r) => [r.to, r.content])).toEqual([
      ['grid-sq-01', '【紧急】预警《山洪红色预警》仍未收到您的确认，请立即回复"收到"。'],
    ]);
    expect((await deliveries('direct')).map((d) => [d.channel, d.recipient.address]).sort()).toEqual([
      ['wechaty', 'wxid-sq01'],
      ['wecom_app', 'grid-sq-01'],
    ]);
  });

  it('step 4 after 25 minutes: the superior is asked to chase', async () => {
    const n = fake.received.length;
    at(25);
    await runLadder(srv.services);
    await drainOutbox(srv.services);
    expect(newSince(n).map((r) => [r.to, r.content])).toEqual([
      ['cadre-sq', '【督促】预警《山洪红色预警》以下人员尚未确认：十直社区网格员1。请督促其立即确认。'],
    ]);
  });

  it('step 5 after 30 minutes: the phone list, and the office is told', async () => {
    const n = fake.received.length;
    expect((await calloutsApi(office).phoneList(id)).items).toEqual([]);
    at(30);
    await runLadder(srv.services);
    await drainOutbox(srv.services);
    expect(
      newSince(n)
        .map((r) => r.to)
        .sort(),
    ).toEqual(['yjb-duty', 'yjb-lead']);
    const list = await calloutsApi(office).phoneList(id);
    expect(list.items).toEqual([
      {
        name: '十直社区网格员1',
        phone: '13800000111',
        village: '十直社区',
        grids: ['十直社区第一网格'],
        missing: '未确认收到预警《山洪红色预警》',
      },
    ]);
    at(90);
    expect(await runLadder(srv.services)).toBe(0); // the ladder has ended
  });

  it('sends each step once even when the ladder runs again or twice at the same time', async () => {
    const count = await DeliveryModel.countDocuments({ 'source.id': id });
    const again = await calloutsApi(office).create({ title: '再次预警', level: 'red', area: { grids: ['SQ-02'] } });
    at(200);
    const [a, b] = await Promise.all([runLadder(srv.services), runLadder(srv.services)]);
    expect(a + b).toBe(5); // steps 1..5 of the new call-out, once in total
    expect(await DeliveryModel.countDocuments({ 'source.id': id })).toBe(count);
    const steps = (
      await DeliveryModel.find({ 'source.id': again.id, channel: 'wecom_app' }).lean<DeliveryLean[]>()
    ).map((d) => `${d.source.step}:${d.recipient.address}`);
    expect(steps.filter((s) => s.startsWith('remind:'))).toEqual(['remind:grid-sq-02']);
    expect(new Set(steps).size).toBe(steps.length);
  });

  it('stops escalating a call-out the office closed', async () => {
    const c = await calloutsApi(office).create({ title: '已解除', level: 'red', area: { grids: ['SQ-02'] } });
    await calloutsApi(office).close(c.id);
    at(400);
    await runLadder(srv.services);
    expect(await DeliveryModel.countDocuments({ 'source.id': c.id, 'source.step': { $ne: 'notify' } })).toBe(0);
  });
});
