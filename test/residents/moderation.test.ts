import { hazardsApi, tipsApi, type ApiClient } from '@yingji/shared';
import { MediaCheckModel, TextCheckModel } from '../../server/src/moderation/check.model';
import { WECHAT_PUSH_PATH, pushSignature } from '../../server/src/moderation/push';
import { runContentChecks } from '../../server/src/moderation/service';
import { HIDDEN_TEXT } from '../../server/src/moderation/present';
import { seedDemo } from '../../server/src/people/seed';
import { TipModel } from '../../server/src/tips/tip.model';
import { UserModel } from '../../server/src/people/user.model';
import { startFakeWechat, type FakeWechat } from '../fakes/wechat';
import { useTestDatabase } from '../support/db';
import { startTestServer, type TestServer } from '../support/server';
import { PLACES, fetchBytes, hasGps, photo, upload } from '../tips/helpers';
import { wechatResident } from './support';

useTestDatabase();

const PUSH_TOKEN = 'push-token-1';
const tip = (description: string, mediaIds: string[] = []) => ({
  category: 'landslide' as const,
  description,
  location: PLACES.sq01,
  mediaIds,
  confidential: false,
});

describe('what residents post is checked before anyone else sees it', () => {
  let wechat: FakeWechat;
  let srv: TestServer;
  let office: ApiClient;
  let grid: ApiClient;

  beforeAll(async () => {
    await seedDemo();
    wechat = await startFakeWechat();
    srv = await startTestServer({
      env: {
        WECHAT_APPID: wechat.appId,
        WECHAT_SECRET: wechat.secret,
        WECHAT_API_BASE: wechat.base,
        WECHAT_PUSH_TOKEN: PUSH_TOKEN,
        PUBLIC_BASE_URL: 'https://yingji.example.cn',
      },
    });
    office = await srv.login('office', 'Office@2024');
    grid = await srv.login('grid.sq-01', 'Grid@2024');
  });
  afterAll(async () => {
    await srv.close();
    await wechat.close();
  });

  it('holds a flagged text back from everyone but the office, which sees the mark and the reason', async () => {
    const r = await wechatResident(srv, wechat);
    const { id } = await tipsApi(r.client).create(tip('河堤边有人聚众赌博，还占了防汛通道'));
    const clean = await tipsApi(r.client).create(tip('河堤出现裂缝，约三米长'));
    await runContentChecks(srv.services);

    expect(wechat.secChecks.map((c) => c.openid)).toContain(r.openid);
    expect(wechat.secChecks.find((c) => String(c.content).includes('赌博'))).toMatchObject({ version: 2, scene: 2 });
    const seenByOffice = await tipsApi(office).get(id);
    expect(seenByOffice.description).toContain('赌博');
    expect(seenByOffice.moderation).toMatchObject({ flagged: true, reason: expect.stringContaining('违法犯罪') });
    for (const viewer of [grid, r.client]) {
      const seen = await tipsApi(viewer).get(id);
      expect(seen.description).toBe(HIDDEN_TEXT);
      expect(seen.moderation).toBeUndefined();
    }
    expect((await tipsApi(grid).get(clean.id)).description).toBe('河堤出现裂缝，约三米长');
    expect((await tipsApi(office).get(clean.id)).moderation).toMatchObject({ flagged: false });
  });

  it('shows a photo to others only after WeChat passed it, and never one it flagged', async () => {
    const r = await wechatResident(srv, wechat);
    const good = (await upload(r.client, await photo())).id;
    const bad = (await upload(r.client, await photo({ width: 80 }))).id;
    const { id } = await tipsApi(r.client).create(tip('山体滑坡，堵住了村道', [good, bad]));
    await runContentChecks(srv.services);

    const asked = wechat.mediaChecks.filter((c) => [good, bad].some((m) => String(c.body.media_url).includes(m)));
    expect(asked).toHaveLength(2);
    expect(asked[0]!.body).toMatchObject({ media_type: 2, version: 2, openid: r.openid });
    expect(String(asked[0]!.body.media_url)).toMatch(
      /^https:\/\/yingji\.example\.cn\/api\/media\/\w+\/check\?exp=\d+&sig=/,
    );
    // Waiting for WeChat: the office sees both, others neither.
    expect((await tipsApi(grid).get(id)).mediaIds).toEqual([]);
    expect((await fetchBytes(grid, `/api/media/${good}`)).status).toBe(404);

    const traceOf = (m: string) => asked.find((c) => String(c.body.media_url).includes(m))!.traceId;
    const push = `${srv.base}${WECHAT_PUSH_PATH}`;
    expect(await wechat.pushMediaResult(push, PUSH_TOKEN, traceOf(good), 'pass')).toEqual({
      status: 200,
      text: 'success',
    });
    expect((await wechat.pushMediaResult(push, PUSH_TOKEN, traceOf(bad), 'risky', 20002)).status).toBe(200);
    expect((await wechat.pushMediaResult(push, 'wrong-token', traceOf(good), 'risky')).status).toBe(401);

    expect((await tipsApi(grid).get(id)).mediaIds).toEqual([good]);
    expect((await fetchBytes(grid, `/api/media/${good}`)).status).toBe(200);
    expect((await fetchBytes(grid, `/api/media/${bad}`)).status).toBe(404);
    expect((await fetchBytes(r.client, `/api/media/${bad}`)).status).toBe(404);
    const seenByOffice = await tipsApi(office).get(id);
    expect(seenByOffice.mediaIds).toEqual([good, bad]);
    expect(seenByOffice.moderation).toMatchObject({
      flagged: true,
      reason: expect.stringContaining('色情'),
      hiddenMediaIds: [bad],
    });
    expect((await fetchBytes(office, `/api/media/${bad}`)).status).toBe(200);
  });

  it('lets WeChat fetch a photo only through the signed address, without its metadata', async () => {
    const r = await wechatResident(srv, wechat);
    const m = (await upload(r.client, await photo({ gps: true }))).id;
    await tipsApi(r.client).create(tip('桥头护栏断裂', [m]));
    await runContentChecks(srv.services);
    const url = new URL(String(wechat.mediaChecks.find((c) => String(c.body.media_url).includes(m))!.body.media_url));
    const ok = await fetch(`${srv.base}${url.pathname}${url.search}`);
    expect(ok.status).toBe(200);
    expect(await hasGps(Buffer.from(await ok.arrayBuffer()))).toBe(false);
    const forged = await fetch(`${srv.base}${url.pathname}?exp=${url.searchParams.get('exp')}&sig=AAAA`);
    expect(forged.status).toBe(404);
  });

  it('answers the message-push URL verification echo when signed', async () => {
    const sig = pushSignature(PUSH_TOKEN, '1700000000', 'n1');
    const res = await fetch(
      `${srv.base}${WECHAT_PUSH_PATH}?signature=${sig}&timestamp=1700000000&nonce=n1&echostr=e-42`,
    );
    expect(await res.text()).toBe('e-42');
  });
});

describe('the local word list when WeChat cannot be asked', () => {
  let srv: TestServer;
  let wechat: FakeWechat;
  beforeAll(async () => {
    wechat = await startFakeWechat();
    const closed = await startFakeWechat();
    const unreachable = closed.base;
    await closed.close();
    srv = await startTestServer({
      env: { WECHAT_APPID: wechat.appId, WECHAT_SECRET: wechat.secret, WECHAT_API_BASE: unreachable },
    });
  });
  afterAll(async () => {
    await srv.close();
    await wechat.close();
  });

  it('stores the tip, then checks it with the local list and holds it back', async () => {
    await UserModel.updateOne({ username: 'resident.demo' }, { $set: { wechatOpenId: 'openid-demo-resident' } });
    const resident = await srv.login('resident.demo', 'Resident@2024');
    const grid = await srv.login('grid.sq-01', 'Grid@2024');
    const office = await srv.login('office', 'Office@2024');
    const { id } = await tipsApi(resident).create(tip('有人在河边办假证，电话贴满了电线杆'));
    expect(await TipModel.exists({ _id: id })).toBeTruthy(); // stored before any check
    await runContentChecks(srv.services);
    expect(await TextCheckModel.findById(`tip:${id}`).lean()).toMatchObject({
      by: 'local',
      flagged: true,
      fallback: 'wechat_network',
    });
    expect((await tipsApi(grid).get(id)).description).toBe(HIDDEN_TEXT);
    expect((await tipsApi(office).get(id)).moderation).toMatchObject({
      flagged: true,
      local: true,
      reason: expect.stringContaining('假证'),
    });
  });

  it('shows photos that WeChat cannot check, and tells the office they were not checked', async () => {
    const resident = await srv.login('resident.demo', 'Resident@2024');
    const grid = await srv.login('grid.sq-01', 'Grid@2024');
    const m = (await upload(resident, await photo())).id;
    const { id } = await tipsApi(resident).create(tip('河堤护坡松动', [m]));
    await runContentChecks(srv.services);
    expect(await MediaCheckModel.findById(m).lean()).toMatchObject({
      state: 'unchecked',
      reason: expect.stringContaining('未经微信检测'),
    });
    expect((await tipsApi(grid).get(id)).mediaIds).toEqual([m]);
  });

  it('checks a hazard reported in a chat the same way, for everyone but the office', async () => {
    const grid = await srv.login('grid.sq-01', 'Grid@2024');
    const office = await srv.login('office', 'Office@2024');
    const h = await hazardsApi(grid).create({ description: '桥下有人聚众赌博，还堆了杂物', source: 'chat' });
    await runContentChecks(srv.services);
    expect((await hazardsApi(grid).get(h.id)).description).toBe(HIDDEN_TEXT);
    expect((await hazardsApi(grid).list()).items.find((x) => x.id === h.id)?.description).toBe(HIDDEN_TEXT);
    expect((await hazardsApi(office).get(h.id)).description).toContain('赌博');
  });
});
