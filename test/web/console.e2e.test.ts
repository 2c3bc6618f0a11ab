import type { Browser, BrowserContext, Page } from 'playwright-core';
import sharp from 'sharp';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { tipsApi, type ApiClient } from '@yingji/shared';
import { seedDemo } from '../../server/src/people/seed';
import { useTestDatabase } from '../support/db';
import { startTestServer, type TestServer } from '../support/server';
import { ensureBuild } from './support/h5-build';
import { SHOWN, collectErrors, launch, login, newContext, open, shot, tapTile } from './support/browser';

/**
 * End to end in headless Chromium against the real H5 build, served by the real server on the
 * run's database: the resident's tip through triage, a warning confirmed by a grid member on the
 * office's live board, and a drill check-in on the live check-in board.
 */
useTestDatabase();
jest.setTimeout(120_000);

let srv: TestServer;
let browser: Browser;
const contexts: BrowserContext[] = [];
let resident: Page;
let office: Page;
let grid: Page;
const errors: Record<string, string[]> = {};
let residentApi: ApiClient;

async function photoFile(): Promise<string> {
  // A large photo, so compression before upload has something to do.
  const file = path.join(os.tmpdir(), `yingji-e2e-${process.pid}.jpg`);
  const noise = Buffer.alloc(2400 * 1800 * 3);
  for (let i = 0; i < noise.length; i++) noise[i] = (i * 7 + ((i / 3) % 251)) & 0xff;
  await sharp(noise, { raw: { width: 2400, height: 1800, channels: 3 } })
    .jpeg({ quality: 95 })
    .toFile(file);
  return file;
}

beforeAll(async () => {
  ensureBuild('h5');
  await seedDemo();
  srv = await startTestServer();
  residentApi = await srv.login('resident.demo', 'Resident@2024');
  browser = await launch();
  const pages: Page[] = [];
  for (const [name, kind] of [
    ['resident', 'phone'],
    ['office', 'desk'],
    ['grid', 'phone'],
  ] as const) {
    const ctx = await newContext(browser, kind);
    contexts.push(ctx);
    const page = await ctx.newPage();
    errors[name] = collectErrors(page);
    pages.push(page);
  }
  [resident, office, grid] = pages;
}, 20 * 60_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await srv?.close();
});

let tipCode = '';

describe('the resident and the office in the browser', () => {
  it('a resident logs in, submits a tip with a photo, and sees it listed', async () => {
    await login(resident, srv.base, 'resident.demo', 'Resident@2024');
    await shot(resident, 'resident-home');

    // Large-text mode, for older residents: the whole app's text grows (and stays so).
    const fontSize = () =>
      resident.evaluate((s) => parseFloat(getComputedStyle(document.querySelector(`${s} .page`)!).fontSize), SHOWN);
    const normal = await fontSize();
    await resident.click(`${SHOWN} .nut-switch`);
    await resident.waitForFunction(
      ([s, n]) => parseFloat(getComputedStyle(document.querySelector(`${s} .page`)!).fontSize) > Number(n) * 1.15,
      [SHOWN, normal] as const,
    );
    await shot(resident, 'resident-home-large-text');
    await tapTile(resident, '随手拍');

    // The location comes from the device (granted to the browser), and stays editable.
    await resident.waitForFunction(
      (shown) => (document.querySelector(`${shown} #tip-lat input`) as HTMLInputElement | null)?.value !== '',
      SHOWN,
    );
    const chooser = resident.waitForEvent('filechooser');
    await resident.click(`${SHOWN} #tip-add-photo`);
    await (await chooser).setFiles(await photoFile());
    await resident.waitForSelector(`${SHOWN} .photo-wrap img`);

    await resident.click(`${SHOWN} #cat-water`);
    await resident.fill(`${SHOWN} #tip-description textarea`, '河堤出现裂缝，约两米长，下雨后还在变宽');
    await shot(resident, 'resident-report-form');
    await resident.click(`${SHOWN} #tip-submit`);

    const result = await resident.waitForSelector(`${SHOWN} #tip-result`, { timeout: 30_000 });
    expect(await result.textContent()).toContain('举报已提交');
    tipCode = ((await resident.textContent(`${SHOWN} #tip-result-code`)) ?? '').trim();
    expect(tipCode).toMatch(/\S+/);
    await shot(resident, 'resident-report-sent');

    await resident.locator(`${SHOWN} button, ${SHOWN} taro-button-core`, { hasText: '查看我的举报' }).first().click();
    const card = resident.locator(`${SHOWN} #tip-${tipCode}`);
    await card.waitFor();
    expect(await card.textContent()).toContain('待受理');
    expect(await card.textContent()).toContain('等待应急办核实');
    await shot(resident, 'resident-my-tips');

    // The server has the tip with its (compressed) photo.
    const mine = await tipsApi(residentApi).mine();
    const tip = mine.items.find((t) => t.code === tipCode);
    expect(tip).toMatchObject({ category: 'flood_drought', status: 'submitted' });
    expect(tip?.mediaIds).toHaveLength(1);
    expect(tip?.location.lat).toBeCloseTo(29.785, 3);
  });

  it("the office sees it in triage, accepts it, and the resident's timeline updates", async () => {
    expect(tipCode).not.toBe('');
    await login(office, srv.base, 'office', 'Office@2024');
    await shot(office, 'office-home');
    await tapTile(office, '举报审核');
    const card = office.locator(`${SHOWN} #triage-${tipCode}`);
    await card.waitFor();
    expect(await card.textContent()).toContain('河堤出现裂缝');
    await card.locator('img').first().waitFor(); // the photo, fetched with the office's token
    await shot(office, 'office-triage');

    await card.locator('.triage-accept').click();
    await card.locator('.triage-confirm').click();
    await card.waitFor({ state: 'detached', timeout: 20_000 });

    // The resident pulls the list again (the page refreshes when shown) and sees the new state.
    await open(resident, srv.base, '/pages/mine/index');
    const mine = resident.locator(`${SHOWN} #tip-${tipCode}`);
    await mine.waitFor();
    await expect(mine.textContent()).resolves.toContain('已受理');
    expect(await mine.textContent()).toMatch(/隐患编号 \S+/);
    await shot(resident, 'resident-timeline-accepted');

    await open(office, srv.base, '/office/hazards/index');
    await office.locator(`${SHOWN} .hazard-row`, { hasText: '河堤出现裂缝' }).first().waitFor();
    await shot(office, 'office-hazards');
    await open(office, srv.base, '/office/stats/index');
    await office.waitForSelector(`${SHOWN} #stats`);
    await shot(office, 'office-stats');
  });

  it("the office issues a warning, a grid member confirms it in the page, and the office's board shows it without a reload", async () => {
    await open(office, srv.base, '/office/warnings/index');
    await office.click(`${SHOWN} #level-red`);
    await office.fill(`${SHOWN} #warn-title input`, '暴雨红色预警（测试）');
    await office.fill(`${SHOWN} #warn-body textarea`, '今晚有特大暴雨，请立即巡查河道和危岩点，做好转移准备。');
    await office.locator(`${SHOWN} .chip`, { hasText: '双河村' }).first().click();
    await office.click(`${SHOWN} #warn-issue`);
    await office.locator('.taro__modal button, .taro-modal__foot div', { hasText: '确定' }).last().click();
    await office.waitForSelector(`${SHOWN} #callout-board`, { timeout: 20_000 });
    expect(await office.textContent(`${SHOWN} #count-acked`)).toBe('0');
    // A marker in the page's memory: if the page were reloaded, it would be gone.
    await office.evaluate(() => ((window as unknown as { __noReload: boolean }).__noReload = true));
    await shot(office, 'office-callout-board-before');

    await login(grid, srv.base, 'grid.sh-01', 'Grid@2024');
    await shot(grid, 'grid-home');
    await tapTile(grid, '待确认');
    const card = grid.locator(`${SHOWN} .callout-card`, { hasText: '暴雨红色预警（测试）' });
    await card.waitFor();
    await shot(grid, 'grid-callout');
    await card.locator('.ack-btn').click();
    await card.locator('.ack-done').waitFor();
    await shot(grid, 'grid-callout-acked');

    await office.waitForFunction(
      (shown) => document.querySelector(`${shown} #count-acked`)?.textContent === '1',
      SHOWN,
      { timeout: 15_000 },
    );
    expect(await office.textContent(`${SHOWN} #acked-list`)).toContain('双河村网格员1');
    expect(await office.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);
    await shot(office, 'office-callout-board-after');
  });

  it('a drill check-in appears on the live board', async () => {
    await open(office, srv.base, '/office/drills/index');
    await office.fill(`${SHOWN} #drill-title input`, '汛期拉动集结演练（测试）');
    await office.locator(`${SHOWN} .chip`, { hasText: '双河村' }).first().click();
    await office.click(`${SHOWN} #drill-start`);
    await office.waitForSelector(`${SHOWN} #drill-board`, { timeout: 20_000 });
    const before = Number(await office.textContent(`${SHOWN} #drill-present`));
    await office.evaluate(() => ((window as unknown as { __noReload: boolean }).__noReload = true));

    await open(grid, srv.base, '/pages/index/index');
    await tapTile(grid, '演练签到');
    await grid.click(`${SHOWN} #checkin-btn`);
    const result = await grid.waitForSelector(`${SHOWN} #checkin-result`, { timeout: 20_000 });
    expect(await result.textContent()).toContain('签到成功');
    await shot(grid, 'grid-checkin');

    await office.waitForFunction(
      ([shown, n]) => Number(document.querySelector(`${shown} #drill-present`)?.textContent) === Number(n) + 1,
      [SHOWN, before] as const,
      { timeout: 15_000 },
    );
    expect(await office.textContent(`${SHOWN} #drill-present-list`)).toContain('双河村网格员1');
    expect(await office.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);
    await shot(office, 'office-drill-board');
  });

  it('threw no errors in any page', () => {
    expect(errors).toEqual({ resident: [], office: [], grid: [] });
  });
});

afterAll(() => {
  fs.rmSync(path.join(os.tmpdir(), `yingji-e2e-${process.pid}.jpg`), { force: true });
});
