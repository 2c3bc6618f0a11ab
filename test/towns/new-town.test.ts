import type { mock } from 'wechaty-puppet-mock';
import { townsApi, tipsApi, type ApiClient } from '@yingji/shared';
import { startBot, type BotProcess } from '../../bot/src/main';
import { ENGINE_TEXTS } from '../../bot/src/engine';
import { ChatGroupModel } from '../../server/src/people/models';
import { HazardModel } from '../../server/src/hazards/hazard.model';
import { useTestDatabase } from '../support/db';
import { startTestServer, type TestServer } from '../support/server';
import { BOT_TOKEN, chatEnv, eventually } from '../chat/support';
import { mockWechaty, type MockWechaty } from '../chat/wechaty-harness';
import { apiError, platformAdmin, square, townFromNothing } from './support';

useTestDatabase();

const ROOM_ID = 'xinping-grid-1@chatroom';
const INSIDE = { lat: 29.905, lng: 107.705, address: '新坪镇一村河边' };

let srv: TestServer;
let w: MockWechaty;
let bot: BotProcess;
let room: mock.RoomMock;
let member: mock.ContactMock;
let platform: ApiClient;
let xt: Awaited<ReturnType<typeof townFromNothing>>;

beforeAll(async () => {
  srv = await startTestServer({ env: chatEnv });
  w = mockWechaty();
  bot = await startBot({ apiBaseUrl: srv.base, botToken: BOT_TOKEN, wechaty: w.bot, outboxIntervalMs: 200 });
  const self = await w.login();
  member = w.mocker.createContact({ id: 'wxid_xt_member', name: '王村干' });
  room = w.mocker.createRoom({ id: ROOM_ID, topic: '新坪一村第一网格群', memberIdList: [self.id, member.id] });
  platform = await platformAdmin(srv);
});
afterAll(async () => {
  await bot.stop();
  await srv.close();
});

const sentTo = (id: string) => w.sent.filter((s) => s.conversationId === id);

describe('a new town set up from nothing through the API', () => {
  it('lets only the platform administrator create a town, with a unique code', async () => {
    xt = await townFromNothing(srv, platform, { code: 'XT', name: '新坪镇', lng: 107.7, lat: 29.9 });
    expect(xt.town).toMatchObject({ code: 'XT', name: '新坪镇' });
    expect(xt.grid).toMatchObject({ id: expect.any(String), villageId: xt.village.id, active: true });
    expect(await apiError(townsApi(xt.admin).createTown({ code: 'YY', name: '别镇' }))).toMatchObject({
      status: 403,
    });
    expect(await apiError(townsApi(platform).createTown({ code: 'xt', name: '重复镇' }))).toMatchObject({
      status: 409,
      code: 'TOWN_CODE_TAKEN',
    });
  });

  it('refuses a grid overlapping another, and one whose edges cross, with a clear message', async () => {
    const overlap = await apiError(
      townsApi(xt.admin).createGrid({ name: '重叠网格', villageId: xt.village.id, boundary: square(107.705, 29.905) }),
    );
    expect(overlap).toMatchObject({ status: 409, code: 'GRID_BOUNDARY_OVERLAPS' });
    expect(overlap.message).toContain('新坪镇一村第一网格');
    const bowTie = {
      type: 'Polygon' as const,
      coordinates: [
        [
          [107.8, 29.9],
          [107.81, 29.91],
          [107.81, 29.9],
          [107.8, 29.91],
          [107.8, 29.9],
        ] as [number, number][],
      ],
    };
    expect(
      await apiError(townsApi(xt.admin).createGrid({ name: '交叉网格', villageId: xt.village.id, boundary: bowTie })),
    ).toMatchObject({
      status: 400,
      code: 'GRID_BOUNDARY_SELF_INTERSECTS',
      message: '网格边界自相交（边线交叉），请重新画',
    });
    // A neighbour sharing only an edge is fine.
    const east = await townsApi(xt.admin).createGrid({
      name: '新坪镇一村第二网格',
      villageId: xt.village.id,
      boundary: square(107.71, 29.9),
    });
    expect(east.code).not.toBe(xt.grid.code);
  });

  it('changes a setting, validated, so a hazard accepted afterwards gets the new deadline, and audits it', async () => {
    const before = await townsApi(xt.admin).config();
    expect(before.hazardDeadlineDays).toEqual({ general: 30, major: 7 });
    const bad = await apiError(townsApi(xt.admin).patchConfig({ hazardDeadlineDays: { major: -1 } }));
    expect(bad).toMatchObject({ status: 400, code: 'TOWN_CONFIG_INVALID' });
    expect(bad.message).toContain('hazardDeadlineDays.major');
    expect(await apiError(townsApi(xt.admin).patchConfig({ noSuchSetting: 1 }))).toMatchObject({
      code: 'TOWN_CONFIG_INVALID',
    });
    const after = await townsApi(xt.admin).patchConfig({ hazardDeadlineDays: { major: 3 } });
    expect(after.hazardDeadlineDays).toEqual({ general: 30, major: 3 });

    const log = await townsApi(xt.admin).audit();
    expect(log.items[0]).toMatchObject({
      action: 'town.config',
      actor: { name: '新坪镇管理员', role: 'admin' },
      before: { hazardDeadlineDays: { general: 30, major: 7 } },
      after: { hazardDeadlineDays: { general: 30, major: 3 } },
    });
  });

  it('binds a WeChat room to the grid when a member posts the console’s code there', async () => {
    const { code } = await townsApi(xt.admin).groupBindCode({ gridId: xt.grid.id });
    expect(code).toMatch(/^\d{6}$/);
    const n = sentTo(ROOM_ID).length;
    member.say(`绑定群 ${code}`).to(room);
    const reply = await eventually(async () => sentTo(ROOM_ID)[n]);
    expect(reply.text).toBe(`@王村干 ${ENGINE_TEXTS.groupBound('新坪镇一村第一网格')}`);
    const group = await ChatGroupModel.findOne({ channel: 'wechaty', externalId: ROOM_ID }).lean();
    expect(String(group!.grid)).toBe(xt.grid.id);
    expect(String(group!.town)).toBe(xt.town.id);
    // The code is used up.
    member.say(`绑定群 ${code}`).to(room);
    const again = await eventually(async () => sentTo(ROOM_ID)[n + 1]);
    expect(again.text).toContain('群绑定码不正确或已过期');
  });

  it('routes a resident’s tip inside the new grid to that grid, its village and its grid member', async () => {
    const tip = await tipsApi(xt.resident).create({
      category: 'flood_drought',
      description: '河堤有裂缝',
      location: INSIDE,
      mediaIds: [],
      confidential: false,
    });
    expect(await tipsApi(xt.gridMember).get(tip.id)).toMatchObject({
      grid: { id: xt.grid.id, name: '新坪镇一村第一网格' },
      village: { id: xt.village.id },
    });
    const accepted = await tipsApi(xt.admin).triage(tip.id, { decision: 'accept', level: 'major' });
    const mine = await xt.gridMember.get<{ items: { id: string }[] }>('/api/hazards');
    expect(mine.items.map((h) => h.id)).toEqual([accepted.hazard!.id]);
    const hazard = await HazardModel.findById(accepted.hazard!.id).lean();
    const days = (hazard!.deadline!.getTime() - hazard!.acceptedAt.getTime()) / 86_400_000;
    expect(Math.round(days)).toBe(3);
  });

  it('keeps an existing hazard on its grid when the boundary changes', async () => {
    const moved = await townsApi(xt.admin).updateGrid(xt.grid.id, { boundary: square(107.72, 29.95) });
    expect(moved.boundary).toEqual(square(107.72, 29.95));
    const list = await xt.admin.get<{ items: { grid?: { id: string } }[] }>('/api/hazards');
    expect(list.items.map((h) => h.grid?.id)).toEqual([xt.grid.id]);
    // The grid member still sees it, though its place is now outside the new boundary.
    expect((await xt.gridMember.get<{ items: unknown[] }>('/api/hazards')).items).toHaveLength(1);
    const log = await townsApi(xt.admin).audit();
    expect(log.items[0]).toMatchObject({ action: 'grid.boundary', target: '新坪镇一村第一网格' });
  });

  it('sends a warning for the grid to the bound room', async () => {
    await xt.admin.post('/api/callouts', { title: '新坪镇暴雨红色预警', level: 'red', area: { grids: [xt.grid.id] } });
    const sent = await eventually(
      async () => sentTo(ROOM_ID).find((s) => s.text.includes('新坪镇暴雨红色预警')),
      15_000,
    );
    expect(sent.conversationId).toBe(ROOM_ID);
  });
});
