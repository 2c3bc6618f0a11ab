import { tipsApi, type ApiClient } from '@yingji/shared';
import { WECHAT_PUSH_PATH } from '../../server/src/moderation/push';
import { WITHHELD_TEXT } from '../../server/src/moderation/present';
import { runContentChecks } from '../../server/src/moderation/service';
import { DeliveryModel } from '../../server/src/outbox/delivery.model';
import { runOutboxPass } from '../../server/src/outbox/worker';
import { seedDemo } from '../../server/src/people/seed';
import { announceCheckedTips } from '../../server/src/tips/events';
import { startReceiver, type FakeReceiver } from '../fakes/receiver';
import { startFakeWechat, type FakeWechat } from '../fakes/wechat';
import { wechatResident } from '../residents/support';
import { useTestDatabase } from '../support/db';
import { http, startTestServer, type TestServer } from '../support/server';
import { PLACES, photo, upload } from '../tips/helpers';

/**
 * A photo's verdict comes from WeChat later (mediaCheckAsync, then the message push). No photo
 * ever leaves with an event or Open311; once WeChat flags one, the tip's text is withheld from
 * outside systems too, and from the events of the hazard it becomes.
 */
useTestDatabase();
jest.setTimeout(60_000);

const PUSH_TOKEN = 'push-token-2';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a photo WeChat flags after the tip went out', () => {
  let wechat: FakeWechat;
  let srv: TestServer;
  let office: ApiClient;
  let rx: FakeReceiver;
  let read: string;

  beforeAll(async () => {
    await seedDemo();
    wechat = await startFakeWechat();
    srv = await startTestServer({
      env: {
        WECHAT_APPID: wechat.appId,
        WECHAT_SECRET: wechat.secret,
        WECHAT_API_BASE: wechat.base,
        WECHAT_PUSH_TOKEN: PUSH_TOKEN,
        PUBLIC_BASE_URL: 'https://yingji.example.cn',
        WEBHOOK_ALLOW_HTTP_LOOPBACK: 'true',
      },
    });
    office = await srv.login('office', 'Office@2024');
    rx = await startReceiver();
    const post = (p: string, body: unknown) =>
      http(srv.base, 'POST', p, {
        token: office.token,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect(
      (await post('/api/webhooks', { url: `${rx.url}/hook`, events: ['tip.created', 'hazard.created'] })).status,
    ).toBe(201);
    read = (await post('/api/api-keys', { name: '县平台', scopes: ['read'] })).json.key;
  });
  afterAll(async () => {
    await rx.close();
    await srv.close();
    await wechat.close();
  });

  async function deliverAll() {
    for (let i = 0; i < 300; i++) {
      await runOutboxPass(srv.services, 'webhook');
      if ((await DeliveryModel.countDocuments({ channel: 'webhook', state: { $in: ['pending', 'sending'] } })) === 0)
        return;
      await sleep(30);
    }
  }
  const open311 = async (code: string) =>
    (await http(srv.base, 'GET', `/open311/v2/requests/${code}.json?api_key=${read}`)).json[0].description as string;

  it('sends the passed text without the photo, then withholds the text once the photo is flagged', async () => {
    const r = await wechatResident(srv, wechat);
    const pic = (await upload(r.client, await photo())).id;
    const text = '村道边坡开裂，裂缝约两米';
    const tip = await tipsApi(r.client).create({
      category: 'landslide',
      description: text,
      location: PLACES.sq01,
      mediaIds: [pic],
    });
    await runContentChecks(srv.services); // text passed; the photo waits for WeChat
    await announceCheckedTips(srv.services);
    await deliverAll();
    const created = rx.accepted().find((x) => x.json?.data?.id === tip.id)!;
    expect(created.json).toMatchObject({ event: 'tip.created', data: { description: text } });
    expect(created.raw).not.toContain(pic);
    expect(await open311(tip.code)).toBe(text);

    const traceId = wechat.mediaChecks.find((c) => String(c.body.media_url).includes(pic))!.traceId;
    const push = await wechat.pushMediaResult(`${srv.base}${WECHAT_PUSH_PATH}`, PUSH_TOKEN, traceId, 'risky');
    expect(push.status).toBe(200);
    expect(await open311(tip.code)).toBe(WITHHELD_TEXT);

    const hazard = (await tipsApi(office).triage(tip.id, { decision: 'accept', level: 'general' })).hazard!;
    await deliverAll();
    const h = rx.accepted().find((x) => x.json?.event === 'hazard.created' && x.json.data.id === hazard.id)!;
    expect(h.json!.data.description).toBe(WITHHELD_TEXT);
    expect(h.raw).not.toContain(text);
    expect(await open311(hazard.code)).toBe(WITHHELD_TEXT);
  });
});
