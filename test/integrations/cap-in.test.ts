import type { ApiClient } from '@yingji/shared';
import { CalloutModel } from '../../server/src/callouts/callout.model';
import { DeliveryModel } from '../../server/src/outbox/delivery.model';
import { seedDemo } from '../../server/src/people/seed';
import { useTestDatabase } from '../support/db';
import { http, startTestServer, type TestServer } from '../support/server';

useTestDatabase();
jest.setTimeout(60_000);

const SENDER = 'fdqx@cq.gov.cn';
const head = (id: string, msgType: string, references?: string, note?: string) =>
  `<identifier>${id}</identifier><sender>${SENDER}</sender><sent>2026-06-01T07:30:00+08:00</sent>` +
  `<status>Actual</status><msgType>${msgType}</msgType><scope>Public</scope>` +
  (note ? `<note>${note}</note>` : '') +
  (references ? `<references>${references}</references>` : '');
const info = (headline: string, severity: string) =>
  `<info><language>zh-CN</language><category>Met</category><event>暴雨</event><urgency>Immediate</urgency>` +
  `<severity>${severity}</severity><certainty>Likely</certainty><headline>${headline}</headline>` +
  `<description>强降雨。</description><area><areaDesc>十直镇新建村</areaDesc></area></info>`;
const alert = (body: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">${body}</alert>`;

describe('CAP 1.2 from the county platform', () => {
  let srv: TestServer;
  let office: ApiClient;
  let key: string;

  beforeAll(async () => {
    await seedDemo();
    srv = await startTestServer();
    office = await srv.login('office', 'Office@2024');
    const r = await http(srv.base, 'POST', '/api/api-keys', {
      token: office.token,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: '县数字应急平台', scopes: ['cap'] }),
    });
    key = r.json.key;
  });
  afterAll(() => srv.close());

  const post = (xml: string, k = key) =>
    http(srv.base, 'POST', '/api/cap/alerts', {
      headers: { 'x-api-key': k, 'content-type': 'application/cap+xml' },
      body: xml,
    });
  const inForce = async () =>
    ((await http(srv.base, 'GET', '/api/warnings/active', { token: office.token })).json.items as { title: string }[])
      .map((w) => w.title)
      .sort();

  it('issues an alert, replaces it on Update and lifts it on Cancel, telling those warned', async () => {
    const a = await post(alert(head('CQ-1', 'Alert') + info('暴雨黄色预警', 'Moderate')));
    expect(a.status).toBe(201);
    expect(await inForce()).toEqual(['暴雨黄色预警']);

    const u = await post(
      alert(head('CQ-2', 'Update', `${SENDER},CQ-1,2026-06-01T07:30:00+08:00`) + info('暴雨橙色预警', 'Severe')),
    );
    expect(u.status).toBe(201);
    expect(u.json.closed).toEqual([a.json.id]);
    expect(await inForce()).toEqual(['暴雨橙色预警']);
    const updated = await CalloutModel.findById(u.json.id).lean();
    expect(updated).toMatchObject({ level: 'orange', status: 'active' });
    expect(await DeliveryModel.countDocuments({ 'source.id': a.json.id, 'source.step': 'cap_update' })).toBeGreaterThan(
      0,
    );

    const c = await post(alert(head('CQ-3', 'Cancel', `${SENDER},CQ-2,2026-06-01T08:00:00+08:00`, '雨情减弱')));
    expect(c.status).toBe(201);
    expect(c.json.closed).toEqual([u.json.id]);
    expect(await inForce()).toEqual([]);
    const told = await DeliveryModel.find({ 'source.id': u.json.id, 'source.step': 'cap_cancel' }).lean();
    expect(told.length).toBeGreaterThan(0);
    expect(told[0]!.content?.text).toContain('【预警解除】暴雨橙色预警已解除');
    // The same Cancel again changes nothing.
    const again = await post(alert(head('CQ-3', 'Cancel', `${SENDER},CQ-2,x`)));
    expect(again.json.closed).toEqual([]);
    expect(await DeliveryModel.countDocuments({ 'source.id': u.json.id, 'source.step': 'cap_cancel' })).toBe(
      told.length,
    );
  });

  it('refuses CAP without a cap key, and what is not CAP 1.2', async () => {
    const intake = await http(srv.base, 'POST', '/api/api-keys', {
      token: office.token,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: '摄像头', scopes: ['intake'] }),
    });
    expect((await post(alert(head('CQ-9', 'Alert') + info('x', 'Minor')), intake.json.key)).status).toBe(403);
    const bad = await post('<alert><identifier>x</identifier></alert>');
    expect(bad.status).toBe(400);
    expect(bad.json.error.code).toBe('CAP_INVALID');
  });
});
