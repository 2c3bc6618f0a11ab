import { ApiClient, hazardsApi, townTransport, townsApi, type ApiClient as Client } from '@yingji/shared';
import { useTestDatabase } from '../support/db';
import { startTestServer, type TestServer } from '../support/server';
import { apiError, platformAdmin, square, townFromNothing } from './support';

/**
 * A boundary change re-routes nothing by itself; the office moves one hazard to another grid,
 * with a reason that shows in its history and the town's audit log.
 */
useTestDatabase();

let srv: TestServer;
let xt: Awaited<ReturnType<typeof townFromNothing>>;
let yt: Awaited<ReturnType<typeof townFromNothing>>;
let east: { id: string; name: string; villageId: string };
let eastMember: Client;
let hazardId = '';

beforeAll(async () => {
  srv = await startTestServer();
  const platform = await platformAdmin(srv);
  xt = await townFromNothing(srv, platform, { code: 'XT', name: '新坪镇', lng: 107.7, lat: 29.9 });
  yt = await townFromNothing(srv, platform, { code: 'YT', name: '云台镇', lng: 108.5, lat: 30.5 });
  const village = await townsApi(xt.admin).createVillage({ name: '新坪镇二村' });
  east = await townsApi(xt.admin).createGrid({
    name: '新坪镇二村第一网格',
    villageId: village.id,
    boundary: square(107.71, 29.9),
  });
  await xt.admin.post('/api/users', {
    username: 'xt.grid2',
    password: 'Grid@2024x',
    role: 'grid',
    name: '二村网格员',
    grids: [(await townsApi(xt.admin).updateGrid(east.id, {})).code],
  });
  eastMember = await srv.login('xt.grid2', 'Grid@2024x');
  const h = await hazardsApi(xt.gridMember).create({
    category: 'landslide',
    level: 'general',
    description: '村道边坡有裂缝',
    location: { lat: 29.905, lng: 107.709, address: '一村与二村交界处' },
  });
  hazardId = h.id;
});
afterAll(() => srv.close());

const ids = async (c: Client) => (await hazardsApi(c).list()).items.map((h) => h.id);

describe('re-routing a hazard to another grid', () => {
  it('keeps the hazard on its grid when the boundary moves it outside', async () => {
    expect((await hazardsApi(xt.admin).get(hazardId)).grid?.id).toBe(xt.grid.id);
    // The first grid shrinks so the hazard's place now lies outside it: nothing moves by itself.
    await townsApi(xt.admin).updateGrid(xt.grid.id, { boundary: square(107.7, 29.9, 0.005) });
    expect((await hazardsApi(xt.admin).get(hazardId)).grid?.id).toBe(xt.grid.id);
    expect(await ids(xt.gridMember)).toContain(hazardId);
    expect(await ids(eastMember)).not.toContain(hazardId);
  });

  it('refuses without a reason, to the same grid, to another town’s grid, and to a grid member', async () => {
    const api = hazardsApi(xt.admin);
    expect(await apiError(api.reroute(hazardId, { gridId: east.id, reason: ' ' }))).toMatchObject({ status: 400 });
    const same = await apiError(api.reroute(hazardId, { gridId: xt.grid.id, reason: '边界调整' }));
    expect(same).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    expect(same.message).toContain('已在“新坪镇一村第一网格”');
    expect(await apiError(api.reroute(hazardId, { gridId: yt.grid.id, reason: '边界调整' }))).toMatchObject({
      status: 404,
      code: 'GRID_NOT_FOUND',
    });
    expect(
      await apiError(hazardsApi(xt.gridMember).reroute(hazardId, { gridId: east.id, reason: '不归我管' })),
    ).toMatchObject({ status: 403 });
    expect(
      await apiError(hazardsApi(yt.admin).reroute(hazardId, { gridId: east.id, reason: '边界调整' })),
    ).toMatchObject({ status: 404, code: 'HAZARD_NOT_FOUND' });
  });

  it('moves it to the other grid and its village, says so in the history and the audit log', async () => {
    const moved = await hazardsApi(xt.admin).reroute(hazardId, { gridId: east.id, reason: '网格边界调整后属二村' });
    expect(moved.grid?.id).toBe(east.id);
    expect(moved.village?.id).toBe(east.villageId);
    expect(moved.history.at(-1)).toMatchObject({
      actionLabel: '改派网格',
      note: '改派网格：新坪镇一村第一网格 → 新坪镇二村第一网格；原因：网格边界调整后属二村',
      by: { name: '新坪镇管理员' },
    });
    expect(await ids(eastMember)).toContain(hazardId);
    expect(await ids(xt.gridMember)).toContain(hazardId); // still the reporter of it
    const log = await townsApi(xt.admin).audit();
    expect(log.items[0]).toMatchObject({
      action: 'hazard.reroute',
      actor: { name: '新坪镇管理员' },
      before: { gridName: '新坪镇一村第一网格' },
      after: { gridName: '新坪镇二村第一网格', reason: '网格边界调整后属二村' },
    });
    const stats = await hazardsApi(xt.admin).stats();
    expect(stats.byVillage.find((v) => v.id === east.villageId)?.count).toBe(1);
    expect(stats.byVillage.find((v) => v.id === xt.village.id)?.count ?? 0).toBe(0);
  });

  it('refuses the county, which only reads', async () => {
    const platform = await srv.login('platform.root', 'Platform@2024');
    await townsApi(platform).createTownAdmin(xt.town.id, {
      username: 'county.fd',
      password: 'County@2024x',
      name: '丰都县应急局',
      role: 'county',
    });
    const county = await srv.login('county.fd', 'County@2024x');
    const inXt = new ApiClient({ baseUrl: srv.base, token: county.token, transport: townTransport('XT') });
    expect(await apiError(hazardsApi(inXt).reroute(hazardId, { gridId: xt.grid.id, reason: '县里改' }))).toMatchObject({
      status: 403,
      code: 'COUNTY_READ_ONLY',
    });
  });
});
