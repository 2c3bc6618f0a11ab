import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { mock } from 'wechaty-puppet-mock';
import { hazardsApi, townsApi, type ApiClient } from '@yingji/shared';
import { startBot, type BotProcess } from '../../bot/src/main';
import { seedDemoTown } from '../../server/src/demo-seed';
import { ChatGroupModel, GridModel, TownModel } from '../../server/src/people/models';
import { BOT_TOKEN, chatEnv, eventually } from '../chat/support';
import { mockWechaty, type MockWechaty } from '../chat/wechaty-harness';
import { useTestDatabase } from '../support/db';
import { startTestServer, type TestServer } from '../support/server';
import { platformAdmin, square } from '../towns/support';
import { ensureBuild } from './support/h5-build';
import { SHOWN, collectErrors, launch, login, newContext, open, shot } from './support/browser';

/**
 * Setting up a town from the console at a desk (1366×900), in headless Chromium against the real
 * H5 build, server and bot (Wechaty mock room): the admin adds a village, draws a grid on the
 * town map and binds a WeChat room to it by code; a county account then watches the sample town
 * and a second one side by side, and looks into one.
 */
useTestDatabase();
jest.setTimeout(180_000);

const ROOM_ID = 'shizhi-new-grid@chatroom';
const COUNTY = '重庆市丰都县';

let srv: TestServer;
let w: MockWechaty;
let bot: BotProcess;
let room: mock.RoomMock;
let member: mock.ContactMock;
let browser: Browser;
const contexts: BrowserContext[] = [];
let admin: Page;
let county: Page;
const errors: Record<string, string[]> = {};

beforeAll(async () => {
  ensureBuild('h5');
  await seedDemoTown();
  srv = await startTestServer({ env: chatEnv });
  w = mockWechaty();
  bot = await startBot({ apiBaseUrl: srv.base, botToken: BOT_TOKEN, wechaty: w.bot, outboxIntervalMs: 200 });
  const self = await w.login();
  member = w.mocker.createContact({ id: 'wxid_sz_new_member', name: '李组长' });
  room = w.mocker.createRoom({ id: ROOM_ID, topic: '青杠村第一网格群', memberIdList: [self.id, member.id] });
  browser = await launch();
  const pages: Page[] = [];
  for (const name of ['admin', 'county']) {
    const ctx = await newContext(browser, 'desk');
    contexts.push(ctx);
    const page = await ctx.newPage();
    errors[name] = collectErrors(page);
    pages.push(page);
  }
  [admin, county] = pages;
}, 20 * 60_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await bot?.stop();
  await srv?.close();
});

const settled = (page: Page) =>
  page.waitForFunction((s) => !document.querySelector(`${s} .state-loading`), SHOWN, { timeout: 15_000 });

describe('the town admin sets up places and groups in the console', () => {
  const GRID = '青杠村第一网格';

  it('adds a village from 村与网格', async () => {
    await login(admin, srv.base, 'admin', 'Admin@2024');
    await admin.locator(`${SHOWN} .desk-nav-item`, { hasText: '村与网格' }).first().click();
    await admin.waitForSelector(`${SHOWN} #draw-grid-map`, { timeout: 15_000 });
    await settled(admin);
    await shot(admin, 'admin-places');
    await admin.fill(`${SHOWN} #village-name input`, '青杠村');
    await admin.click(`${SHOWN} #village-add`);
    await admin.locator(`${SHOWN} #places-message`, { hasText: '已新建 青杠村' }).waitFor({ timeout: 15_000 });
    // Its 村民小组, from the village opened in the list.
    await admin.locator(`${SHOWN} .village-chip`, { hasText: '青杠村' }).click();
    await admin.fill(`${SHOWN} #village-group-name input`, '一组');
    await admin.click(`${SHOWN} #village-group-add`);
    await admin.locator(`${SHOWN} .village-group-row`, { hasText: '一组' }).waitFor({ timeout: 15_000 });
    await shot(admin, 'admin-places-village');
  });

  it('draws a grid by clicking its corners on the town map, saves it and sees it listed', async () => {
    await admin.locator(`${SHOWN} .grid-village-option`, { hasText: '青杠村' }).click();
    await admin.fill(`${SHOWN} #grid-name input`, GRID);
    // The map's corner is beyond every existing grid (the map spans them with a margin).
    const map = admin.locator(`${SHOWN} #draw-grid-map`);
    const box = (await map.boundingBox())!;
    for (const [fx, fy] of [
      [0.02, 0.02],
      [0.09, 0.02],
      [0.09, 0.09],
      [0.02, 0.09],
    ])
      await admin.mouse.click(box.x + fx * box.width, box.y + fy * box.height);
    expect(await admin.locator(`${SHOWN} .draw-corner`).count()).toBe(4);
    expect(await admin.textContent(`${SHOWN} #draw-grid-count`)).toContain('已点 4 个角');
    await shot(admin, 'admin-places-drawing');
    await admin.click(`${SHOWN} #draw-grid-save`);
    await admin.locator(`${SHOWN} #places-message`, { hasText: `已新建网格 ${GRID}` }).waitFor({ timeout: 15_000 });
    const row = admin.locator(`${SHOWN} .grid-row`, { hasText: GRID });
    await row.waitFor();
    expect(await row.textContent()).toContain('青杠村');
    const grid = await GridModel.findOne({ name: GRID }).lean();
    expect(grid?.area.length).toBeGreaterThanOrEqual(4);
    await shot(admin, 'admin-places-saved');
  });

  it('imports grids from a GeoJSON file: a bad ring is reported by row and nothing imported, then a good file', async () => {
    // East of every grid of the town, so nothing overlaps.
    const grids = await GridModel.find({}).lean();
    const east = Math.max(...grids.flatMap((g) => g.area.map((p) => p.lng))) + 0.01;
    const lat = Math.min(...grids.flatMap((g) => g.area.map((p) => p.lat)));
    const feature = (name: string, ring: number[][]) => ({
      type: 'Feature',
      properties: { name, village: '青杠村' },
      geometry: { type: 'Polygon', coordinates: [ring] },
    });
    const file = (features: unknown[]) => ({
      name: 'grids.geojson',
      mimeType: 'application/geo+json',
      buffer: Buffer.from(JSON.stringify({ type: 'FeatureCollection', features })),
    });
    const good = feature('青杠村第二网格', square(east, lat).coordinates[0]!);
    const input = admin.locator(`${SHOWN} #places-import-file`);
    await input.setInputFiles(
      file([
        good,
        feature('坏网格', [
          [east, lat],
          [east + 0.01, lat],
          [east, lat],
        ]),
      ]),
    );
    const report = admin.locator(`${SHOWN} #places-import-report`);
    await report.locator('.import-rejected').first().waitFor({ timeout: 15_000 });
    expect(await report.textContent()).toContain('第 2 行（坏网格）');
    expect(await GridModel.countDocuments({ name: '青杠村第二网格' })).toBe(0);
    await shot(admin, 'admin-places-import-rejected');

    await input.setInputFiles(file([good]));
    await admin.locator(`${SHOWN} #places-import-report`, { hasText: '已导入 1 个网格' }).waitFor({ timeout: 15_000 });
    await admin.locator(`${SHOWN} .grid-row`, { hasText: '青杠村第二网格' }).waitFor({ timeout: 15_000 });
    await shot(admin, 'admin-places-imported');

    // Retiring asks first; the retired grid leaves the list.
    await admin.locator(`${SHOWN} .grid-row`, { hasText: '青杠村第二网格' }).locator('.grid-retire-btn').click();
    await admin.locator('.taro__modal button, .taro-modal__foot div', { hasText: '确定' }).last().click();
    await admin.locator(`${SHOWN} #places-message`, { hasText: '已撤销 青杠村第二网格' }).waitFor({ timeout: 15_000 });
    await admin
      .locator(`${SHOWN} .grid-row`, { hasText: '青杠村第二网格' })
      .waitFor({ state: 'detached', timeout: 15_000 });
    expect((await GridModel.findOne({ name: '青杠村第二网格' }).lean())?.active).toBe(false);
  });

  it('gets a 绑定群 code for the grid; a member posts it in the WeChat room, and the page shows the room bound', async () => {
    const row = admin.locator(`${SHOWN} .grid-row`, { hasText: GRID });
    expect(await row.locator('.grid-group').textContent()).toBe('未绑定群');
    await row.locator('.group-code-btn').click();
    const codeText = row.locator('.group-code');
    await codeText.waitFor();
    const code = /绑定群 (\d{6})/.exec((await codeText.textContent()) ?? '')?.[1];
    expect(code).toMatch(/^\d{6}$/);
    await shot(admin, 'admin-places-bind-code');

    const n = w.sent.filter((s) => s.conversationId === ROOM_ID).length;
    member.say(`绑定群 ${code}`).to(room);
    const reply = await eventually(async () => w.sent.filter((s) => s.conversationId === ROOM_ID)[n]);
    expect(reply.text).toContain(GRID);
    expect((await ChatGroupModel.findOne({ externalId: ROOM_ID }).lean())?.name).toBe('青杠村第一网格群');

    // The page learns of the binding by itself (it polls while a code is shown).
    await admin.waitForFunction(
      ([s, g]) =>
        Array.from(document.querySelectorAll(`${s} .grid-row`)).some(
          (r) =>
            r.textContent?.includes(g) && r.querySelector('.grid-group')?.textContent?.includes('青杠村第一网格群'),
        ),
      [SHOWN, GRID] as const,
      { timeout: 20_000 },
    );
    await shot(admin, 'admin-places-bound');

    await open(admin, srv.base, '/admin/groups/index');
    await settled(admin);
    const listed = admin.locator(`${SHOWN} #group-list .list-row`, { hasText: '青杠村第一网格群' });
    expect(await listed.textContent()).toContain(GRID);
    await shot(admin, 'admin-groups');
  });

  it('keeps an existing hazard on its grid, and the office re-routes it to the new grid from its page', async () => {
    const office = await srv.login('office', 'Office@2024');
    const h = await hazardsApi(office).create({
      category: 'landslide',
      level: 'general',
      description: '青杠村路边挡墙开裂（改派测试）',
      location: { lat: 29.785, lng: 107.88, address: '双河村一组' },
    });
    expect(h.grid?.name).toBe('双河村第一网格');
    await open(admin, srv.base, `/office/hazard/index?id=${h.id}`);
    const card = admin.locator(`${SHOWN} #hazard-reroute`);
    await card.waitFor({ timeout: 15_000 });
    expect(await card.textContent()).toContain('所属网格：双河村第一网格');
    await admin.click(`${SHOWN} #hazard-reroute-open`);
    await admin.locator(`${SHOWN} #hazard-reroute .chip`, { hasText: GRID }).click();
    await admin.fill(`${SHOWN} #hazard-reroute-reason input`, '实地核实属青杠村');
    await admin.click(`${SHOWN} #hazard-reroute-save`);
    await admin.waitForFunction(
      ([s, g]) => document.querySelector(`${s} #hazard-reroute`)?.textContent?.includes(`所属网格：${g}`),
      [SHOWN, GRID] as const,
      { timeout: 15_000 },
    );
    await admin
      .getByText(`改派网格：双河村第一网格 → ${GRID}；原因：实地核实属青杠村`)
      .first()
      .waitFor({ timeout: 15_000 });
    expect((await hazardsApi(office).get(h.id)).grid?.name).toBe(GRID);
    await shot(admin, 'office-hazard-rerouted');
  });

  it('shows the settings and the audit log of what was done', async () => {
    await open(admin, srv.base, '/admin/settings/index');
    await settled(admin);
    expect(await admin.locator(`${SHOWN} .state-error`).count()).toBe(0);
    await shot(admin, 'admin-settings');
    await open(admin, srv.base, '/admin/audit/index');
    await settled(admin);
    expect(await admin.textContent(`${SHOWN} .page`)).toContain(GRID);
    await shot(admin, 'admin-audit');
  });
});

describe('a county account watches its towns side by side', () => {
  let platform: ApiClient;

  it('shows both towns with their figures, and opens one', async () => {
    platform = await platformAdmin(srv);
    const xt = await townsApi(platform).createTown({ code: 'XT', name: '新坪镇', county: COUNTY });
    await townsApi(platform).createTownAdmin(xt.id, {
      username: 'xt.admin',
      password: 'Admin@2024x',
      name: '新坪镇管理员',
    });
    const sz = await TownModel.findOne({ code: 'SZ' }).lean();
    await townsApi(platform).createTownAdmin(String(sz!._id), {
      username: 'county.fd',
      password: 'County@2024x',
      name: '丰都县应急局',
      role: 'county',
    });
    // One major hazard in the sample town, so its figures are not all zero.
    const xtAdmin = await srv.login('xt.admin', 'Admin@2024x');
    const xtVillage = await townsApi(xtAdmin).createVillage({ name: '新坪一村' });
    await townsApi(xtAdmin).createGrid({
      name: '新坪一村第一网格',
      villageId: xtVillage.id,
      boundary: square(107.7, 29.9),
    });
    const office = await srv.login('office', 'Office@2024');
    await hazardsApi(office).create({
      category: 'landslide',
      level: 'major',
      description: '后山裂缝扩大（县级看板测试）',
      location: { lat: 29.785, lng: 107.88, address: '双河村一组' },
    });

    await login(county, srv.base, 'county.fd', 'County@2024x');
    await open(county, srv.base, '/admin/county/index');
    await county.waitForSelector(`${SHOWN} .county-town`, { timeout: 15_000 });
    const rows = county.locator(`${SHOWN} .county-town`);
    expect(await rows.count()).toBe(2);
    const sz1 = rows.filter({ hasText: '十直镇' });
    const xt1 = rows.filter({ hasText: '新坪镇' });
    expect(await sz1.locator('.county-major').textContent()).toBe('1');
    expect(await xt1.locator('.county-major').textContent()).toBe('0');
    expect(await county.textContent(`${SHOWN} #county-board`)).toContain(COUNTY);
    await shot(county, 'county-board');

    await sz1.locator('.county-open').click();
    await county.waitForSelector(`${SHOWN} #county-town-detail`, { timeout: 15_000 });
    await settled(county);
    const detail = (await county.textContent(`${SHOWN} #county-town-detail`)) ?? '';
    expect(detail).toContain('十直镇');
    expect(detail).toContain('后山裂缝扩大（县级看板测试）');
    expect(await county.locator(`${SHOWN} .county-hazard`).count()).toBe(2);
    await shot(county, 'county-town');
  });

  it('issues one warning to both towns and watches it on the combined board', async () => {
    await open(county, srv.base, '/admin/county/index');
    await county.waitForSelector(`${SHOWN} .county-town`, { timeout: 15_000 });
    for (const name of ['十直镇', '新坪镇'])
      await county.locator(`${SHOWN} .county-town`, { hasText: name }).locator('.county-pick').click();
    await county.fill(`${SHOWN} #county-warning-title input`, '全县暴雨橙色预警（县级看板测试）');
    await county.click(`${SHOWN} #county-warning-send`);
    const result = county.locator(`${SHOWN} #county-warning-result`);
    await result.waitFor({ timeout: 20_000 });
    expect(await result.textContent()).toMatch(/十直镇：已发给 \d+ 人/);
    expect(await result.textContent()).toContain('新坪镇：');
    const row = county.locator(`${SHOWN} #county-warnings .county-warning`, { hasText: '十直镇' });
    await row.waitFor({ timeout: 20_000 });
    expect(await row.textContent()).toContain('全县暴雨橙色预警（县级看板测试）');
    await shot(county, 'county-warning');
  });

  it('threw no errors in any page', () => {
    expect(errors).toEqual({ admin: [], county: [] });
  });
});
