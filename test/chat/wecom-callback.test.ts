import http_ from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import { encrypt, getSignature } from '@wecom/crypto';
import { sealCallback } from '../../bot/src/channels/wecom-app';
import { ENGINE_TEXTS } from '../../bot/src/engine';
import { ProcessedMessageModel } from '../../server/src/chat/models';
import { HazardModel } from '../../server/src/hazards/hazard.model';
import { UserModel } from '../../server/src/people/user.model';
import { DeliveryModel } from '../../server/src/outbox/delivery.model';
import { seedDemo } from '../../server/src/people/seed';
import { createUser } from '../../server/src/people/service';
import { TownModel } from '../../server/src/people/models';
import { useTestDatabase } from '../support/db';
import { http, startTestServer, type TestServer } from '../support/server';
import { WECOM, chatEnv, eventually, postCallback, sleep, wecomText } from './support';

useTestDatabase();

let srv: TestServer;
beforeAll(async () => {
  await seedDemo();
  srv = await startTestServer({ env: chatEnv });
});
afterAll(() => srv.close());

const repliesTo = (address: string) =>
  DeliveryModel.find({ channel: 'wecom_app', 'recipient.address': address }).sort({ createdAt: 1 }).lean();

async function nothingChanged<T>(act: () => Promise<T>): Promise<T> {
  const before = [await ProcessedMessageModel.countDocuments(), await DeliveryModel.countDocuments()];
  const out = await act();
  await sleep(300); // anything wrongly processed after the answer would show by now
  expect([await ProcessedMessageModel.countDocuments(), await DeliveryModel.countDocuments()]).toEqual(before);
  return out;
}

describe('the WeCom app callback URL', () => {
  it('answers the verification echo with the decrypted echostr', async () => {
    const echostr = encrypt(WECOM.encodingAESKey, '1616140317555161061', WECOM.corpId);
    const q = {
      msg_signature: getSignature(WECOM.token, '1700000000', 'n0nce', echostr),
      timestamp: '1700000000',
      nonce: 'n0nce',
      echostr,
    };
    const res = await http(srv.base, 'GET', `/wecom/callback?${new URLSearchParams(q)}`);
    expect(res.status).toBe(200);
    expect(res.text).toBe('1616140317555161061');
  });

  it('refuses a verification whose signature does not match', async () => {
    const echostr = encrypt(WECOM.encodingAESKey, 'hello', WECOM.corpId);
    const q = { msg_signature: 'f'.repeat(40), timestamp: '1700000000', nonce: 'n0nce', echostr };
    const res = await http(srv.base, 'GET', `/wecom/callback?${new URLSearchParams(q)}`);
    expect(res.status).toBe(403);
    expect(res.json.error.code).toBe('WECOM_CALLBACK_SIGNATURE_INVALID');
  });

  it('answers at once with an empty 200 and replies through the outbox afterwards', async () => {
    const started = Date.now();
    const res = await postCallback(srv.base, wecomText('grid-sq-01', '帮助'));
    expect(res.status).toBe(200);
    expect(res.text).toBe('');
    expect(Date.now() - started).toBeLessThan(1000);
    const [reply] = await eventually(async () => {
      const r = await repliesTo('grid-sq-01');
      return r.length > 0 && r;
    });
    expect(reply).toMatchObject({
      state: 'pending',
      content: { kind: 'text', text: ENGINE_TEXTS.help },
      source: { kind: 'chat_reply' },
    });
    expect(String(reply!.recipient!.user)).toMatch(/^[0-9a-f]{24}$/);
  });

  it('processes a message once however often WeCom retries it', async () => {
    const sealed = sealCallback(WECOM, wecomText('grid-sh-01', '帮助'));
    const answers = await Promise.all([1, 2, 3].map(() => postCallback(srv.base, '', { sealed })));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    await eventually(async () => (await repliesTo('grid-sh-01')).length > 0);
    await sleep(300);
    await postCallback(srv.base, '', { sealed }); // a late retry
    await sleep(300);
    expect(await repliesTo('grid-sh-01')).toHaveLength(1);
  });

  it('refuses a tampered signature and changes nothing', async () => {
    const res = await nothingChanged(() =>
      postCallback(srv.base, wecomText('grid-sl-01', '帮助'), { tamper: 'signature' }),
    );
    expect(res.status).toBe(403);
    expect(res.json.error).toMatchObject({
      code: 'WECOM_CALLBACK_SIGNATURE_INVALID',
      message: '企业微信回调签名校验失败',
    });
  });

  it('refuses a message encrypted for another corp and changes nothing', async () => {
    const res = await nothingChanged(() =>
      postCallback(srv.base, wecomText('grid-sl-01', '帮助'), { receiverId: 'ww-someone-else' }),
    );
    expect(res.status).toBe(403);
    expect(res.json.error.code).toBe('WECOM_CALLBACK_CORP_MISMATCH');
  });

  it('refuses a message whose inner ToUserName is another corp', async () => {
    const res = await nothingChanged(() =>
      postCallback(srv.base, wecomText('grid-sl-01', '帮助', { ToUserName: 'ww-someone-else' })),
    );
    expect(res.json.error.code).toBe('WECOM_CALLBACK_CORP_MISMATCH');
  });

  it('refuses a body that does not decrypt, or is not XML, and changes nothing', async () => {
    const garbage = Buffer.from('not a wecom message at all, just 48 bytes long!!').toString('base64');
    const ts = '1700000000';
    const sig = getSignature(WECOM.token, ts, 'n', garbage);
    const qs = new URLSearchParams({ msg_signature: sig, timestamp: ts, nonce: 'n' });
    const bad = await nothingChanged(() =>
      http(srv.base, 'POST', `/wecom/callback?${qs}`, { body: `<xml><Encrypt><![CDATA[${garbage}]]></Encrypt></xml>` }),
    );
    expect(bad.status).toBeGreaterThanOrEqual(400);
    const notXml = await nothingChanged(() =>
      http(srv.base, 'POST', `/wecom/callback?${qs}`, { body: '{"Encrypt":"x"}' }),
    );
    expect(notXml.status).toBe(400);
    expect(notXml.json.error.code).toBe('WECOM_CALLBACK_BODY_INVALID');
  });

  it.each([
    ['from 2014', '1400000000'],
    ['from the year 5138', '99999999999'],
    ['ten minutes old', String(Math.floor(Date.now() / 1000) - 600)],
  ])('refuses a callback signed with a timestamp %s (a replay) and changes nothing', async (_when, timestamp) => {
    const sealed = sealCallback(WECOM, wecomText('grid-sl-01', '帮助'), { timestamp });
    const res = await nothingChanged(() => postCallback(srv.base, '', { sealed }));
    expect(res.status).toBe(403);
    expect(res.json.error.code).toBe('WECOM_CALLBACK_STALE');
  });

  it('tells a member the system does not know how to get registered, once', async () => {
    await postCallback(srv.base, wecomText('stranger-1', '签到'));
    const [first] = await eventually(async () => {
      const r = await repliesTo('stranger-1');
      return r.length > 0 && r;
    });
    expect(first!.content!.text).toBe(ENGINE_TEXTS.unknownSenderWecom);
    await postCallback(srv.base, wecomText('stranger-1', '收到'));
    await postCallback(srv.base, wecomText('stranger-1', '帮助'));
    await eventually(async () => (await repliesTo('stranger-1')).length >= 2);
    await sleep(300);
    const texts = (await repliesTo('stranger-1')).map((d) => d.content?.text);
    expect(texts).toEqual([ENGINE_TEXTS.unknownSenderWecom, ENGINE_TEXTS.help]);
  });

  it("takes a grid member's hazard report into the hazard list, with a location sent right after", async () => {
    await postCallback(srv.base, wecomText('grid-sh-02', '＃隐患 河堤有管涌 位置：双河村河堤'));
    const [reply] = await eventually(async () => {
      const r = await repliesTo('grid-sh-02');
      return r.length > 0 && r;
    });
    const code = /已登记隐患 (\S+?)，/.exec(reply!.content!.text ?? '')?.[1];
    expect(reply!.content!.text).toBe(ENGINE_TEXTS.hazardCreated(code!, 5));

    const office = await srv.login('office', 'Office@2024');
    const list = await office.get<{
      items: { code: string; description: string; source: string; village?: { name: string } }[];
    }>('/api/hazards');
    expect(list.items.find((h) => h.code === code)).toMatchObject({
      description: '河堤有管涌（位置：双河村河堤）',
      source: 'chat',
      village: { name: '双河村' },
    });

    await postCallback(
      srv.base,
      wecomText('grid-sh-02', '', {
        MsgType: 'location',
        Content: '',
        Location_X: '29.795',
        Location_Y: '107.88',
        Scale: 15,
        Label: '双河村河堤',
      }),
    );
    await eventually(async () => (await repliesTo('grid-sh-02')).length >= 2);
    expect((await repliesTo('grid-sh-02'))[1]!.content!.text).toBe(ENGINE_TEXTS.locationAttached(code!));
    const stored = await HazardModel.findOne({ code }).lean();
    expect(stored!.history.map((e) => e.note)).toContain('补充位置：双河村河堤 (29.795000, 107.880000)');

    await postCallback(srv.base, wecomText('grid-sh-02', `查询 ${code}`));
    await eventually(async () => (await repliesTo('grid-sh-02')).length >= 3);
    expect((await repliesTo('grid-sh-02'))[2]!.content!.text).toMatch(new RegExp(`^隐患 ${code}：已受理`));
  });

  it('attaches a picture the member sends right after a report (fetched from its PicUrl)', async () => {
    // A stand-in for WeCom's picture host on 127.0.0.1: PicUrl is a plain URL to the image.
    const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#c63' } })
      .png()
      .toBuffer();
    const pictures = http_.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'image/png' });
      res.end(png);
    });
    await new Promise<void>((r) => pictures.listen(0, '127.0.0.1', r));
    try {
      await postCallback(srv.base, wecomText('grid-xj-02', '隐患：新建村小学围墙倾斜'));
      await eventually(async () => (await repliesTo('grid-xj-02')).length >= 1);
      const code = /已登记隐患 (\S+?)，/.exec((await repliesTo('grid-xj-02'))[0]!.content!.text ?? '')?.[1];
      const picUrl = `http://127.0.0.1:${(pictures.address() as AddressInfo).port}/pic/1.png`;
      await postCallback(
        srv.base,
        wecomText('grid-xj-02', '', { MsgType: 'image', Content: '', PicUrl: picUrl, MediaId: 'media-1' }),
      );
      await eventually(async () => (await repliesTo('grid-xj-02')).length >= 2);
      expect((await repliesTo('grid-xj-02'))[1]!.content!.text).toBe(ENGINE_TEXTS.photoAttached(code!));
      expect((await HazardModel.findOne({ code }).lean())!.mediaIds).toHaveLength(1);
    } finally {
      await new Promise<void>((r) => pictures.close(() => r()));
    }
  });

  it("counts a warning card's 收到 button as the member's acknowledgement, once", async () => {
    const office = await srv.login('office', 'Office@2024');
    const member = await UserModel.findOne({ username: 'grid.xj-01' }).lean();
    const created = await office.post<{ id: string }>('/api/callouts', {
      title: '暴雨橙色预警',
      level: 'orange',
      body: '请立即巡查地灾点',
      recipients: [String(member!._id)],
    });
    const click = buildClick('grid-xj-01', `ack:${created.id}`);
    const sealed = sealCallback(WECOM, click);
    await Promise.all([postCallback(srv.base, '', { sealed }), postCallback(srv.base, '', { sealed })]);
    const detail = await eventually(async () => {
      const d = await office.get<{
        summary: { acked: number };
        recipients: { name: string; state: string; channel?: string }[];
      }>(`/api/callouts/${created.id}`);
      return d.summary.acked > 0 && d;
    });
    expect(detail.summary.acked).toBe(1);
    expect(detail.recipients.find((r) => r.name === member!.name)).toMatchObject({
      state: 'acked',
      channel: 'wecom_card',
    });
  });

  it('counts a burst of card clicks (each retried by WeCom) once per member, updates each card, and ignores non-recipients', async () => {
    const office = await srv.login('office', 'Office@2024');
    const town = (await UserModel.findOne({ username: 'office' }).lean())!.town;
    const members = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        createUser(town, {
          username: `burst.${i}`,
          password: 'Burst@2024x',
          role: 'grid',
          name: `突击队员${i}`,
          wecomUserId: `burst-${i}`,
        }),
      ),
    );
    const created = await office.post<{ id: string }>('/api/callouts', {
      title: '山洪红色预警',
      level: 'red',
      body: '请立即组织转移',
      recipients: members.map((m) => String(m._id)),
    });
    const clicks = members.map((_, i) =>
      sealCallback(WECOM, buildClick(`burst-${i}`, `ack:${created.id}`, `rc-burst-${i}`)),
    );
    // grid-sl-01 is not a recipient of this call-out: a (forged) click from them changes nothing.
    const outsider = sealCallback(WECOM, buildClick('grid-sl-01', `ack:${created.id}`));
    const answers = await Promise.all(
      [...clicks, ...clicks, outsider].map((sealed) => postCallback(srv.base, '', { sealed })),
    );
    expect(answers.every((a) => a.status === 200)).toBe(true);
    const cardUpdates = () => DeliveryModel.find({ 'source.id': created.id, 'source.step': 'card_update' }).lean();
    await eventually(async () => (await cardUpdates()).length >= 40);
    await sleep(300);
    const detail = await office.get<{ summary: { acked: number; total: number } }>(`/api/callouts/${created.id}`);
    expect(detail.summary).toMatchObject({ acked: 40, total: 40 });
    const updates = await cardUpdates();
    expect(updates).toHaveLength(40);
    expect(new Set(updates.map((u) => u.recipient!.address))).toEqual(new Set(members.map((_, i) => `burst-${i}`)));
    expect(updates.find((u) => u.recipient!.address === 'burst-7')!.content).toMatchObject({
      kind: 'card_update',
      card: { responseCode: 'rc-burst-7' },
    });
  });

  it("keeps a member's WeCom account theirs: another town of the same corp cannot give it to someone else (runs last: it adds a town)", async () => {
    const other = await TownModel.create({ code: 'XP', name: '新坪镇', config: {} });
    const town = (await UserModel.findOne({ username: 'grid.sl-01' }).lean())!.town;
    const taken = await createUser(other._id, {
      username: 'xp.grid-01',
      password: 'Grid@2024x',
      role: 'grid',
      name: '别镇网格员',
      wecomUserId: 'grid-sl-01',
    }).then(
      () => 'created',
      (e: { code?: string }) => e.code,
    );
    expect(taken).toBe('WECOM_USER_ID_TAKEN');
    expect(await UserModel.countDocuments({ wecomUserId: 'grid-sl-01' })).toBe(1);
    // Even past the check, the unique index refuses a second holder in the town (two edits at once).
    await expect(
      UserModel.create({ town, username: 'sz.race', role: 'grid', name: '并发', wecomUserId: 'grid-sl-01' }),
    ).rejects.toMatchObject({ code: 11000 });
  });
});

function buildClick(from: string, eventKey: string, responseCode = 'response-code-1') {
  return wecomText(from, '', {
    MsgType: 'event',
    Event: 'template_card_event',
    EventKey: eventKey,
    TaskId: `co-task-${Date.now()}`,
    CardType: 'button_interaction',
    ResponseCode: responseCode,
    Content: '',
    MsgId: '',
  });
}
