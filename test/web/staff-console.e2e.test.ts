import ExcelJS from 'exceljs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ApiClient, botTransport, chatApi, hazardsApi, type UserOut } from '@yingji/shared';
import { seedDemoTown } from '../../server/src/demo-seed';
import { useTestDatabase } from '../support/db';
import { startTestServer, type TestServer } from '../support/server';
import { ensureBuild } from './support/h5-build';
import { SHOWN, collectErrors, launch, login, newContext, shot } from './support/browser';

/**
 * 人员 at a desk (1366×900), in headless Chromium against the real H5 build and server: the
 * town's admin adds a grid member to a village and grid under a superior, edits their phone and
 * grid, and deactivates a grid member who still has an open hazard, handing it to a successor,
 * then brings them back, gets a WeChat binding code for a member (used by the bot) and uploads the
 * Excel roster (a file with a bad row imports nobody, the fixed file imports everyone).
 */
useTestDatabase();
jest.setTimeout(180_000);

let srv: TestServer;
let browser: Browser;
let ctx: BrowserContext;
let page: Page;
let office: ApiClient;
let errors: string[];
const BOT_TOKEN = 'bot-token-for-staff-console-0123456789';
/** The hazard handed over when its member was deactivated. */
let handedOver: string;

beforeAll(async () => {
  ensureBuild('h5');
  await seedDemoTown();
  srv = await startTestServer({ env: { BOT_TOKEN } });
  office = await srv.login('office', 'Office@2024');
  browser = await launch();
  ctx = await newContext(browser, 'desk');
  page = await ctx.newPage();
  errors = collectErrors(page);
}, 20 * 60_000);

afterAll(async () => {
  await ctx?.close().catch(() => undefined);
  await browser?.close();
  await srv?.close();
});

const users = async () => (await office.get<{ items: UserOut[] }>('/api/users')).items;
const grids = async () => (await office.get<{ items: { id: string; name: string }[] }>('/api/grids')).items;
const message = (text: string) =>
  page.locator(`${SHOWN} #staff-message`, { hasText: text }).waitFor({ timeout: 15_000 });
const row = (name: string) => page.locator(`${SHOWN} .staff-row`, { hasText: name });

describe('the town admin keeps the roster in 人员', () => {
  it('lists the staff with role, places and superior, and filters them', async () => {
    await login(page, srv.base, 'admin', 'Admin@2024');
    await page.locator(`${SHOWN} .desk-nav-item`, { hasText: '人员' }).first().click();
    await page.waitForSelector(`${SHOWN} #staff-list .staff-row`, { timeout: 15_000 });
    const sh01 = await row('双河村网格员1').textContent();
    expect(sh01).toContain('网格员');
    expect(sh01).toContain('双河村第一网格');
    expect(sh01).toContain('上级：双河村书记');
    expect(sh01).not.toContain('示例居民');
    expect(await row('示例居民').count()).toBe(0);

    await page.click(`${SHOWN} #staff-role-cadre`);
    await page.locator(`${SHOWN} #staff-filters .chip`, { hasText: '双河村' }).click();
    await page.waitForFunction((s) => document.querySelectorAll(`${s} .staff-row`).length === 1, SHOWN);
    expect(await page.textContent(`${SHOWN} #staff-list`)).toContain('双河村书记');
    await page.click(`${SHOWN} #staff-role-cadre`);
    await page.locator(`${SHOWN} #staff-filters .chip`, { hasText: '双河村' }).click();
  });

  it('adds a grid member to a village and grid, under a superior', async () => {
    await page.click(`${SHOWN} #staff-add-open`);
    const form = `${SHOWN} #person-add-form`;
    await page.fill(`${form} #person-add-username input`, 'grid.sh-03');
    await page.fill(`${form} #person-add-password input`, 'Grid@2024x');
    await page.fill(`${form} #person-add-name input`, '王小明');
    await page.fill(`${form} #person-add-phone input`, '13800000199');
    await page.fill(`${form} #person-add-wecomUserId input`, 'grid-sh-03');
    await page.click(`${form} #person-add-role-grid`);
    await page.locator(`${form} .person-village-option`, { hasText: '双河村' }).click();
    await page.locator(`${form} .person-grid-option`, { hasText: '双河村第一网格' }).click();
    await page.locator(`${form} .person-superior-option`, { hasText: '双河村书记' }).click();
    await page.click(`${form} #person-add-save`);
    await message('已添加 王小明');
    await row('王小明').waitFor();

    const added = (await users()).find((u) => u.username === 'grid.sh-03')!;
    const cadre = (await users()).find((u) => u.username === 'cadre.sh')!;
    const g = await grids();
    expect(added).toMatchObject({ role: 'grid', name: '王小明', phone: '13800000199', wecomUserId: 'grid-sh-03' });
    expect(added.gridIds).toEqual([g.find((x) => x.name === '双河村第一网格')!.id]);
    expect(added.superiorId).toBe(cadre.id);
    // The new member can log in with the initial password.
    await srv.login('grid.sh-03', 'Grid@2024x');
  });

  it("edits the new member's phone and grid", async () => {
    await page.fill(`${SHOWN} #staff-search input`, '王小明');
    await page.waitForFunction((s) => document.querySelectorAll(`${s} .staff-row`).length === 1, SHOWN);
    await row('王小明').click();
    const form = `${SHOWN} #person-edit-form`;
    await page.waitForSelector(form);
    await page.fill(`${form} #person-edit-phone input`, '13800000198');
    await page.locator(`${form} .person-grid-option`, { hasText: '双河村第一网格' }).click();
    await page.locator(`${form} .person-grid-option`, { hasText: '双河村第二网格' }).click();
    await page.click(`${form} #person-edit-save`);
    await message('已保存 王小明');
    await page.waitForFunction(
      (s) => document.querySelector(`${s} .staff-row`)?.textContent?.includes('双河村第二网格') ?? false,
      SHOWN,
    );

    const edited = (await users()).find((u) => u.username === 'grid.sh-03')!;
    const g = await grids();
    expect(edited.phone).toBe('13800000198');
    expect(edited.gridIds).toEqual([g.find((x) => x.name === '双河村第二网格')!.id]);
    await page.fill(`${SHOWN} #staff-search input`, '');
  });

  it('deactivates a grid member with an open hazard only with a successor, who then holds the hazard', async () => {
    const all = await users();
    const leaving = all.find((u) => u.username === 'grid.sh-01')!;
    const successor = all.find((u) => u.username === 'grid.sh-03')!;
    const h = await hazardsApi(office).create({
      category: 'landslide',
      level: 'general',
      description: '双河村一组挡墙开裂（停用移交测试）',
      location: { lat: 29.785, lng: 107.88, address: '双河村一组' },
    });
    handedOver = h.id;
    await hazardsApi(office).act(h.id, {
      action: 'assign',
      responsibleUserId: leaving.id,
      responsibleUnit: '双河村委会',
    });

    await row('双河村网格员1').click();
    await page.waitForSelector(`${SHOWN} #person-deactivate`);
    await page.click(`${SHOWN} #deactivate-submit`);
    const refused = page.locator(`${SHOWN} #deactivate-error`);
    await refused.waitFor({ timeout: 15_000 });
    expect(await refused.textContent()).toMatch(/该人员还有 1 条未销号隐患.*请指定接替人/);
    expect((await users()).find((u) => u.id === leaving.id)?.active).toBe(true);

    await page.locator(`${SHOWN} .successor-option`, { hasText: '王小明' }).click();
    expect(await page.textContent(`${SHOWN} #deactivate-submit`)).toContain('停用并移交给 王小明');
    await page.click(`${SHOWN} #deactivate-submit`);
    await message('已停用 双河村网格员1，移交给 王小明：1 条未销号隐患');
    await row('双河村网格员1').locator('.staff-inactive').waitFor({ timeout: 15_000 });

    expect((await hazardsApi(office).get(h.id)).responsibleUser?.id).toBe(successor.id);
    expect((await users()).find((u) => u.id === leaving.id)?.active).toBe(false);
    await shot(page, 'admin-staff');
  });

  it('brings the deactivated member back with 恢复; the handed-over hazard stays with the successor', async () => {
    const all = await users();
    const back = all.find((u) => u.username === 'grid.sh-01')!;
    const successor = all.find((u) => u.username === 'grid.sh-03')!;
    const off = page.locator(`${SHOWN} #staff-inactive-list .staff-row`, { hasText: '双河村网格员1' });
    await off.waitFor({ timeout: 15_000 });
    expect(await page.locator(`${SHOWN} #staff-list .staff-row`, { hasText: '双河村网格员1' }).count()).toBe(0);
    await shot(page, 'admin-staff-inactive');
    await off.locator('.staff-reactivate').click();
    await message('已恢复 双河村网格员1，可以重新登录');
    await page.locator(`${SHOWN} #staff-list .staff-row`, { hasText: '双河村网格员1' }).waitFor({ timeout: 15_000 });
    expect((await users()).find((u) => u.id === back.id)?.active).toBe(true);
    await srv.login('grid.sh-01', 'Grid@2024');
    expect((await hazardsApi(office).get(handedOver)).responsibleUser?.id).toBe(successor.id);
  });

  it("shows a member's WeChat binding code large, which the bot then binds to them", async () => {
    await row('王小明').click();
    // The card of the person opened before has the same button: wait for 王小明's.
    await page.locator(`${SHOWN} #person-bind-code`, { hasText: '为王小明获取' }).waitFor();
    await page.click(`${SHOWN} #person-bind-code-get`);
    const value = page.locator(`${SHOWN} #person-bind-code-value`);
    await value.waitFor({ timeout: 15_000 });
    const code = (await value.textContent())!.trim();
    expect(code).toMatch(/^\d{6}$/);
    expect(await page.textContent(`${SHOWN} #person-bind-code-expiry`)).toMatch(
      /有效至 .*\d\d:\d\d（10 分钟内有效，只能用一次）/,
    );
    expect(await page.textContent(`${SHOWN} #person-bind-code-how`)).toBe(
      `请王小明用本人微信向应急小助手发送：绑定 ${code}`,
    );
    await shot(page, 'admin-staff-bind-code');

    const bot = new ApiClient({ baseUrl: srv.base, transport: botTransport(BOT_TOKEN) });
    const bound = await chatApi(bot).bind({ channel: 'wechaty', externalUserId: 'wxid_wang_xiaoming', code });
    expect(bound.user.name).toBe('王小明');
  });

  it('uploads the Excel roster: a bad row imports nobody, the fixed file everyone', async () => {
    const roster = async (rows: string[][]) => {
      const wb = new ExcelJS.Workbook();
      const ws = wb.addWorksheet('花名册');
      ws.addRow(['用户名', '初始密码', '角色', '姓名', '手机号', '村/社区', '网格', '上级']);
      for (const r of rows) ws.addRow(r);
      return {
        name: '花名册.xlsx',
        mimeType: 'application/octet-stream',
        buffer: Buffer.from(await wb.xlsx.writeBuffer()),
      };
    };
    const good = ['grid.sh-04', 'Grid@2024y', '网格员', '李小红', '13800000197', '', '双河村第一网格', 'cadre.sh'];
    const other = ['grid.sh-05', 'Grid@2024z', '网格员', '张小华', '', '双河村', '', 'cadre.sh'];
    await page.click(`${SHOWN} #staff-import-open`);
    const input = page.locator(`${SHOWN} #roster-import-file`);
    await input.setInputFiles(await roster([good, ['grid.sh-06', 'Grid@2024w', '队长', '钱七', '', '', '', '']]));
    const report = page.locator(`${SHOWN} #roster-import-report`);
    await report
      .locator('.import-rejected', { hasText: '第 3 行（grid.sh-06）：角色“队长”无效' })
      .waitFor({ timeout: 15_000 });
    expect(await report.textContent()).toContain('共 2 行：被拒绝 1 行，未导入');
    expect(await page.textContent(`${SHOWN} #roster-import-error`)).toContain('整个花名册未导入');
    expect((await users()).some((u) => u.username === 'grid.sh-04')).toBe(false);
    await shot(page, 'admin-staff-import-rejected');

    await input.setInputFiles(await roster([good, other]));
    await message('花名册已导入：新增 2 人');
    await report.getByText('共 2 行：新增 2 人').waitFor({ timeout: 15_000 });
    await row('李小红').waitFor({ timeout: 15_000 });
    await row('张小华').waitFor({ timeout: 15_000 });
    const li = (await users()).find((u) => u.username === 'grid.sh-04')!;
    expect(li.superiorId).toBe((await users()).find((u) => u.username === 'cadre.sh')!.id);
    await srv.login('grid.sh-04', 'Grid@2024y');
    await shot(page, 'admin-staff-imported');
  });

  it('threw no errors in the page', () => {
    expect(errors).toEqual([]);
  });
});
