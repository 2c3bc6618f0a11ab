import { tipsApi, type ApiClient } from '@yingji/shared';
import { ApiKeyAuditModel, ApiKeyModel } from '../../server/src/apikeys/model';
import { runContentChecks } from '../../server/src/moderation/service';
import { createUser } from '../../server/src/people/service';
import { seedDemo } from '../../server/src/people/seed';
import { TownModel } from '../../server/src/people/town.model';
import { announceCheckedTips } from '../../server/src/tips/events';
import { useTestDatabase } from '../support/db';
import { http, startTestServer, type TestServer } from '../support/server';
import { PLACES } from '../tips/helpers';

useTestDatabase();

const BOT_TOKEN = 'bot-token-bot-token-bot-token';

describe('API keys for outside systems', () => {
  let srv: TestServer;
  let office: ApiClient;
  let alice: ApiClient;
  let otherOffice: ApiClient;

  beforeAll(async () => {
    await seedDemo();
    const town = await TownModel.findOne({ code: 'SZ' });
    await createUser(town!._id, { username: 'alice', password: 'Resident@2024', role: 'resident', name: '张三' });
    const other = await TownModel.create({ code: 'QT', name: '其他镇' });
    await createUser(other._id, {
      username: 'office.qt',
      password: 'Office@2024',
      role: 'office',
      name: '其他镇应急办',
    });
    srv = await startTestServer({ env: { BOT_TOKEN } });
    [office, alice, otherOffice] = await Promise.all([
      srv.login('office', 'Office@2024'),
      srv.login('alice', 'Resident@2024'),
      srv.login('office.qt', 'Office@2024'),
    ]);
  });
  afterAll(() => srv.close());

  async function newKey(who: ApiClient, body: Record<string, unknown>) {
    const r = await http(srv.base, 'POST', '/api/api-keys', {
      token: who.token,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return r;
  }
  const feed = (key: string, q = '') => http(srv.base, 'GET', `/api/events${q}`, { headers: { 'x-api-key': key } });

  it('shows a new key once and keeps only its hash', async () => {
    const r = await newKey(office, { name: '县数字应急平台', scopes: ['events', 'read'] });
    expect(r.status).toBe(201);
    expect(Object.keys(r.json).sort()).toEqual(['id', 'key']);
    const stored = await ApiKeyModel.findById(r.json.id).lean();
    expect(JSON.stringify(stored)).not.toContain(r.json.key);
    const list = await http(srv.base, 'GET', '/api/api-keys', { token: office.token });
    expect(list.json.items[0]).toMatchObject({ name: '县数字应急平台', scopes: ['events', 'read'] });
    expect(list.text).not.toContain(r.json.key);
  });

  it('lets only the office or the admin create keys', async () => {
    expect((await newKey(alice, { name: 'x', scopes: ['intake'] })).status).toBe(403);
    expect((await newKey(office, { name: 'x', scopes: ['everything'] })).status).toBe(400);
  });

  it('refuses a revoked key at once, and a key without the scope', async () => {
    const { json } = await newKey(office, { name: '视频监控平台', scopes: ['events'] });
    expect((await feed(json.key)).status).toBe(200);
    const del = await http(srv.base, 'DELETE', `/api/api-keys/${json.id}`, { token: office.token });
    expect(del.status).toBe(200);
    expect(del.json.revokedAt).toBeDefined();
    const after = await feed(json.key);
    expect(after.status).toBe(401);
    expect(after.json.error.code).toBe('API_KEY_INVALID');
    expect((await feed('yj_00000000_not-a-key')).status).toBe(401);
    const intakeOnly = await newKey(office, { name: '摄像头', scopes: ['intake'] });
    const noScope = await feed(intakeOnly.json.key);
    expect(noScope.status).toBe(403);
    expect(noScope.json.error.code).toBe('API_KEY_SCOPE_MISSING');
  });

  it('keeps a key of one town out of another town', async () => {
    await tipsApi(alice).create({ category: 'hazchem', description: '私存汽油', location: PLACES.sq01 });
    // tip.created is published once the content check has run.
    await runContentChecks(srv.services);
    await announceCheckedTips(srv.services);
    const ours = await newKey(office, { name: '本镇', scopes: ['events'] });
    const theirs = await newKey(otherOffice, { name: '其他镇', scopes: ['events'] });
    const mine = await feed(ours.json.key);
    expect(mine.json.items.length).toBeGreaterThan(0);
    const other = await feed(theirs.json.key);
    expect(other.status).toBe(200);
    expect(other.json.items).toEqual([]);
    // Nor can the other town revoke this town's key.
    expect((await http(srv.base, 'DELETE', `/api/api-keys/${ours.json.id}`, { token: otherOffice.token })).status).toBe(
      404,
    );
    expect((await feed(ours.json.key)).status).toBe(200);
  });

  it('limits calls per minute, audits every call and records the last use', async () => {
    const { json } = await newKey(office, { name: '限速', scopes: ['events'], ratePerMinute: 2 });
    // The three calls fall in one clock minute (the limit's window).
    if (Date.now() % 60_000 > 55_000) await new Promise((r) => setTimeout(r, 60_000 - (Date.now() % 60_000) + 100));
    expect((await feed(json.key)).status).toBe(200);
    expect((await feed(json.key)).status).toBe(200);
    const third = await feed(json.key);
    expect(third.status).toBe(429);
    expect(third.json.error.code).toBe('API_KEY_RATE_LIMITED');
    expect(third.headers.get('retry-after')).toBeTruthy();
    const audit = await ApiKeyAuditModel.find({ key: json.id }).sort({ at: 1 }).lean();
    expect(audit.map((a) => a.status)).toEqual([200, 200, 429]);
    expect(audit[0]).toMatchObject({ method: 'GET', path: '/api/events', keyName: '限速' });
    expect((await ApiKeyModel.findById(json.id).lean())!.lastUsedAt).toBeInstanceOf(Date);
  });

  it('still lets bots in with BOT_TOKEN', async () => {
    const r = await http(srv.base, 'POST', '/api/outbox/claim', {
      headers: { authorization: `Bot ${BOT_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ channel: 'wechaty', worker: 'test' }),
    });
    expect(r.status).toBe(200);
  });
});
