import type { Browser, BrowserContext, Page } from 'playwright-core';
import { townsApi, type ApiClient, type Me } from '@yingji/shared';
import { seedDemoTown } from '../../server/src/demo-seed';
import { TownModel, UserModel } from '../../server/src/people/models';
import { useTestDatabase } from '../support/db';
import { startTestServer, type TestServer } from '../support/server';
import { platformAdmin } from '../towns/support';
import { ensureBuild } from './support/h5-build';
import { SHOWN, collectErrors, launch, login, newContext, open, shot, tapTile } from './support/browser';

/**
 * 乡镇管理 at a desk (1366×900), in headless Chromium against the real H5 build and server: the
 * platform administrator rolls the product out to a second town from the console alone — creates
 * 新坪镇 (a bad code refused with the server's rule), adds its first 系统管理员, who then logs in
 * and lands in 新坪镇, not the demo town. A town's admin is offered no 乡镇管理 and is refused it.
 */
useTestDatabase();
jest.setTimeout(180_000);

const COUNTY = '重庆市丰都县';

let srv: TestServer;
let browser: Browser;
const contexts: BrowserContext[] = [];
let platform: Page;
let xpAdmin: Page;
let townAdmin: Page;
let platformApi: ApiClient;
const errors: Record<string, string[]> = {};

beforeAll(async () => {
  ensureBuild('h5');
  await seedDemoTown();
  srv = await startTestServer();
  platformApi = await platformAdmin(srv);
  browser = await launch();
  const pages: Page[] = [];
  for (const name of ['platform', 'xpAdmin', 'townAdmin']) {
    const ctx = await newContext(browser, 'desk');
    contexts.push(ctx);
    const page = await ctx.newPage();
    errors[name] = collectErrors(page);
    pages.push(page);
  }
  [platform, xpAdmin, townAdmin] = pages;
}, 20 * 60_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await srv?.close();
});

const settled = (page: Page) =>
  page.waitForFunction((s) => !document.querySelector(`${s} .state-loading`), SHOWN, { timeout: 15_000 });
const text = async (page: Page, selector: string) => (await page.textContent(`${SHOWN} ${selector}`)) ?? '';
const towns = async () => (await townsApi(platformApi).towns()).items;

describe('the platform administrator sets up a second town from 乡镇管理', () => {
  it('opens 乡镇管理 from the home page and lists every town', async () => {
    await login(platform, srv.base, 'platform.root', 'Platform@2024');
    expect(await platform.locator(`${SHOWN} .tile`).allTextContents()).toEqual([expect.stringContaining('乡镇管理')]);
    await tapTile(platform, '乡镇管理');
    await settled(platform);
    const rows = platform.locator(`${SHOWN} #towns-list .towns-row`);
    await rows.first().waitFor({ timeout: 15_000 });
    expect(await rows.count()).toBe(2);
    expect(await rows.filter({ hasText: '十直镇' }).textContent()).toContain('SZ');
    // The server's rule for the code is said before it is typed.
    expect(await text(platform, '#town-create')).toContain('2 到 8 个字母');
    await shot(platform, 'platform-towns');
  });

  it('refuses a bad code with the server’s reason, and creates nothing', async () => {
    await platform.fill(`${SHOWN} #town-code input`, 'X1');
    await platform.fill(`${SHOWN} #town-name input`, '新坪镇');
    await platform.fill(`${SHOWN} #town-county input`, COUNTY);
    await platform.click(`${SHOWN} #town-create-submit`);
    const refused = platform.locator(`${SHOWN} #town-create-error`);
    await refused.waitFor({ timeout: 15_000 });
    expect(await refused.textContent()).toBe('乡镇编码：乡镇编码应为 2 到 8 个字母（用于隐患编号，如 SZ）');
    expect((await towns()).map((t) => t.name)).not.toContain('新坪镇');
    await shot(platform, 'platform-towns-bad-code');
  });

  it('creates 新坪镇 (XP) with its county and map centre, and opens it for its first admin', async () => {
    await platform.fill(`${SHOWN} #town-code input`, 'xp');
    await platform.fill(`${SHOWN} #town-lat input`, '29.9');
    await platform.fill(`${SHOWN} #town-lng input`, '107.7');
    await platform.click(`${SHOWN} #town-create-submit`);
    await platform
      .locator(`${SHOWN} #towns-message`, { hasText: '已新建新坪镇（编码 XP）' })
      .waitFor({ timeout: 15_000 });
    expect(await text(platform, '#towns-message')).toContain('添加第一位系统管理员');
    const row = platform.locator(`${SHOWN} #towns-list .towns-row`, { hasText: '新坪镇' });
    expect(await row.textContent()).toContain('XP');
    expect(await row.textContent()).toContain(COUNTY);
    expect(await text(platform, '#town-account .card-title')).toBe('为新坪镇添加账号');
    // The form was emptied for the next town.
    expect(await platform.inputValue(`${SHOWN} #town-code input`)).toBe('');

    const xp = await TownModel.findOne({ code: 'XP' }).lean();
    expect(xp).toMatchObject({ name: '新坪镇', county: COUNTY, center: { lat: 29.9, lng: 107.7 } });
  });

  it('refuses a short password and a username already used, each with the server’s reason', async () => {
    await platform.fill(`${SHOWN} #account-username input`, 'xp.admin');
    await platform.fill(`${SHOWN} #account-name input`, '新坪镇管理员');
    await platform.fill(`${SHOWN} #account-password input`, 'short');
    await platform.click(`${SHOWN} #account-submit`);
    const refused = platform.locator(`${SHOWN} #account-error`);
    await refused.waitFor({ timeout: 15_000 });
    expect(await refused.textContent()).toBe('初始密码：密码至少 8 位');

    await platform.fill(`${SHOWN} #account-username input`, 'admin');
    await platform.fill(`${SHOWN} #account-password input`, 'Admin@2024x');
    await platform.click(`${SHOWN} #account-submit`);
    await platform.locator(`${SHOWN} #account-error`, { hasText: '用户名已被使用' }).waitFor({ timeout: 15_000 });
    expect(await UserModel.countDocuments({ name: '新坪镇管理员' })).toBe(0);
  });

  it('adds the first 系统管理员 of 新坪镇 and says what to do next', async () => {
    await platform.fill(`${SHOWN} #account-username input`, 'xp.admin');
    await platform.click(`${SHOWN} #account-submit`);
    const next = platform.locator(`${SHOWN} #town-next`);
    await next.waitFor({ timeout: 15_000 });
    const said = (await next.textContent()) ?? '';
    expect(said).toContain('已为新坪镇添加系统管理员：新坪镇管理员（登录用户名 xp.admin）');
    for (const step of ['用这个账号登录', '村与网格', '人员', '本镇设置']) expect(said).toContain(step);
    expect(await platform.locator(`${SHOWN} #account-error`).count()).toBe(0);
    await shot(platform, 'platform-towns-admin-added');

    const xp = await TownModel.findOne({ code: 'XP' }).lean();
    const user = await UserModel.findOne({ username: 'xp.admin' }).lean();
    expect(user).toMatchObject({ role: 'admin', name: '新坪镇管理员' });
    expect(String(user!.town)).toBe(String(xp!._id));
  });

  it('refuses the county account for a town without a county, before sending anything', async () => {
    await platform.locator(`${SHOWN} #towns-list .towns-row`, { hasText: '平台' }).click();
    await platform.click(`${SHOWN} #account-role-county`);
    await platform.fill(`${SHOWN} #account-username input`, 'county.pt');
    await platform.fill(`${SHOWN} #account-name input`, '县应急局');
    await platform.fill(`${SHOWN} #account-password input`, 'County@2024x');
    await platform.click(`${SHOWN} #account-submit`);
    await platform
      .locator(`${SHOWN} #account-error`, { hasText: '平台没有填写所属县，不能添加县应急局账号' })
      .waitFor({ timeout: 15_000 });
    expect(await UserModel.exists({ username: 'county.pt' })).toBeNull();
  });

  it('signs out from 乡镇管理 (the platform has no desk header)', async () => {
    expect(await text(platform, '.towns-who')).toContain('平台管理员：平台管理员');
    await platform.click(`${SHOWN} #towns-logout`);
    await platform.waitForSelector(`${SHOWN} #login-username`, { timeout: 15_000 });
  });
});

describe("the new town's admin and a town admin", () => {
  it('logs the new admin into their own town, 新坪镇', async () => {
    await login(xpAdmin, srv.base, 'xp.admin', 'Admin@2024x');
    await xpAdmin.waitForSelector(`${SHOWN} #duty-desk`, { timeout: 15_000 });
    await xpAdmin.locator(`${SHOWN} #desk-town`, { hasText: '新坪镇' }).waitFor({ timeout: 15_000 });
    expect(await text(xpAdmin, '#desk-town')).toBe('新坪镇');
    expect(await text(xpAdmin, '.desk-brand')).toBe('新坪镇应急值班');
    expect(await text(xpAdmin, '.desk-nav')).not.toContain('乡镇管理');
    await settled(xpAdmin);
    await shot(xpAdmin, 'platform-towns-new-admin');
    // The server agrees: the admin's requests are 新坪镇's.
    const me = await (await srv.login('xp.admin', 'Admin@2024x')).get<Me>('/api/me');
    expect(me.town).toMatchObject({ code: 'XP', name: '新坪镇' });
  });

  it('shows the next person at the same desk their own town, not the one before them (no reload between)', async () => {
    await xpAdmin.click(`${SHOWN} .desk-logout`);
    await xpAdmin.waitForSelector(`${SHOWN} #login-username`, { timeout: 15_000 });
    await xpAdmin.fill(`${SHOWN} #login-username input`, 'admin');
    await xpAdmin.fill(`${SHOWN} #login-password input`, 'Admin@2024');
    await xpAdmin.click(`${SHOWN} #login-submit`);
    await xpAdmin.waitForSelector(`${SHOWN} #duty-desk`, { timeout: 15_000 });
    await xpAdmin.locator(`${SHOWN} #desk-town`, { hasText: '十直镇' }).waitFor({ timeout: 15_000 });
    expect(await text(xpAdmin, '#desk-town')).toBe('十直镇');
  });

  it('offers a town admin no 乡镇管理 and refuses them the page', async () => {
    await login(townAdmin, srv.base, 'admin', 'Admin@2024');
    await townAdmin.locator(`${SHOWN} #desk-town`, { hasText: '十直镇' }).waitFor({ timeout: 15_000 });
    expect(await text(townAdmin, '.desk-nav')).not.toContain('乡镇管理');
    await open(townAdmin, srv.base, '/admin/towns/index');
    await townAdmin.locator(`${SHOWN} .state-text`, { hasText: '您的身份不能使用此页面' }).waitFor();
    expect(await townAdmin.locator(`${SHOWN} #towns-list`).count()).toBe(0);
    expect(await townAdmin.locator(`${SHOWN} #town-create`).count()).toBe(0);
    await shot(townAdmin, 'platform-towns-refused');
  });

  it('threw no errors in any page', () => {
    expect(errors).toEqual({ platform: [], xpAdmin: [], townAdmin: [] });
  });
});
