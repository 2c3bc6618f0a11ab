import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DeliveryModel, type DeliveryLean } from '../../server/src/outbox/delivery.model';
import { enqueue } from '../../server/src/outbox/enqueue';
import { drainOutbox } from '../../server/src/outbox/worker';
import { TownModel } from '../../server/src/people/models';
import { seedDemo } from '../../server/src/people/seed';
import { useTestDatabase } from '../support/db';
import { startTestServer } from '../support/server';

useTestDatabase();

/** A stand-in for the WeChat API's stable_token and subscribe/send on 127.0.0.1. */
async function fakeWechatApi() {
  const sent: { token: string; body: Record<string, unknown> }[] = [];
  let tokenCalls = 0;
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
      const answer = (b: unknown) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(b));
      if (url.pathname === '/cgi-bin/stable_token') {
        tokenCalls++;
        if (body.appid !== 'wx-app' || body.secret !== 'wx-secret' || body.grant_type !== 'client_credential')
          return answer({ errcode: 40013, errmsg: 'invalid appid' });
        return answer({ access_token: 'stable-token-1', expires_in: 7200 });
      }
      if (url.pathname === '/cgi-bin/message/subscribe/send') {
        if (url.searchParams.get('access_token') !== 'stable-token-1')
          return answer({ errcode: 40001, errmsg: 'invalid credential' });
        if (body.touser === 'openid-refused')
          return answer({ errcode: 43101, errmsg: 'user refuse to accept the msg' });
        sent.push({ token: url.searchParams.get('access_token')!, body });
        return answer({ errcode: 0, errmsg: 'ok', msgid: 123 });
      }
      res.writeHead(404).end();
    });
  });
  server.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    sent,
    tokenCalls: () => tokenCalls,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

const message = (town: unknown, key: string, openid: string) => ({
  town: town as string,
  channel: 'wechat_subscribe' as const,
  recipient: { address: openid },
  content: {
    kind: 'subscribe' as const,
    card: { template_id: 'tmpl-1', page: 'pages/tips/detail?id=1', data: { thing1: { value: '隐患已整改' } } },
  },
  source: { kind: 'tip', id: key },
  idempotencyKey: key,
});

describe('mini-program subscription messages', () => {
  beforeAll(() => seedDemo());

  it('sends them with a stable access token, and parks a refused one', async () => {
    const wx = await fakeWechatApi();
    const srv = await startTestServer({
      env: { WECHAT_APPID: 'wx-app', WECHAT_SECRET: 'wx-secret', WECHAT_API_BASE: wx.base },
    });
    const town = (await TownModel.findOne({ code: 'SZ' }))!._id;
    await enqueue(srv.services.clock, [message(town, 'sub-1', 'openid-1'), message(town, 'sub-2', 'openid-refused')]);
    await drainOutbox(srv.services, ['wechat_subscribe']);
    expect(wx.sent.map((s) => s.body)).toEqual([
      {
        touser: 'openid-1',
        template_id: 'tmpl-1',
        page: 'pages/tips/detail?id=1',
        data: { thing1: { value: '隐患已整改' } },
      },
    ]);
    expect(wx.tokenCalls()).toBe(1);
    const refused = await DeliveryModel.findOne({ idempotencyKey: 'sub-2' }).lean<DeliveryLean>();
    expect(refused).toMatchObject({ state: 'parked', parkedReason: 'invalid_recipient' });
    await srv.close();
    await wx.close();
  });

  it('parks them with a clear reason when the mini-program is not configured', async () => {
    const srv = await startTestServer();
    const town = (await TownModel.findOne({ code: 'SZ' }))!._id;
    await enqueue(srv.services.clock, [message(town, 'sub-3', 'openid-3')]);
    await drainOutbox(srv.services, ['wechat_subscribe']);
    expect(await DeliveryModel.findOne({ idempotencyKey: 'sub-3' }).lean<DeliveryLean>()).toMatchObject({
      state: 'parked',
      parkedReason: 'not_configured',
      lastError: expect.stringContaining('WECHAT_APPID'),
    });
    await srv.close();
  });
});
