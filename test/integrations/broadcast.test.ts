import crypto from 'node:crypto';
import { calloutsApi, type ApiClient } from '@yingji/shared';
import { drainEvents } from '../../server/src/events/bus';
import { watchCallouts } from '../../server/src/events/callout-watch';
import { DeliveryModel } from '../../server/src/outbox/delivery.model';
import { runOutboxPass } from '../../server/src/outbox/worker';
import { seedDemo } from '../../server/src/people/seed';
import { useTestDatabase } from '../support/db';
import { http, startTestServer, type TestServer } from '../support/server';
import { startReceiver, type FakeReceiver } from '../fakes/receiver';

useTestDatabase();
jest.setTimeout(60_000);

describe('village broadcast (应急广播)', () => {
  let srv: TestServer;
  let office: ApiClient;
  let rx: FakeReceiver;
  const secrets: Record<string, string> = {};

  beforeAll(async () => {
    await seedDemo();
    srv = await startTestServer({ env: { WEBHOOK_ALLOW_HTTP_LOOPBACK: 'true' } });
    office = await srv.login('office', 'Office@2024');
    rx = await startReceiver();
    for (const [name, village] of [
      ['新建村广播', 'XJ'],
      ['双河村广播', 'SH'],
    ] as const) {
      const r = await http(srv.base, 'POST', '/api/broadcast-endpoints', {
        token: office.token,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name, url: `${rx.url}/${village}`, villageIds: [village], repeat: 2 }),
      });
      expect(r.status).toBe(201);
      secrets[village] = r.json.secret;
    }
  });
  afterAll(async () => {
    await rx.close();
    await srv.close();
  });
  beforeEach(() => {
    rx.requests.length = 0;
  });

  const send = () => runOutboxPass(srv.services, 'broadcast');

  it('reaches the loudspeakers of the warned villages only, and shows the result on the board', async () => {
    const { id } = await calloutsApi(office).create({
      title: '山洪橙色预警',
      level: 'orange',
      body: '请沿河群众立即转移',
      area: { villages: ['XJ'] },
      broadcast: true,
    });
    await send();
    expect(rx.requests.map((r) => r.path)).toEqual(['/XJ']);
    const [r] = rx.requests;
    const sig = `sha256=${crypto.createHmac('sha256', secrets.XJ!).update(r!.raw).digest('hex')}`;
    expect(r!.headers['x-yingji-signature']).toBe(sig);
    expect(r!.json).toMatchObject({ callout: id, level: 'orange', repeat: 2, exercise: false });
    expect(r!.json!.text).toContain('橙色预警：山洪橙色预警。请沿河群众立即转移');
    expect(r!.json!.area).toEqual([expect.objectContaining({ name: expect.stringContaining('新建') })]);
    const board = await http(srv.base, 'GET', `/api/callouts/${id}/broadcasts`, { token: office.token });
    expect(board.json.items).toEqual([expect.objectContaining({ endpointName: '新建村广播', state: 'sent' })]);
    // The callout.created event (from the call-out records) asks again: nothing is sent twice.
    await watchCallouts(srv.services);
    await drainEvents(srv.services);
    await send();
    expect(rx.requests).toHaveLength(1);
  });

  it('sounds nothing for a warning that did not ask, unless the town broadcasts its level', async () => {
    const quiet = await calloutsApi(office).create({
      title: '大风蓝色预警',
      level: 'blue',
      area: { villages: ['SH'] },
    });
    await watchCallouts(srv.services);
    await drainEvents(srv.services);
    await send();
    expect(rx.requests).toHaveLength(0);
    expect(await DeliveryModel.countDocuments({ channel: 'broadcast', 'source.id': quiet.id })).toBe(0);

    const put = await http(srv.base, 'PUT', '/api/broadcast-settings', {
      token: office.token,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ levels: ['red', 'orange'] }),
    });
    expect(put.status).toBe(200);
    const red = await calloutsApi(office).create({ title: '暴雨红色预警', level: 'red', area: { villages: ['SH'] } });
    await watchCallouts(srv.services);
    await drainEvents(srv.services);
    await send();
    expect(rx.requests.map((r) => r.path)).toEqual(['/SH']);
    expect(rx.requests[0]!.json).toMatchObject({ callout: red.id, level: 'red' });
  });
});
