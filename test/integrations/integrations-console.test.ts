import { hazardsApi, type ApiClient } from '@yingji/shared';
import { DeliveryModel } from '../../server/src/outbox/delivery.model';
import { runOutboxPass } from '../../server/src/outbox/worker';
import { createUser } from '../../server/src/people/service';
import { seedDemo } from '../../server/src/people/seed';
import { TownModel } from '../../server/src/people/town.model';
import { useTestDatabase } from '../support/db';
import { http, startTestServer, type TestServer } from '../support/server';
import { PLACES } from '../tips/helpers';
import { startReceiver, type FakeReceiver } from '../fakes/receiver';

/**
 * What the console's 系统对接 page needs beyond creating things: a subscription's recent deliveries
 * and 重试, and removing a broadcast endpoint; each in the caller's town only.
 */
useTestDatabase();
jest.setTimeout(60_000);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the integrations console routes', () => {
  let srv: TestServer;
  let admin: ApiClient;
  let alice: ApiClient;
  let otherOffice: ApiClient;
  let rx: FakeReceiver;
  let firstHook = '';

  beforeAll(async () => {
    await seedDemo();
    const town = await TownModel.findOne({ code: 'SZ' });
    await createUser(town!._id, { username: 'alice', password: 'Resident@2024', role: 'resident', name: '张三' });
    const other = await TownModel.create({ code: 'QT', name: '其他镇' });
    await createUser(other._id, { username: 'office.qt', password: 'Office@2024', role: 'office', name: '其他镇' });
    srv = await startTestServer({
      env: { WEBHOOK_ALLOW_HTTP_LOOPBACK: 'true', OUTBOX_RETRY_BASE_MS: '10', OUTBOX_MAX_ATTEMPTS: '2' },
    });
    [admin, alice, otherOffice] = await Promise.all([
      srv.login('admin', 'Admin@2024'),
      srv.login('alice', 'Resident@2024'),
      srv.login('office.qt', 'Office@2024'),
    ]);
    rx = await startReceiver();
  });
  afterAll(async () => {
    await rx.close();
    await srv.close();
  });

  const call = (who: ApiClient, method: string, path: string, body?: unknown) =>
    http(srv.base, method, path, {
      token: who.token,
      ...(body ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}),
    });

  async function deliverAll(ms = 10_000) {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      await runOutboxPass(srv.services, 'webhook');
      const open = await DeliveryModel.countDocuments({ channel: 'webhook', state: { $in: ['pending', 'sending'] } });
      if (open === 0) return;
      await sleep(30);
    }
  }

  it("lists a subscription's deliveries with their state, and 重试 sends a parked one", async () => {
    const sub = await call(admin, 'POST', '/api/webhooks', { url: `${rx.url}/down`, events: ['hazard.created'] });
    expect(sub.status).toBe(201);
    const id = sub.json.id as string;
    firstHook = id;
    rx.status = 503;
    await hazardsApi(admin).create({
      category: 'rockfall',
      level: 'general',
      description: '后山落石（推送测试）',
      location: PLACES.xj02,
      mediaIds: [],
      source: 'inspection',
    });
    await deliverAll();
    const list = await call(admin, 'GET', `/api/webhooks/${id}/deliveries`);
    expect(list.status).toBe(200);
    expect(list.json.items).toHaveLength(1);
    const d = list.json.items[0];
    expect(d).toMatchObject({ event: 'hazard.created', state: 'parked', attempts: 2, parkedReason: 'max_attempts' });
    expect(d.lastError).toContain('503');
    // The body is never listed (it is the receiver's business).
    expect(list.text).not.toContain('后山落石');

    // Another town's office and a resident see nothing of it.
    expect((await call(otherOffice, 'GET', `/api/webhooks/${id}/deliveries`)).status).toBe(404);
    expect((await call(otherOffice, 'POST', `/api/webhooks/${id}/deliveries/${d.id}/retry`)).status).toBe(404);
    expect((await call(alice, 'GET', `/api/webhooks/${id}/deliveries`)).status).toBe(403);

    rx.status = 200;
    const retry = await call(admin, 'POST', `/api/webhooks/${id}/deliveries/${d.id}/retry`);
    expect(retry.status).toBe(200);
    expect(retry.json).toEqual({ id: d.id, state: 'pending' });
    await deliverAll();
    expect(rx.accepted().filter((r) => r.path === '/down')).toHaveLength(1);
    const after = await call(admin, 'GET', `/api/webhooks/${id}/deliveries`);
    expect(after.json.items[0]).toMatchObject({ id: d.id, state: 'sent' });
    expect(after.json.items[0].sentAt).toBeDefined();

    // A delivery already sent needs no retry.
    const again = await call(admin, 'POST', `/api/webhooks/${id}/deliveries/${d.id}/retry`);
    expect(again.status).toBe(409);
    expect(again.json.error.code).toBe('DELIVERY_NOT_PARKED');
  });

  it('sends at once a delivery waiting for its back-off after a failure', async () => {
    const sub = await call(admin, 'POST', '/api/webhooks', { url: `${rx.url}/slow`, events: ['hazard.created'] });
    const id = sub.json.id as string;
    expect((await call(admin, 'DELETE', `/api/webhooks/${firstHook}`)).status).toBe(204);
    rx.plan = [500];
    await hazardsApi(admin).create({
      category: 'rockfall',
      level: 'general',
      description: '河堤裂缝（推送测试）',
      location: PLACES.sq01,
      mediaIds: [],
      source: 'inspection',
    });
    await runOutboxPass(srv.services, 'webhook');
    const [d] = (await call(admin, 'GET', `/api/webhooks/${id}/deliveries`)).json.items;
    expect(d).toMatchObject({ state: 'pending', attempts: 1 });
    // Make the back-off long, as it is in production: only 重试 brings it forward.
    await DeliveryModel.updateOne({ _id: d.id }, { $set: { nextAttemptAt: new Date(Date.now() + 3_600_000) } });
    await runOutboxPass(srv.services, 'webhook');
    expect(rx.accepted().filter((r) => r.path === '/slow')).toHaveLength(0);
    expect((await call(admin, 'POST', `/api/webhooks/${id}/deliveries/${d.id}/retry`)).status).toBe(200);
    await runOutboxPass(srv.services, 'webhook');
    expect(rx.accepted().filter((r) => r.path === '/slow')).toHaveLength(1);
  });

  it('removes a broadcast endpoint from the list, in its own town only', async () => {
    const r = await call(admin, 'POST', '/api/broadcast-endpoints', {
      name: '双河村广播',
      url: `${rx.url}/bc`,
      villageIds: ['SH'],
    });
    expect(r.status).toBe(201);
    const id = r.json.id as string;
    expect((await call(admin, 'GET', '/api/broadcast-endpoints')).json.items.map((e: { id: string }) => e.id)).toEqual([
      id,
    ]);
    expect((await call(otherOffice, 'DELETE', `/api/broadcast-endpoints/${id}`)).status).toBe(404);
    expect((await call(alice, 'DELETE', `/api/broadcast-endpoints/${id}`)).status).toBe(403);
    expect((await call(admin, 'DELETE', `/api/broadcast-endpoints/${id}`)).status).toBe(204);
    expect((await call(admin, 'GET', '/api/broadcast-endpoints')).json.items).toEqual([]);
    const twice = await call(admin, 'DELETE', `/api/broadcast-endpoints/${id}`);
    expect(twice.status).toBe(404);
    expect(twice.json.error.code).toBe('NOT_FOUND');
  });
});
