import { ApiClient, tipsApi, townTransport, townsApi, type ApiClient as Client } from '@yingji/shared';
import { CalloutModel } from '../../server/src/callouts/callout.model';
import { TownModel } from '../../server/src/people/models';
import { useTestDatabase } from '../support/db';
import { startTestServer, type TestServer } from '../support/server';
import { apiError, platformAdmin, square, townFromNothing } from './support';

useTestDatabase();

let srv: TestServer;
let platform: Client;
let xt: Awaited<ReturnType<typeof townFromNothing>>;
let yt: Awaited<ReturnType<typeof townFromNothing>>;
let county: Client;
/** The county account looking into one town (X-Town). */
const countyIn = (code: string) =>
  new ApiClient({ baseUrl: srv.base, token: county.token, transport: townTransport(code) });

beforeAll(async () => {
  srv = await startTestServer();
  platform = await platformAdmin(srv);
  xt = await townFromNothing(srv, platform, { code: 'XT', name: '新坪镇', lng: 107.7, lat: 29.9 });
  yt = await townFromNothing(srv, platform, { code: 'YT', name: '云台镇', lng: 108.5, lat: 30.5 });
  await townsApi(platform).createTownAdmin(xt.town.id, {
    username: 'county.fd',
    password: 'County@2024x',
    name: '丰都县应急局',
    role: 'county',
  });
  county = await srv.login('county.fd', 'County@2024x');
});
afterAll(() => srv.close());

const usernames = async (c: Client) =>
  (await c.get<{ items: { username: string }[] }>('/api/users')).items.map((u) => u.username).sort();

describe('two towns in one deployment', () => {
  it('shows each town’s office only its own people, villages and grids', async () => {
    expect(await usernames(xt.admin)).toEqual(['county.fd', 'xt.admin', 'xt.grid', 'xt.resident']);
    expect(await usernames(yt.admin)).toEqual(['yt.admin', 'yt.grid', 'yt.resident']);
    const grids = await xt.admin.get<{ items: { id: string }[] }>('/api/grids');
    expect(grids.items.map((g) => g.id)).toEqual([xt.grid.id]);
    expect(await apiError(xt.admin.get(`/api/grids/${yt.grid.id}`))).toMatchObject({ status: 404 });
    expect(await apiError(townsApi(xt.admin).updateGrid(yt.grid.id, { name: '抢过来的网格' }))).toMatchObject({
      status: 404,
      code: 'GRID_NOT_FOUND',
    });
  });

  it('routes a resident’s tip only to their own town’s grids, and shows grid members only their town’s tips', async () => {
    const inYt = { lat: 30.505, lng: 108.505, address: '云台镇一村' };
    expect(
      await apiError(
        tipsApi(xt.resident).create({
          category: 'fire',
          description: '冒烟',
          location: inYt,
          mediaIds: [],
          confidential: false,
        }),
      ),
    ).toMatchObject({ code: 'LOCATION_OUTSIDE_TOWN' });
    const tip = await tipsApi(yt.resident).create({
      category: 'fire',
      description: '冒烟',
      location: inYt,
      mediaIds: [],
      confidential: false,
    });
    expect((await tipsApi(yt.gridMember).get(tip.id)).grid?.id).toBe(yt.grid.id);
    expect(await apiError(tipsApi(xt.gridMember).get(tip.id))).toMatchObject({ status: 404 });
    expect((await tipsApi(xt.resident).mine()).items).toEqual([]);
  });

  it('keeps one town’s settings out of the other', async () => {
    await townsApi(xt.admin).patchConfig({ hazardDeadlineDays: { general: 10 }, ackMinutes: { red: 5 } });
    const y = await townsApi(yt.admin).config();
    expect(y.hazardDeadlineDays).toEqual({ general: 30, major: 7 });
    expect((y.ackMinutes as { red: number }).red).toBe(10);
    expect((await townsApi(yt.admin).audit()).items.some((e) => e.action === 'town.config')).toBe(false);
    expect((await townsApi(xt.admin).config()).hazardDeadlineDays).toEqual({ general: 10, major: 7 });
  });

  it('refuses settings and place changes to a grid member', async () => {
    expect(await apiError(townsApi(xt.gridMember).patchConfig({ tipsPerHour: 1 }))).toMatchObject({ status: 403 });
    expect(await apiError(townsApi(xt.gridMember).createVillage({ name: '私建村' }))).toMatchObject({ status: 403 });
  });
});

describe('the county bureau', () => {
  it('sees every town of its county side by side on its dashboard', async () => {
    const board = await townsApi(county).countyDashboard();
    expect(board.county).toBe('丰都县');
    expect(board.towns.map((t) => t.town.code)).toEqual(['XT', 'YT']);
    expect(board.towns[0]).toMatchObject({
      openMajorHazards: 0,
      overdueHazards: 0,
      unconfirmedNow: 0,
      incidentsWithinHourRate: null,
      latestDrill: null,
    });
    expect((await townsApi(county).towns()).items.map((t) => t.code)).toEqual(['XT', 'YT']);
  });

  it('reads either town with X-Town, and no town outside its county', async () => {
    expect(await usernames(countyIn('YT'))).toEqual(['yt.admin', 'yt.grid', 'yt.resident']);
    const grids = await countyIn('YT').get<{ items: { id: string }[] }>('/api/grids');
    expect(grids.items.map((g) => g.id)).toEqual([yt.grid.id]);
    expect((await townsApi(countyIn('XT')).config()).hazardDeadlineDays).toEqual({ general: 10, major: 7 });
    await TownModel.create({ code: 'ZT', name: '石柱某镇', county: '石柱县' });
    expect(await apiError(countyIn('ZT').get('/api/users'))).toMatchObject({
      status: 403,
      code: 'COUNTY_TOWN_FORBIDDEN',
    });
  });

  it('is refused every write except a county warning', async () => {
    const yc = countyIn('YT');
    const writes: [string, Promise<unknown>][] = [
      ['village', townsApi(yc).createVillage({ name: '县建村' })],
      ['settings', townsApi(yc).patchConfig({ tipsPerHour: 1 })],
      ['callout', yc.post('/api/callouts', { title: '越权预警', level: 'blue' })],
      ['user', yc.post('/api/users', { username: 'x.y', password: 'Password-1', role: 'grid', name: '某' })],
      ['tip', yc.post('/api/tips', { category: 'fire', description: '冒烟', location: { lat: 30.5, lng: 108.5 } })],
      ['grid edit', townsApi(yc).updateGrid(yt.grid.id, { name: '县改网格' })],
      ['town', townsApi(yc).createTown({ code: 'QQ', name: '县建镇' })],
    ];
    for (const [what, call] of writes) {
      const e = await apiError(call);
      expect([what, e.status]).toEqual([what, 403]);
    }
    expect(await CalloutModel.countDocuments()).toBe(0);

    const r = await townsApi(county).countyWarning({ towns: ['XT', 'YT'], title: '全县暴雨橙色预警', level: 'orange' });
    expect(r.items.map((i) => [i.town, i.recipients])).toEqual([
      ['XT', 1],
      ['YT', 1],
    ]);
    const callouts = await CalloutModel.find().lean();
    expect(callouts.map((c) => String(c.town)).sort()).toEqual([xt.town.id, yt.town.id].sort());
    // Each town's own office sees its call-out, and only its own.
    const xList = await xt.admin.get<{ items: { title: string }[] }>('/api/callouts');
    expect(xList.items.map((c) => c.title)).toEqual(['全县暴雨橙色预警']);
    const board = await townsApi(county).countyDashboard();
    expect(board.towns.map((t) => t.unconfirmedNow)).toEqual([1, 1]);
    expect(
      await apiError(townsApi(county).countyWarning({ towns: ['ZT'], title: '越县预警', level: 'blue' })),
    ).toMatchObject({ code: 'COUNTY_TOWN_FORBIDDEN' });
  });
});

describe('deactivating a person', () => {
  it('needs a successor of the same town and hands over their 包保 residents', async () => {
    const gridUser = (await xt.admin.get<{ items: { id: string; username: string }[] }>('/api/users')).items.find(
      (u) => u.username === 'xt.grid',
    )!;
    await xt.admin.post('/api/vulnerable-residents', {
      kind: 'living_alone',
      name: '独居老人甲',
      grid: xt.grid.id,
      responsibleId: gridUser.id,
    });
    expect(await apiError(xt.admin.post(`/api/users/${gridUser.id}/deactivate`, {}))).toMatchObject({
      code: 'SUCCESSOR_INVALID',
    });
    const ytAdmin = (await yt.admin.get<{ items: { id: string; username: string }[] }>('/api/users')).items.find(
      (u) => u.username === 'yt.admin',
    )!;
    expect(
      await apiError(xt.admin.post(`/api/users/${gridUser.id}/deactivate`, { successorId: ytAdmin.id })),
    ).toMatchObject({ code: 'SUCCESSOR_INVALID' });
    const successor = await xt.admin.post<{ id: string }>('/api/users', {
      username: 'xt.grid2',
      password: 'Grid@2024x',
      role: 'grid',
      name: '接替网格员',
      grids: [xt.grid.code],
    });
    const done = await xt.admin.post<{ residentsHandedOver: number }>(`/api/users/${gridUser.id}/deactivate`, {
      successorId: successor.id,
    });
    expect(done.residentsHandedOver).toBe(1);
    const list = await xt.admin.get<{ items: { responsible?: { id: string } }[] }>('/api/vulnerable-residents');
    expect(JSON.stringify(list)).toContain(successor.id);
    expect(await apiError(srv.login('xt.grid', 'Grid@2024x'))).toMatchObject({ code: 'ACCOUNT_DISABLED' });
  });
});

describe('editing and retiring places', () => {
  it('renames a village, keeps its 村民小组, and retires it only after its grids', async () => {
    const v = await townsApi(xt.admin).createVillage({ name: '新坪镇六村' });
    expect(v.code).toMatch(/^V\d{2}$/);
    expect(await apiError(townsApi(xt.admin).createVillage({ name: '新坪镇六村' }))).toMatchObject({
      code: 'VILLAGE_NAME_TAKEN',
    });
    const renamed = await xt.admin.request<{ name: string }>('PATCH', `/api/villages/${v.id}`, { name: '新坪镇柳村' });
    expect(renamed.name).toBe('新坪镇柳村');
    const group = await xt.admin.post<{ id: string }>(`/api/villages/${v.id}/groups`, { name: '一组' });
    await xt.admin.request('PATCH', `/api/village-groups/${group.id}`, { name: '第一村民小组' });
    const groups = await xt.admin.get<{ items: { name: string }[] }>(`/api/villages/${v.id}/groups`);
    expect(groups.items.map((g) => g.name)).toEqual(['第一村民小组']);

    const grid = await townsApi(xt.admin).createGrid({
      name: '柳村网格',
      villageId: v.id,
      boundary: square(107.9, 29.8),
    });
    expect(await apiError(xt.admin.post(`/api/villages/${v.id}/retire`))).toMatchObject({
      code: 'VILLAGE_HAS_ACTIVE_GRIDS',
    });
    await xt.admin.post(`/api/grids/${grid.id}/retire`);
    await xt.admin.post(`/api/villages/${v.id}/retire`);
    const villages = await xt.admin.get<{ items: { id: string }[] }>('/api/villages');
    expect(villages.items.map((x) => x.id)).not.toContain(v.id);
    const grids = await xt.admin.get<{ items: { id: string }[] }>('/api/grids');
    expect(grids.items.map((x) => x.id)).not.toContain(grid.id);
    // A retired grid's area is free again.
    await townsApi(xt.admin).createGrid({
      name: '柳村新网格',
      villageId: xt.village.id,
      boundary: square(107.9, 29.8),
    });
  });

  it('registers a WeCom group robot by its webhook key, once', async () => {
    const body = { name: '一村网格机器人', webhookKey: 'a1b2c3d4-0000-1111-2222-333344445555', gridId: xt.grid.id };
    const robot = await xt.admin.post<{ channel: string; gridId: string }>('/api/chat-groups/robots', body);
    expect(robot).toMatchObject({ channel: 'wecom_robot', gridId: xt.grid.id });
    expect(await apiError(xt.admin.post('/api/chat-groups/robots', body))).toMatchObject({ code: 'CHAT_GROUP_TAKEN' });
    const list = await xt.admin.get<{ items: { name: string }[] }>('/api/chat-groups');
    expect(list.items.map((g) => g.name)).toContain('一村网格机器人');
    expect((await yt.admin.get<{ items: unknown[] }>('/api/chat-groups')).items).toEqual([]);
  });
});
