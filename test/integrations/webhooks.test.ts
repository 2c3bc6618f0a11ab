import crypto from 'node:crypto';
import { hazardsApi, tipsApi, type ApiClient } from '@yingji/shared';
import { EventModel, EventReceiptModel } from '../../server/src/events/model';
import { drainEvents } from '../../server/src/events/bus';
import { DeliveryModel } from '../../server/src/outbox/delivery.model';
import { runOutboxPass } from '../../server/src/outbox/worker';
import { createUser } from '../../server/src/people/service';
import { seedDemo } from '../../server/src/people/seed';
import { TownModel } from '../../server/src/people/town.model';
import { UserModel } from '../../server/src/people/user.model';
import { runContentChecks } from '../../server/src/moderation/service';
import { RewardModel } from '../../server/src/rewards/reward.model';
import { announceCheckedTips } from '../../server/src/tips/events';
import { WebhookModel } from '../../server/src/webhooks/model';
import { useTestDatabase } from '../support/db';
import { http, startTestServer, type TestServer } from '../support/server';
import { PLACES, photo, upload } from '../tips/helpers';
import { startReceiver, type FakeReceiver } from '../fakes/receiver';

useTestDatabase();
jest.setTimeout(60_000);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const verify = (secret: string, raw: string, header: string | string[] | undefined) =>
  header === `sha256=${crypto.createHmac('sha256', secret).update(raw).digest('hex')}`;

describe('signed webhooks on the domain event feed', () => {
  let srv: TestServer;
  let office: ApiClient;
  let alice: ApiClient;
  let rx: FakeReceiver;
  let gridUserId: string;

  beforeAll(async () => {
    await seedDemo();
    const town = await TownModel.findOne({ code: 'SZ' });
    await TownModel.updateOne({ _id: town!._id }, { $set: { 'config.rewards': { trigger: 'closed' } } });
    await createUser(town!._id, {
      username: 'alice',
      password: 'Resident@2024',
      role: 'resident',
      name: '张三',
      phone: '13800138000',
    });
    gridUserId = String((await UserModel.findOne({ username: 'grid.sq-01' }))!._id);
    srv = await startTestServer({
      env: { WEBHOOK_ALLOW_HTTP_LOOPBACK: 'true', OUTBOX_RETRY_BASE_MS: '10', OUTBOX_MAX_ATTEMPTS: '5' },
    });
    [office, alice] = await Promise.all([srv.login('office', 'Office@2024'), srv.login('alice', 'Resident@2024')]);
    rx = await startReceiver();
  });
  afterAll(async () => {
    await rx.close();
    await srv.close();
  });
  beforeEach(async () => {
    await WebhookModel.updateMany({}, { $set: { active: false } });
    rx.requests.length = 0;
    rx.plan = [];
    rx.status = 200;
  });

  async function subscribe(events: string[], path = '/hook') {
    const r = await http(srv.base, 'POST', '/api/webhooks', {
      token: office.token,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url: rx.url + path, events }),
    });
    expect(r.status).toBe(201);
    return r.json as { id: string; secret: string };
  }

  /** Run the webhook worker until nothing is due (back-off waits included), at most `ms`. */
  async function deliverAll(ms = 10_000) {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      await runOutboxPass(srv.services, 'webhook');
      const open = await DeliveryModel.countDocuments({ channel: 'webhook', state: { $in: ['pending', 'sending'] } });
      if (open === 0) return;
      await sleep(30);
    }
  }

  it('refuses a plain-HTTP receiver that is not on loopback, and a resident', async () => {
    const bad = await http(srv.base, 'POST', '/api/webhooks', {
      token: office.token,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url: 'http://example.com/hook', events: ['tip.created'] }),
    });
    expect(bad.status).toBe(400);
    expect(bad.json.error.code).toBe('WEBHOOK_HTTPS_REQUIRED');
    const resident = await http(srv.base, 'POST', '/api/webhooks', {
      token: alice.token,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url: 'https://example.com/hook', events: ['tip.created'] }),
    });
    expect(resident.status).toBe(403);
  });

  it('delivers a new tip signed with the subscription secret, without the reporter or an unmasked phone', async () => {
    const { secret } = await subscribe(['tip.created'], '/tips');
    const tip = await tipsApi(alice).create({
      category: 'hazchem',
      description: '仓库私存汽油，请联系 13912345678',
      location: PLACES.sq01,
      confidential: true,
    });
    // tip.created waits for the content check; then it is only put in the outbox: nothing was sent yet.
    await runContentChecks(srv.services);
    await announceCheckedTips(srv.services);
    expect(rx.requests).toHaveLength(0);
    await deliverAll();
    const got = rx.requests.filter((r) => r.path === '/tips');
    expect(got).toHaveLength(1);
    const [r] = got;
    expect(verify(secret, r!.raw, r!.headers['x-yingji-signature'])).toBe(true);
    expect(verify('another-secret', r!.raw, r!.headers['x-yingji-signature'])).toBe(false);
    expect(r!.headers['x-yingji-event']).toBe('tip.created');
    expect(r!.headers['x-yingji-delivery']).toMatch(/^[0-9a-f]{24}$/);
    expect(r!.json).toMatchObject({ event: 'tip.created', data: { id: tip.id, code: tip.code } });
    expect(Object.keys(r!.json!).sort()).toEqual(['data', 'event', 'id', 'occurredAt', 'town']);
    expect(r!.raw).not.toContain('13912345678');
    expect(r!.raw).not.toContain('13800138000');
    expect(r!.raw).not.toContain('张三');
    expect(r!.raw).toContain('139****5678');
  });

  it('gets an event to a receiver that fails 3 times then succeeds, once', async () => {
    await subscribe(['hazard.created'], '/flaky');
    rx.plan = [500, 503, 500];
    const h = await hazardsApi(office).create({
      category: 'rockfall',
      level: 'general',
      description: '后山落石',
      location: PLACES.xj02,
      mediaIds: [],
      source: 'inspection',
    });
    await deliverAll();
    const got = rx.requests.filter((r) => r.path === '/flaky');
    expect(got.map((r) => r.answered)).toEqual([500, 503, 500, 200]);
    expect(new Set(got.map((r) => r.json!.id)).size).toBe(1);
    expect(new Set(got.map((r) => r.headers['x-yingji-delivery'])).size).toBe(1);
    expect(rx.accepted().filter((r) => r.path === '/flaky')).toHaveLength(1);
    expect(got[0]!.json).toMatchObject({ event: 'hazard.created', data: { id: h.id, code: h.code } });
  });

  it('parks a delivery the receiver keeps refusing, and sends it when the office retries it', async () => {
    await subscribe(['hazard.created'], '/refusing');
    rx.status = 410;
    await hazardsApi(office).create({
      category: 'rockfall',
      level: 'general',
      description: '河堤裂缝',
      location: PLACES.sq01,
      mediaIds: [],
      source: 'inspection',
    });
    await deliverAll();
    const parked = await http(srv.base, 'GET', '/api/outbox/parked?channel=webhook', { token: office.token });
    expect(parked.status).toBe(200);
    expect(parked.json.items).toHaveLength(1);
    expect(parked.json.items[0]).toMatchObject({ channel: 'webhook', reason: 'rejected' });
    rx.status = 200;
    const retry = await http(srv.base, 'POST', `/api/outbox/${parked.json.items[0].id}/retry`, {
      token: office.token,
    });
    expect(retry.status).toBe(200);
    await deliverAll();
    expect(rx.accepted().filter((r) => r.path === '/refusing')).toHaveLength(1);
  });

  it('publishes a closure once, and rewards and the webhook each react to it once', async () => {
    await subscribe(['hazard.closed'], '/closed');
    const tip = await tipsApi(alice).create({ category: 'hazchem', description: '私存汽油', location: PLACES.sq01 });
    const accepted = await tipsApi(office).triage(tip.id, { decision: 'accept', level: 'general' });
    const id = accepted.hazard!.id;
    const { id: pic } = await upload(office, await photo({ gps: false }));
    await hazardsApi(office).act(id, { action: 'assign', responsibleUserId: gridUserId });
    await hazardsApi(office).act(id, { action: 'start' });
    await hazardsApi(office).act(id, { action: 'submit', mediaIds: [pic] });
    const { id: check } = await upload(office, await photo({ gps: false }));
    await hazardsApi(office).act(id, { action: 'close', note: '复核合格', mediaIds: [check] });

    const closed = await EventModel.find({ event: 'hazard.closed', 'subject.id': id }).lean();
    expect(closed).toHaveLength(1);
    expect(await RewardModel.countDocuments({ hazard: id })).toBe(1);
    // Processing the feed again (as the job does after a crash) changes nothing.
    await EventModel.updateOne({ _id: closed[0]!._id }, { $set: { open: true } });
    await EventReceiptModel.updateMany(
      { eventId: closed[0]!._id },
      { $set: { state: 'failed', leaseUntil: new Date(0) } },
    );
    await drainEvents(srv.services);
    expect(await RewardModel.countDocuments({ hazard: id })).toBe(1);
    expect(await DeliveryModel.countDocuments({ channel: 'webhook', 'source.id': closed[0]!._id })).toBe(1);
    await deliverAll();
    const got = rx.accepted().filter((r) => r.path === '/closed');
    expect(got).toHaveLength(1);
    expect(got[0]!.json).toMatchObject({ event: 'hazard.closed', data: { id, status: 'closed' } });
  });
});
