import { encrypt, getSignature } from '@wecom/crypto';
import { buildMessageXml, sealCallback, type WecomCallbackConfig } from '../../bot/src/channels/wecom-app';
import { DeliveryModel } from '../../server/src/outbox/delivery.model';
import { TownModel } from '../../server/src/people/models';
import { seedDemo } from '../../server/src/people/seed';
import { createUser } from '../../server/src/people/service';
import { UserModel } from '../../server/src/people/user.model';
import { WECOM, chatEnv, eventually, postCallback, sleep, wecomText } from '../chat/support';
import { useTestDatabase } from '../support/db';
import { http, startTestServer, type TestServer } from '../support/server';
import { townsApi, type ApiClient } from '@yingji/shared';

/**
 * A county with one WeCom corp per town: 新坪镇 (XP) runs its own corp, whose userids may repeat
 * those of the county's corp. Its members' replies and card clicks come in at
 * /wecom/callback/XP, sealed with its own keys, and reach its own people only.
 */
useTestDatabase();

const XP: WecomCallbackConfig = {
  corpId: 'ww-xinping-own',
  token: 'XinpingToken2026',
  encodingAESKey: 'ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxwvut',
};
const xpText = (from: string, content: string, fields: Record<string, string | number> = {}) =>
  buildMessageXml({
    ToUserName: XP.corpId,
    FromUserName: from,
    CreateTime: Math.floor(Date.now() / 1000),
    MsgType: 'text',
    Content: content,
    MsgId: String(Date.now()) + String(Math.floor(Math.random() * 1e6)),
    AgentID: 1000005,
    ...fields,
  });
const click = (corpId: string, from: string, calloutId: string, rc: string) =>
  buildMessageXml({
    ToUserName: corpId,
    FromUserName: from,
    CreateTime: Math.floor(Date.now() / 1000),
    MsgType: 'event',
    Event: 'template_card_event',
    EventKey: `ack:${calloutId}`,
    TaskId: `task-${rc}`,
    CardType: 'button_interaction',
    ResponseCode: rc,
    AgentID: 1000005,
  });

let srv: TestServer;
let xpAdmin: ApiClient;
let xpTown: string;
let xpMember: string;
let szMember: string;

beforeAll(async () => {
  await seedDemo();
  srv = await startTestServer({ env: chatEnv });
  const xp = await TownModel.create({ code: 'XP', name: '新坪镇', config: {} });
  xpTown = String(xp._id);
  await createUser(xp._id, { username: 'xp.admin', password: 'Admin@2024x', role: 'admin', name: '新坪管理员' });
  await createUser(xp._id, { username: 'xp.office', password: 'Office@2024x', role: 'office', name: '新坪值班' });
  xpAdmin = await srv.login('xp.admin', 'Admin@2024x');
  szMember = String((await UserModel.findOne({ username: 'grid.sl-01' }).lean())!._id);
});
afterAll(() => srv.close());

describe("a town's own WeCom corp", () => {
  it('is set in the town settings; the callback keys are validated and never shown back', async () => {
    const bad = (await xpAdmin
      .request('PATCH', '/api/town/config', { wecomApp: { encodingAESKey: 'short' } })
      .catch((e: unknown) => e)) as { message: string };
    expect(bad).toMatchObject({ status: 400, code: 'TOWN_CONFIG_INVALID' });
    expect(bad.message).toContain('EncodingAESKey 为 43 位');

    await xpAdmin.request('PATCH', '/api/town/config', {
      wecomApp: { agentId: 1000005, secret: 'xp-secret', ...XP },
    });
    const shown = await xpAdmin.get<{ wecomApp: Record<string, unknown> }>('/api/town/config');
    expect(shown.wecomApp).toMatchObject({ corpId: XP.corpId, secret: '******', token: '******' });
    expect(JSON.stringify(shown)).not.toContain(XP.encodingAESKey);
    // Sending the mask back keeps what is stored.
    await xpAdmin.request('PATCH', '/api/town/config', { wecomApp: { ...shown.wecomApp, agentId: 1000005 } });
    const stored = (await TownModel.findById(xpTown).lean())!.config as { wecomApp: Record<string, unknown> };
    expect(stored.wecomApp).toMatchObject({ token: XP.token, encodingAESKey: XP.encodingAESKey });
  });

  it('records a replaced secret in the audit log as replaced, never by its value', async () => {
    const before = (await townsApi(xpAdmin).audit()).items.length;
    await xpAdmin.request('PATCH', '/api/town/config', { wecomApp: { secret: 'xp-secret-rotated' } });
    const log = (await townsApi(xpAdmin).audit()).items;
    expect(log.length).toBe(before + 1);
    const entry = JSON.stringify(log[0]);
    expect(entry).toContain('已更换');
    expect(entry).not.toContain('xp-secret');
  });

  it('lets its members keep userids that the county corp also uses; a town on the county corp cannot', async () => {
    const member = await createUser(
      (await TownModel.findById(xpTown))!._id,
      { username: 'xp.grid-01', password: 'Grid@2024x', role: 'grid', name: '新坪网格员', wecomUserId: 'grid-sl-01' },
      srv.services.config,
    );
    xpMember = String(member._id);
    const shared = await TownModel.create({ code: 'GJ', name: '高家镇', config: {} });
    const refused = await createUser(
      shared._id,
      { username: 'gj.grid-01', password: 'Grid@2024x', role: 'grid', name: '高家网格员', wecomUserId: 'grid-sl-01' },
      srv.services.config,
    ).then(
      () => 'created',
      (e: { code?: string }) => e.code,
    );
    expect(refused).toBe('WECOM_USER_ID_TAKEN');
    expect(await UserModel.countDocuments({ wecomUserId: 'grid-sl-01' })).toBe(2);
  });

  it("answers the verification echo at /wecom/callback/XP with the town's own keys", async () => {
    const echostr = encrypt(XP.encodingAESKey, '5566', XP.corpId);
    const q = {
      msg_signature: getSignature(XP.token, '1700000000', 'n', echostr),
      timestamp: '1700000000',
      nonce: 'n',
      echostr,
    };
    const res = await http(srv.base, 'GET', `/wecom/callback/XP?${new URLSearchParams(q)}`);
    expect(res.status).toBe(200);
    expect(res.text).toBe('5566');
    const unknown = await http(srv.base, 'GET', `/wecom/callback/ZZ?${new URLSearchParams(q)}`);
    expect(unknown.status).toBe(404);
    const noKeys = await http(srv.base, 'GET', `/wecom/callback/GJ?${new URLSearchParams(q)}`);
    expect(noKeys.json.error.code).toBe('WECOM_CALLBACK_NOT_CONFIGURED');
  });

  it("routes a member's message to the town's own person, not the county corp's namesake", async () => {
    const res = await postCallback(srv.base, '', {
      sealed: sealCallback(XP, xpText('grid-sl-01', '帮助')),
      path: '/wecom/callback/XP',
    });
    expect(res.status).toBe(200);
    const reply = await eventually(
      async () =>
        (await DeliveryModel.findOne({
          channel: 'wecom_app',
          'recipient.address': 'grid-sl-01',
          town: xpTown,
        }).lean()) ?? undefined,
    );
    expect(String(reply.recipient!.user)).toBe(xpMember);
    // The same message at the county's URL is refused: it is sealed with another app's keys.
    const wrong = await postCallback(srv.base, '', { sealed: sealCallback(XP, xpText('grid-sl-01', '帮助')) });
    expect(wrong.status).toBe(403);
  });

  it('counts a card click only for a call-out of a town of the corp it came through', async () => {
    const szOffice = await srv.login('office', 'Office@2024');
    const xpOffice = await srv.login('xp.office', 'Office@2024x');
    const sz = await szOffice.post<{ id: string }>('/api/callouts', {
      title: '山洪红色预警',
      level: 'red',
      body: '请立即转移',
      recipients: [szMember],
    });
    const xp = await xpOffice.post<{ id: string }>('/api/callouts', {
      title: '地灾橙色预警',
      level: 'orange',
      body: '请立即巡查',
      recipients: [xpMember],
    });
    const acked = async (c: ApiClient, id: string) =>
      (await c.get<{ summary: { acked: number } }>(`/api/callouts/${id}`)).summary.acked;

    // 新坪's grid-sl-01 clicks a forged card of 十直's call-out: not theirs to answer.
    await postCallback(srv.base, '', {
      sealed: sealCallback(XP, click(XP.corpId, 'grid-sl-01', sz.id, 'rc-x1')),
      path: '/wecom/callback/XP',
    });
    await sleep(500);
    expect(await acked(szOffice, sz.id)).toBe(0);

    // Each member answers their own town's card through their own corp.
    await postCallback(srv.base, '', {
      sealed: sealCallback(XP, click(XP.corpId, 'grid-sl-01', xp.id, 'rc-x2')),
      path: '/wecom/callback/XP',
    });
    await postCallback(srv.base, '', {
      sealed: sealCallback(WECOM, click(WECOM.corpId, 'grid-sl-01', sz.id, 'rc-s1')),
    });
    await eventually(async () => (await acked(xpOffice, xp.id)) === 1 && (await acked(szOffice, sz.id)) === 1);
    const xpCard = await eventually(
      async () =>
        (await DeliveryModel.findOne({ 'source.id': xp.id, 'source.step': 'card_update' }).lean()) ?? undefined,
    );
    expect(String(xpCard.recipient!.user)).toBe(xpMember);
    expect(String(xpCard.town)).toBe(xpTown);
  });

  it('still serves the county corp at /wecom/callback for its towns', async () => {
    const res = await postCallback(srv.base, wecomText('grid-sq-01', '帮助'));
    expect(res.status).toBe(200);
    const reply = await eventually(
      async () =>
        (await DeliveryModel.findOne({ channel: 'wecom_app', 'recipient.address': 'grid-sq-01' }).lean()) ?? undefined,
    );
    expect(String(reply.town)).not.toBe(xpTown);
  });
});
