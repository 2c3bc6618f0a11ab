import { hazardsApi, tipsApi, type ApiClient } from '@yingji/shared';
import { TextCheckModel } from '../../server/src/moderation/check.model';
import { HIDDEN_TEXT, WITHHELD_TEXT } from '../../server/src/moderation/present';
import { runContentChecks } from '../../server/src/moderation/service';
import { DeliveryModel } from '../../server/src/outbox/delivery.model';
import { runOutboxPass } from '../../server/src/outbox/worker';
import { createUser } from '../../server/src/people/service';
import { seedDemo } from '../../server/src/people/seed';
import { TownModel } from '../../server/src/people/town.model';
import { announceCheckedTips } from '../../server/src/tips/events';
import { startReceiver, type FakeReceiver, type Received } from '../fakes/receiver';
import { useTestDatabase } from '../support/db';
import { http, startTestServer, type TestServer } from '../support/server';
import { PLACES } from '../tips/helpers';

/**
 * Flagged content is kept and shown to the office with its mark, and never passed on: not in
 * webhooks (tip.created, tip.accepted, hazard.created), not in Open311, not to other staff through
 * the hazard it became. A tip's event waits for the check, so what leaves is the checked text.
 */
useTestDatabase();
jest.setTimeout(60_000);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('flagged content never reaches outside systems', () => {
  let srv: TestServer;
  let office: ApiClient;
  let grid: ApiClient;
  let alice: ApiClient;
  let rx: FakeReceiver;
  let read: string;
  let intake: string;

  const post = (path: string, token: string, body: unknown) =>
    http(srv.base, 'POST', path, {
      token,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    await seedDemo();
    const town = await TownModel.findOne({ code: 'SZ' });
    await createUser(town!._id, {
      username: 'alice',
      password: 'Resident@2024',
      role: 'resident',
      name: '张三',
      phone: '13800138000',
    });
    // No WeChat configured: the local word list decides (赌博 is on it).
    srv = await startTestServer({ env: { WEBHOOK_ALLOW_HTTP_LOOPBACK: 'true', OUTBOX_RETRY_BASE_MS: '10' } });
    [office, grid, alice] = await Promise.all([
      srv.login('office', 'Office@2024'),
      srv.login('grid.sq-01', 'Grid@2024'),
      srv.login('alice', 'Resident@2024'),
    ]);
    rx = await startReceiver();
    const hook = await post('/api/webhooks', office.token!, {
      url: `${rx.url}/hook`,
      events: ['tip.created', 'tip.accepted', 'hazard.created'],
    });
    expect(hook.status).toBe(201);
    read = (await post('/api/api-keys', office.token!, { name: '县平台', scopes: ['read'] })).json.key;
    intake = (await post('/api/api-keys', office.token!, { name: '视频监控', scopes: ['intake'], ratePerMinute: 1000 }))
      .json.key;
  });
  afterAll(async () => {
    await rx.close();
    await srv.close();
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
  const about = (id: string) => rx.accepted().filter((r: Received) => JSON.stringify(r.json?.data ?? {}).includes(id));
  const open311 = async (code: string) =>
    (await http(srv.base, 'GET', `/open311/v2/requests/${code}.json?api_key=${read}`)).json[0] as {
      description: string;
    };

  it('sends tip.created only after the check, once, with the text the check passed', async () => {
    const tip = await tipsApi(alice).create({
      category: 'flood_drought',
      description: '河堤出现裂缝，约三米长',
      location: PLACES.sq01,
    });
    await announceCheckedTips(srv.services);
    await deliverAll();
    expect(about(tip.id)).toHaveLength(0); // not checked yet: nothing has left

    await runContentChecks(srv.services);
    await announceCheckedTips(srv.services);
    await announceCheckedTips(srv.services);
    await deliverAll();
    const got = about(tip.id);
    expect(got).toHaveLength(1);
    expect(got[0]!.json).toMatchObject({
      event: 'tip.created',
      data: { id: tip.id, description: '河堤出现裂缝，约三米长', source: 'app' },
    });
    expect((await open311(tip.code)).description).toBe('河堤出现裂缝，约三米长');
  });

  it('withholds a flagged tip, and the hazard accepted from it, from webhooks, Open311 and other staff', async () => {
    const text = '河边有人聚众赌博，占了防汛通道';
    const tip = await tipsApi(alice).create({ category: 'flood_drought', description: text, location: PLACES.sq01 });
    await runContentChecks(srv.services);
    await announceCheckedTips(srv.services);
    await deliverAll();
    const created = about(tip.id);
    expect(created).toHaveLength(1);
    expect(created[0]!.json).toMatchObject({ event: 'tip.created', data: { description: WITHHELD_TEXT } });
    expect(created[0]!.raw).not.toContain('赌博');
    expect((await open311(tip.code)).description).toBe(WITHHELD_TEXT);

    const accepted = await tipsApi(office).triage(tip.id, { decision: 'accept', level: 'general' });
    const hazard = accepted.hazard!;
    await deliverAll();
    const events = about(tip.id);
    expect(events.map((r) => r.json!.event).sort()).toEqual(['hazard.created', 'tip.accepted', 'tip.created']);
    for (const r of events) expect(r.raw).not.toContain('赌博');
    expect((await open311(hazard.code)).description).toBe(WITHHELD_TEXT);
    const list = await http(srv.base, 'GET', `/open311/v2/requests.json?api_key=${read}`);
    expect(list.text).not.toContain('赌博');
    expect(list.json.find((x: { service_request_id: string }) => x.service_request_id === hazard.code)).toMatchObject({
      description: WITHHELD_TEXT,
    });

    // The hazard carries the tip's mark: other staff do not read it, the office does, with the reason.
    const byGrid = await hazardsApi(grid).get(hazard.id);
    expect(byGrid.description).toBe(HIDDEN_TEXT);
    expect(byGrid.moderation).toBeUndefined();
    const byOffice = await hazardsApi(office).get(hazard.id);
    expect(byOffice.description).toBe(text);
    expect(byOffice.moderation).toMatchObject({ flagged: true, reason: expect.stringContaining('赌博') });
  });

  it('checks a hazard reported in a chat before its hazard.created leaves', async () => {
    const clean = await hazardsApi(grid).create({ description: '桥墩冲刷严重，护坡垮塌', source: 'chat' });
    const bad = await hazardsApi(grid).create({ description: '桥下有人聚众赌博，堆了杂物', source: 'chat' });
    await deliverAll();
    expect(about(clean.id)[0]!.json).toMatchObject({
      event: 'hazard.created',
      data: { description: '桥墩冲刷严重，护坡垮塌' },
    });
    expect(about(bad.id)[0]!.json).toMatchObject({ event: 'hazard.created', data: { description: WITHHELD_TEXT } });
    expect(about(bad.id)[0]!.raw).not.toContain('赌博');
  });

  it('checks a video alarm accepted at once by a town rule before any of its events leaves', async () => {
    const rules = await http(srv.base, 'PUT', '/api/intake/rules', {
      token: office.token,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        foldMinutes: 10,
        rules: [{ type: 'landslide', minConfidence: 0.9, level: 'major', calloutDraft: false }],
      }),
    });
    expect(rules.status).toBe(200);
    const r = await http(srv.base, 'POST', '/api/intake/alarms', {
      headers: { 'x-api-key': intake, 'content-type': 'application/json' },
      body: JSON.stringify({
        cameraId: 'CAM-HOLD',
        type: 'landslide',
        occurredAt: new Date().toISOString(),
        confidence: 0.95,
        location: PLACES.xj02,
        description: '画面中有人聚众赌博',
      }),
    });
    expect(r.status).toBe(201);
    expect(r.json.hazardId).toBeDefined();
    // No content-check job has run: the triage checked the tip itself and the hazard took its mark.
    expect(await TextCheckModel.findById(`hazard:${r.json.hazardId}`).lean()).toMatchObject({ flagged: true });
    await deliverAll();
    const events = about(r.json.id);
    expect(events.map((e) => e.json!.event).sort()).toEqual(['hazard.created', 'tip.accepted', 'tip.created']);
    for (const e of events) {
      expect(e.raw).not.toContain('赌博');
      expect(e.json!.data.description).toBe(WITHHELD_TEXT);
    }
    expect(events.find((e) => e.json!.event === 'tip.created')!.json!.data.source).toBe('video');
  });
});
