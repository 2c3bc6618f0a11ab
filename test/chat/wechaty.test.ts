import { ApiError, chatApi, ApiClient, botTransport } from '@yingji/shared';
import type { mock } from 'wechaty-puppet-mock';
import { FileBox } from 'file-box';
import sharp from 'sharp';
import { startBot, type BotProcess } from '../../bot/src/main';
import { ENGINE_TEXTS } from '../../bot/src/engine';
import { ChatGroupModel, GridModel, TownModel, UserModel } from '../../server/src/people/models';
import { seedDemo } from '../../server/src/people/seed';
import { useTestDatabase } from '../support/db';
import { startTestServer, type TestServer } from '../support/server';
import { HazardModel } from '../../server/src/hazards/hazard.model';
import { DeliveryModel } from '../../server/src/outbox/delivery.model';
import { enqueue } from '../../server/src/outbox/enqueue';
import { BOT_TOKEN, chatEnv, eventually, sleep } from './support';
import { mockWechaty, type MockWechaty } from './wechaty-harness';

useTestDatabase();

const ROOM_ID = 'sq01-test@chatroom';

let srv: TestServer;
let w: MockWechaty;
let running: BotProcess;
let room: mock.RoomMock;
let member: mock.ContactMock;
let stranger: mock.ContactMock;
const errors: string[] = [];

beforeAll(async () => {
  await seedDemo();
  const town = await TownModel.findOne({ code: 'SZ' });
  const grid = await GridModel.findOne({ code: 'SQ-01' });
  await ChatGroupModel.create({
    town: town!._id,
    channel: 'wechaty',
    externalId: ROOM_ID,
    name: '十直社区第一网格群',
    grid: grid!._id,
  });
  srv = await startTestServer({ env: chatEnv });
  w = mockWechaty();
  running = await startBot({
    apiBaseUrl: srv.base,
    botToken: BOT_TOKEN,
    wechaty: w.bot,
    outboxIntervalMs: 200,
    log: (l) => errors.push(l),
  });
  const self = await w.login();
  member = w.mocker.createContact({ id: 'wxid_grid_sq01', name: '李网格' });
  stranger = w.mocker.createContact({ id: 'wxid_stranger', name: '路人甲' });
  room = w.mocker.createRoom({
    id: ROOM_ID,
    topic: '十直社区第一网格群',
    memberIdList: [self.id, member.id, stranger.id],
  });
});
afterAll(async () => {
  await running.stop();
  await srv.close();
});

const sentTo = (conversationId: string) => w.sent.filter((s) => s.conversationId === conversationId);
async function nextReply(conversationId: string, after: number) {
  return eventually(async () => sentTo(conversationId)[after]);
}

describe('the chat session service route', () => {
  it('refuses a caller without the bot token', async () => {
    const anonymous = chatApi(new ApiClient({ baseUrl: srv.base }));
    await expect(anonymous.session({ channel: 'wecom_app', externalUserId: 'grid-sq-01' })).rejects.toMatchObject({
      status: 401,
      code: 'UNAUTHENTICATED',
    });
    const forged = chatApi(new ApiClient({ baseUrl: srv.base, transport: botTransport('not-the-bot-token-at-all') }));
    await expect(forged.session({ channel: 'wecom_app', externalUserId: 'grid-sq-01' })).rejects.toBeInstanceOf(
      ApiError,
    );
  });

  it('gives a short-lived token acting as the WeCom member, and names an unknown sender', async () => {
    const bot = chatApi(new ApiClient({ baseUrl: srv.base, transport: botTransport(BOT_TOKEN) }));
    const s = await bot.session({ channel: 'wecom_app', externalUserId: 'grid-sq-01' });
    expect(s.user).toMatchObject({ name: '十直社区网格员1', role: 'grid' });
    expect(new Date(s.expiresAt).getTime() - Date.now()).toBeLessThanOrEqual(15 * 60 * 1000);
    const me = await new ApiClient({ baseUrl: srv.base, token: s.token }).me();
    expect(me.name).toBe('十直社区网格员1');
    await expect(bot.session({ channel: 'wechaty', externalUserId: 'wxid_nobody' })).rejects.toMatchObject({
      status: 404,
      code: 'CHAT_SENDER_UNKNOWN',
    });
  });
});

describe('a WeChat group through Wechaty', () => {
  it('stays quiet about ordinary chatter', async () => {
    const before = w.sent.length;
    member.say('今天雨好大，大家注意安全').to(room);
    stranger.say('好的').to(room);
    await sleep(400);
    expect(w.sent.length).toBe(before);
  });

  it('answers 帮助 in the group, mentioning the sender', async () => {
    const n = sentTo(ROOM_ID).length;
    member.say('@应急小助手\u2005帮助').to(room);
    const reply = await nextReply(ROOM_ID, n);
    expect(reply).toEqual({
      conversationId: ROOM_ID,
      text: `@李网格 ${ENGINE_TEXTS.help}`,
      mentionIdList: [member.id],
    });
  });

  it('tells an unbound member how to bind, once, not on every line', async () => {
    const n = sentTo(ROOM_ID).length;
    stranger.say('#隐患 桥头路面塌陷').to(room);
    const reply = await nextReply(ROOM_ID, n);
    expect(reply.text).toBe(`@路人甲 ${ENGINE_TEXTS.unknownSender}`);
    stranger.say('签到').to(room);
    stranger.say('查 SZ-0001').to(room);
    await sleep(400);
    expect(sentTo(ROOM_ID).length).toBe(n + 1);
  });

  it('binds a contact with a one-time code the user got after logging in, and only once', async () => {
    const grid = await srv.login('grid.sq-01', 'Grid@2024');
    const { code } = await chatApi(grid).bindCode();
    expect(code).toMatch(/^\d{6}$/);
    const n = sentTo(member.id).length;
    member.say(`绑定 ${code}`).to(w.mocker.ContactMock.load('wxid_bot'));
    expect((await nextReply(member.id, n)).text).toBe(ENGINE_TEXTS.bound('十直社区网格员1'));
    const user = await UserModel.findOne({ username: 'grid.sq-01' }).lean();
    expect(user!.wechatyContactIds).toEqual([member.id]);

    // The same code again, from someone else: used up, nothing bound.
    const m = sentTo(stranger.id).length;
    stranger.say(`绑定 ${code}`).to(w.mocker.ContactMock.load('wxid_bot'));
    expect((await nextReply(stranger.id, m)).text).toMatch(/绑定码不正确或已过期/);
    expect(await UserModel.countDocuments({ wechatyContactIds: stranger.id })).toBe(0);
  });

  it('says nothing in the group when a bound member writes 收到 with no warning open', async () => {
    const n = sentTo(ROOM_ID).length;
    member.say('收到').to(room);
    await sleep(500);
    expect(sentTo(ROOM_ID).slice(n)).toEqual([]);
  });

  it('asks for a location before finding the nearest shelter', async () => {
    const n = sentTo(ROOM_ID).length;
    member.say('最近的避难场所在哪？').to(room);
    expect((await nextReply(ROOM_ID, n)).text).toBe(`@李网格 ${ENGINE_TEXTS.askLocation}`);
    w.sendLocation(member, room, {
      accuracy: 10,
      address: '十直社区',
      latitude: 29.785,
      longitude: 107.86,
      name: '十直社区广场',
    });
    const answer = await nextReply(ROOM_ID, n + 1);
    expect(answer.text).toMatch(/^@李网格 (离您最近的避难场所|附近暂无登记的避难场所|该功能暂未开通)/);
  });

  it('takes a hazard report from a grid member into the hazard list, with the photo sent right after', async () => {
    const n = sentTo(ROOM_ID).length;
    member.say('@应急小助手\u2005#隐患 桥头路面塌陷 位置：十直社区桥头').to(room);
    const reply = await nextReply(ROOM_ID, n);
    const code = /已登记隐患 (\S+?)，/.exec(reply.text)?.[1];
    expect(reply.text).toBe(`@李网格 ${ENGINE_TEXTS.hazardCreated(code!, 5)}`);
    expect(reply.mentionIdList).toEqual([member.id]);

    const office = await srv.login('office', 'Office@2024');
    const list = await office.get<{
      items: { code: string; description: string; source: string; grid?: { name: string } }[];
    }>('/api/hazards');
    expect(list.items.find((h) => h.code === code)).toMatchObject({
      description: '桥头路面塌陷（位置：十直社区桥头）',
      source: 'chat',
      grid: { name: '十直社区第一网格' },
    });

    const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#a33' } })
      .png()
      .toBuffer();
    member.say(FileBox.fromBase64(png.toString('base64'), 'crack.png')).to(room);
    expect((await nextReply(ROOM_ID, n + 1)).text).toBe(`@李网格 ${ENGINE_TEXTS.photoAttached(code!)}`);
    const stored = await HazardModel.findOne({ code }).lean();
    expect(stored!.mediaIds).toHaveLength(1);

    member.say(`查 ${code!.toLowerCase()}`).to(room);
    expect((await nextReply(ROOM_ID, n + 2)).text).toMatch(new RegExp(`^@李网格 隐患 ${code}：已受理`));
  });

  it('does not take a photo from someone who reported nothing as part of a report', async () => {
    const before = await HazardModel.countDocuments({ 'mediaIds.0': { $exists: true } });
    const n = sentTo(ROOM_ID).length;
    const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#3a3' } })
      .png()
      .toBuffer();
    stranger.say(FileBox.fromBase64(png.toString('base64'), 'cat.png')).to(room);
    await sleep(400);
    expect(sentTo(ROOM_ID).length).toBe(n);
    expect(await HazardModel.countDocuments({ 'mediaIds.0': { $exists: true } })).toBe(before);
  });

  it('acknowledges the open warning when a bound member writes 收到 in the group', async () => {
    const office = await srv.login('office', 'Office@2024');
    const user = await UserModel.findOne({ username: 'grid.sq-01' }).lean();
    const created = await office.post<{ id: string }>('/api/callouts', {
      title: '地质灾害黄色预警',
      level: 'yellow',
      recipients: [String(user!._id)],
    });
    member.say('收到！👍').to(room);
    const reply = await eventually(async () =>
      sentTo(ROOM_ID).find((s) => s.text === `@李网格 ${ENGINE_TEXTS.acked('地质灾害黄色预警')}`),
    );
    expect(reply.mentionIdList).toEqual([member.id]);
    const detail = await office.get<{ recipients: { name: string; state: string; channel?: string }[] }>(
      `/api/callouts/${created.id}`,
    );
    expect(detail.recipients).toEqual([
      expect.objectContaining({ name: '十直社区网格员1', state: 'acked', channel: 'wechaty' }),
    ]);
    member.say('没收到').to(room);
    member.say('大家收到了吗？').to(room);
    await sleep(400);
    expect(sentTo(ROOM_ID).filter((s) => s.text.includes('已确认收到'))).toHaveLength(1);
  });

  it('tells a member who already confirmed, and writes 收到 again, when they did', async () => {
    const n = sentTo(ROOM_ID).length;
    member.say('收到').to(room);
    const reply = await nextReply(ROOM_ID, n);
    expect(reply.text).toMatch(/^@李网格 您已于 \d{2}:\d{2} 确认收到“地质灾害黄色预警”，无需重复回复。$/);
    expect(reply.mentionIdList).toEqual([member.id]);
  });

  it("sends the outbox's messages for WeChat to the room, @mentioning who has not answered", async () => {
    const town = await TownModel.findOne({ code: 'SZ' });
    const group = await ChatGroupModel.findOne({ externalId: ROOM_ID });
    await enqueue(srv.services.clock, [
      {
        town: town!._id,
        channel: 'wechaty',
        recipient: { group: group!._id, address: ROOM_ID },
        content: { kind: 'text', text: '请尚未确认的同志回复“收到”', mentions: [member.id] },
        source: { kind: 'test' },
        idempotencyKey: 'chat-test:outbox-room-1',
      },
    ]);
    const sent = await eventually(async () =>
      sentTo(ROOM_ID).find((s) => s.text.endsWith('请尚未确认的同志回复“收到”')),
    );
    expect(sent).toEqual({
      conversationId: ROOM_ID,
      text: '@李网格 请尚未确认的同志回复“收到”',
      mentionIdList: [member.id],
    });
    const delivery = await eventually(async () => {
      const d = await DeliveryModel.findOne({ idempotencyKey: 'chat-test:outbox-room-1' }).lean();
      return d?.state === 'sent' && d;
    });
    expect(delivery.state).toBe('sent');
  });
});
