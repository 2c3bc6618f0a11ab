import fs from 'node:fs';
import path from 'node:path';
import { ApiError, calloutsApi, type ApiClient } from '@yingji/shared';
import { validateXML } from 'xmllint-wasm';
import { ManualClock } from '../../server/src/core/clock';
import { runLadder } from '../../server/src/callouts/service';
import { DeliveryModel } from '../../server/src/outbox/delivery.model';
import { UserModel } from '../../server/src/people/models';
import { seedDemo } from '../../server/src/people/seed';
import { useTestDatabase } from '../support/db';
import { http, startTestServer, type TestServer } from '../support/server';

useTestDatabase();

const XSD = fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'cap-v1.2.xsd'), 'utf8');
const validate = (xml: string) =>
  validateXML({ xml: [{ fileName: 'alert.xml', contents: xml }], schema: [{ fileName: 'cap.xsd', contents: XSD }] });

let srv: TestServer;
let office: ApiClient;
const clock = new ManualClock('2024-06-01T08:00:00Z');
beforeAll(async () => {
  await seedDemo();
  srv = await startTestServer({ clock });
  office = await srv.login('office', 'Office@2024');
});
afterAll(() => srv.close());

async function apiError(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ApiError) return e;
    throw e;
  }
  throw new Error('expected the call to fail');
}

const capXml = (id: string) => http(srv.base, 'GET', `/api/callouts/${id}/cap.xml`, { token: office.token });

describe('CAP 1.2', () => {
  it('exports a warning as a CAP alert that the CAP 1.2 schema accepts', async () => {
    const { id } = await calloutsApi(office).create({
      title: '暴雨红色预警',
      level: 'red',
      body: '未来3小时降雨量将达100毫米以上 & 请立即转移 <危险区> 群众',
      event: '暴雨',
      area: { villages: ['SH'], grids: ['SQ-01'] },
      expiresAt: '2024-06-01T20:00:00+08:00',
    });
    const res = await capXml(id);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/xml');
    const result = await validate(res.text);
    expect(result.errors).toEqual([]);
    expect(result.valid).toBe(true);
    expect(res.text).toContain('<status>Actual</status>');
    expect(res.text).toContain('<severity>Extreme</severity>');
    expect(res.text).toContain('<sent>2024-06-01T16:00:00+08:00</sent>');
    expect(res.text).toContain('&amp; 请立即转移 &lt;危险区&gt;');
    expect(res.text).toMatch(/<polygon>[\d., ]+<\/polygon>/);
  });

  it('marks an exercise as status Exercise', async () => {
    const { id } = await calloutsApi(office).create({
      title: '演练',
      level: 'blue',
      area: { grids: ['XJ-01'] },
      exercise: true,
    });
    const res = await capXml(id);
    expect((await validate(res.text)).valid).toBe(true);
    expect(res.text).toContain('<status>Exercise</status>');
  });

  it('re-imports its own export as the same warning: level, area, text, exercise flag', async () => {
    const { id } = await calloutsApi(office).create({
      title: '山洪橙色预警',
      level: 'orange',
      body: '请沿河群众注意',
      area: { villages: ['SL'] },
      ackMinutes: 15,
    });
    const xml = (await capXml(id)).text.replace(`-callout-${id}`, '-callout-reimport');
    const created = await calloutsApi(office).importCap(xml);
    expect(created.recipients).toBe(3); // cadre.sl, grid.sl-01, grid.sl-02
    const a = await calloutsApi(office).get(id);
    const b = await calloutsApi(office).get(created.id);
    expect({ ...b, id, issuedAt: a.issuedAt, ackDeadline: a.ackDeadline, recipients: [] }).toEqual({
      ...a,
      recipients: [],
      event: '山洪橙色预警',
    });
    expect(b.recipients.map((r) => r.name).sort()).toEqual(a.recipients.map((r) => r.name).sort());
    // The same alert again is refused.
    expect(await apiError(calloutsApi(office).importCap(xml))).toMatchObject({ status: 409, code: 'CAP_DUPLICATE' });
  });

  it('imports an alert from another sender posted as raw XML, matching the area by name', async () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
  <identifier>CQ-FD-2024-0601-01</identifier><sender>fdqx@cq.gov.cn</sender><sent>2024-06-01T07:30:00+08:00</sent>
  <status>Actual</status><msgType>Alert</msgType><scope>Public</scope>
  <info><language>zh-CN</language><category>Met</category><event>暴雨</event><urgency>Immediate</urgency>
    <severity>Severe</severity><certainty>Likely</certainty><headline>丰都县气象台发布暴雨橙色预警</headline>
    <description>预计6小时内降雨量将达50毫米以上。</description><instruction>做好防御准备。</instruction>
    <area><areaDesc>十直镇新建村</areaDesc></area></info>
</alert>`;
    const res = await http(srv.base, 'POST', '/api/callouts/import-cap', {
      token: office.token,
      body: xml,
      headers: { 'content-type': 'application/xml' },
    });
    expect(res.status).toBe(201);
    const c = await calloutsApi(office).get(res.json.id);
    expect(c).toMatchObject({ title: '丰都县气象台发布暴雨橙色预警', level: 'orange', exercise: false });
    expect(c.body).toBe('预计6小时内降雨量将达50毫米以上。\n做好防御准备。');
    expect(c.recipients.map((r) => r.name).sort()).toEqual(['新建村书记', '新建村网格员1', '新建村网格员2'].sort());
  });

  it.each([
    ['not CAP at all', '<alert><identifier>x</identifier></alert>', 'CAP_INVALID'],
    ['a missing severity', 'severity', 'CAP_INVALID'],
    ['an entity declaration', 'doctype', 'CAP_INVALID'],
    ['status Test', 'Test', 'CAP_STATUS_UNSUPPORTED'],
    ['a Cancel', 'Cancel', 'CAP_MSGTYPE_UNSUPPORTED'],
    ['an area outside the town', 'area', 'CAP_AREA_UNMATCHED'],
  ])('refuses %s with a clear error and creates nothing', async (_what, change, code) => {
    const good = `<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>bad-${code}-${change.length}</identifier><sender>s@x</sender>
<sent>2024-06-01T07:30:00+08:00</sent><status>Actual</status><msgType>Alert</msgType><scope>Public</scope>
<info><category>Met</category><event>暴雨</event><urgency>Immediate</urgency><severity>Severe</severity>
<certainty>Likely</certainty><area><areaDesc>双河村</areaDesc></area></info></alert>`;
    const xml =
      change === 'severity'
        ? good.replace('<severity>Severe</severity>', '')
        : change === 'doctype'
          ? good.replace('<alert', '<!DOCTYPE alert [<!ENTITY x SYSTEM "file:///etc/passwd">]><alert')
          : change === 'Test'
            ? good.replace('<status>Actual</status>', '<status>Test</status>')
            : change === 'Cancel'
              ? good.replace('<msgType>Alert</msgType>', '<msgType>Cancel</msgType>')
              : change === 'area'
                ? good.replace('双河村', '别的镇')
                : change;
    const before = (await calloutsApi(office).list()).total;
    const err = await apiError(calloutsApi(office).importCap(xml));
    expect(err).toMatchObject({ status: 400, code });
    expect(err.message).toMatch(/[\u4e00-\u9fa5]/);
    expect((await calloutsApi(office).list()).total).toBe(before);
  });
});

describe('one-to-one call-outs for vulnerable residents', () => {
  let calloutId: string;
  let residentId: string;
  let grid1: ApiClient;

  it('registers a resident with a responsible person, visible in full only to the office and that person', async () => {
    const responsible = await UserModel.findOne({ username: 'grid.sh-01' }).lean();
    const r = await calloutsApi(office).createResident({
      kind: 'living_alone',
      name: '王婆婆',
      phone: '13900001111',
      address: '双河村3组12号',
      location: { lat: 29.785, lng: 107.88 },
      grid: 'SH-01',
      responsibleId: String(responsible!._id),
    });
    residentId = r.id;
    grid1 = await srv.login('grid.sh-01', 'Grid@2024');
    expect((await calloutsApi(grid1).residents()).items).toEqual([
      expect.objectContaining({ name: '王婆婆', phone: '13900001111', location: { lat: 29.785, lng: 107.88 } }),
    ]);
    const other = await srv.login('grid.sh-02', 'Grid@2024');
    expect((await calloutsApi(other).residents()).items).toEqual([]);
    const resident = await srv.login('resident.demo', 'Resident@2024');
    expect(await apiError(calloutsApi(resident).residents())).toMatchObject({ status: 403 });
  });

  it('asks the responsible person to confirm contact, and escalates until they do', async () => {
    calloutId = (await calloutsApi(office).create({ title: '滑坡红色预警', level: 'red', area: { grids: ['SH-01'] } }))
      .id;
    const detail = await calloutsApi(office).get(calloutId);
    expect(detail.oneToOne).toEqual({ total: 1, contacted: 0, transferred: 0 });
    expect(
      await DeliveryModel.exists({ 'source.id': calloutId, idempotencyKey: { $regex: ':notify:contacts:' } }),
    ).toBeTruthy();
    // Answering the warning is not enough: the contact is still owed.
    await calloutsApi(grid1).ack(calloutId);
    const mine = (await calloutsApi(grid1).open()).items.filter((i) => i.id === calloutId);
    expect(mine).toEqual([expect.objectContaining({ acked: true, contactsPending: 1 })]);
    clock.advance(10 * 60_000);
    await runLadder(srv.services);
    expect(
      await DeliveryModel.exists({ 'source.id': calloutId, idempotencyKey: { $regex: ':remind:contacts:' } }),
    ).toBeTruthy();
    expect((await calloutsApi(office).phoneList(calloutId, true)).items).toEqual([
      expect.objectContaining({ name: '双河村网格员1', missing: '未确认联系 1 位特殊群体' }),
    ]);
  });

  it('counts contacted then transferred once each, and the ladder stops for that person', async () => {
    const other = await srv.login('grid.sh-02', 'Grid@2024');
    expect(await apiError(calloutsApi(other).confirmContact(calloutId, residentId, 'contacted'))).toMatchObject({
      status: 403,
    });
    await calloutsApi(grid1).confirmContact(calloutId, residentId, 'contacted');
    await calloutsApi(grid1).confirmContact(calloutId, residentId, 'contacted');
    expect((await calloutsApi(office).get(calloutId)).oneToOne).toEqual({ total: 1, contacted: 1, transferred: 0 });
    await calloutsApi(grid1).confirmContact(calloutId, residentId, 'transferred');
    expect((await calloutsApi(office).get(calloutId)).oneToOne).toEqual({ total: 1, contacted: 0, transferred: 1 });
    expect((await calloutsApi(grid1).contacts(calloutId)).items).toEqual([
      expect.objectContaining({ name: '王婆婆', state: 'transferred', phone: '13900001111' }),
    ]);
    expect((await calloutsApi(grid1).open()).items.map((i) => i.id)).not.toContain(calloutId);
    const before = await DeliveryModel.countDocuments({ 'source.id': calloutId });
    clock.advance(60 * 60_000);
    await runLadder(srv.services);
    // Nobody owes anything: the rest of the ladder sends nothing.
    expect(await DeliveryModel.countDocuments({ 'source.id': calloutId })).toBe(before);
    expect((await calloutsApi(office).phoneList(calloutId)).items).toEqual([]);
  });
});
