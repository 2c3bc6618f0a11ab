import { hazardsApi, townsApi } from '@yingji/shared';
import { useTestDatabase } from '../support/db';
import { startTestServer, type TestServer } from '../support/server';
import { apiError, platformAdmin, townFromNothing } from './support';

/**
 * The settings the console edits as forms (部门分派, 奖励规则) are checked by the server as a whole:
 * a category the office does not have, an empty department, a reward role nobody has or a cap below
 * the amount is refused with the field and a Chinese reason, and nothing is stored or audited.
 */
useTestDatabase();

let srv: TestServer;
let xt: Awaited<ReturnType<typeof townFromNothing>>;

beforeAll(async () => {
  srv = await startTestServer();
  xt = await townFromNothing(srv, await platformAdmin(srv), { code: 'XT', name: '新坪镇', lng: 107.7, lat: 29.9 });
});
afterAll(async () => {
  await srv.close();
});

const INSIDE = { lat: 29.905, lng: 107.705, address: '新坪镇一村河边' };

async function refused(patch: Record<string, unknown>, path: string, reason: string) {
  const before = await townsApi(xt.admin).config();
  const logged = (await townsApi(xt.admin).audit()).items.length;
  const err = await apiError(townsApi(xt.admin).patchConfig(patch));
  expect(err).toMatchObject({ status: 400, code: 'TOWN_CONFIG_INVALID' });
  expect(err.message).toContain(reason);
  expect(err.details).toEqual(expect.arrayContaining([expect.objectContaining({ path, message: reason })]));
  expect(await townsApi(xt.admin).config()).toEqual(before);
  expect((await townsApi(xt.admin).audit()).items.length).toBe(logged);
}

describe('部门分派 in the settings', () => {
  it('refuses a category the office does not have and an empty department', async () => {
    await refused(
      { departmentByCategory: { volcano: '镇应急办' } },
      'departmentByCategory.volcano',
      '没有这个隐患类别',
    );
    await refused({ departmentByCategory: { fire: '  ' } }, 'departmentByCategory.fire', '请填写负责部门');
  });

  it('routes a new hazard of the category to the department set, and audits the change', async () => {
    const after = await townsApi(xt.admin).patchConfig({ departmentByCategory: { fire: ' 镇消防工作站 ' } });
    expect(after.departmentByCategory).toEqual({ fire: '镇消防工作站' });
    const h = await hazardsApi(xt.admin).create({
      category: 'fire',
      level: 'general',
      description: '仓库门口堆放纸箱',
      location: INSIDE,
    });
    expect(h.department).toBe('镇消防工作站');
    // A category the table does not name keeps its default department.
    const gas = await hazardsApi(xt.admin).create({
      category: 'gas',
      level: 'general',
      description: '液化气瓶放在灶台下',
      location: INSIDE,
    });
    expect(gas.department).toBe('镇规划建设管理环保办');
    const log = await townsApi(xt.admin).audit();
    expect(log.items[0]).toMatchObject({
      action: 'town.config',
      after: { departmentByCategory: { fire: '镇消防工作站' } },
    });
  });
});

describe('奖励规则 in the settings', () => {
  it('refuses an unknown category, a negative amount, a cap below the amount and an unknown role', async () => {
    await refused(
      { rewards: { rules: [{ category: 'volcano', amount: 100 }] } },
      'rewards.rules.0.category',
      '没有这个隐患类别',
    );
    await refused(
      { rewards: { rules: [{ level: 'general', amount: -5 }] } },
      'rewards.rules.0.amount',
      '金额不能小于 0',
    );
    await refused(
      { rewards: { rules: [{ level: 'major', amount: 3000, maxAmount: 1000 }] } },
      'rewards.rules.0.maxAmount',
      '上限不能低于奖励金额',
    );
    await refused({ rewards: { roles: ['resident', 'visitor'] } }, 'rewards.roles.1', '没有这个身份');
  });

  it('stores a rule table of known categories', async () => {
    const rules = [
      { level: 'general', amount: 80 },
      { level: 'major', category: 'fire', amount: 500, fineShare: 0.1, maxAmount: 2000 },
    ];
    const after = await townsApi(xt.admin).patchConfig({ rewards: { rules, roles: ['resident', 'grid'] } });
    expect(after.rewards).toEqual({ trigger: 'accepted', roles: ['resident', 'grid'], rules });
  });
});

describe('订阅消息模板 in the settings', () => {
  const templates = async () =>
    ((await townsApi(xt.admin).config()).subscribe as { templates: Record<string, unknown> }).templates;

  it('refuses a keyword filled with a value the message does not have', async () => {
    await refused(
      { subscribe: { templates: { warning: { templateId: 'tmpl-w', fields: { thing1: 'amount' } } } } },
      'subscribe.templates.warning.fields.thing1',
      '可用的取值：title、level、levelLabel、area、body、time、expires',
    );
  });

  it('changes a template, takes a keyword out and takes a whole template out (sent as null)', async () => {
    await townsApi(xt.admin).patchConfig({
      subscribe: { templates: { tip_status: { templateId: 'tmpl-a', fields: { thing1: 'code', time2: 'time' } } } },
    });
    await townsApi(xt.admin).patchConfig({
      subscribe: {
        templates: {
          tip_status: { templateId: 'tmpl-b', fields: { time2: null, phrase3: 'status' } },
          drill: null,
        },
      },
    });
    expect(await templates()).toEqual({
      tip_status: { templateId: 'tmpl-b', fields: { thing1: 'code', phrase3: 'status' } },
    });
    const log = await townsApi(xt.admin).audit();
    expect(log.items[0]).toMatchObject({
      action: 'town.config',
      before: { subscribe: { templates: { tip_status: { templateId: 'tmpl-a' } } } },
      after: { subscribe: { templates: { tip_status: { templateId: 'tmpl-b' } } } },
    });
    await townsApi(xt.admin).patchConfig({ subscribe: { templates: { tip_status: null } } });
    expect(await templates()).toEqual({});
  });
});
