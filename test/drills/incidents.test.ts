import { incidentsApi, type ApiClient } from '@yingji/shared';
import { ManualClock } from '../../server/src/core/clock';
import { IncidentModel } from '../../server/src/incidents/model';
import { escalateLateIncidents } from '../../server/src/incidents/service';
import { DeliveryModel } from '../../server/src/outbox/delivery.model';
import { seedDemo } from '../../server/src/people/seed';
import { TownModel } from '../../server/src/people/town.model';
import { useTestDatabase } from '../support/db';
import { http, startTestServer, type TestServer } from '../support/server';
import { apiError } from './support';

useTestDatabase();

const MIN = 60_000;
// 10:00 in Shizhi on 10 June 2024.
const OCCURRED = new Date('2024-06-10T02:00:00Z');
const occurredAt = '2024-06-10T10:00:00+08:00';

const landslide = {
  kind: '地质灾害',
  occurredAt,
  location: { lat: 29.785, lng: 107.88, address: '双河村王家沟' },
  casualties: { deaths: 0, injuries: 2, missing: 0 },
  description: '王家沟发生小型滑坡，冲毁便道约 20 米，2 人轻伤已送医。',
};

describe('an incident not passed on upward within one hour', () => {
  const clock = new ManualClock(OCCURRED.getTime() + 5 * MIN);
  let srv: TestServer;
  let office: ApiClient;
  let grid: ApiClient;
  let lateId: string;
  let inTimeId: string;

  beforeAll(async () => {
    await seedDemo();
    srv = await startTestServer({ clock });
    office = await srv.login('office', 'Office@2024');
    grid = await srv.login('grid.sh-01', 'Grid@2024');
  });
  afterAll(() => srv.close());

  it('keeps when it happened and when it was reported, and when it is due upward', async () => {
    const i = await incidentsApi(grid).create(landslide);
    expect(i).toMatchObject({
      occurredAt: OCCURRED.toISOString(),
      reportedAt: new Date(OCCURRED.getTime() + 5 * MIN).toISOString(),
      dueAt: new Date(OCCURRED.getTime() + 60 * MIN).toISOString(),
      late: false,
      reportedBy: { name: '双河村网格员1' },
      casualties: { deaths: 0, injuries: 2, missing: 0 },
    });
    expect(i.reportedUp).toBeUndefined();
    lateId = i.id;
    inTimeId = (await incidentsApi(grid).create({ ...landslide, description: '另一处落石' })).id;
  });

  it('is not flagged at exactly one hour', async () => {
    clock.set(OCCURRED.getTime() + 60 * MIN);
    expect(await escalateLateIncidents(srv.services)).toBe(0);
    expect(await DeliveryModel.countDocuments({ 'source.kind': 'incident' })).toBe(0);
  });

  it('counts as within the hour when the office passes it on at 59 minutes', async () => {
    clock.set(OCCURRED.getTime() + 59 * MIN);
    const i = await incidentsApi(office).reportUp(inTimeId, { to: '县应急管理局值班室', method: 'phone' });
    expect(i).toMatchObject({
      withinLimit: true,
      late: false,
      reportedUp: { by: '应急办值班员', to: '县应急管理局值班室' },
    });
  });

  it('is flagged late one minute after the hour and escalated to the office’s leaders through the outbox', async () => {
    clock.set(OCCURRED.getTime() + 61 * MIN);
    expect(await escalateLateIncidents(srv.services)).toBe(1);
    const i = await incidentsApi(office).get(lateId);
    expect(i).toMatchObject({ late: true, escalatedAt: clock.now().toISOString() });
    const deliveries = await DeliveryModel.find({ 'source.kind': 'incident', 'source.id': lateId }).lean();
    expect(deliveries.map((d) => [d.channel, d.recipient!.address]).sort()).toEqual([
      ['wecom_app', 'yjb-duty'],
      ['wecom_app', 'yjb-lead'],
    ]);
    expect(deliveries[0]!.content!.text).toContain('【事件信息超时未上报】地质灾害');
    expect(deliveries[0]!.content!.text).toContain('2024-06-10 10:00:00');
    expect((await incidentsApi(office).get(inTimeId)).late).toBe(false);
  });

  it('escalates once: running the job again sends nothing more', async () => {
    clock.advance(10 * MIN);
    expect(await escalateLateIncidents(srv.services)).toBe(0);
    expect(await DeliveryModel.countDocuments({ 'source.kind': 'incident' })).toBe(2);
  });

  it('finishes a run stopped after enqueuing but before flagging, sending nothing twice', async () => {
    // The escalation is enqueued before the flag is set, so a crash in between leaves it unflagged.
    await IncidentModel.updateOne({ _id: lateId }, { $set: { late: false } });
    expect(await escalateLateIncidents(srv.services)).toBe(1);
    expect((await incidentsApi(office).get(lateId)).late).toBe(true);
    expect(await DeliveryModel.countDocuments({ 'source.kind': 'incident' })).toBe(2);
  });

  it('stays late when passed on afterwards, and can be passed on only once', async () => {
    const i = await incidentsApi(office).reportUp(lateId, { to: '县应急管理局', method: 'system' });
    expect(i).toMatchObject({ withinLimit: false, late: true });
    const err = await apiError(incidentsApi(office).reportUp(lateId, { to: '县应急管理局' } as never));
    expect(err).toMatchObject({ status: 409, code: 'INCIDENT_ALREADY_REPORTED_UP' });
  });

  it('counts the month’s rate within one hour: 1 of 2', async () => {
    expect(await incidentsApi(office).stats('2024-06')).toEqual({
      month: '2024-06',
      total: 2,
      due: 2,
      withinLimit: 1,
      late: 1,
      pending: 0,
      rate: 0.5,
    });
    expect(await incidentsApi(office).stats('2024-07')).toMatchObject({ total: 0, rate: null });
  });

  it('escalates to the leaders named in the town’s config', async () => {
    await TownModel.updateOne(
      { code: 'SZ' },
      { $set: { config: { incidents: { leaderUsernames: ['office.lead'] } } } },
    );
    const i = await incidentsApi(grid).create({
      ...landslide,
      occurredAt: clock.now().toISOString(),
      description: '第三起',
    });
    clock.advance(61 * MIN);
    expect(await escalateLateIncidents(srv.services)).toBe(1);
    const deliveries = await DeliveryModel.find({ 'source.id': i.id }).lean();
    expect(deliveries.map((d) => d.recipient!.address)).toEqual(['yjb-lead']);
    await TownModel.updateOne({ code: 'SZ' }, { $set: { config: {} } });
  });

  it('shows other staff only the reports they made, and lets only the office pass on upward', async () => {
    const other = await srv.login('grid.sq-01', 'Grid@2024');
    expect(await apiError(incidentsApi(other).get(lateId))).toMatchObject({ status: 404, code: 'INCIDENT_NOT_FOUND' });
    expect((await incidentsApi(other).list()).items).toHaveLength(0);
    expect(await apiError(incidentsApi(grid).reportUp(inTimeId, { to: 'x', method: 'phone' }))).toMatchObject({
      status: 403,
    });
  });
});

describe('bad incident input', () => {
  const clock = new ManualClock(OCCURRED);
  let srv: TestServer;
  let grid: ApiClient;
  beforeAll(async () => {
    await seedDemo();
    srv = await startTestServer({ clock });
    grid = await srv.login('grid.sh-01', 'Grid@2024');
  });
  afterAll(() => srv.close());

  it.each([
    ['no kind', { ...landslide, kind: '' }],
    ['a time without an offset', { ...landslide, occurredAt: '2024-06-10 10:00' }],
    ['no location', { ...landslide, location: {} }],
    ['a latitude without a longitude', { ...landslide, location: { lat: 29.7 } }],
    ['negative casualties', { ...landslide, casualties: { injuries: -1 } }],
    ['no description', { ...landslide, description: ' ' }],
  ])('refuses %s and stores nothing', async (_, body) => {
    const before = await IncidentModel.countDocuments();
    const res = await http(srv.base, 'POST', '/api/incidents', {
      token: grid.token,
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({
      code: 'VALIDATION_FAILED',
      message: expect.stringMatching(/[\u4e00-\u9fa5]/),
    });
    expect(await IncidentModel.countDocuments()).toBe(before);
  });

  it('refuses an incident said to happen in the future', async () => {
    const before = await IncidentModel.countDocuments();
    const err = await apiError(incidentsApi(grid).create({ ...landslide, occurredAt: '2024-06-10T11:00:00+08:00' }));
    expect(err).toMatchObject({ status: 400, code: 'INCIDENT_IN_FUTURE', message: '事发时间不能晚于当前时间' });
    expect(await IncidentModel.countDocuments()).toBe(before);
  });

  it('lets no resident report an incident', async () => {
    const resident = await srv.login('resident.demo', 'Resident@2024');
    expect(await apiError(incidentsApi(resident).create(landslide))).toMatchObject({ status: 403 });
  });
});
