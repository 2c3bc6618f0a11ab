import type { Browser, BrowserContext, Page } from 'playwright-core';
import { hazardsApi, type ApiClient, type UserOut } from '@yingji/shared';
import { seedDemoTown } from '../../server/src/demo-seed';
import { useTestDatabase } from '../support/db';
import { startTestServer, type TestServer } from '../support/server';
import { ensureBuild } from './support/h5-build';
import { SHOWN, collectErrors, launch, login, newContext, shot } from './support/browser';

/**
 * 人员 at a desk (1366×900), in headless Chromium against the real H5 build and server: the
 * town's admin adds a grid member to a village and grid under a superior, edits their phone and
 * grid, and deactivates a grid member who still has an open hazard, handing it to a successor.
 */
useTestDatabase();
jest.setTimeout(180_000);

let srv: TestServer;
let browser: Browser;
let ctx: BrowserContext;
let page: Page;
let office: ApiClient;
let errors: string[];

beforeAll(async () => {
  ensureBuild('h5');
  await seedDemoTown();
  srv = await startTestServer();
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

  it('threw no errors in the page', () => {
    expect(errors).toEqual([]);
  });
});
