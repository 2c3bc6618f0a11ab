import { calloutsApi, type ApiClient, type ApiError } from '@yingji/shared';
import { sealCallback, buildMessageXml } from '../../bot/src/channels/wecom-app';
import { acksCounted } from '../../server/src/callouts/ack-tally';
import { CalloutModel, CalloutRecipientModel, recipientsOf } from '../../server/src/callouts/callout.model';
import { finishPreparing } from '../../server/src/callouts/recover';
import { Scheduler } from '../../server/src/core/scheduler';
import { DeliveryModel } from '../../server/src/outbox/delivery.model';
import { outboxModule } from '../../server/src/outbox/routes';
import { ChatGroupModel, GridModel } from '../../server/src/people/models';
import { seedDemo } from '../../server/src/people/seed';
import { notifyGroups } from '../../server/src/callouts/steps';
import { UserModel } from '../../server/src/people/user.model';
import { WECOM, eventually, postCallback, sleep } from '../chat/support';
import { startFakeWecom, type FakeWecom } from '../fakes/wecom';
import { useTestDatabase } from '../support/db';
import { startTestServer, type TestServer } from '../support/server';

/**
 * A warning's first step goes out while its recipients are still being written, and at once (the
 * outbox worker is woken, not left to its next poll). Answers that arrive before a recipient's
 * document are counted when it is there; a creation cut short by a crash is finished later.
 */
useTestDatabase();

let fake: FakeWecom;
let srv: TestServer;
let scheduler: Scheduler;
let office: ApiClient;

beforeAll(async () => {
  await seedDemo();
  fake = await startFakeWecom({ corpId: WECOM.corpId });
  // A poll a minute: whatever is sent sooner was sent because the worker was woken.
  process.env.OUTBOX_POLL_MS = '60000';
  srv = await startTestServer({
    env: {
      WECOM_CORP_ID: fake.corpId,
      WECOM_SECRET: fake.secret,
      WECOM_AGENT_ID: String(fake.agentId),
      WECOM_API_BASE: fake.base,
      WECOM_TOKEN: WECOM.token,
      WECOM_ENCODING_AES_KEY: WECOM.encodingAESKey,
    },
  });
  scheduler = new Scheduler(srv.services);
  office = await srv.login('office', 'Office@2024');
  await sleep(200);
  scheduler.start(outboxModule.jobs!); // its first passes find nothing; the next poll is a minute away
  await sleep(300);
});
afterAll(async () => {
  await scheduler.stop();
  delete process.env.OUTBOX_POLL_MS;
  await srv.close();
  await fake.close();
});

const grid = async (username: string) => (await UserModel.findOne({ username }).lean())!;

/** A call-out stored as createCallout stores it before its recipients are written. */
async function preparing(issuedAt = new Date()) {
  const office = await grid('office');
  return CalloutModel.create({
    town: office.town,
    title: '山洪红色预警',
    level: 'red',
    body: '请立即转移',
    request: { area: { villages: [], grids: [] }, recipients: [] },
    status: 'preparing',
    createdBy: office._id,
    issuedAt,
    ackMinutes: 10,
    waitMinutes: 10,
    step: -1,
    summary: { total: 0, acked: 0 },
  });
}

async function writeRecipient(calloutId: unknown, u: Awaited<ReturnType<typeof grid>>) {
  await CalloutRecipientModel.collection.insertOne({
    _id: `${String(calloutId)}:${String(u._id)}` as never,
    callout: calloutId,
    town: u.town,
    user: u._id,
    name: u.name,
    role: u.role,
    grids: u.grids ?? [],
    wecomUserId: u.wecomUserId,
    groups: [],
    contactsTotal: 0,
    contactsPending: 0,
    acked: false,
    open: true,
  });
}

describe('the first step of a warning', () => {
  it('is handed to WeCom at once, without waiting for the outbox poll', async () => {
    const before = fake.received.length;
    const created = await office.post<{ id: string }>('/api/callouts', {
      title: '暴雨红色预警',
      level: 'red',
      body: '请立即巡查',
      area: { villages: ['SL'] },
    });
    // Both parts of it, the groups' first and then the persons' (their WeCom batch): each enqueue wakes the worker.
    await eventually(async () => fake.received.slice(before).some((r) => r.api === 'message'), 5000);
    expect(fake.received.slice(before).some((r) => r.api === 'webhook' || r.api === 'appchat')).toBe(true);
    const c = await CalloutModel.findById(created.id).lean();
    expect(c).toMatchObject({ status: 'active', step: 0 });
  });
});

describe('the group messages, sent before the staff are read', () => {
  it('are not sent for a warning refused for reaching nobody (a grid with a group and no one in it)', async () => {
    const someGrid = (await GridModel.findOne({}).lean())!;
    const empty = await GridModel.create({
      town: someGrid.town,
      village: someGrid.village,
      code: 'EMPTY-01',
      name: '空网格',
    });
    await ChatGroupModel.create({
      town: someGrid.town,
      channel: 'wecom_robot',
      externalId: 'robot-empty-grid',
      name: '空网格群',
      grid: empty._id,
    });
    const before = await DeliveryModel.countDocuments();
    const refused = await calloutsApi(office)
      .create({ title: '山洪红色预警', level: 'red', area: { grids: [String(empty._id)] } })
      .then(
        () => undefined,
        (e: ApiError) => e,
      );
    expect(refused).toMatchObject({ status: 400, code: 'CALLOUT_NO_RECIPIENTS', message: '该范围内没有可叫应的人员' });
    expect(await DeliveryModel.countDocuments()).toBe(before);
    expect(await CalloutModel.countDocuments({ title: '山洪红色预警', 'area.grids': empty._id })).toBe(0);
  });
});

describe('an answer that comes before its recipient is written', () => {
  it('through the API: waits for the recipient and is counted once', async () => {
    const member = await grid('grid.sl-01');
    const c = await preparing();
    const member1 = await srv.login('grid.sl-01', 'Grid@2024');
    const answer = calloutsApi(member1).ack(String(c._id), 'miniprogram');
    await sleep(400);
    await writeRecipient(c._id, member);
    await CalloutModel.updateOne({ _id: c._id }, { $set: { status: 'active' } });
    await expect(answer).resolves.toMatchObject({ alreadyAcked: false });
    const r = await CalloutRecipientModel.findById(`${String(c._id)}:${String(member._id)}`).lean();
    expect(r).toMatchObject({ acked: true, ackChannel: 'miniprogram' });
    await acksCounted(c._id);
    expect((await CalloutModel.findById(c._id).lean())?.summary?.acked).toBe(1);
  });

  it("through a card's 收到: tried again until the recipient is there, then counted", async () => {
    const member = await grid('grid.sl-02');
    const c = await preparing();
    const xml = buildMessageXml({
      ToUserName: WECOM.corpId,
      FromUserName: member.wecomUserId!,
      CreateTime: Math.floor(Date.now() / 1000),
      MsgType: 'event',
      Event: 'template_card_event',
      EventKey: `ack:${String(c._id)}`,
      TaskId: `task-early-${String(c._id)}`,
      CardType: 'button_interaction',
      ResponseCode: 'rc-early',
      AgentID: 1000002,
    });
    expect((await postCallback(srv.base, '', { sealed: sealCallback(WECOM, xml) })).status).toBe(200);
    await sleep(600);
    await writeRecipient(c._id, member);
    await CalloutModel.updateOne({ _id: c._id }, { $set: { status: 'active' } });
    const acked = await eventually(async () => {
      const r = await CalloutRecipientModel.findById(`${String(c._id)}:${String(member._id)}`).lean();
      return r?.acked ? r : undefined;
    });
    expect(acked.ackChannel).toBe('wecom_card');
    await eventually(async () => (await CalloutModel.findById(c._id).lean())?.summary?.acked === 1);
  });
});

describe('a creation cut short by a crash', () => {
  it('is finished from its stored request: recipients written, the first step sent once, the ladder started', async () => {
    const c = await preparing(new Date(Date.now() - 5 * 60_000));
    expect(await finishPreparing(srv.services)).toBe(1);
    const done = (await CalloutModel.findById(c._id).lean())!;
    expect(done).toMatchObject({ status: 'active', step: 0 });
    const written = await CalloutRecipientModel.countDocuments(recipientsOf(c._id));
    expect(written).toBeGreaterThan(5);
    expect(done.summary?.total).toBe(written);
    const sent = await DeliveryModel.countDocuments({ 'source.id': String(c._id), 'source.step': 'notify' });
    expect(sent).toBeGreaterThan(0);
    // Once only: a second pass finds nothing to finish and sends nothing again.
    expect(await finishPreparing(srv.services)).toBe(0);
    expect(await DeliveryModel.countDocuments({ 'source.id': String(c._id), 'source.step': 'notify' })).toBe(sent);
  });

  it('cut short after its group messages: the persons get theirs, the groups not a second time', async () => {
    const c = await preparing(new Date(Date.now() - 5 * 60_000));
    const groups = await ChatGroupModel.find({ town: c.town }).lean();
    await CalloutModel.updateOne({ _id: c._id }, { $set: { groups: groups.map((g) => g._id) } });
    await notifyGroups(srv.services, (await CalloutModel.findById(c._id).lean()) as never, groups);
    const ofStep = (channel: object) =>
      DeliveryModel.countDocuments({ 'source.id': String(c._id), 'source.step': 'notify', ...channel });
    expect(await ofStep({ 'recipient.group': { $exists: true } })).toBe(groups.length);
    expect(await ofStep({ 'recipient.group': { $exists: false } })).toBe(0);

    expect(await finishPreparing(srv.services)).toBe(1);
    const done = (await CalloutModel.findById(c._id).lean())!;
    expect(done).toMatchObject({ status: 'active', step: 0 });
    const written = await CalloutRecipientModel.countDocuments(recipientsOf(c._id));
    expect(done.summary?.total).toBe(written);
    expect(done.buckets).toBeGreaterThanOrEqual(1);
    expect(await ofStep({ 'recipient.group': { $exists: true } })).toBe(groups.length);
    expect(await ofStep({ channel: 'wecom_app', 'recipient.group': { $exists: false } })).toBeGreaterThan(0);
  });

  it('leaves a creation still under way alone', async () => {
    const c = await preparing(new Date());
    await finishPreparing(srv.services);
    expect((await CalloutModel.findById(c._id).lean())!.status).toBe('preparing');
  });
});
