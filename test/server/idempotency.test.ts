import { ActionKeys, type ApiClient } from '@yingji/shared';
import { CalloutModel } from '../../server/src/callouts/callout.model';
import { ManualClock } from '../../server/src/core/clock';
import { DrillModel } from '../../server/src/drills/model';
import { HazardModel } from '../../server/src/hazards/hazard.model';
import { seedDemo } from '../../server/src/people/seed';
import { TransferModel } from '../../server/src/shelters/model';
import { seedDemoResources } from '../../server/src/shelters/seed';
import { useTestDatabase } from '../support/db';
import { http, startTestServer, type TestServer } from '../support/server';

useTestDatabase();

/** Idempotency-Key on the create routes: a retry after a lost answer creates nothing twice. */
describe('create routes with an Idempotency-Key', () => {
  const clock = new ManualClock(new Date('2024-07-01T02:00:00Z'));
  let srv: TestServer;
  let office: ApiClient;
  let grid: ApiClient;
  let cadre: ApiClient;

  beforeAll(async () => {
    await seedDemo();
    await seedDemoResources();
    srv = await startTestServer({ clock });
    [office, grid, cadre] = await Promise.all([
      srv.login('office', 'Office@2024'),
      srv.login('grid.sq-01', 'Grid@2024'),
      srv.login('cadre.sq', 'Cadre@2024'),
    ]);
  });
  afterAll(() => srv.close());

  const post = (who: ApiClient, path: string, body: unknown, key?: string) =>
    http(srv.base, 'POST', path, {
      token: who.token,
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json', ...(key ? { 'idempotency-key': key } : {}) },
    });

  it('issues one warning when the office repeats a call-out with the same key, answering the first result', async () => {
    const body = { title: '暴雨橙色预警', level: 'orange', body: '请立即巡查隐患点', exercise: true };
    const first = await post(office, '/api/callouts', body, 'callout-key-1');
    expect(first.status).toBe(201);
    const again = await post(office, '/api/callouts', body, 'callout-key-1');
    expect(again.status).toBe(201);
    expect(again.json).toEqual(first.json);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await CalloutModel.countDocuments({ title: '暴雨橙色预警' })).toBe(1);
  });

  it('counts a transfer once when the grid member repeats it with the same key', async () => {
    const before = await TransferModel.countDocuments();
    const first = await post(grid, '/api/transfers', { count: 7, channel: 'miniprogram' }, 'transfer-7');
    const again = await post(grid, '/api/transfers', { count: 7, channel: 'miniprogram' }, 'transfer-7');
    expect(first.status).toBe(201);
    expect(again).toMatchObject({ status: 201, json: first.json });
    expect(await TransferModel.countDocuments()).toBe(before + 1);
  });

  it('files one hazard for a repeated staff report, and refuses the key reused for another report', async () => {
    const body = { category: 'fire', description: '楼道堆放杂物堵塞消防通道', source: 'field' };
    const first = await post(grid, '/api/hazards', body, 'hazard-key');
    const again = await post(grid, '/api/hazards', {
      source: 'field',
      description: body.description,
      category: 'fire',
    });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201); // no key: a second, separate report
    const repeat = await post(grid, '/api/hazards', body, 'hazard-key');
    expect(repeat).toMatchObject({ status: 201, json: first.json });
    const other = await post(grid, '/api/hazards', { ...body, description: '另一处隐患' }, 'hazard-key');
    expect(other.status).toBe(422);
    expect(other.json.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(other.json.error.message).toMatch(/Idempotency-Key/);
    expect(await HazardModel.countDocuments({ description: body.description })).toBe(2);
    expect(await HazardModel.countDocuments({ description: '另一处隐患' })).toBe(0);
  });

  it('creates one drill when the same request arrives many times at once', async () => {
    const body = { title: '并发创建演练' };
    const answers = await Promise.all([1, 2, 3, 4, 5, 6].map(() => post(office, '/api/drills', body, 'drill-once')));
    expect(await DrillModel.countDocuments({ title: '并发创建演练' })).toBe(1);
    const ok = answers.filter((a) => a.status === 201);
    expect(ok.length).toBeGreaterThan(0);
    for (const a of ok) expect(a.json.id).toBe(ok[0]!.json.id);
    for (const a of answers.filter((x) => x.status !== 201)) {
      expect(a).toMatchObject({ status: 409, json: { error: { code: 'IDEMPOTENCY_IN_PROGRESS' } } });
    }
  });

  it('never answers 500 when many repeats race (PostgreSQL can end one insert of a key in a deadlock)', async () => {
    for (let round = 0; round < 8; round++) {
      const answers = await Promise.all(
        Array.from({ length: 8 }, () => post(office, '/api/drills', { title: `并发演练${round}` }, `race-${round}`)),
      );
      expect(answers.filter((a) => a.status >= 500)).toEqual([]);
      expect(await DrillModel.countDocuments({ title: `并发演练${round}` })).toBe(1);
    }
  }, 90_000);

  it('keeps keys apart per caller: the same key from another user is their own action', async () => {
    const body = { count: 3 };
    const mine = await post(grid, '/api/transfers', body, 'shared-key');
    const theirs = await post(cadre, '/api/transfers', body, 'shared-key');
    expect(mine.status).toBe(201);
    expect(theirs.status).toBe(201);
    expect(await TransferModel.countDocuments({ count: 3 })).toBe(2);
  });

  it('lets a failed attempt be retried with the same key once the request is fixed', async () => {
    const bad = await post(office, '/api/drills', { title: '' }, 'fix-and-retry');
    expect(bad.status).toBe(400);
    const good = await post(office, '/api/drills', { title: '修正后的演练' }, 'fix-and-retry');
    expect(good.status).toBe(201);
    expect(await DrillModel.countDocuments({ title: '修正后的演练' })).toBe(1);
  });

  it('refuses a malformed key with a stable code', async () => {
    const res = await post(office, '/api/drills', { title: '演练' }, 'x'.repeat(300));
    expect(res).toMatchObject({ status: 400, json: { error: { code: 'IDEMPOTENCY_KEY_INVALID' } } });
    expect(await DrillModel.countDocuments({ title: '演练' })).toBe(0);
  });

  it('remembers a key for 24 hours, and treats it as new after that', async () => {
    const body = { title: '保留期演练' };
    await post(office, '/api/drills', body, 'day-key');
    clock.advance(23 * 3600 * 1000);
    expect((await post(office, '/api/drills', body, 'day-key')).status).toBe(201);
    expect(await DrillModel.countDocuments({ title: '保留期演练' })).toBe(1);
    clock.advance(2 * 3600 * 1000);
    expect((await post(office, '/api/drills', body, 'day-key')).status).toBe(201);
    expect(await DrillModel.countDocuments({ title: '保留期演练' })).toBe(2);
  });

  it('documents the header on each create route in the OpenAPI document', async () => {
    const doc = (await http(srv.base, 'GET', '/api/openapi.json')).json;
    for (const p of ['/api/callouts', '/api/transfers', '/api/hazards', '/api/drills']) {
      const params = doc.paths[p].post.parameters as { name: string; in: string }[];
      expect(params).toContainEqual(expect.objectContaining({ name: 'idempotency-key', in: 'header' }));
      expect(Object.keys(doc.paths[p].post.responses)).toEqual(expect.arrayContaining(['409', '422']));
    }
  });

  it('sends one key per action from the typed client: a retried action reuses it, a new action does not', async () => {
    const keys = new ActionKeys();
    const body = { count: 11, channel: 'miniprogram' };
    const k1 = keys.keyFor(body);
    expect(keys.keyFor({ channel: 'miniprogram', count: 11 })).toBe(k1); // the same action, retried
    const r1 = await grid.create('/api/transfers', body, { idempotencyKey: k1 });
    const r2 = await grid.create('/api/transfers', body, { idempotencyKey: keys.keyFor(body) }); // lost answer, retried
    expect(r2).toEqual(r1);
    expect(await TransferModel.countDocuments({ count: 11 })).toBe(1);
    keys.done();
    const k2 = keys.keyFor(body);
    expect(k2).not.toBe(k1); // the next report is a new action
    await grid.create('/api/transfers', body, { idempotencyKey: k2 });
    expect(await TransferModel.countDocuments({ count: 11 })).toBe(2);
  });
});
