import { ApiClient } from '@yingji/shared';
import { ChatEngine, ENGINE_TEXTS, clockTime, type EngineInput } from '../../bot/src/engine';
import { acksCounted } from '../../server/src/callouts/ack-tally';
import { CalloutModel, CalloutRecipientModel } from '../../server/src/callouts/callout.model';
import { sessionFor } from '../../server/src/chat/service';
import { GridModel, UserModel } from '../../server/src/people/models';
import { seedDemo } from '../../server/src/people/seed';
import { TransferModel } from '../../server/src/shelters/model';
import { useTestDatabase } from '../support/db';
import { startTestServer, type TestServer } from '../support/server';

useTestDatabase();

/** The sample town's WeChat rooms of 十直社区's two grids (see server/data/demo-town.json). */
const ROOM_SQ01 = 'room-sq-01';
const ROOM_SQ02 = 'room-sq-02';

let srv: TestServer;
let engine: ChatEngine;
let office: ApiClient;

beforeAll(async () => {
  await seedDemo();
  srv = await startTestServer();
  engine = new ChatEngine({
    api: new ApiClient({ baseUrl: srv.base }),
    // Senders are usernames; a group is a WeChat room id, named in the session as the bot's would be.
    sessions: {
      open: async ({ externalUserId, groupExternalId }) => {
        const user = await UserModel.findOne({ username: externalUserId, active: true }).lean();
        if (!user) return undefined;
        const group = groupExternalId ? { channel: 'wechaty' as const, externalId: groupExternalId } : undefined;
        return sessionFor(srv.services, user, group);
      },
    },
  });
  office = await srv.login('office', 'Office@2024');
});
afterAll(() => srv.close());

async function say(username: string, text: string, room?: string): Promise<string[]> {
  const input: EngineInput = {
    channel: 'wechaty',
    sender: { id: username },
    text,
    ...(room ? { group: { id: room } } : {}),
  };
  return (await engine.handle(input)).map((r) => r.text);
}

const userId = async (username: string) => String((await UserModel.findOne({ username }).lean())!._id);

/** A call-out to the grid (its room gets it), plus anyone named. */
async function callout(title: string, grid: string, named: string[] = []) {
  const recipients = await Promise.all(named.map(userId));
  const c = await office.post<{ id: string }>('/api/callouts', {
    title,
    level: 'yellow',
    area: { grids: [grid] },
    ...(recipients.length ? { recipients } : {}),
  });
  return c.id;
}
const line = async (calloutId: string, username: string) =>
  CalloutRecipientModel.findById(`${calloutId}:${await userId(username)}`).lean();
const closeAll = () => CalloutModel.updateMany({ status: 'active' }, { $set: { status: 'closed' } });

describe('收到 in a chat', () => {
  afterEach(closeAll);

  it('answers a second 收到 with when it was first confirmed, one-to-one and in the group', async () => {
    const id = await callout('暴雨蓝色预警', 'SQ-01');
    expect(await say('grid.sq-01', '收到')).toEqual([ENGINE_TEXTS.acked('暴雨蓝色预警')]);
    const first = (await line(id, 'grid.sq-01'))!.ackAt!;
    const when = clockTime(first.toISOString(), Date.now());
    expect(await say('grid.sq-01', '收到')).toEqual([ENGINE_TEXTS.alreadyAcked('暴雨蓝色预警', when)]);
    expect(await say('grid.sq-01', '收到！', ROOM_SQ01)).toEqual([ENGINE_TEXTS.alreadyAcked('暴雨蓝色预警', when)]);
    expect((await line(id, 'grid.sq-01'))!.ackAt).toEqual(first);
    await acksCounted(); // (the count lands just after the answer)
    expect((await CalloutModel.findById(id).lean())!.summary?.acked).toBe(1);
  });

  it('confirms the call-out announced in that group, not the latest one elsewhere', async () => {
    const here = await callout('十直社区第一网格巡查', 'SQ-01');
    // Issued later, to the other grid's room, naming grid.sq-01 too.
    const elsewhere = await callout('十直社区第二网格转移', 'SQ-02', ['grid.sq-01']);
    expect(await say('grid.sq-01', '收到', ROOM_SQ01)).toEqual([ENGINE_TEXTS.acked('十直社区第一网格巡查')]);
    expect((await line(here, 'grid.sq-01'))!.acked).toBe(true);
    expect((await line(elsewhere, 'grid.sq-01'))!.acked).toBe(false);
  });

  it('stays quiet in a group that was not sent the call-out, and confirms nothing there', async () => {
    const elsewhere = await callout('十直社区第二网格转移', 'SQ-02', ['grid.sq-01']);
    expect(await say('grid.sq-01', '收到', ROOM_SQ01)).toEqual([]);
    expect(await say('grid.sq-01', '收到', 'room-nobody-registered')).toEqual([]);
    expect((await line(elsewhere, 'grid.sq-01'))!.acked).toBe(false);
    // One-to-one, the latest open call-out is still the one meant.
    expect(await say('grid.sq-01', '已阅')).toEqual([ENGINE_TEXTS.acked('十直社区第二网格转移')]);
  });
});

describe('call-out stages from chat', () => {
  afterEach(closeAll);

  it('records 已到岗 once against the open call-out, and never from a question or a negation', async () => {
    const id = await callout('地灾橙色预警', 'SQ-02');
    expect(await say('grid.sq-02', '到岗了吗？', ROOM_SQ02)).toEqual([]);
    expect(await say('grid.sq-02', '还没到岗', ROOM_SQ02)).toEqual([]);
    expect((await line(id, 'grid.sq-02'))!.stages?.atPostAt ?? undefined).toBeUndefined();

    const [first] = await say('grid.sq-02', '已到岗', ROOM_SQ02);
    const at = (await line(id, 'grid.sq-02'))!.stages!.atPostAt!;
    const when = clockTime(at.toISOString(), Date.now());
    expect(first).toBe(ENGINE_TEXTS.atPostRecorded('地灾橙色预警', when));
    expect(await say('grid.sq-02', '到岗了', ROOM_SQ02)).toEqual([ENGINE_TEXTS.atPostAlready('地灾橙色预警', when)]);
    const c = await CalloutModel.findById(id).lean();
    expect(c!.stages?.atPost).toBe(1);
    // Reporting a stage also answers the call-out.
    expect((await line(id, 'grid.sq-02'))!.acked).toBe(true);
  });

  it("records 转移完成 with the people the sender reported moved, against that group's call-out", async () => {
    const grid = await GridModel.findOne({ code: 'SQ-01' }).lean();
    await office.post('/api/hazard-points', { name: '十直社区一网格滑坡点', residents: 30, gridId: String(grid!._id) });
    const here = await callout('十直社区第一网格转移', 'SQ-01');
    const elsewhere = await callout('十直社区第二网格转移', 'SQ-02', ['grid.sq-01']);
    expect(await say('grid.sq-01', '转移完成了吗', ROOM_SQ01)).toEqual([]);
    expect(await say('grid.sq-01', '转移 5 户 17 人', ROOM_SQ01)).toEqual([ENGINE_TEXTS.transferRecorded(17, 17, 30)]);
    expect(await say('grid.sq-01', '转移完成', ROOM_SQ01)).toEqual([
      ENGINE_TEXTS.transferDoneRecorded('十直社区第一网格转移', 17),
    ]);
    const mine = await line(here, 'grid.sq-01');
    expect(mine!.stages).toMatchObject({ transferCount: 17 });
    expect((await line(elsewhere, 'grid.sq-01'))!.stages?.transferDoneAt ?? undefined).toBeUndefined();
    const again = await say('grid.sq-01', '转移完成', ROOM_SQ01);
    expect(again[0]).toMatch(/^您已于 .+ 报告“十直社区第一网格转移”转移完成，转移人数按 17 人记录。$/);
    expect((await CalloutModel.findById(here).lean())!.stages).toMatchObject({ transferDone: 1, transferred: 17 });
  });

  it('records 转移完成 with no number and nobody reported moved, and says how to give the number', async () => {
    const id = await callout('无人转移的预警', 'SQ-02');
    expect(await say('grid.sq-02', '转移完成')).toEqual([ENGINE_TEXTS.transferDoneNoCount('无人转移的预警')]);
    expect(await say('grid.sq-02', '转移完成，共 6 人')).toEqual([
      expect.stringMatching(/^您已于 .+ 报告“无人转移的预警”转移完成，转移人数按 6 人记录。$/),
    ]);
    expect((await CalloutModel.findById(id).lean())!.stages).toMatchObject({ transferDone: 1, transferred: 6 });
  });

  it('says one-to-one when there is no call-out to report a stage for', async () => {
    expect(await say('grid.sq-02', '已到岗')).toEqual([ENGINE_TEXTS.noCalloutForStage]);
    expect(await say('grid.sq-02', '已到岗', ROOM_SQ02)).toEqual([]);
  });
});

describe('people moved, from chat', () => {
  afterEach(closeAll);

  it('refuses 已转移 12 人 when no warning is in force, and adds nothing to the total', async () => {
    const grid = await GridModel.findOne({ code: 'SQ-02' }).lean();
    await office.post('/api/hazard-points', { name: '十直社区二网格危岩点', residents: 12, gridId: String(grid!._id) });
    const before = await TransferModel.countDocuments();
    expect(await say('grid.sq-02', '已转移 12 人')).toEqual([ENGINE_TEXTS.transferNoWarning]);
    expect(await TransferModel.countDocuments()).toBe(before);
    const evac = await office.get<{ hazardPoints: { name: string; moved: number }[] }>('/api/evacuation');
    expect(evac.hazardPoints.find((h) => h.name === '十直社区二网格危岩点')!.moved).toBe(0);

    await callout('危岩黄色预警', 'SQ-02');
    expect(await say('grid.sq-02', '已转移 12 人')).toEqual([ENGINE_TEXTS.transferRecorded(12, 12, 12)]);
  });

  it('refuses the same report through the chat route when the only warning has expired', async () => {
    const id = await callout('已过期的预警', 'SQ-02');
    await CalloutModel.updateOne({ _id: id }, { $set: { expiresAt: new Date(Date.now() - 60_000) } });
    const grid = await srv.login('grid.sq-02', 'Grid@2024');
    await expect(grid.post('/api/chat/transfer', { count: 3 })).rejects.toMatchObject({
      status: 409,
      code: 'CHAT_TRANSFER_NO_WARNING',
    });
  });
});
