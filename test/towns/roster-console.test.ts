import ExcelJS from 'exceljs';
import { ApiClient, botTransport, chatApi, rosterApi, townsApi, type UserOut } from '@yingji/shared';
import { UserModel } from '../../server/src/people/models';
import { useTestDatabase } from '../support/db';
import { startTestServer, type TestServer } from '../support/server';
import { apiError, platformAdmin, townFromNothing } from './support';

/**
 * The roster from the console beyond add and edit (issue 12): a deactivated person brought back,
 * a WeChat binding code fetched for a staff member and used by the bot, and the Excel roster
 * uploaded — all or nothing, the same file twice changing nothing. Each only in one's own town.
 */
useTestDatabase();

const BOT_TOKEN = 'bot-token-for-roster-tests-0123456789';
let srv: TestServer;
let xt: Awaited<ReturnType<typeof townFromNothing>>;
let yt: Awaited<ReturnType<typeof townFromNothing>>;
let bot: ApiClient;

beforeAll(async () => {
  srv = await startTestServer({ env: { BOT_TOKEN } });
  const platform = await platformAdmin(srv);
  xt = await townFromNothing(srv, platform, { code: 'XT', name: '新坪镇', lng: 107.7, lat: 29.9 });
  yt = await townFromNothing(srv, platform, { code: 'YT', name: '云台镇', lng: 107.9, lat: 29.7 });
  bot = new ApiClient({ baseUrl: srv.base, transport: botTransport(BOT_TOKEN) });
});
afterAll(() => srv.close());

const userOf = async (username: string) => (await UserModel.findOne({ username }).lean())!;
const xtUsers = async () => (await xt.admin.get<{ items: UserOut[] }>('/api/users')).items;

async function xlsx(rows: (string | undefined)[][]): Promise<Blob> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('花名册');
  ws.addRow(['用户名', '初始密码', '角色', '姓名', '手机号', '村/社区', '网格', '上级', '企业微信账号', '部门']);
  for (const r of rows) ws.addRow(r);
  return new Blob([new Uint8Array(await wb.xlsx.writeBuffer())]);
}

describe('bringing a deactivated person back', () => {
  it('reactivates: they log in again, and what was handed over stays with the successor', async () => {
    await xt.admin.post('/api/users', {
      username: 'xt.cadre',
      password: 'Cadre@2024x',
      role: 'cadre',
      name: '新坪镇干部',
    });
    await xt.admin.post('/api/users', {
      username: 'xt.grid2',
      password: 'Grid2@2024x',
      role: 'grid',
      name: '新坪镇网格员二',
      superior: 'xt.grid',
    });
    const leaving = await userOf('xt.grid');
    const successor = await userOf('xt.cadre');
    await xt.admin.post(`/api/users/${leaving._id}/deactivate`, { successorId: String(successor._id) });
    expect(await apiError(srv.login('xt.grid', 'Grid@2024x'))).toMatchObject({ code: 'ACCOUNT_DISABLED' });

    const back = await rosterApi(xt.admin).reactivate(String(leaving._id));
    expect(back).toMatchObject({ id: String(leaving._id), username: 'xt.grid', active: true });
    await srv.login('xt.grid', 'Grid@2024x');
    // The subordinate handed over stays with the successor.
    expect(String((await userOf('xt.grid2')).superior)).toBe(String(successor._id));
    expect((await townsApi(xt.admin).audit()).items[0]).toMatchObject({ action: 'user.reactivate', target: 'xt.grid' });
  });

  it('refuses a person who is active with a clear 409', async () => {
    const e = await apiError(rosterApi(xt.admin).reactivate(String((await userOf('xt.grid'))._id)));
    expect(e).toMatchObject({ status: 409, code: 'USER_ALREADY_ACTIVE', message: '该人员在岗，无需恢复' });
  });

  it("refuses another town's admin, a grid member and a resident", async () => {
    const id = String((await userOf('xt.grid2'))._id);
    await xt.admin.post(`/api/users/${id}/deactivate`, {});
    expect(await apiError(rosterApi(yt.admin).reactivate(id))).toMatchObject({ status: 404, code: 'USER_NOT_FOUND' });
    expect(await apiError(rosterApi(xt.gridMember).reactivate(id))).toMatchObject({ status: 403 });
    expect(await apiError(rosterApi(xt.resident).reactivate(id))).toMatchObject({ status: 403 });
    expect((await userOf('xt.grid2')).active).toBe(false);
  });
});

describe("a staff member's WeChat binding code from the console", () => {
  it('gives a one-time code for 10 minutes that the bot binds to that person', async () => {
    const grid = await userOf('xt.grid');
    const before = Date.now();
    const { code, expiresAt } = await rosterApi(xt.admin).bindCode(String(grid._id));
    expect(code).toMatch(/^\d{6}$/);
    const ttl = new Date(expiresAt).getTime() - before;
    expect(ttl).toBeGreaterThan(9 * 60_000);
    expect(ttl).toBeLessThanOrEqual(10 * 60_000 + 5_000);

    const bound = await chatApi(bot).bind({ channel: 'wechaty', externalUserId: 'wxid_xt_grid', code });
    expect(bound.user).toEqual({ id: String(grid._id), name: '新坪镇网格员' });
    expect((await userOf('xt.grid')).wechatyContactIds).toEqual(['wxid_xt_grid']);
    // Used up: the same code again binds nothing.
    const again = await apiError(chatApi(bot).bind({ channel: 'wechaty', externalUserId: 'wxid_other', code }));
    expect(again).toMatchObject({ code: 'CHAT_BIND_CODE_INVALID' });
    expect((await townsApi(xt.admin).audit()).items[0]).toMatchObject({ action: 'user.bind-code', target: 'xt.grid' });
  });

  it("leaves the person's own code from 我的 as it was: for the caller", async () => {
    const own = await chatApi(xt.gridMember).bindCode();
    const bound = await chatApi(bot).bind({ channel: 'wechaty', externalUserId: 'wxid_xt_grid_2', code: own.code });
    expect(bound.user.name).toBe('新坪镇网格员');
  });

  it('refuses a resident, a deactivated person, another town and callers who are not the office', async () => {
    const resident = String((await userOf('xt.resident'))._id);
    expect(await apiError(rosterApi(xt.admin).bindCode(resident))).toMatchObject({
      status: 400,
      code: 'BIND_CODE_STAFF_ONLY',
    });
    const off = String((await userOf('xt.grid2'))._id);
    expect(await apiError(rosterApi(xt.admin).bindCode(off))).toMatchObject({ status: 409, code: 'USER_INACTIVE' });
    const grid = String((await userOf('xt.grid'))._id);
    expect(await apiError(rosterApi(yt.admin).bindCode(grid))).toMatchObject({ status: 404, code: 'USER_NOT_FOUND' });
    expect(await apiError(rosterApi(xt.gridMember).bindCode(grid))).toMatchObject({ status: 403 });
    expect(await apiError(rosterApi(xt.resident).bindCode(grid))).toMatchObject({ status: 403 });
  });
});

describe('uploading the Excel roster', () => {
  const good = () =>
    xlsx([
      ['xt.cadre2', 'Cadre2@2024x', '镇村干部', '新坪镇一村书记', '13700000011', '新坪镇一村', '', '', '', '一村村委'],
      ['xt.g3', 'GridG3@2024x', '网格员', '新坪镇网格员三', '', '', '新坪镇一村第一网格', 'xt.cadre2', 'xt-g3', ''],
      ['xt.office2', 'Office2@2024x', 'office', '新坪镇应急办二', '', '', '', '', '', '应急办'],
    ]);

  it('imports the good file, and the same file again changes nothing', async () => {
    const report = await rosterApi(xt.admin).importRoster(await good());
    expect(report).toEqual({ total: 3, created: 3, existing: 0, rejected: [] });
    const people = await xtUsers();
    const g3 = people.find((u) => u.username === 'xt.g3')!;
    expect(g3).toMatchObject({ role: 'grid', gridIds: [xt.grid.id], villageId: xt.village.id, wecomUserId: 'xt-g3' });
    expect(g3.superiorId).toBe(people.find((u) => u.username === 'xt.cadre2')!.id);
    await srv.login('xt.office2', 'Office2@2024x');
    expect((await townsApi(xt.admin).audit()).items[0]).toMatchObject({ action: 'user.import' });

    const count = await UserModel.countDocuments();
    expect(await rosterApi(xt.admin).importRoster(await good())).toEqual({
      total: 3,
      created: 0,
      existing: 3,
      rejected: [],
    });
    expect(await UserModel.countDocuments()).toBe(count);
  });

  it('refuses a file with bad rows, naming each, importing none of it', async () => {
    const count = await UserModel.countDocuments();
    const file = await xlsx([
      ['xt.ok', 'OkOk@2024xx', '网格员', '新坪镇好人', '', '', '', '', '', ''],
      ['xt.bad1', 'Bad1@2024xx', '队长', '钱七', '', '', '', '', '', ''],
      ['xt.bad2', 'Bad2@2024xx', '网格员', '孙八', '1370000', '', '', '', '', ''],
      ['xt.bad3', 'Bad3@2024xx', '网格员', '周九', '', '', '不存在的网格', '', '', ''],
      ['yt.admin', 'Bad4@2024xx', '网格员', '吴十', '', '', '', '', '', ''],
    ]);
    const e = await apiError(rosterApi(xt.admin).importRoster(file));
    expect(e).toMatchObject({ status: 422, code: 'ROSTER_IMPORT_REJECTED' });
    expect(e.details).toEqual({
      total: 5,
      created: 0,
      existing: 0,
      rejected: [
        { row: 3, username: 'xt.bad1', reason: '角色“队长”无效' },
        { row: 4, username: 'xt.bad2', reason: '手机号：手机号应为 11 位数字' },
        { row: 5, username: 'xt.bad3', reason: '找不到网格“不存在的网格”' },
        { row: 6, username: 'yt.admin', reason: '用户名已被使用' },
      ],
    });
    expect(await UserModel.countDocuments()).toBe(count);
    expect(await UserModel.exists({ username: 'xt.ok' })).toBeNull();
  });

  it("lets only the town's admin add an admin: the office's file with one is refused whole", async () => {
    await xt.admin.post('/api/users', {
      username: 'xt.office9',
      password: 'Office9@2024x',
      role: 'office',
      name: '新坪镇值班九',
    });
    const office = await srv.login('xt.office9', 'Office9@2024x');
    const file = () =>
      xlsx([
        ['xt.g7', 'GridG7@2024x', '网格员', '新坪镇网格员七', '', '', '', '', '', ''],
        ['xt.boss', 'BossB@2024xx', '系统管理员', '新坪镇新管理员', '', '', '', '', '', ''],
      ]);
    const e = await apiError(rosterApi(office).importRoster(await file()));
    expect(e).toMatchObject({ status: 422, code: 'ROSTER_IMPORT_REJECTED' });
    expect(e.details).toMatchObject({
      rejected: [{ row: 3, username: 'xt.boss', reason: '角色“系统管理员”只能由系统管理员添加' }],
    });
    expect(await UserModel.exists({ username: 'xt.boss' })).toBeNull();
    expect(await UserModel.exists({ username: 'xt.g7' })).toBeNull();
    expect(await rosterApi(xt.admin).importRoster(await file())).toMatchObject({ created: 2 });
  });

  it('refuses a file that is not Excel', async () => {
    const e = await apiError(rosterApi(xt.admin).importRoster(new Blob(['姓名,用户名\n'])));
    expect(e).toMatchObject({ status: 400, code: 'IMPORT_FILE_INVALID' });
  });

  it("imports into the caller's own town only, and not for residents or grid members", async () => {
    const file = await xlsx([
      ['yt.g9', 'GridG9@2024x', '网格员', '云台镇网格员九', '', '', '新坪镇一村第一网格', '', '', ''],
    ]);
    const e = await apiError(rosterApi(yt.admin).importRoster(file));
    expect(e.details).toMatchObject({ rejected: [{ row: 2, reason: '找不到网格“新坪镇一村第一网格”' }] });
    expect(await UserModel.exists({ username: 'yt.g9' })).toBeNull();
    expect(await apiError(rosterApi(xt.resident).importRoster(await good()))).toMatchObject({ status: 403 });
    expect(await apiError(rosterApi(xt.gridMember).importRoster(await good()))).toMatchObject({ status: 403 });
  });
});
