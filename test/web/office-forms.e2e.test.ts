import type { Browser, BrowserContext, Page } from 'playwright-core';
import { calloutsApi, type ApiClient } from '@yingji/shared';
import { seedDemoTown } from '../../server/src/demo-seed';
import { useTestDatabase } from '../support/db';
import { startTestServer, type TestServer } from '../support/server';
import { ensureBuild } from './support/h5-build';
import { SHOWN, collectErrors, launch, login, newContext, open, shot } from './support/browser';

/**
 * The office's forms at a desk (1366×900), in headless Chromium against the real H5 build and
 * server: a rescue team and equipment placed by a tap on the town map, a vulnerable resident with
 * the grid's member as responsible, and the supervision scores explained on the stats page.
 */
useTestDatabase();
jest.setTimeout(180_000);

let srv: TestServer;
let browser: Browser;
let ctx: BrowserContext;
let page: Page;
let officeApi: ApiClient;
let errors: string[] = [];

beforeAll(async () => {
  ensureBuild('h5');
  await seedDemoTown();
  srv = await startTestServer();
  officeApi = await srv.login('office', 'Office@2024');
  browser = await launch();
  ctx = await newContext(browser, 'desk');
  page = await ctx.newPage();
  errors = collectErrors(page);
  await login(page, srv.base, 'office', 'Office@2024');
}, 20 * 60_000);

afterAll(async () => {
  await ctx?.close().catch(() => undefined);
  await browser?.close();
  await srv?.close();
});

const tapMap = async (selector: string) => {
  const map = page.locator(`${SHOWN} ${selector} .leaflet-container`);
  await map.waitFor({ timeout: 20_000 });
  await page.locator(`${SHOWN} ${selector} path.townmap-area-grid`).first().waitFor();
  const box = (await map.boundingBox())!;
  await page.mouse.click(box.x + box.width * 0.5, box.y + box.height * 0.5);
};

describe('the office adds resources', () => {
  it('adds a rescue team placed on the map, and it shows in the list and on the map layers', async () => {
    await open(page, srv.base, '/office/resources/index');
    await page.click(`${SHOWN} #res-tab-teams`);
    await page.click(`${SHOWN} #team-add`);
    await page.fill(`${SHOWN} #team-name input`, '石龙村青年突击队');
    await page.fill(`${SHOWN} #team-leader input`, '周队长');
    await page.fill(`${SHOWN} #team-phone input`, '13800009001');
    await page.fill(`${SHOWN} #team-members input`, '12');
    // Saving without a place says what is missing.
    await page.click(`${SHOWN} #team-save`);
    expect(await page.textContent(`${SHOWN} #team-error`)).toBe('请在地图上点选队伍驻地');
    await tapMap('#team-map');
    await shot(page, 'office-team-form');
    await page.click(`${SHOWN} #team-save`);
    await page.locator(`${SHOWN} #team-saved`, { hasText: '石龙村青年突击队' }).waitFor({ timeout: 15_000 });
    await page.locator(`${SHOWN} #team-list`, { hasText: '石龙村青年突击队' }).waitFor();
    expect(await page.textContent(`${SHOWN} #team-list`)).toContain('12 人 · 周队长 13800009001');
    const teams = await officeApi.get<{ items: { name: string; location: { lat: number } }[] }>('/api/rescue-teams');
    const t = teams.items.find((x) => x.name === '石龙村青年突击队')!;
    expect(t.location.lat).toBeGreaterThan(29.7);
  });

  it('adds equipment, refusing a negative count', async () => {
    await page.click(`${SHOWN} #res-tab-equipment`);
    await page.click(`${SHOWN} #eq-add`);
    await page.fill(`${SHOWN} #eq-name input`, '抽水泵');
    await page.fill(`${SHOWN} #eq-count input`, '-3');
    await tapMap('#eq-map');
    await page.click(`${SHOWN} #eq-save`);
    expect(await page.textContent(`${SHOWN} #eq-error`)).toBe('数量请填写 0 或正整数');
    await page.fill(`${SHOWN} #eq-count input`, '4');
    await page.fill(`${SHOWN} #eq-unit input`, '台');
    await page.fill(`${SHOWN} #eq-kept input`, '双河村村委会仓库');
    await page.click(`${SHOWN} #eq-save`);
    await page.locator(`${SHOWN} #equipment-list`, { hasText: '抽水泵' }).waitFor({ timeout: 15_000 });
    expect(await page.textContent(`${SHOWN} #equipment-list`)).toContain('4 台');
    await shot(page, 'office-equipment-added');
  });

  it('registers a vulnerable resident with a grid member of that grid as responsible', async () => {
    await open(page, srv.base, '/office/vulnerable/index');
    await page.click(`${SHOWN} #resident-add`);
    await page.click(`${SHOWN} #resident-kind-living_alone`);
    await page.fill(`${SHOWN} #resident-name input`, '陈婆婆');
    await page.fill(`${SHOWN} #resident-address input`, '双河村一组 8 号');
    await page.locator(`${SHOWN} [id^="resident-grid-"]`, { hasText: 'SH-01' }).click();
    const choice = page.locator(`${SHOWN} [id^="resident-responsible-"]`).first();
    await choice.waitFor();
    expect(await choice.textContent()).toContain('网格员');
    await choice.click();
    await shot(page, 'office-vulnerable-form');
    await page.click(`${SHOWN} #resident-save`);
    await page.locator(`${SHOWN} #resident-saved`, { hasText: '陈婆婆' }).waitFor({ timeout: 15_000 });
    await page.locator(`${SHOWN} #vulnerable-list`, { hasText: '陈婆婆' }).waitFor();
    const r = (await calloutsApi(officeApi).residents()).items.find((x) => x.name === '陈婆婆')!;
    expect(r).toMatchObject({ kind: 'living_alone', address: '双河村一组 8 号' });
    await shot(page, 'office-vulnerable-added');
  });
});

describe('the stats page', () => {
  it('explains how each score is computed from the town’s weights', async () => {
    await open(page, srv.base, '/office/stats/index');
    await page.locator(`${SHOWN} #scores-method`).waitFor({ timeout: 15_000 });
    const method = (await page.textContent(`${SHOWN} #scores-method`)) ?? '';
    expect(method).toMatch(/本镇权重：叫应确认率 \d+ 分/);
    expect(method).toContain('总分 = Σ（权重 × 比率）/ Σ 权重 × 100');
    const row = page.locator(`${SHOWN} [id^="score-village-"]`).first();
    await row.click();
    await page.locator(`${SHOWN} .score-line`, { hasText: '总分' }).first().waitFor();
    await shot(page, 'office-stats-scores');
  });

  it('threw no errors in any page', () => {
    expect(errors).toEqual([]);
  });
});
