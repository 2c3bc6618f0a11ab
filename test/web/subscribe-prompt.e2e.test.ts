import type { Browser, BrowserContext, Page } from 'playwright-core';
import { tipsApi } from '@yingji/shared';
import { seedDemo } from '../../server/src/people/seed';
import { TownModel } from '../../server/src/people/town.model';
import { UserModel } from '../../server/src/people/user.model';
import { ConsentModel, consentId, type ConsentLean } from '../../server/src/subscriptions/consent.model';
import { TEMPLATES } from '../residents/support';
import { useTestDatabase } from '../support/db';
import { startTestServer, type TestServer } from '../support/server';
import { ensureBuild } from './support/h5-build';
import { SHOWN, collectErrors, launch, login, newContext, open, shot } from './support/browser';

/**
 * The moment a resident is asked for subscription messages: right after the server accepted a tip,
 * on a phone (390×844) in headless Chromium against the real H5 build, where a stand-in dialog
 * takes the place of WeChat's requestSubscribeMessage popup.
 */
useTestDatabase();
jest.setTimeout(180_000);

let srv: TestServer;
let browser: Browser;
let ctx: BrowserContext;
let page: Page;
let errors: string[];
let residentId = '';
const tipT = TEMPLATES.tip_status.templateId;

beforeAll(async () => {
  ensureBuild('h5');
  await seedDemo();
  // The town has templates configured (as in test/residents/subscribe.test.ts).
  const town = await TownModel.findOne({ code: 'SZ' }).lean();
  await TownModel.updateOne(
    { code: 'SZ' },
    { $set: { config: { ...(town?.config ?? {}), subscribe: { miniprogramState: 'trial', templates: TEMPLATES } } } },
  );
  // The demo resident has also used the mini-program, so WeChat knows them by an openid.
  const user = await UserModel.findOneAndUpdate(
    { username: 'resident.demo' },
    { $set: { wechatOpenId: 'openid-resident-demo-e2e' } },
    { returnDocument: 'after' },
  ).lean();
  residentId = String(user!._id);
  srv = await startTestServer();
  browser = await launch();
  ctx = await newContext(browser, 'phone-nogps');
  page = await ctx.newPage();
  errors = collectErrors(page);
}, 20 * 60_000);

afterAll(async () => {
  await ctx?.close().catch(() => undefined);
  await browser?.close();
  await srv?.close();
});

const consent = (templateId: string) =>
  ConsentModel.findById(consentId(residentId, templateId)).lean<ConsentLean | null>();
const modalButton = (text: string) =>
  page.locator('.taro__modal button, .taro-modal__foot div', { hasText: text }).last();

/** Fill the tip form by 村 → 组 (no GPS) and submit; returns the code the page shows. */
async function submitTip(description: string): Promise<string> {
  await open(page, srv.base, '/pages/report/index');
  await page.locator(`${SHOWN} #place-picker`).waitFor();
  await page.locator(`${SHOWN} .place-village`, { hasText: '双河村' }).click();
  await page.locator(`${SHOWN} .place-group`).first().click();
  await page.click(`${SHOWN} #cat-water`);
  await page.fill(`${SHOWN} #tip-description textarea`, description);
  await page.click(`${SHOWN} #tip-submit`);
  await page.waitForSelector(`${SHOWN} #tip-result`, { timeout: 30_000 });
  return ((await page.textContent(`${SHOWN} #tip-result-code`)) ?? '').trim();
}

describe('a resident asked to subscribe after submitting a tip', () => {
  it('is offered 接收处理进展通知 once the server accepted the tip, and accepting records one message for the tip template', async () => {
    await login(page, srv.base, 'resident.demo', 'Resident@2024');
    expect(await consent(tipT)).toBeNull();
    const code = await submitTip('村口小桥边的河堤垮了一块');
    const mine = await tipsApi(await srv.login('resident.demo', 'Resident@2024')).mine();
    expect(mine.items.map((t) => t.code)).toContain(code);

    const ask = page.locator(`${SHOWN} #subscribe-button`);
    await ask.waitFor({ timeout: 15_000 });
    expect(await ask.textContent()).toContain('接收处理进展通知');
    await ask.click();
    await modalButton('允许').waitFor();
    await shot(page, 'resident-subscribe-dialog');
    await modalButton('允许').click();
    const result = page.locator(`${SHOWN} #subscribe-result`);
    await result.waitFor({ timeout: 15_000 });
    expect(await result.textContent()).toContain('已订阅');
    await shot(page, 'resident-subscribe-accepted');

    expect(await consent(tipT)).toMatchObject({ kind: 'tip_status', remaining: 1, accepted: 1, lastResult: 'accept' });
    expect(await page.locator(`${SHOWN} #subscribe-button`).count()).toBe(0);
  });

  it('declining records a refusal, leaves the earlier message, and the page asks nothing again', async () => {
    await submitTip('后山小路边有块石头松动了');
    await page.locator(`${SHOWN} #subscribe-button`).click();
    await modalButton('取消').click();
    const result = page.locator(`${SHOWN} #subscribe-result`);
    await result.waitFor({ timeout: 15_000 });
    expect(await result.textContent()).toContain('您没有允许接收通知');
    await shot(page, 'resident-subscribe-declined');

    expect(await consent(tipT)).toMatchObject({ remaining: 1, accepted: 1, lastResult: 'reject' });
    expect(await page.locator(`${SHOWN} #subscribe-button`).count()).toBe(0);
    expect(await page.locator('.taro__modal, .taro-modal__foot').filter({ visible: true }).count()).toBe(0);
  });

  it('threw no errors in the page', () => {
    expect(errors).toEqual([]);
  });

  // Last: the refused save logs a failed request in the page's console.
  it('says the subscription is unavailable, not 已订阅, when the server could not record it', async () => {
    await UserModel.updateOne({ _id: residentId }, { $unset: { wechatOpenId: 1 } }); // never used WeChat
    const before = await consent(tipT);
    await submitTip('路边排水沟堵住了，下雨就漫到路上');
    await page.locator(`${SHOWN} #subscribe-button`).click();
    await modalButton('允许').click();
    const result = page.locator(`${SHOWN} #subscribe-result`);
    await result.waitFor({ timeout: 15_000 });
    expect(await result.textContent()).toContain('微信通知暂时无法订阅');
    expect(await result.textContent()).not.toContain('已订阅');
    expect(await consent(tipT)).toEqual(before);
  });
});
