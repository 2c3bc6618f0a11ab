import type { Browser, BrowserContext, Page } from 'playwright-core';
import { townsApi, type ApiClient } from '@yingji/shared';
import { seedDemoTown } from '../../server/src/demo-seed';
import { TownModel } from '../../server/src/people/models';
import { useTestDatabase } from '../support/db';
import { startTestServer, type TestServer } from '../support/server';
import { ensureBuild } from './support/h5-build';
import { SHOWN, collectErrors, launch, login, newContext, open, shot } from './support/browser';

/**
 * 本镇设置 at a desk (1366×900), in headless Chromium against the real H5 build and server: the
 * town's admin changes a reward amount and adds a rule, names a category's department and sets a
 * subscription template with its keywords, each through its own form; a bad value shows the
 * server's Chinese reason and changes nothing; the town's own WeCom app gets its callback Token and
 * EncodingAESKey (stored, shown back only as the mask); every change is in the settings and in the
 * 操作日志 in the settings page's words.
 */
useTestDatabase();
jest.setTimeout(180_000);

let srv: TestServer;
let browser: Browser;
let ctx: BrowserContext;
let page: Page;
let admin: ApiClient;
let errors: string[];

beforeAll(async () => {
  ensureBuild('h5');
  await seedDemoTown();
  srv = await startTestServer();
  admin = await srv.login('admin', 'Admin@2024');
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

type Cfg = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const config = async () => (await townsApi(admin).config()) as Cfg;
const audit = async () => (await townsApi(admin).audit()).items;
const $ = (s: string) => `${SHOWN} ${s}`;
/** The settings once `ok` holds for them (a save just clicked may still be on its way). */
async function configWhen(ok: (c: Cfg) => boolean): Promise<Cfg> {
  const until = Date.now() + 10_000;
  for (;;) {
    const c = await config();
    if (ok(c) || Date.now() > until) return c;
    await new Promise((r) => setTimeout(r, 100));
  }
}
const waitText = (sel: string, text: string) => page.locator($(sel), { hasText: text }).waitFor({ timeout: 15_000 });

describe('the town admin edits the settings through forms', () => {
  it('shows the reward rules in words, not codes, with the raw editor collapsed', async () => {
    await login(page, srv.base, 'admin', 'Admin@2024');
    await open(page, srv.base, '/admin/settings/index');
    await page.waitForSelector($('#rewards-form'), { timeout: 15_000 });
    expect(await page.textContent($('#reward-rule-0'))).toContain('第 1 条：一般隐患：50 元');
    expect(await page.textContent($('#reward-rule-1'))).toContain('重大隐患：3000 元，或罚款的 15%（取高者）');
    const text = (await page.textContent($('.page'))) ?? '';
    expect(text).not.toMatch(/general|major|propose|accepted/);
    expect(await page.locator($('#settings-json')).count()).toBe(0);
    await shot(page, 'settings-forms');
  });

  it('refuses a negative reward with the server’s reason, and changes nothing', async () => {
    const before = await config();
    const logged = (await audit()).length;
    await page.fill($('#reward-rule-0-amount input'), '-50');
    await page.click($('#rewards-save'));
    await waitText('#rewards-error', '设置不正确：第 1 条规则的奖励金额：金额不能小于 0');
    await shot(page, 'settings-rewards-refused');
    expect(await config()).toEqual(before);
    expect(await audit()).toHaveLength(logged);
  });

  it('changes a reward amount and adds a rule for major fire hazards', async () => {
    await page.fill($('#reward-rule-0-amount input'), '80');
    await page.click($('#reward-rule-add'));
    await page.click($('#reward-rule-2-level-major'));
    await page.click($('#reward-rule-2-pick'));
    await page.click($('#reward-rule-2-cat-fire'));
    await page.fill($('#reward-rule-2-amount input'), '500');
    await page.fill($('#reward-rule-2-max input'), '2000');
    expect(await page.textContent($('#reward-rule-2'))).toContain('第 3 条：重大隐患，消防：500 元，最多 2000 元');
    await page.click($('#rewards-save'));
    await waitText('#rewards-saved', '已保存');
    expect((await config()).rewards.rules).toEqual([
      { level: 'general', amount: 80 },
      { level: 'major', amount: 3000, fineShare: 0.15 },
      { level: 'major', category: 'fire', amount: 500, maxAmount: 2000 },
    ]);
    const [entry] = await audit();
    expect(entry).toMatchObject({
      action: 'town.config',
      actor: { role: 'admin' },
      before: { rewards: { rules: [{ level: 'general', amount: 50 }, {}] } },
      after: { rewards: { rules: [{ level: 'general', amount: 80 }, {}, { category: 'fire' }] } },
    });
    // Only its own part was sent: nothing else changed.
    expect(Object.keys(entry!.after as object)).toEqual(['rewards']);
    await shot(page, 'settings-rewards-saved');
  });

  it('names the department for fire hazards, a row of spaces refused', async () => {
    await page.fill($('#department-gas input'), '   ');
    await page.click($('#departments-save'));
    await waitText('#departments-error', '“燃气”的负责部门：请填写负责部门');
    expect((await config()).departmentByCategory).toEqual({});
    await page.fill($('#department-gas input'), '');
    await page.fill($('#department-fire input'), '镇消防工作站');
    await page.click($('#departments-save'));
    await waitText('#departments-saved', '已保存');
    expect((await config()).departmentByCategory).toEqual({ fire: '镇消防工作站' });
    expect((await audit())[0]).toMatchObject({ after: { departmentByCategory: { fire: '镇消防工作站' } } });
    await shot(page, 'settings-departments-saved');
  });

  it('sets the template of the tip-progress message with its keywords', async () => {
    const form = '#template-tip_status';
    await page.fill($(`${form}-id input`), 'tmpl-tip-001');
    await page.click($(`${form}-field-add`));
    await page.fill($(`${form}-field-0-key input`), 'character_string1');
    await page.click($(`${form}-field-0-src-code`));
    await page.click($(`${form}-field-add`));
    await page.fill($(`${form}-field-1-key input`), 'status 2');
    await page.click($(`${form}-field-1-src-status`));
    await page.click($(`${form}-field-add`));
    await page.fill($(`${form}-field-2-key input`), 'thing3');
    await page.click($(`${form}-field-2-src-fixed`));
    await page.fill($(`${form}-field-2-text input`), '十直镇应急办');
    await page.click($('#templates-save'));
    await waitText('#templates-error', '“举报处理进度”的关键词 status 2：模板关键词应形如 thing1、time2');
    expect((await config()).subscribe.templates).toEqual({});
    await shot(page, 'settings-templates-refused');

    await page.fill($(`${form}-field-1-key input`), 'phrase2');
    await page.click($('#templates-save'));
    await waitText('#templates-saved', '已保存');
    expect((await config()).subscribe.templates).toEqual({
      tip_status: {
        templateId: 'tmpl-tip-001',
        fields: { character_string1: 'code', phrase2: 'status', thing3: { text: '十直镇应急办' } },
      },
    });
    expect((await audit())[0]).toMatchObject({
      after: { subscribe: { templates: { tip_status: { templateId: 'tmpl-tip-001' } } } },
    });
    await shot(page, 'settings-templates-saved');
  });

  it('takes a keyword out of the template', async () => {
    await page.locator($('#template-tip_status-field-2 .settings-remove')).click();
    expect(await page.locator($('.settings-keyword')).count()).toBe(2);
    await page.click($('#templates-save'));
    const c = await configWhen((x) => !x.subscribe.templates.tip_status.fields.thing3);
    expect(c.subscribe.templates.tip_status.fields).toEqual({
      character_string1: 'code',
      phrase2: 'status',
    });
  });

  it('sets the town’s WeCom app callback: the URL to give WeCom, a Token and a 43-character key', async () => {
    const code = (await admin.me()).town.code;
    await page.locator($('#settings-wecom')).scrollIntoViewIfNeeded();
    expect(await page.textContent($('#wecom-callback-url'))).toMatch(
      new RegExp(`^https?://.+/wecom/callback/${code}$`),
    );
    await page.fill($('#wecom-corp-id input'), 'ww5f3a9c2e7b1d4e60');
    await page.fill($('#wecom-agent-id input'), '1000002');
    await page.fill($('#wecom-token input'), 'Tk9sZ3h2cQ');
    await page.fill($('#wecom-aes-key input'), 'abcdefghij');
    const logged = (await audit()).length;
    await page.click($('#wecom-save'));
    // Said beside the card's button, with the field in the card's words.
    await waitText('#wecom-error', '回调 EncodingAESKey：EncodingAESKey 为 43 位英文字母和数字');
    await shot(page, 'settings-wecom-refused');
    expect((await config()).wecomApp).toEqual({});
    expect(await audit()).toHaveLength(logged);

    const key = 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8S9t0U1v';
    expect(key).toHaveLength(43);
    await page.fill($('#wecom-aes-key input'), key);
    await page.click($('#wecom-save'));
    await waitText('#wecom-saved', '已保存');
    expect((await config()).wecomApp).toEqual({
      corpId: 'ww5f3a9c2e7b1d4e60',
      agentId: 1000002,
      secret: '',
      token: '******',
      encodingAESKey: '******',
    });
    const stored = (await TownModel.findOne({ code }).lean())!.config as Cfg;
    expect(stored.wecomApp).toMatchObject({ token: 'Tk9sZ3h2cQ', encodingAESKey: key });
    await waitText('#settings-wecom', '（已设置）');
    await shot(page, 'settings-wecom-saved');
  });

  it('changes an acknowledgement window, and shows every change in the audit log in words', async () => {
    await page.fill($('#setting-ackMinutes-blue input'), '45');
    await page.click($('#ack-form-save'));
    await waitText('#ack-form-saved', '已保存');
    expect((await config()).ackMinutes).toEqual({ red: 10, orange: 20, yellow: 30, blue: 45 });
    await open(page, srv.base, '/admin/audit/index');
    await page.waitForSelector($('#town-audit .audit-row'), { timeout: 15_000 });
    const lines = (await page.locator($('#town-audit .audit-change')).allTextContents()).map((l) => l.trim());
    for (const line of [
      '奖励规则·第 1 条：一般隐患：50 元 → 一般隐患：80 元',
      '奖励规则：新增 第 3 条（重大隐患，消防：500 元，最多 2000 元）',
      '部门分派·消防：（默认） → 镇消防工作站',
      '订阅消息模板·举报处理进度·模板 ID：（不发送） → tmpl-tip-001',
      '订阅消息模板·举报处理进度·关键词 phrase2：（无） → 处理状态（短语）',
      '订阅消息模板·举报处理进度·关键词 thing3：固定文字“十直镇应急办” → （无）',
      '企业微信应用·企业 ID：（未设置） → ww5f3a9c2e7b1d4e60',
      '企业微信应用·回调 Token：已设置',
      '企业微信应用·回调 EncodingAESKey：已设置',
      '蓝色预警确认时限：60 分钟 → 45 分钟',
    ])
      expect(lines).toContain(line);
    const log = (await page.textContent($('#town-audit'))) ?? '';
    expect(log).toContain('修改设置');
    // No raw paths, codes, JSON or secrets.
    expect(log).not.toMatch(
      /rewards|departmentByCategory|subscribe|wecomApp|ackMinutes|"level"|[{}]|\*\*\*|Tk9sZ3h2cQ/,
    );
    await shot(page, 'settings-audit');
    expect(errors).toEqual([]);
  });
});
