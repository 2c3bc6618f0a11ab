import type { Browser, BrowserContext, Page } from 'playwright-core';
import { calloutsApi, incidentsApi, outboxApi, sheltersApi, tipsApi, type ApiClient } from '@yingji/shared';
import { seedDemoTown } from '../../server/src/demo-seed';
import { drainOutbox } from '../../server/src/outbox/worker';
import { useTestDatabase } from '../support/db';
import { startTestServer, type TestServer } from '../support/server';
import { ensureBuild } from './support/h5-build';
import { SHOWN, collectErrors, launch, login, newContext, open, shot } from './support/browser';

/**
 * The duty officer's console at a desk (1366×900) and a resident's phone (390×844), in headless
 * Chromium against the real H5 build and server. The server has no WeCom app configured, so the
 * warnings' WeCom deliveries fail: the boards must say so.
 */
useTestDatabase();
jest.setTimeout(180_000);

let srv: TestServer;
let browser: Browser;
const contexts: BrowserContext[] = [];
let office: Page;
let resident: Page;
let grid: Page;
let officeApi: ApiClient;
const errors: Record<string, string[]> = {};

beforeAll(async () => {
  ensureBuild('h5');
  await seedDemoTown();
  srv = await startTestServer();
  officeApi = await srv.login('office', 'Office@2024');
  browser = await launch();
  const pages: Page[] = [];
  for (const [name, kind] of [
    ['office', 'desk'],
    ['resident', 'phone-nogps'],
    ['grid', 'phone'],
  ] as const) {
    const ctx = await newContext(browser, kind);
    contexts.push(ctx);
    const page = await ctx.newPage();
    errors[name] = collectErrors(page);
    pages.push(page);
  }
  [office, resident, grid] = pages;
}, 20 * 60_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await srv?.close();
});

const button = (page: Page, text: string) =>
  page.locator(`${SHOWN} taro-button-core, ${SHOWN} button`, { hasText: text }).first();
const confirmModal = (page: Page) =>
  page.locator('.taro__modal button, .taro-modal__foot div', { hasText: '确定' }).last().click();

describe('the office console at a desk', () => {
  it('a wrong password says 用户名或密码错误, not that the login expired', async () => {
    await open(office, srv.base, '/pages/index/index');
    await office.fill(`${SHOWN} #login-username input`, 'office');
    await office.fill(`${SHOWN} #login-password input`, 'wrong-password');
    await office.click(`${SHOWN} #login-submit`);
    const err = office.locator(`${SHOWN} .error-text`);
    await err.waitFor();
    expect(await err.textContent()).toBe('用户名或密码错误');
    await shot(office, 'office-login-wrong-password');
  });

  it('opens on 值班台 with navigation, the town, the role and the duty officer', async () => {
    await login(office, srv.base, 'office', 'Office@2024');
    await office.waitForFunction(() => document.querySelector('#desk-town')?.textContent?.includes('十直镇'));
    expect(await office.locator(`${SHOWN} .desk-nav-item`).count()).toBeGreaterThan(10);
    expect(await office.textContent(`${SHOWN} #desk-officer`)).toContain('值班员');
    await shot(office, 'office-duty-desk');
  });

  let calloutId = '';
  it('sees a failed delivery marked failed with its reason on the board, and retries it', async () => {
    calloutId = (
      await calloutsApi(officeApi).create({
        title: '暴雨橙色预警（桌面测试）',
        level: 'orange',
        body: '请立即巡查。',
        area: { villages: ['SH'] },
      })
    ).id;
    await drainOutbox(srv.services);
    await open(office, srv.base, `/office/callout/index?id=${calloutId}`);
    const failed = office.locator(`${SHOWN} .pending-row .delivery-failed`).first();
    await failed.waitFor({ timeout: 20_000 });
    expect(await failed.textContent()).toContain('发送失败：企业微信应用未配置');
    expect(await office.textContent(`${SHOWN} #pending-list`)).not.toContain('已发送');
    await shot(office, 'office-callout-board-failed');

    // The same failure on the page of messages not delivered, with 重发.
    await open(office, srv.base, '/office/outbox/index');
    const row = office.locator(`${SHOWN} .parked-row`).first();
    await row.waitFor();
    expect(await row.locator('.parked-reason').textContent()).toBe('企业微信应用未配置');
    await shot(office, 'office-outbox');
    const before = (await outboxApi(officeApi).parked()).total;
    await row.locator('.retry-btn').click();
    await office.locator(`${SHOWN} .ok-text`, { hasText: '已重新放入发送队列' }).waitFor();
    expect((await outboxApi(officeApi).parked()).total).toBe(before - 1);
  });

  it('closes the warning from its board', async () => {
    await open(office, srv.base, `/office/callout/index?id=${calloutId}`);
    await office.click(`${SHOWN} #callout-close`);
    await confirmModal(office);
    await office.waitForFunction(
      (s) => document.querySelector(`${s} #callout-status`)?.textContent?.includes('已结束'),
      SHOWN,
      { timeout: 15_000 },
    );
    expect((await calloutsApi(officeApi).get(calloutId)).status).toBe('closed');
    await shot(office, 'office-callout-closed');
  });

  it('registers an incident, watches its one-hour limit and records that it was reported up', async () => {
    await open(office, srv.base, '/office/incidents/index');
    await office.click(`${SHOWN} #incident-kind-滑坡`);
    await office.fill(`${SHOWN} #incident-address input`, '双河村三组老屋基');
    await office.fill(`${SHOWN} #incident-description textarea`, '后山局部滑坡，冲毁便道约十米，无人员伤亡。');
    await office.click(`${SHOWN} #incident-submit`);
    const row = office.locator(`${SHOWN} .incident-row`, { hasText: '后山局部滑坡' }).first();
    await row.waitFor({ timeout: 15_000 });
    expect(await row.locator('.incident-timer').textContent()).toMatch(/待上报，剩余 \d+ 分钟/);
    await shot(office, 'office-incidents');
    await row.locator('.report-up-btn').click();
    await office.waitForFunction(
      (s) =>
        Array.from(document.querySelectorAll(`${s} .incident-row`)).some((r) =>
          r.textContent?.includes('（在时限内）'),
        ),
      SHOWN,
      { timeout: 15_000 },
    );
    const [incident] = (await incidentsApi(officeApi).list()).items;
    expect(incident?.reportedUp).toMatchObject({ to: '县应急管理局值班室', method: 'phone' });
    await shot(office, 'office-incident-reported');
  });

  it('edits a shelter, and sees its occupancy on the evacuation board after a grid member reports a transfer', async () => {
    const points = (await sheltersApi(await srv.login('grid.sh-01', 'Grid@2024')).hazardPoints()).items;
    const point = points.find((p) => p.shelter)!;
    const shelterId = point.shelter!.id;
    await open(office, srv.base, '/office/resources/index');
    const card = office.locator(`${SHOWN} #shelter-${shelterId}`);
    await card.locator('.shelter-edit').click();
    await office.fill(`${SHOWN} #shelter-capacity input`, '480');
    await office.click(`${SHOWN} #shelter-save`);
    await office.locator(`${SHOWN} .ok-text`, { hasText: '已保存' }).waitFor();
    await card.locator('text=可容纳 480 人').waitFor({ timeout: 10_000 });
    await shot(office, 'office-resources');

    await open(office, srv.base, '/office/evacuation/index');
    const shelterRow = office.locator(`${SHOWN} #evac-shelter-${shelterId}`);
    await shelterRow.waitFor();
    expect(await shelterRow.textContent()).toContain('/ 可容纳 480');
    const occupancy = Number(await office.textContent(`${SHOWN} #evac-occupancy`));

    // The grid member reports 12 people moved, on the phone.
    await login(grid, srv.base, 'grid.sh-01', 'Grid@2024');
    await open(grid, srv.base, '/staff/transfer/index');
    await grid.locator(`${SHOWN} .chip`, { hasText: point.name }).first().click();
    await grid.fill(`${SHOWN} .input input`, '12');
    await button(grid, '上报').click();
    await grid
      .getByText(/已转移 \d+ \/ 计划/)
      .first()
      .waitFor({ timeout: 15_000 });
    await shot(grid, 'grid-transfer');

    await office.waitForFunction(
      ([s, n]) => Number(document.querySelector(`${s} #evac-occupancy`)?.textContent) === Number(n) + 12,
      [SHOWN, occupancy] as const,
      { timeout: 20_000 },
    );
    await shot(office, 'office-evacuation');
  });

  it('has a page with a title for every office action, and screenshots of each at 1366×900', async () => {
    for (const [route, name] of [
      ['/office/triage/index', 'office-triage'],
      ['/office/hazards/index', 'office-hazards'],
      ['/office/warnings/index', 'office-warnings'],
      ['/office/drills/index', 'office-drills'],
      ['/office/vulnerable/index', 'office-vulnerable'],
      ['/office/rewards/index', 'office-rewards'],
      ['/office/audit/index', 'office-audit'],
      ['/office/stats/index', 'office-stats'],
      ['/office/exports/index', 'office-exports'],
      ['/office/map/index', 'office-map'],
      ['/office/resources/index', 'office-resources'],
      ['/office/duty/index', 'office-duty-desk-after'],
    ] as const) {
      await open(office, srv.base, route);
      await office.waitForSelector(`${SHOWN} .desk-nav-on`);
      await office.waitForFunction((s) => !document.querySelector(`${s} .state-loading`), SHOWN, { timeout: 15_000 });
      expect(await office.locator(`${SHOWN} .state-error`).count()).toBe(0);
      await shot(office, name);
    }
  });
});

describe("a resident's phone without location permission", () => {
  it('submits a tip by choosing 村 → 组 from the list', async () => {
    await open(resident, srv.base, '/pages/index/index');
    await shot(resident, 'resident-login');
    await login(resident, srv.base, 'resident.demo', 'Resident@2024');
    await shot(resident, 'resident-home');
    await open(resident, srv.base, '/pages/report/index');
    await resident.locator(`${SHOWN} #place-picker`).waitFor();
    await resident.waitForFunction(
      (s) => document.querySelector(`${s} #tip-place`)?.textContent === '还没有位置',
      SHOWN,
      { timeout: 15_000 },
    );
    await resident.locator(`${SHOWN} .place-village`, { hasText: '双河村' }).click();
    const group = resident.locator(`${SHOWN} .place-group`).first();
    const groupName = (await group.textContent())!.trim();
    await group.click();
    expect(await resident.textContent(`${SHOWN} #tip-place`)).toBe(`已选择：双河村 ${groupName}`);
    await resident.click(`${SHOWN} #cat-water`);
    await resident.fill(`${SHOWN} #tip-description textarea`, '村口小桥边的河堤垮了一块');
    await shot(resident, 'resident-report-no-gps');
    await resident.click(`${SHOWN} #tip-submit`);
    await resident.waitForSelector(`${SHOWN} #tip-result`, { timeout: 30_000 });
    const code = ((await resident.textContent(`${SHOWN} #tip-result-code`)) ?? '').trim();
    await shot(resident, 'resident-report-sent');

    const mine = await tipsApi(await srv.login('resident.demo', 'Resident@2024')).mine();
    const tip = mine.items.find((t) => t.code === code);
    expect(tip).toMatchObject({ category: 'flood_drought', location: { address: `双河村 ${groupName}` } });
  });

  it('lists the shelters without a location, and shows every resident page at 390×844', async () => {
    await open(resident, srv.base, '/pages/shelters/index');
    await resident.locator(`${SHOWN} #shelters-no-location`).waitFor({ timeout: 15_000 });
    await resident.waitForFunction((s) => !document.querySelector(`${s} .state-loading`), SHOWN);
    expect(await resident.locator(`${SHOWN} .card-title`).count()).toBeGreaterThan(0);
    await shot(resident, 'resident-shelters-no-gps');
    for (const [route, name] of [
      ['/pages/mine/index', 'resident-my-tips'],
      ['/pages/warnings/index', 'resident-warnings'],
    ] as const) {
      await open(resident, srv.base, route);
      await resident.waitForFunction((s) => !document.querySelector(`${s} .state-loading`), SHOWN, {
        timeout: 15_000,
      });
      await shot(resident, name);
    }
  });

  it('threw no errors in any page', () => {
    expect(errors).toEqual({ office: [], resident: [], grid: [] });
  });
});
