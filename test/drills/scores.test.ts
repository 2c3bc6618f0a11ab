import ExcelJS from 'exceljs';
import { scoresApi, type ApiClient, type UnitScore } from '@yingji/shared';
import type { Types } from 'mongoose';
import { CalloutModel, CalloutRecipientModel } from '../../server/src/callouts/callout.model';
import { ManualClock } from '../../server/src/core/clock';
import { DrillCheckinModel, DrillModel } from '../../server/src/drills/model';
import { HazardModel } from '../../server/src/hazards/hazard.model';
import { IncidentModel } from '../../server/src/incidents/model';
import { seedDemo } from '../../server/src/people/seed';
import { TownModel } from '../../server/src/people/town.model';
import { UserModel } from '../../server/src/people/user.model';
import { VillageModel } from '../../server/src/people/village.model';
import { useTestDatabase } from '../support/db';
import { http, startTestServer, type TestServer } from '../support/server';
import { apiError } from './support';

useTestDatabase();

/**
 * A small June 2024, checked by hand (weights 30/30/20/20):
 *
 *   十直社区 SQ: call-out 2 of 3 confirmed (120 s, 600 s; the cadre silent) → 30 × 2/3 = 20.0
 *                hazards 1 of 2 closed on time → 30 × 1/2 = 15.0
 *                drill 2 of 2 present (300 s, 900 s) → 20 × 1 = 20.0
 *                incidents 1 of 2 within the hour → 20 × 1/2 = 10.0      total 65.0 / 100 → 65.0
 *   双河村 SH:   call-out 1 of 1 (60 s) → 30.0; hazards 1 of 2 → 15.0; drill 1 of 2 (600 s) → 10.0;
 *                incidents 0 of 1 → 0.0                                    total 55.0 / 100 → 55.0
 *   石龙村, 新建村: no data → no score.
 *   镇安全生产办 (cadre.sq's department and two hazards): call-out 0 of 1 → 0.0; hazards 1 of 2 → 15.0;
 *                no drill, incidents not counted by department           total 15.0 / 60 → 25.0
 *   镇水利站 (two hazards): 1 of 2 → 15.0                                   total 15.0 / 30 → 50.0
 *
 * Left out: an exercise call-out, a call-out, a hazard and an incident of July.
 */
const clock = new ManualClock('2024-07-02T00:00:00Z');
const at = (s: string) => new Date(s);
const plus = (d: Date, seconds: number) => new Date(d.getTime() + seconds * 1000);

let srv: TestServer;
let office: ApiClient;
let town: Types.ObjectId;
const users: Record<string, { _id: Types.ObjectId; name: string; village?: Types.ObjectId | null }> = {};
const village: Record<string, Types.ObjectId> = {};

async function callout(issuedAt: Date, answers: [string, number | null][], exercise = false) {
  const c = await CalloutModel.create({
    town,
    title: '暴雨橙色预警',
    level: 'orange',
    issuedAt,
    ackMinutes: 20,
    waitMinutes: 10,
    exercise,
    status: 'closed',
  });
  await CalloutRecipientModel.insertMany(
    answers.map(([u, secs]) => ({
      _id: `${c._id}:${users[u]!._id}`,
      callout: c._id,
      town,
      user: users[u]!._id,
      name: users[u]!.name,
      village: users[u]!.village,
      acked: secs !== null,
      ackAt: secs === null ? undefined : plus(issuedAt, secs),
    })),
  );
}

let hazardSeq = 0;
async function hazard(v: string, department: string, deadline: string, closed?: { at: string; onTime: boolean }) {
  await HazardModel.create({
    town,
    code: `SZ-2024-${++hazardSeq}`,
    category: 'fire',
    level: 'general',
    status: closed ? 'closed' : 'rectifying',
    source: 'inspection',
    description: '测试隐患',
    location: { lat: 29.78, lng: 107.86 },
    village: village[v],
    department,
    acceptedAt: at('2024-05-20T00:00:00Z'),
    discoveredAt: at('2024-05-20T00:00:00Z'),
    deadline: at(deadline),
    closedAt: closed ? at(closed.at) : undefined,
    closedOnTime: closed?.onTime,
  });
}

async function incident(v: string, occurredAt: string, reportedUpAfterMin: number | null) {
  const occurred = at(occurredAt);
  await IncidentModel.create({
    town,
    kind: '火灾',
    occurredAt: occurred,
    reportedAt: occurred,
    location: { address: '测试' },
    description: '测试事件',
    village: village[v],
    reportedBy: users['office']!._id,
    dueAt: plus(occurred, 3600),
    status: reportedUpAfterMin === null ? 'pending' : 'reported_up',
    reportedUpAt: reportedUpAfterMin === null ? undefined : plus(occurred, reportedUpAfterMin * 60),
  });
}

beforeAll(async () => {
  await seedDemo();
  town = (await TownModel.findOne({ code: 'SZ' }).lean())!._id;
  await UserModel.updateOne({ username: 'cadre.sq' }, { department: '镇安全生产办' });
  for (const u of await UserModel.find({ town }).lean()) users[u.username] = u;
  for (const v of await VillageModel.find({ town }).lean()) village[v.code] = v._id;

  const june5 = at('2024-06-05T02:00:00Z');
  await callout(june5, [
    ['grid.sq-01', 120],
    ['grid.sq-02', 600],
    ['cadre.sq', null],
    ['grid.sh-01', 60],
  ]);
  await callout(at('2024-06-06T02:00:00Z'), [['grid.sh-02', null]], true);
  await callout(at('2024-07-01T02:00:00Z'), [['grid.sl-01', null]]);

  await hazard('SQ', '镇安全生产办', '2024-06-10T00:00:00Z', { at: '2024-06-08T00:00:00Z', onTime: true });
  await hazard('SQ', '镇安全生产办', '2024-06-12T00:00:00Z', { at: '2024-06-15T00:00:00Z', onTime: false });
  await hazard('SH', '镇水利站', '2024-06-20T00:00:00Z');
  await hazard('SH', '镇水利站', '2024-06-25T00:00:00Z', { at: '2024-06-24T00:00:00Z', onTime: true });
  await hazard('SL', '镇水利站', '2024-07-20T00:00:00Z');

  const started = at('2024-06-15T01:00:00Z');
  const drill = await DrillModel.create({
    town,
    title: '防汛演练',
    status: 'ended',
    participants: ['grid.sq-01', 'grid.sq-02', 'grid.sh-01', 'grid.sh-02'].map((u) => users[u]!._id),
    startedAt: started,
    createdBy: users['office']!._id,
  });
  for (const [u, secs] of [
    ['grid.sq-01', 300],
    ['grid.sq-02', 900],
    ['grid.sh-01', 600],
  ] as const)
    await DrillCheckinModel.create({
      town,
      drill: drill._id,
      user: users[u]!._id,
      village: users[u]!.village,
      checkedInAt: plus(started, secs),
      seconds: secs,
      channel: 'wechaty',
    });

  await incident('SQ', '2024-06-03T01:00:00Z', 30);
  await incident('SQ', '2024-06-04T01:00:00Z', 90);
  await incident('SH', '2024-06-05T01:00:00Z', null);
  await incident('SH', '2024-07-01T01:00:00Z', null);

  srv = await startTestServer({ clock });
  office = await srv.login('office', 'Office@2024');
});
afterAll(() => srv.close());

const pick = (u: UnitScore) => ({
  callout: [u.figures.calloutConfirmation.done, u.figures.calloutConfirmation.of],
  hazards: [u.figures.hazardsOnTime.done, u.figures.hazardsOnTime.of],
  drill: [u.figures.drillAttendance.done, u.figures.drillAttendance.of],
  incidents: u.figures.incidentsWithinHour && [u.figures.incidentsWithinHour.done, u.figures.incidentsWithinHour.of],
  medians: [u.calloutMedianSeconds, u.drillMedianSeconds],
  score: u.score,
});

describe('the supervision scores of a month', () => {
  it('rates each village on the month’s records, as checked by hand', async () => {
    const s = await scoresApi(office).get('2024-06');
    expect(s.weights).toEqual({
      calloutConfirmation: 30,
      hazardsOnTime: 30,
      drillAttendance: 20,
      incidentsWithinHour: 20,
    });
    expect(Object.fromEntries(s.byVillage.map((u) => [u.unit.name, pick(u)]))).toEqual({
      十直社区: { callout: [2, 3], hazards: [1, 2], drill: [2, 2], incidents: [1, 2], medians: [360, 600], score: 65 },
      双河村: { callout: [1, 1], hazards: [1, 2], drill: [1, 2], incidents: [0, 1], medians: [60, 600], score: 55 },
      石龙村: {
        callout: [0, 0],
        hazards: [0, 0],
        drill: [0, 0],
        incidents: [0, 0],
        medians: [null, null],
        score: null,
      },
      新建村: {
        callout: [0, 0],
        hazards: [0, 0],
        drill: [0, 0],
        incidents: [0, 0],
        medians: [null, null],
        score: null,
      },
    });
  });

  it('rates each department on what it is responsible for', async () => {
    const s = await scoresApi(office).get('2024-06');
    expect(Object.fromEntries(s.byDepartment.map((u) => [u.unit.name, pick(u)]))).toEqual({
      镇安全生产办: {
        callout: [0, 1],
        hazards: [1, 2],
        drill: [0, 0],
        incidents: null,
        medians: [null, null],
        score: 25,
      },
      镇水利站: { callout: [0, 0], hazards: [1, 2], drill: [0, 0], incidents: null, medians: [null, null], score: 50 },
    });
  });

  it('explains every score line by line', async () => {
    const s = await scoresApi(office).get('2024-06');
    expect(s.byVillage.find((u) => u.unit.name === '十直社区')!.lines).toEqual([
      '叫应确认率：应叫应 3，已确认 2，2/3 = 66.7%，权重 30 分，得 20.0 分',
      '隐患按期整改销号率：本月到期隐患 2，按期销号 1，1/2 = 50.0%，权重 30 分，得 15.0 分',
      '演练到场率：应参演 2，实到 2，2/2 = 100.0%，权重 20 分，得 20.0 分',
      '事件信息一小时内上报率：应上报事件 2，一小时内上报 1，1/2 = 50.0%，权重 20 分，得 10.0 分',
      '叫应确认用时中位数：360 秒（仅供参考，不计分）',
      '演练集结用时中位数：600 秒（仅供参考，不计分）',
      '总分：65.0 / 100.0 × 100 = 65.0 分',
    ]);
    expect(s.byDepartment.find((u) => u.unit.name === '镇安全生产办')!.lines).toContain(
      '总分：15.0 / 60.0 × 100 = 25.0 分',
    );
    expect(s.notes.length).toBeGreaterThan(3);
  });

  it('follows the town’s weights', async () => {
    await TownModel.updateOne({ _id: town }, { $set: { config: { scoreWeights: { incidentsWithinHour: 0 } } } });
    const s = await scoresApi(office).get('2024-06');
    // SQ without incidents: (20 + 15 + 20) / 80 × 100 = 68.75 → 68.8
    expect(s.byVillage.find((u) => u.unit.name === '十直社区')!.score).toBe(68.8);
    await TownModel.updateOne({ _id: town }, { $set: { config: {} } });
  });

  it('exports the scores to Excel with their explanation', async () => {
    const res = await fetch(`${srv.base}/api/scores.xlsx?month=2024-06`, {
      headers: { authorization: `Bearer ${office.token}` },
    });
    expect(res.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await res.arrayBuffer());
    const ws = wb.getWorksheet('村（社区）')!;
    const sq = ws.getRow(ws.getColumn(1).values.indexOf('十直社区'));
    expect(sq.getCell(2).value).toBe('66.7%');
    expect(sq.getCell(8).value).toBe(65);
    expect(String(sq.getCell(9).value)).toContain('总分：65.0 / 100.0 × 100 = 65.0 分');
    expect(wb.getWorksheet('部门')!.rowCount).toBe(3);
  });

  it('refuses a malformed month and keeps the scores to the office', async () => {
    const res = await http(srv.base, 'GET', '/api/scores?month=2024-13', { token: office.token });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('VALIDATION_FAILED');
    const cadre = await srv.login('cadre.sq', 'Cadre@2024');
    expect(await apiError(scoresApi(cadre).get('2024-06'))).toMatchObject({ status: 403 });
  });
});
