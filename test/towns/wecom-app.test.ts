import { townsApi } from '@yingji/shared';
import { DeliveryModel } from '../../server/src/outbox/delivery.model';
import { drainOutbox } from '../../server/src/outbox/worker';
import { startFakeWecom, type FakeWecom } from '../fakes/wecom';
import { useTestDatabase } from '../support/db';
import { startTestServer, type TestServer } from '../support/server';
import { apiError, platformAdmin, townFromNothing } from './support';

/**
 * A county may run one WeCom corp for all its towns or one per town: a town whose settings name
 * its own WeCom app sends through that app's corp, agent and secret; a town without one sends
 * through the deployment's (WECOM_CORP_ID …). The fake WeCom here knows only 新坪镇's corp, so
 * the deployment's corp is refused there: each town's message shows which credentials it used.
 */
useTestDatabase();

let srv: TestServer;
let fake: FakeWecom;
let xt: Awaited<ReturnType<typeof townFromNothing>>;
let yt: Awaited<ReturnType<typeof townFromNothing>>;

beforeAll(async () => {
  fake = await startFakeWecom({ corpId: 'ww-xinping', secret: 'xinping-app-secret', agentId: 1000009 });
  srv = await startTestServer({
    env: {
      WECOM_CORP_ID: 'ww-county-shared',
      WECOM_SECRET: 'county-app-secret',
      WECOM_AGENT_ID: '1000002',
      WECOM_API_BASE: fake.base,
      WECOM_TIMEOUT_MS: '1000',
      OUTBOX_RETRY_BASE_MS: '50',
    },
  });
  const platform = await platformAdmin(srv);
  xt = await townFromNothing(srv, platform, { code: 'XT', name: '新坪镇', lng: 107.7, lat: 29.9 });
  yt = await townFromNothing(srv, platform, { code: 'YT', name: '云台镇', lng: 108.5, lat: 30.5 });
  for (const [t, id] of [
    [xt, 'xt-zhang'],
    [yt, 'yt-li'],
  ] as const)
    await t.admin.post('/api/users', {
      username: `${id}.cadre`,
      password: 'Cadre@2024x',
      role: 'grid',
      name: id === 'xt-zhang' ? '张网格员' : '李网格员',
      grids: [t.grid.code],
      wecomUserId: id,
    });
});
afterAll(async () => {
  await srv.close();
  await fake.close();
});

describe('a town with its own WeCom app', () => {
  it('keeps the app’s secret out of what the settings show, and the audit log', async () => {
    const after = await townsApi(xt.admin).patchConfig({
      wecomApp: { corpId: 'ww-xinping', agentId: 1000009, secret: 'xinping-app-secret' },
    });
    expect(after.wecomApp).toEqual({ corpId: 'ww-xinping', agentId: 1000009, secret: '******' });
    const [entry] = (await townsApi(xt.admin).audit()).items;
    expect(JSON.stringify(entry)).not.toContain('xinping-app-secret');
    // Saving the settings back as shown (the mask) keeps the secret.
    await townsApi(xt.admin).patchConfig({ wecomApp: after.wecomApp });
  });

  it('sends its warnings through its own corp and agent; the other town uses the deployment’s app', async () => {
    await xt.admin.post('/api/callouts', {
      title: '新坪镇暴雨橙色预警',
      level: 'orange',
      area: { grids: [xt.grid.id] },
    });
    await yt.admin.post('/api/callouts', {
      title: '云台镇暴雨橙色预警',
      level: 'orange',
      area: { grids: [yt.grid.id] },
    });
    await drainOutbox(srv.services, ['wecom_app'], 20_000);

    const mine = fake.to('xt-zhang');
    expect(mine.length).toBeGreaterThan(0);
    expect(mine[0]!.body.agentid).toBe(1000009);
    expect(JSON.stringify(mine[0]!.body)).toContain('新坪镇暴雨橙色预警');

    // 云台镇 has no app of its own: the deployment's corp, which this WeCom does not know.
    expect(fake.to('yt-li')).toEqual([]);
    const theirs = await DeliveryModel.find({ town: yt.town.id, channel: 'wecom_app' }).lean();
    expect(theirs.length).toBeGreaterThan(0);
    expect(theirs.every((d) => d.state !== 'sent')).toBe(true);
    expect(theirs.map((d) => d.lastError).join(' ')).toContain('invalid corpid');
  });
});

describe('the subscribe-message templates have one home', () => {
  it('refuses the old wechatSubscribeTemplates key and says where the templates are set', async () => {
    const err = await apiError(townsApi(xt.admin).patchConfig({ wechatSubscribeTemplates: { callout: 'tmpl-1' } }));
    expect(err).toMatchObject({ status: 400, code: 'TOWN_CONFIG_INVALID' });
    expect(err.message).toContain('subscribe.templates');
    const cfg = await townsApi(xt.admin).config();
    expect(cfg).not.toHaveProperty('wechatSubscribeTemplates');
    expect(cfg.subscribe).toMatchObject({ templates: {} });
  });
});
