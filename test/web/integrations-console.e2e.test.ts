import type { Browser, BrowserContext, Page } from 'playwright-core';
import { hazardsApi, type ApiClient } from '@yingji/shared';
import { ApiKeyModel } from '../../server/src/apikeys/model';
import { hashKey } from '../../server/src/apikeys/auth';
import { BroadcastEndpointModel } from '../../server/src/broadcast/model';
import { seedDemoTown } from '../../server/src/demo-seed';
import { runOutboxPass } from '../../server/src/outbox/worker';
import { VillageModel } from '../../server/src/people/models';
import { useTestDatabase } from '../support/db';
import { http, startTestServer, type TestServer } from '../support/server';
import { startReceiver, type FakeReceiver } from '../fakes/receiver';
import { ensureBuild } from './support/h5-build';
import { SHOWN, collectErrors, launch, login, newContext, open, shot, tapTile } from './support/browser';

/**
 * The admin's 系统对接 page at a desk (1366×900), in headless Chromium against the real H5 build
 * and server: a key is made and shown once, works over HTTP, and is refused once revoked; a
 * webhook's secret is shown once and its failed delivery is retried from the page; a broadcast
 * endpoint is registered for a village.
 */
useTestDatabase();
jest.setTimeout(180_000);

let srv: TestServer;
let browser: Browser;
let ctx: BrowserContext;
let page: Page;
let adminApi: ApiClient;
let rx: FakeReceiver;
let errors: string[] = [];

beforeAll(async () => {
  ensureBuild('h5');
  await seedDemoTown();
  srv = await startTestServer({ env: { WEBHOOK_ALLOW_HTTP_LOOPBACK: 'true', OUTBOX_MAX_ATTEMPTS: '2' } });
  adminApi = await srv.login('admin', 'Admin@2024');
  rx = await startReceiver();
  browser = await launch();
  ctx = await newContext(browser, 'desk');
  page = await ctx.newPage();
  errors = collectErrors(page);
}, 20 * 60_000);

afterAll(async () => {
  await ctx?.close().catch(() => undefined);
  await browser?.close();
  await rx?.close();
  await srv?.close();
});

const confirmModal = () =>
  page.locator('.taro__modal button, .taro-modal__foot div', { hasText: '确定' }).last().click();
const openRequests = (key: string) =>
  http(srv.base, 'GET', '/open311/v2/requests.json', { headers: { 'x-api-key': key } });

describe('系统对接 in the console at a desk', () => {
  it('opens from the navigation, with its three sections and their empty states', async () => {
    await login(page, srv.base, 'admin', 'Admin@2024');
    await tapTile(page, '系统对接');
    for (const s of ['接口密钥', '事件推送', '应急广播'])
      await page.locator(`${SHOWN} .section-title`, { hasText: s }).waitFor();
    await page.locator(`${SHOWN} .state-empty`, { hasText: '还没有接口密钥' }).waitFor();
    await page.locator(`${SHOWN} .state-empty`, { hasText: '还没有事件推送' }).waitFor();
    await page.locator(`${SHOWN} .state-empty`, { hasText: '还没有登记广播终端' }).waitFor();
    expect(await page.locator(`${SHOWN} .state-error`).count()).toBe(0);
  });

  let key = '';
  it('creates an API key and shows it once, and the key reads the hazard list over HTTP', async () => {
    await page.click(`${SHOWN} #api-key-create`);
    expect(await page.textContent(`${SHOWN} #api-key-form .error-text`)).toContain('请填写密钥名称');
    await page.fill(`${SHOWN} #api-key-name input`, '县数字应急平台');
    await page.click(`${SHOWN} #scope-read`);
    await page.click(`${SHOWN} #scope-events`);
    await page.click(`${SHOWN} #api-key-create`);
    const once = page.locator(`${SHOWN} #api-key-once`);
    await once.waitFor();
    expect(await once.textContent()).toContain('只显示这一次');
    key = (await once.locator('.shown-once-value').textContent())!.trim();
    expect(key).toMatch(/^yj_[0-9a-f]{8}_/);
    // Stored hashed: the database has its hash, not the key.
    const stored = await ApiKeyModel.findOne({ name: '县数字应急平台' }).lean();
    expect(stored?.hash).toBe(hashKey(key));
    expect(JSON.stringify(stored)).not.toContain(key);

    const row = page.locator(`${SHOWN} .api-key-row`, { hasText: '县数字应急平台' });
    await row.waitFor();
    expect(await row.textContent()).toContain('从未使用');
    expect(await row.textContent()).toContain('读取隐患清单');
    await shot(page, 'integrations-api-key-once');

    // Closed, the key is gone from the page for good.
    await once.locator('.close-once-btn').click();
    await once.waitFor({ state: 'detached' });
    expect(await page.textContent(`${SHOWN}`)).not.toContain(key);

    const ok = await openRequests(key);
    expect(ok.status).toBe(200);
    expect(Array.isArray(ok.json)).toBe(true);
    // The page shows that it was used once reloaded.
    await open(page, srv.base, '/admin/integrations/index');
    await page.locator(`${SHOWN} .api-key-row`, { hasText: '最近使用' }).waitFor();
  });

  it('revokes the key after asking, and the same call is refused at once', async () => {
    const row = page.locator(`${SHOWN} .api-key-row`, { hasText: '县数字应急平台' });
    await row.locator('.revoke-btn').click();
    await confirmModal();
    await page.locator(`${SHOWN} .ok-text`, { hasText: '已停用“县数字应急平台”' }).waitFor();
    await row.locator('.api-key-state', { hasText: '已停用' }).waitFor();
    const refused = await openRequests(key);
    expect(refused.status).toBe(401);
    expect(refused.json.error.code).toBe('API_KEY_INVALID');
  });

  it('registers a webhook, shows its secret once, and retries its refused delivery from the page', async () => {
    // Plain HTTP to the internet is refused, in words.
    await page.fill(`${SHOWN} #webhook-url input`, 'http://county.example.cn/hook');
    await page.click(`${SHOWN} #event-hazard-created`);
    await page.click(`${SHOWN} #webhook-create`);
    await page.locator(`${SHOWN} #webhook-form .error-text`, { hasText: '推送地址必须使用 HTTPS' }).waitFor();
    await page.fill(`${SHOWN} #webhook-url input`, `${rx.url}/county`);
    await page.click(`${SHOWN} #webhook-create`);
    const once = page.locator(`${SHOWN} #webhook-once`);
    await once.waitFor();
    const secret = (await once.locator('.shown-once-value').textContent())!.trim();
    expect(secret).toMatch(/^whsec_/);
    expect(await once.textContent()).toContain('关闭后无法再次查看');
    const row = page.locator(`${SHOWN} .webhook-row`, { hasText: `${rx.url}/county` });
    await row.locator('.webhook-state', { hasText: '推送中' }).waitFor();
    await row.locator('.tag', { hasText: '新隐患' }).waitFor();
    await once.locator('.close-once-btn').click();

    // The receiver refuses the first push for good: parked, shown with 重试.
    rx.status = 410;
    await hazardsApi(adminApi).create({
      category: 'rockfall',
      level: 'general',
      description: '双河村后山落石（对接测试）',
      location: { lat: 29.785, lng: 107.88, address: '双河村桥头' },
      mediaIds: [],
      source: 'inspection',
    });
    await runOutboxPass(srv.services, 'webhook');
    await row.locator('.deliveries-btn').click();
    const delivery = row.locator('.delivery-row').first();
    await delivery.locator('.delivery-state', { hasText: '对方拒收，已暂停' }).waitFor({ timeout: 15_000 });
    expect(await delivery.textContent()).toContain('新隐患');
    await shot(page, 'integrations-webhook-parked');

    rx.status = 200;
    await delivery.locator('.delivery-retry').click();
    await page.locator(`${SHOWN} .ok-text`, { hasText: '已重新放入发送队列' }).waitFor();
    await runOutboxPass(srv.services, 'webhook');
    // Reopened, the list is read again (it also refreshes itself every 10 s).
    await row.locator('.deliveries-btn').click();
    await row.locator('.deliveries-btn').click();
    await delivery.locator('.delivery-state', { hasText: '已送达' }).waitFor({ timeout: 15_000 });
    expect(rx.accepted()).toHaveLength(1);
    expect(rx.accepted()[0]!.headers['x-yingji-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
  });

  it('registers a broadcast endpoint covering a village, its secret shown once', async () => {
    const village = await VillageModel.findOne({ code: 'SH' }).lean();
    await page.fill(`${SHOWN} #broadcast-name input`, '双河村应急广播');
    await page.fill(`${SHOWN} #broadcast-url input`, 'https://broadcast.example.cn/api/play');
    await page.click(`${SHOWN} #village-${String(village!._id)}`);
    await page.click(`${SHOWN} #broadcast-create`);
    const once = page.locator(`${SHOWN} #broadcast-once`);
    await once.waitFor();
    expect((await once.locator('.shown-once-value').textContent())!.trim()).toMatch(/^bcsec_/);
    const row = page.locator(`${SHOWN} .broadcast-row`, { hasText: '双河村应急广播' });
    await row.waitFor();
    expect(await row.locator('.tag').allTextContents()).toEqual([village!.name]);
    const stored = await BroadcastEndpointModel.findOne({ name: '双河村应急广播' }).lean();
    expect(stored?.villages.map(String)).toEqual([String(village!._id)]);
    await shot(page, 'integrations-console');
    expect(errors).toEqual([]);
  });
});
