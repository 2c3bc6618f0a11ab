import { encrypt, getSignature } from '@wecom/crypto';
import { sealCallback } from '../../bot/src/channels/wecom-app';
import { ENGINE_TEXTS } from '../../bot/src/engine';
import { ProcessedMessageModel } from '../../server/src/chat/models';
import { DeliveryModel } from '../../server/src/outbox/delivery.model';
import { seedDemo } from '../../server/src/people/seed';
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
});
