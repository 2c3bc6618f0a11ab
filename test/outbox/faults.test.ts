import { calloutsApi, outboxApi, type ApiClient } from '@yingji/shared';
import { ManualClock } from '../../server/src/core/clock';
import { DeliveryModel, type DeliveryLean } from '../../server/src/outbox/delivery.model';
import { enqueue, type OutboundMessage } from '../../server/src/outbox/enqueue';
import { drainOutbox } from '../../server/src/outbox/worker';
import { reapBotLeases } from '../../server/src/outbox/service';
import { GridModel, TownModel, UserModel } from '../../server/src/people/models';
import { seedDemo } from '../../server/src/people/seed';
import { useTestDatabase } from '../support/db';
import { http, startTestServer, type TestServer } from '../support/server';
import { startFakeWecom, type FakeWecom } from '../fakes/wecom';

useTestDatabase();

const BOT_TOKEN = 'bot-token-for-tests-0123456789';
const env = (f: FakeWecom, extra: Record<string, string> = {}) => ({
  WECOM_CORP_ID: f.corpId,
  WECOM_SECRET: f.secret,
  WECOM_AGENT_ID: String(f.agentId),
  WECOM_API_BASE: f.base,
  WECOM_TIMEOUT_MS: '300',
  WECOM_RETRY_BASE_MS: '10',
  OUTBOX_LEASE_SECONDS: '1',
  OUTBOX_RETRY_BASE_MS: '30',
  OUTBOX_MAX_ATTEMPTS: '12',
  BOT_TOKEN,
  ...extra,
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let town: Awaited<ReturnType<typeof TownModel.findOne>>;
beforeAll(async () => {
  await seedDemo();
  town = await TownModel.findOne({ code: 'SZ' });
  // Sixty more grid members, so a warning goes out in a real batch.
  const grids = await GridModel.find({ town: town!._id }).lean();
  await UserModel.insertMany(
    Array.from({ length: 60 }, (_, i) => ({
      town: town!._id,
      username: `grid.extra-${i}`,
      role: 'grid',
      name: `网格员${i}`,
      grids: [grids[i % grids.length]!._id],
      village: grids[i % grids.length]!.village,
      wecomUserId: `extra-${i}`,
    })),
  );
});

/** Send until nothing of the server's channels is pending or being sent (or the deadline). */
async function settle(srv: TestServer, deadlineMs = 60_000) {
  const until = Date.now() + deadlineMs;
  for (;;) {
    await drainOutbox(srv.services);
    const open = await DeliveryModel.countDocuments({
      channel: { $in: ['wecom_app', 'wecom_robot'] },
      state: { $in: ['pending', 'sending'] },
    });
    if (open === 0 || Date.now() > until) return open;
    await sleep(150);
  }
}

describe('errors, rate limits and time-outs on a share of WeCom calls', () => {
  let fake: FakeWecom;
  let srv: TestServer;

  beforeAll(async () => {
    fake = await startFakeWecom();
    fake.hangMs = 500;
    srv = await startTestServer({ env: env(fake) });
  });
  afterAll(async () => {
    await srv.close();
    await fake.close();
  });

  it('delivers the warning to every recipient exactly once, and no group message twice', async () => {
    fake.faultShare(0.35, ['busy', 'freq', 'concurrent', 'timeout', 'lost', 'http500', 'token_expired'], { seed: 7 });
    const office = await srv.login('office', 'Office@2024');
    const { id, recipients } = await calloutsApi(office).create({ title: '地质灾害红色预警', level: 'red' });
    expect(recipients).toBe(12 + 60);
    // And a personal message to each of them: many single calls, each a chance for a fault.
    const users = await UserModel.find({ town: town!._id, role: { $in: ['grid', 'cadre'] } }).lean();
    await enqueue(
      srv.services.clock,
      users.map((u) => ({
        town: town!._id,
        channel: 'wecom_app' as const,
        recipient: { user: u._id, address: u.wecomUserId! },
        content: { kind: 'text' as const, text: `personal:${u.username}` },
        source: { kind: 'test' },
        idempotencyKey: `personal:${u.username}`,
      })),
    );
    expect(await settle(srv)).toBe(0);
    fake.clearFaults();
    for (const u of users)
      expect([
        u.username,
        fake.to(u.wecomUserId!).filter((r) => r.content === `personal:${u.username}`).length,
      ]).toEqual([u.username, 1]);

    const notify = fake.received.filter(
      (r) =>
        r.api === 'message' &&
        String((r.body.template_card as { task_id?: string })?.task_id ?? '').startsWith(`co-${id}-notify`),
    );
    for (const u of users)
      expect([u.username, notify.filter((r) => r.to === u.wecomUserId).length]).toEqual([u.username, 1]);
    expect(notify).toHaveLength(users.length);
    expect(fake.dropped).toHaveLength(0);
    // Faults really happened, and the retries went through.
    expect(fake.calls.filter((c) => c.errcode !== 0).length).toBeGreaterThan(10);
    expect(fake.duplicatesSuppressed).toBeGreaterThan(0);

    const chats = await DeliveryModel.find({
      'source.id': id,
      channel: 'wecom_app',
      'recipient.group': { $exists: true },
    }).lean<DeliveryLean[]>();
    expect(chats).toHaveLength(4);
    for (const d of chats) {
      const got = fake.to(d.recipient.address).length;
      if (d.state === 'sent') expect(got).toBe(1);
      else expect([d.state, d.parkedReason, got <= 1]).toEqual(['parked', 'outcome_unknown', true]);
    }
  });
});

describe('limits WeCom would enforce by dropping messages', () => {
  let fake: FakeWecom;
  let srv: TestServer;
  const clock = new ManualClock('2024-06-01T08:00:00Z');
  // (Members no other test writes to: the per-member budget reads the outbox itself.)
  beforeAll(async () => {
    fake = await startFakeWecom({ now: () => clock.now().getTime() });
    srv = await startTestServer({ env: env(fake), clock });
  });
  afterAll(async () => {
    await srv.close();
    await fake.close();
  });

  const msg = (key: string, channel: 'wecom_app' | 'wecom_robot', address: string): OutboundMessage => ({
    town: town!._id,
    channel,
    recipient: { address },
    content: { kind: 'text', text: key },
    source: { kind: 'test', id: key },
    idempotencyKey: key,
  });

  it('sends a member at most 30 app messages a minute, and the rest a minute later', async () => {
    await enqueue(
      clock,
      Array.from({ length: 35 }, (_, i) => msg(`m-${i}`, 'wecom_app', 'member-a')),
    );
    await drainOutbox(srv.services);
    expect(fake.to('member-a')).toHaveLength(30);
    clock.advance(61_000);
    await drainOutbox(srv.services);
    expect(fake.to('member-a')).toHaveLength(35);
    expect(fake.dropped).toHaveLength(0);
  });

  it('sends a group robot at most 20 messages a minute', async () => {
    await enqueue(
      clock,
      Array.from({ length: 25 }, (_, i) => msg(`r-${i}`, 'wecom_robot', 'robot-key-1')),
    );
    await drainOutbox(srv.services);
    expect(fake.to('robot-key-1')).toHaveLength(20);
    clock.advance(61_000);
    await drainOutbox(srv.services);
    expect(fake.to('robot-key-1')).toHaveLength(25);
    expect(fake.dropped).toHaveLength(0);
  });

  it('splits a batch: members with budget get it now, the busy one when their minute is over', async () => {
    await enqueue(
      clock,
      Array.from({ length: 30 }, (_, i) => msg(`b-${i}`, 'wecom_app', 'member-b')),
    );
    await drainOutbox(srv.services);
    await enqueue(clock, [msg('batch-1', 'wecom_app', 'member-b|member-c')]);
    await drainOutbox(srv.services);
    expect(fake.to('member-c').map((r) => r.content)).toEqual(['batch-1']);
    expect(fake.to('member-b').filter((r) => r.content === 'batch-1')).toHaveLength(0);
    clock.advance(61_000);
    await drainOutbox(srv.services);
    expect(fake.to('member-b').filter((r) => r.content === 'batch-1')).toHaveLength(1);
    expect(fake.to('member-c')).toHaveLength(1);
  });
});

describe('deliveries that need the office', () => {
  let fake: FakeWecom;
  let srv: TestServer;
  let office: ApiClient;
  const clock = new ManualClock('2024-07-01T08:00:00Z');
  beforeAll(async () => {
    fake = await startFakeWecom();
    srv = await startTestServer({ env: env(fake, { OUTBOX_MAX_ATTEMPTS: '2' }), clock });
    office = await srv.login('office', 'Office@2024');
  });
  afterAll(async () => {
    await srv.close();
    await fake.close();
  });
  const base = { town: () => town!._id, source: { kind: 'test' } };

  it('parks members WeCom reports invalid, delivers to the others, and shows them to the office', async () => {
    fake.knownUsers = new Set(['grid-sh-01', 'grid-sh-02']);
    await enqueue(clock, [
      {
        town: base.town(),
        channel: 'wecom_app',
        recipient: { address: 'grid-sh-01|ghost-1' },
        content: { text: '通知' },
        source: base.source,
        idempotencyKey: 'inv-1',
      },
      {
        town: base.town(),
        channel: 'wecom_app',
        recipient: { address: 'ghost-2' },
        content: { text: '通知' },
        source: base.source,
        idempotencyKey: 'inv-2',
      },
    ]);
    await drainOutbox(srv.services);
    fake.knownUsers = undefined;
    expect(fake.to('grid-sh-01')).toHaveLength(1);
    // This test's deliveries only: an earlier test's uncertain send may be parked by this drain too.
    const mine = new Set(
      (await DeliveryModel.find({ idempotencyKey: /^inv-/ }).select('_id').lean()).map((d) => String(d._id)),
    );
    const parked = (await outboxApi(office).parked()).items.filter((p) => mine.has(p.id));
    expect(parked.map((p) => [p.reason, p.recipientCount]).sort()).toEqual([
      ['invalid_recipient', 1],
      ['invalid_recipient', 1],
    ]);
  });

  it('parks a delivery after too many failures; the office sends it again', async () => {
    fake.failNext('/cgi-bin/message/send', 'busy', 8);
    await enqueue(clock, [
      {
        town: base.town(),
        channel: 'wecom_app',
        recipient: { address: 'grid-sh-02' },
        content: { text: '重要' },
        source: base.source,
        idempotencyKey: 'busy-1',
      },
    ]);
    await drainOutbox(srv.services);
    clock.advance(10 * 60_000);
    await drainOutbox(srv.services);
    const d = await DeliveryModel.findOne({ idempotencyKey: 'busy-1' }).lean<DeliveryLean>();
    expect(d).toMatchObject({ state: 'parked', parkedReason: 'max_attempts', attempts: 2 });
    fake.clearFaults();
    expect(await outboxApi(office).retry(String(d!._id))).toMatchObject({ state: 'pending' });
    await drainOutbox(srv.services);
    expect(fake.to('grid-sh-02').map((r) => r.content)).toEqual(['重要']);
    const grid = await srv.login('grid.sh-02', 'Grid@2024');
    await expect(outboxApi(grid).parked()).rejects.toMatchObject({ status: 403 });
  });

  it('parks a bot delivery whose lease ran out as outcome unknown; a late report settles it', async () => {
    await enqueue(clock, [
      {
        town: base.town(),
        channel: 'wechaty',
        recipient: { address: 'room-sq-01' },
        content: { text: '群通知' },
        source: base.source,
        idempotencyKey: 'bot-1',
      },
    ]);
    const post = (p: string, body: unknown) =>
      http(srv.base, 'POST', p, {
        body: JSON.stringify(body),
        headers: { authorization: `Bot ${BOT_TOKEN}`, 'content-type': 'application/json' },
      });
    const claimed = (await post('/api/outbox/claim', { channel: 'wechaty', worker: 'bot-a', limit: 5 })).json
      .deliveries;
    expect(claimed).toHaveLength(1);
    clock.advance(5_000);
    expect(await reapBotLeases(srv.services)).toBe(1);
    expect((await outboxApi(office).parked()).items.find((p) => p.id === claimed[0].id)).toMatchObject({
      reason: 'outcome_unknown',
    });
    expect((await post(`/api/outbox/${claimed[0].id}/result`, { ok: true })).json).toMatchObject({ state: 'sent' });
  });
});
