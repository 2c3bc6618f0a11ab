import sharp from 'sharp';
import { ApiClient } from '@yingji/shared';
import { ChatEngine, ENGINE_TEXTS, type EngineInput } from '../../bot/src/engine';
import { sessionFor } from '../../server/src/chat/service';
import { HazardModel } from '../../server/src/hazards/hazard.model';
import { GridModel, UserModel } from '../../server/src/people/models';
import { seedDemo } from '../../server/src/people/seed';
import { useTestDatabase } from '../support/db';
import { startTestServer, type TestServer } from '../support/server';

useTestDatabase();

const MINUTE = 60_000;
let srv: TestServer;
let engine: ChatEngine;
let now = Date.now();

beforeAll(async () => {
  await seedDemo();
  srv = await startTestServer();
  engine = new ChatEngine({
    api: new ApiClient({ baseUrl: srv.base }),
    // Senders are usernames here; the engine cannot tell, it only asks who they are.
    sessions: {
      open: async ({ externalUserId }) => {
        const user = await UserModel.findOne({ username: externalUserId, active: true }).lean();
        return user ? sessionFor(srv.services, user) : undefined;
      },
    },
    now: () => now,
  });
});
afterAll(() => srv.close());

type Say = Pick<EngineInput, 'text' | 'image' | 'location' | 'group'>;
async function say(username: string, what: Say | string): Promise<string[]> {
  const input: EngineInput = {
    channel: 'terminal',
    sender: { id: username },
    ...(typeof what === 'string' ? { text: what } : what),
  };
  return (await engine.handle(input)).map((r) => r.text);
}
const codeIn = (replies: string[]) => /已登记隐患 (\S+?)，/.exec(replies.join('\n'))?.[1];
const photo = async () => {
  const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#36c' } })
    .png()
    .toBuffer();
  return { image: { fileName: 'site.png', load: async () => png } };
};

describe('the conversation engine', () => {
  it('attaches a photo sent within five minutes of a report, and not one sent later', async () => {
    const late = codeIn(await say('grid.sl-01', '隐患 石龙村二组后山有裂缝'));
    now += 6 * MINUTE;
    expect(await say('grid.sl-01', await photo())).toEqual([ENGINE_TEXTS.photoWithoutHazard]);
    expect((await HazardModel.findOne({ code: late }).lean())!.mediaIds).toHaveLength(0);

    const soon = codeIn(await say('grid.sl-01', '隐患 危岩松动'));
    now += 4 * MINUTE;
    expect(await say('grid.sl-01', await photo())).toEqual([ENGINE_TEXTS.photoAttached(soon!)]);
    expect((await HazardModel.findOne({ code: soon }).lean())!.mediaIds).toHaveLength(1);
  });

  it("uses a location sent just before a report as the hazard's place", async () => {
    await say('grid.sl-02', { location: { lat: 29.815, lng: 107.86, label: '石龙村小学' } });
    const code = codeIn(await say('grid.sl-02', '#隐患 小学围墙倾斜'));
    const h = await HazardModel.findOne({ code }).lean();
    expect(h!.location).toMatchObject({ lat: 29.815, lng: 107.86, address: '石龙村小学' });
  });

  it('asks for a description when 隐患 comes alone, with or without #', async () => {
    expect(await say('grid.sl-02', '#隐患')).toEqual([ENGINE_TEXTS.hazardNeedsDescription]);
    expect(await say('grid.sl-02', '隐患')).toEqual([ENGINE_TEXTS.hazardNeedsDescription]);
    expect(await say('grid.sl-02', '隐患：')).toEqual([ENGINE_TEXTS.hazardNeedsDescription]);
  });

  it("stores a chat hazard's description with its Chinese punctuation as written", async () => {
    const code = codeIn(
      await say('grid.sl-02', '#隐患 桥头路面塌陷，车辆无法通行！请尽快处理 位置：石龙村（二组）桥头'),
    );
    const h = await HazardModel.findOne({ code }).lean();
    expect(h!.description).toBe('桥头路面塌陷，车辆无法通行！请尽快处理（位置：石龙村（二组）桥头）');
  });

  it('finds a hazard by its code typed in lower case, with or without 查', async () => {
    const code = codeIn(await say('grid.sl-02', '隐患 护栏缺失'))!;
    expect(code).toMatch(/^SZ-\d{4}-\d{4}$/);
    for (const line of [`查 ${code.toLowerCase()}`, `查询${code.toLowerCase()}的进度`, code.toLowerCase()])
      expect((await say('grid.sl-02', line))[0]).toMatch(new RegExp(`^隐患 ${code}：`));
  });

  it('attaches a location only to a report that is waiting for its place', async () => {
    const at = { lat: 29.81, lng: 107.86, label: '石龙村二组' };
    // Reported with a pin: a second location is not taken as the hazard's.
    await say('grid.sh-01', { location: at });
    const placed = codeIn(await say('grid.sh-01', '隐患 电线杆倾斜'))!;
    expect(await say('grid.sh-01', { location: { ...at, lat: 29.82 } })).toEqual([
      ENGINE_TEXTS.locationNotAttached(placed),
    ]);
    const notes = async (code: string) =>
      (await HazardModel.findOne({ code }).lean())!.history
        .map((e) => e.note ?? '')
        .filter((n) => n.startsWith('补充位置'));
    expect(await notes(placed)).toEqual([]);

    // Reported without one: the bot asks, the next location is attached, once.
    now += 10 * MINUTE;
    const waiting = await say('grid.sh-01', '隐患 路面积水');
    const code = codeIn(waiting)!;
    expect(waiting).toEqual([ENGINE_TEXTS.hazardCreated(code, 5)]);
    expect(await say('grid.sh-01', { location: at })).toEqual([ENGINE_TEXTS.locationAttached(code)]);
    expect(await say('grid.sh-01', { location: at })).toEqual([ENGINE_TEXTS.locationNotAttached(code)]);
    expect(await notes(code)).toHaveLength(1);
  });

  it("takes a location sent after asking for a shelter as the shelter question, not the report's place", async () => {
    now += 10 * MINUTE;
    const code = codeIn(await say('grid.sh-02', '隐患 河堤渗水'))!;
    expect(await say('grid.sh-02', '避难场所在哪')).toEqual([ENGINE_TEXTS.askLocation]);
    const answer = await say('grid.sh-02', { location: { lat: 29.8, lng: 107.86 } });
    expect(answer).toHaveLength(1);
    expect(answer[0]).toMatch(/^(离您最近的避难场所|附近暂无登记的避难场所)/);
    const h = await HazardModel.findOne({ code }).lean();
    expect(h!.history.map((e) => e.note ?? '').filter((n) => n.startsWith('补充位置'))).toEqual([]);
    // Nor is that location the place of a report made right after: the bot asks for it.
    const next = await say('grid.sh-02', '隐患 堤坝裂缝');
    expect(next).toEqual([ENGINE_TEXTS.hazardCreated(codeIn(next)!, 5)]);
    expect((await HazardModel.findOne({ code: codeIn(next) }).lean())!.location).not.toMatchObject({ lat: 29.8 });
  });

  it('checks a participant in to the running drill, once, and says when there is none', async () => {
    expect(await say('cadre.xj', '签到')).toEqual([ENGINE_TEXTS.noRunningDrill]);
    const office = await srv.login('office', 'Office@2024');
    const cadre = await UserModel.findOne({ username: 'cadre.xj' }).lean();
    const drill = await office.post<{ id: string }>('/api/drills', {
      title: '防汛拉动演练',
      participants: [String(cadre!._id)],
    });
    await office.post(`/api/drills/${drill.id}/start`);
    const [first] = await say('cadre.xj', '我已签到');
    expect(first).toMatch(/^“防汛拉动演练”签到成功，用时 \d+ 秒。$/);
    expect(await say('cadre.xj', '签到')).toEqual([ENGINE_TEXTS.checkedIn('防汛拉动演练', 0, true)]);
  });

  it("records people moved for the sender's transfer point during a warning, and says when there is none", async () => {
    const office = await srv.login('office', 'Office@2024');
    await office.post('/api/callouts', { title: '新建村暴雨预警', level: 'orange', area: { grids: ['XJ-02'] } });
    expect(await say('grid.xj-02', '已转移 12 人')).toEqual([ENGINE_TEXTS.noTransferTask]);
    const grid = await GridModel.findOne({ code: 'XJ-02' }).lean();
    await office.post('/api/hazard-points', { name: '新建村二组滑坡点', residents: 20, gridId: String(grid!._id) });
    expect(await say('grid.xj-02', '已转移１２人')).toEqual([ENGINE_TEXTS.transferRecorded(12, 12, 20)]);
    expect(await say('grid.xj-02', '已转移 3 人')).toEqual([ENGINE_TEXTS.transferRecorded(3, 15, 20)]);
    expect(await say('grid.xj-02', '转移 1 户 4 人')).toEqual([ENGINE_TEXTS.transferRecorded(4, 19, 20)]);
  });

  it('answers one-to-one lines it does not understand with a hint, and tells a stranger how to bind once', async () => {
    expect(await say('grid.sq-02', '今天几号')).toEqual([ENGINE_TEXTS.notUnderstood]);
    expect(await say('stranger', '你好')).toEqual([ENGINE_TEXTS.unknownSender]);
    expect(await say('stranger', '你好')).toEqual([]);
    expect(await say('stranger', '帮助')).toEqual([ENGINE_TEXTS.help]);
  });

  it('says a hazard code it cannot find is not there', async () => {
    expect(await say('grid.sq-02', '查 SZ-1999-9999')).toEqual([ENGINE_TEXTS.hazardNotFound('SZ-1999-9999')]);
  });
});
