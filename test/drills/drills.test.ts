import ExcelJS from 'exceljs';
import { drillsApi, type ApiClient } from '@yingji/shared';
import { ManualClock } from '../../server/src/core/clock';
import { DrillCheckinModel, DrillModel } from '../../server/src/drills/model';
import { DeliveryModel } from '../../server/src/outbox/delivery.model';
import { seedDemo } from '../../server/src/people/seed';
import { UserModel } from '../../server/src/people/user.model';
import { useTestDatabase } from '../support/db';
import { http, startTestServer, type TestServer } from '../support/server';
import { apiError, userId } from './support';

useTestDatabase();

const START = new Date('2024-06-01T01:00:00Z');
// The assembly point: the square in front of the town government, 200 m around.
const POINT = { lat: 29.785, lng: 107.86, radiusM: 200, name: '镇政府广场' };
const NEAR = { lat: 29.7855, lng: 107.8605 }; // ~70 m away
const FAR = { lat: 29.8, lng: 107.88 }; // ~2.5 km away

describe('a drill from creation to report', () => {
  const clock = new ManualClock(START);
  let srv: TestServer;
  let office: ApiClient;
  let drillId: string;
  const as: Record<string, ApiClient> = {};

  beforeAll(async () => {
    await seedDemo();
    await UserModel.updateOne({ username: 'grid.sq-01' }, { wechatyContactIds: ['wxid-sq-01'] });
    srv = await startTestServer({ clock });
    office = await srv.login('office', 'Office@2024');
    for (const [u, pw] of [
      ['grid.sq-01', 'Grid@2024'],
      ['grid.sq-02', 'Grid@2024'],
      ['grid.sh-01', 'Grid@2024'],
      ['cadre.sq', 'Cadre@2024'],
      ['grid.xj-01', 'Grid@2024'],
    ])
      as[u!] = await srv.login(u!, pw!);
  });
  afterAll(() => srv.close());

  it('lets the office create a drill with its participants and an assembly point', async () => {
    const participants = await Promise.all(['grid.sq-01', 'grid.sq-02', 'grid.sh-01', 'cadre.sq'].map(userId));
    const d = await drillsApi(office).create({ title: '防汛转移演练', participants, assemblyPoint: POINT });
    expect(d).toMatchObject({ status: 'planned', participantCount: 4, unannounced: false, exercise: true });
    drillId = d.id;
  });

  it('refuses a check-in before the drill has started', async () => {
    const err = await apiError(drillsApi(as['grid.sq-01']!).checkin(drillId));
    expect(err).toMatchObject({ status: 409, code: 'DRILL_NOT_RUNNING' });
  });

  it('sends the call to every participant through the outbox when it starts, marked as an exercise', async () => {
    const d = await drillsApi(office).start(drillId);
    expect(d).toMatchObject({ status: 'running', startedAt: START.toISOString() });
    const deliveries = await DeliveryModel.find({ 'source.kind': 'drill', 'source.id': drillId }).lean();
    const direct = deliveries.filter((m) => m.channel === 'wecom_app').map((m) => m.recipient!.address);
    expect(direct.sort()).toEqual(['cadre-sq', 'grid-sh-01', 'grid-sq-01', 'grid-sq-02']);
    const rooms = deliveries.filter((m) => m.channel === 'wechaty');
    expect(rooms.map((m) => m.recipient!.address).sort()).toEqual(['room-sh-01', 'room-sq-01', 'room-sq-02']);
    expect(rooms.find((m) => m.recipient!.address === 'room-sq-01')!.content!.mentions).toEqual(['wxid-sq-01']);
    expect(deliveries.every((m) => m.exercise === true)).toBe(true);
    expect(deliveries[0]!.content!.text).toContain('【应急演练】防汛转移演练');
    expect(deliveries[0]!.content!.text).toContain('签到');
  });

  it('refuses to start it twice, and sends nothing more', async () => {
    const before = await DeliveryModel.countDocuments({ 'source.id': drillId });
    const err = await apiError(drillsApi(office).start(drillId));
    expect(err).toMatchObject({ status: 409, code: 'DRILL_ALREADY_STARTED', message: '该演练已经开始' });
    expect(await DeliveryModel.countDocuments({ 'source.id': drillId })).toBe(before);
  });

  it('checks a participant in inside the assembly area with the assembly time', async () => {
    clock.advance(125_000);
    const r = await drillsApi(as['grid.sq-01']!).checkin(drillId, { location: NEAR, channel: 'miniprogram' });
    expect(r).toMatchObject({ seconds: 125, alreadyCheckedIn: false, outsideArea: false, late: false });
    expect(r.drill).toEqual({ id: drillId, title: '防汛转移演练' });
  });

  it('counts a second check-in once: the first one stands', async () => {
    clock.advance(60_000);
    const r = await drillsApi(as['grid.sq-01']!).checkin(drillId, { location: FAR });
    expect(r).toMatchObject({ seconds: 125, alreadyCheckedIn: true, outsideArea: false });
    expect(await DrillCheckinModel.countDocuments({ drill: drillId })).toBe(1);
  });

  it('records a check-in outside the assembly area as such', async () => {
    clock.advance(115_000); // 300 s after the start
    const r = await drillsApi(as['cadre.sq']!).checkin(drillId, { location: FAR });
    expect(r).toMatchObject({ seconds: 300, outsideArea: true, late: false });
  });

  it('checks in by chat (签到 in the grid room) to the latest running drill, late after the 30-minute target', async () => {
    clock.set(START.getTime() + 40 * 60_000);
    const r = await drillsApi(as['grid.sq-02']!).checkinLatest({ channel: 'wechaty' });
    expect(r).toMatchObject({ drill: { id: drillId }, seconds: 2400, late: true, alreadyCheckedIn: false });
    const again = await drillsApi(as['grid.sq-02']!).checkinLatest({ channel: 'wechaty' });
    expect(again).toMatchObject({ seconds: 2400, alreadyCheckedIn: true });
  });

  it('refuses a check-in from someone who was not called', async () => {
    const err = await apiError(drillsApi(as['grid.xj-01']!).checkin(drillId));
    expect(err).toMatchObject({ status: 403, code: 'DRILL_NOT_PARTICIPANT' });
    const none = await apiError(drillsApi(as['grid.xj-01']!).checkinLatest({ channel: 'wechaty' }));
    expect(none).toMatchObject({ status: 404, code: 'DRILL_NONE_RUNNING', message: '您当前没有进行中的演练' });
  });

  it('ends the drill; a check-in after the end is refused', async () => {
    clock.set(START.getTime() + 60 * 60_000);
    expect(await drillsApi(office).end(drillId)).toMatchObject({ status: 'ended' });
    const err = await apiError(drillsApi(as['grid.sh-01']!).checkin(drillId));
    expect(err).toMatchObject({ status: 409, code: 'DRILL_NOT_RUNNING' });
  });

  it('reports who came, how fast, and who did not, in total and by village', async () => {
    const r = await drillsApi(office).report(drillId);
    expect(r.summary).toEqual({
      total: 4,
      present: 3,
      absent: 1,
      medianSeconds: 300,
      maxSeconds: 2400,
      late: 1,
      outsideArea: 1,
    });
    expect(r.participants.map((p) => [p.name, p.seconds, p.channel])).toEqual([
      ['十直社区网格员1', 125, 'miniprogram'],
      ['十直社区书记', 300, 'api'],
      ['十直社区网格员2', 2400, 'wechaty'],
      ['双河村网格员1', undefined, undefined],
    ]);
    expect(r.participants[0]).toMatchObject({ userId: await userId('grid.sq-01'), checkedInAt: expect.any(String) });
    expect(r.byVillage.map((v) => [v.name, v.total, v.present, v.absent, v.medianSeconds])).toEqual([
      ['双河村', 1, 0, 1, null], // villages in the order of their codes: SH, SQ
      ['十直社区', 3, 3, 0, 300],
    ]);
  });

  it('exports the report to Excel', async () => {
    const res = await fetch(`${srv.base}/api/drills/${drillId}/report.xlsx`, {
      headers: { authorization: `Bearer ${office.token}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await res.arrayBuffer());
    const roll = wb.getWorksheet('签到明细')!;
    expect(roll.getRow(2).values).toEqual(
      expect.arrayContaining(['十直社区网格员1', '十直社区', '到达', '2024-06-01 09:02:05', 125, '小程序']),
    );
    expect(roll.getRow(5).values).toEqual(expect.arrayContaining(['双河村网格员1', '未到']));
    expect(wb.getWorksheet('汇总')!.getRow(7).values).toEqual(expect.arrayContaining(['合计', 4, 3, 1, 300, 2400]));
  });

  it('keeps the report to the office', async () => {
    const err = await apiError(drillsApi(as['grid.sq-01']!).report(drillId));
    expect(err).toMatchObject({ status: 403, code: 'FORBIDDEN' });
  });
});

describe('an unannounced drill', () => {
  const clock = new ManualClock(START);
  let srv: TestServer;
  let office: ApiClient;
  beforeAll(async () => {
    await seedDemo();
    srv = await startTestServer({ clock });
    office = await srv.login('office', 'Office@2024');
  });
  afterAll(() => srv.close());

  it('calls the staff of the chosen village with a call that reads like a real one, recorded as an exercise', async () => {
    const villages = await office.get<{ items: { id: string; code: string }[] }>('/api/villages');
    const xj = villages.items.find((v) => v.code === 'XJ')!.id;
    const d = await drillsApi(office).create({ title: '新建村夜间集结', unannounced: true, area: { villages: [xj] } });
    expect(d.participantCount).toBe(3); // cadre.xj, grid.xj-01, grid.xj-02
    await drillsApi(office).start(d.id);
    const deliveries = await DeliveryModel.find({ 'source.id': d.id }).lean();
    expect(deliveries).toHaveLength(5); // 3 direct messages + 2 grid rooms
    for (const m of deliveries) {
      expect(m.exercise).toBe(true);
      expect(m.content!.text).toContain('【紧急集结】');
      expect(m.content!.text).not.toContain('演练');
    }
    expect((await DrillModel.findById(d.id).lean())!.exercise).toBe(true);
  });
});

describe('bad drill input', () => {
  let srv: TestServer;
  let office: ApiClient;
  beforeAll(async () => {
    await seedDemo();
    srv = await startTestServer();
    office = await srv.login('office', 'Office@2024');
  });
  afterAll(() => srv.close());

  it.each([
    ['an empty title', { title: '  ' }],
    ['a malformed participant id', { title: '演练', participants: ['x'] }],
    [
      'an assembly point with a negative radius',
      { title: '演练', assemblyPoint: { lat: 29.7, lng: 107.8, radiusM: -5 } },
    ],
    ['a latitude out of range', { title: '演练', assemblyPoint: { lat: 129.7, lng: 107.8, radiusM: 50 } }],
    ['an unknown field', { title: '演练', when: 'now' }],
  ])('refuses %s with a Chinese message and stores nothing', async (_, body) => {
    const before = await DrillModel.countDocuments();
    const res = await http(srv.base, 'POST', '/api/drills', {
      token: office.token,
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('VALIDATION_FAILED');
    expect(res.json.error.message).toMatch(/[\u4e00-\u9fa5]/);
    expect(await DrillModel.countDocuments()).toBe(before);
  });

  it('refuses a participant who is not of the town', async () => {
    const before = await DrillModel.countDocuments();
    const err = await apiError(drillsApi(office).create({ title: '演练', participants: ['0123456789abcdef01234567'] }));
    expect(err).toMatchObject({ status: 400, code: 'DRILL_PARTICIPANT_UNKNOWN' });
    expect(await DrillModel.countDocuments()).toBe(before);
  });

  it('refuses a check-in with a location out of range and stores nothing', async () => {
    const d = await drillsApi(office).create({ title: '演练', participants: [await userId('grid.sl-01')] });
    await drillsApi(office).start(d.id);
    const grid = await srv.login('grid.sl-01', 'Grid@2024');
    const err = await apiError(drillsApi(grid).checkin(d.id, { location: { lat: 95, lng: 107 } }));
    expect(err).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    expect(await DrillCheckinModel.countDocuments({ drill: d.id })).toBe(0);
  });

  it('lets no resident create a drill', async () => {
    const resident = await srv.login('resident.demo', 'Resident@2024');
    const err = await apiError(drillsApi(resident).create({ title: '演练' }));
    expect(err).toMatchObject({ status: 403, code: 'FORBIDDEN' });
  });
});
