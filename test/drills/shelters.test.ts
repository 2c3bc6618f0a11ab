import ExcelJS from 'exceljs';
import { sheltersApi, type ApiClient } from '@yingji/shared';
import { seedDemo } from '../../server/src/people/seed';
import { ShelterModel, TransferModel } from '../../server/src/shelters/model';
import { seedDemoResources } from '../../server/src/shelters/seed';
import { useTestDatabase } from '../support/db';
import { http, startTestServer, type TestServer } from '../support/server';
import { apiError } from './support';

useTestDatabase();

let srv: TestServer;
let office: ApiClient;
beforeAll(async () => {
  await seedDemo();
  await seedDemoResources();
  srv = await startTestServer();
  office = await srv.login('office', 'Office@2024');
});
afterAll(() => srv.close());

describe('the demo resources', () => {
  it('load once: seeding again creates nothing', async () => {
    expect(await ShelterModel.countDocuments()).toBe(5);
    expect(await seedDemoResources()).toEqual({
      created: { shelters: 0, hazardPoints: 0, rescueTeams: 0, equipment: 0 },
    });
  });
});

describe('the nearest shelter', () => {
  it('answers the open shelters nearest first, with the distance in metres, leaving closed ones out', async () => {
    // Standing at the closed old people's home: the school is 1.13 km south (0.01° lat, 0.002° lng).
    const resident = await srv.login('resident.demo', 'Resident@2024');
    const r = await sheltersApi(resident).nearest(29.795, 107.86);
    expect(r.items.map((s) => s.name)).toEqual(['十直镇中心小学操场', '石龙村文化广场', '双河村村委会避难点']);
    expect(r.items[0]!.distanceM).toBeGreaterThanOrEqual(1127);
    expect(r.items[0]!.distanceM).toBeLessThanOrEqual(1130);
    expect(r.items[0]).toMatchObject({ capacity: 800, occupancy: 0, contact: { phone: '13800001001' } });
    expect(r.items.every((s, i) => i === 0 || s.distanceM >= r.items[i - 1]!.distanceM)).toBe(true);
  });

  it.each([
    ['no coordinates', ''],
    ['a latitude that is not a number', '?lat=abc&lng=107.86'],
    ['a longitude out of range', '?lat=29.7&lng=207'],
  ])('refuses %s', async (_, qs) => {
    const res = await http(srv.base, 'GET', `/api/shelters/nearest${qs}`, { token: office.token });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('VALIDATION_FAILED');
  });
});

describe('transfers reported during an evacuation', () => {
  let grid: ApiClient;
  beforeAll(async () => {
    grid = await srv.login('grid.sh-01', 'Grid@2024');
  });

  it('attaches 已转移 12 人 from the grid room to the grid’s hazard point and fills its shelter', async () => {
    const r = await sheltersApi(grid).reportTransfer({ count: 12, channel: 'wechaty' });
    expect(r).toEqual({
      hazardPoint: { id: expect.any(String), name: '双河村王家沟滑坡点' },
      moved: 12,
      planned: 36,
      shelter: { id: expect.any(String), name: '双河村村委会避难点', occupancy: 12, capacity: 300 },
    });
    const t = await TransferModel.findOne().lean();
    expect(t).toMatchObject({ count: 12, channel: 'wechaty' });
  });

  it('adds up reports arriving at the same moment exactly', async () => {
    await Promise.all([1, 2, 3, 4, 5].map(() => sheltersApi(grid).reportTransfer({ count: 2, channel: 'wechaty' })));
    const last = await sheltersApi(grid).reportTransfer({ count: 1, channel: 'wechaty' });
    expect(last).toMatchObject({ moved: 23, shelter: { occupancy: 23 } });
  });

  it('shows the office planned versus moved by hazard point and occupancy versus capacity by shelter', async () => {
    const s = await sheltersApi(office).evacuation();
    expect(s.hazardPoints.find((h) => h.name === '双河村王家沟滑坡点')).toMatchObject({ planned: 36, moved: 23 });
    expect(s.shelters.find((x) => x.name === '双河村村委会避难点')).toMatchObject({ capacity: 300, occupancy: 23 });
    expect(s.totals).toEqual({
      planned: 36 + 48 + 20 + 27,
      moved: 23,
      capacity: 800 + 300 + 400 + 250 + 120,
      occupancy: 23,
    });
    const nearest = await sheltersApi(office).nearest(29.786, 107.882, 1);
    expect(nearest.items[0]).toMatchObject({ name: '双河村村委会避难点', distanceM: 0, occupancy: 23 });
  });

  it('lets the office report for a named hazard point', async () => {
    const points = await sheltersApi(office).hazardPoints();
    const xj = points.items.find((h) => h.code === 'SZ-YH-04')!;
    const r = await sheltersApi(office).reportTransfer({ count: 27, hazardPointId: xj.id });
    expect(r).toMatchObject({ moved: 27, planned: 27, shelter: { name: '新建村党群服务中心', occupancy: 27 } });
  });

  it('answers TRANSFER_NO_PLAN to a grid member whose grid has no hazard point, storing nothing', async () => {
    const other = await srv.login('grid.sh-02', 'Grid@2024');
    const before = await TransferModel.countDocuments();
    const err = await apiError(sheltersApi(other).reportTransfer({ count: 3, channel: 'wechaty' }));
    expect(err).toMatchObject({ status: 404, code: 'TRANSFER_NO_PLAN', message: '未找到您负责的转移点' });
    expect(await TransferModel.countDocuments()).toBe(before);
  });

  it('answers TRANSFER_NO_PLAN to a grid member naming another grid’s hazard point, storing nothing', async () => {
    const points = await sheltersApi(office).hazardPoints();
    const xj = points.items.find((h) => h.code === 'SZ-YH-04')!;
    const before = await TransferModel.countDocuments();
    const err = await apiError(sheltersApi(grid).reportTransfer({ count: 5, hazardPointId: xj.id }));
    expect(err).toMatchObject({ status: 404, code: 'TRANSFER_NO_PLAN' });
    expect(await TransferModel.countDocuments()).toBe(before);
  });

  it.each([
    ['zero people', { count: 0 }],
    ['a negative count', { count: -3 }],
    ['a count in words', { count: '十二' }],
    ['a fraction', { count: 1.5 }],
    ['a malformed hazard point id', { count: 1, hazardPointId: 'abc' }],
  ])('refuses %s and changes nothing', async (_, body) => {
    const before = await TransferModel.countDocuments();
    const res = await http(srv.base, 'POST', '/api/transfers', {
      token: grid.token,
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('VALIDATION_FAILED');
    expect(await TransferModel.countDocuments()).toBe(before);
    const s = await sheltersApi(office).evacuation();
    expect(s.hazardPoints.find((h) => h.name === '双河村王家沟滑坡点')!.moved).toBe(23);
  });

  it('lets a village cadre report for a hazard point of the village by name', async () => {
    const points = await sheltersApi(office).hazardPoints();
    const sh = points.items.find((h) => h.code === 'SZ-YH-01')!;
    const cadre = await srv.login('cadre.sh', 'Cadre@2024');
    const r = await sheltersApi(cadre).reportTransfer({ count: 1, hazardPointId: sh.id });
    expect(r).toMatchObject({ hazardPoint: { name: '双河村王家沟滑坡点' } });
  });

  it('closes an evacuation: the figures start again from zero, the reports stay', async () => {
    const before = await TransferModel.countDocuments();
    const s = await office.post<{ totals: { moved: number; occupancy: number } }>('/api/evacuation/reset');
    expect(s.totals).toMatchObject({ moved: 0, occupancy: 0 });
    expect(await TransferModel.countDocuments()).toBe(before);
    const again = await sheltersApi(grid).reportTransfer({ count: 4 });
    expect(again).toMatchObject({ moved: 4, shelter: { occupancy: 4 } });
  });

  it('keeps transfers to staff', async () => {
    const resident = await srv.login('resident.demo', 'Resident@2024');
    expect(await apiError(sheltersApi(resident).reportTransfer({ count: 1 }))).toMatchObject({ status: 403 });
  });
});

describe('hazard points', () => {
  it('show the organiser’s phone in full to the office and masked to other staff', async () => {
    const full = await sheltersApi(office).hazardPoints();
    expect(full.items.find((h) => h.code === 'SZ-YH-01')!.organiser).toEqual({
      name: '双河村网格员1',
      phone: '13800000121',
    });
    for (const username of ['grid.sq-01', 'cadre.sq']) {
      const staff = await srv.login(username, username.startsWith('grid') ? 'Grid@2024' : 'Cadre@2024');
      const masked = await sheltersApi(staff).hazardPoints();
      expect(masked.items.find((h) => h.code === 'SZ-YH-01')!.organiser).toEqual({
        name: '双河村网格员1',
        phone: '138****0121',
      });
    }
  });
});

describe('the one map', () => {
  it('gives the office every layer as GeoJSON features, [lng, lat]', async () => {
    const m = await sheltersApi(office).mapLayers();
    expect(m.layers.map((l) => [l.id, l.features.length])).toEqual([
      ['villages', 4],
      ['grids', 8],
      ['shelters', 5],
      ['hazardPoints', 4],
      ['rescueTeams', 3],
      ['equipment', 5],
      ['openHazards', 0],
    ]);
    // Without a 天地图 key there is no base map: the layers alone, drawn with no tile server.
    expect(m.base).toBeUndefined();
    const team = m.layers
      .find((l) => l.id === 'rescueTeams')!
      .features.find((f) => f.properties.name === '十直镇综合应急救援队')!;
    expect(team).toMatchObject({
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [107.861, 29.787] },
      properties: { kind: 'rescueTeam', leader: { name: '李队长', phone: '13800002001' }, memberCount: 30 },
    });
  });

  it('masks people’s phones for other staff and shows residents the places and shelters only', async () => {
    const grid = await srv.login('grid.sq-01', 'Grid@2024');
    const g = await sheltersApi(grid).mapLayers('rescueTeams');
    const leader = g.layers[0]!.features[0]!.properties.leader as { phone: string };
    expect(leader.phone).toMatch(/^138\*{4}\d{4}$/);
    const resident = await srv.login('resident.demo', 'Resident@2024');
    const r = await sheltersApi(resident).mapLayers();
    expect(r.layers.map((l) => l.id)).toEqual(['villages', 'grids', 'shelters']);
  });

  it('refuses an unknown layer', async () => {
    expect(await apiError(sheltersApi(office).mapLayers('tanks'))).toMatchObject({ status: 400 });
  });
});

describe('importing shelters from Excel', () => {
  async function workbook(rows: (string | number)[][]): Promise<Blob> {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('避难场所');
    ws.addRow(['编号', '名称', '地址', '纬度', '经度', '容纳人数', '联系人', '联系电话', '设施', '村/社区']);
    for (const r of rows) ws.addRow(r);
    return new Blob([await wb.xlsx.writeBuffer()]);
  }

  it('creates and updates rows, and reports each bad row with its number and reason', async () => {
    const file = await workbook([
      ['SZ-BN-06', '石龙村小学', '石龙村五组', 29.818, 107.866, 200, '王老师', '13800001006', '饮用水、厕所', 'SL'],
      ['SZ-BN-01', '十直镇中心小学操场', '十直镇正街 18 号', 29.785, 107.858, 900, '刘校长', '13800001001', '', 'SQ'],
      ['SZ-BN-07', '缺少人数的场所', '', 29.8, 107.86, '', '', '', '', ''],
      ['SZ-BN-08', '不存在的村', '', 29.8, 107.86, 50, '', '', '', '东风村'],
    ]);
    const form = new FormData();
    form.append('file', file, 'shelters.xlsx');
    const res = await http(srv.base, 'POST', '/api/shelters/import', { token: office.token, body: form });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      total: 4,
      created: 1,
      updated: 1,
      rejected: [
        { row: 4, name: '缺少人数的场所', reason: expect.stringMatching(/^容纳人数：/) },
        { row: 5, name: '不存在的村', reason: '找不到村（社区）“东风村”' },
      ],
    });
    const school = await ShelterModel.findOne({ code: 'SZ-BN-01' }).lean();
    expect(school).toMatchObject({ capacity: 900, contact: { name: '刘校长' } });
    expect((await ShelterModel.findOne({ code: 'SZ-BN-06' }).lean())!.facilities).toEqual(['饮用水', '厕所']);
    expect(await ShelterModel.countDocuments({ code: { $in: ['SZ-BN-07', 'SZ-BN-08'] } })).toBe(0);
  });

  it('imports hazard points with their transfer plans, finding grid and shelter by code or name', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('隐患点');
    ws.addRow([
      '编号',
      '名称',
      '纬度',
      '经度',
      '网格',
      '转移条件',
      '转移人数',
      '户数',
      '组织人',
      '避难场所',
      '管理措施',
    ]);
    ws.addRow([
      'SZ-YH-09',
      '石龙村后山滑坡',
      29.812,
      107.855,
      '',
      '红色预警',
      15,
      5,
      '石龙村网格员1',
      '石龙村文化广场',
      '专人值守',
    ]);
    ws.addRow(['SZ-YH-10', '未知网格的点', 29.8, 107.86, 'ZZ-09', '', 3, '', '', '', '']);
    ws.addRow(['SZ-YH-11', '未知场所的点', 29.8, 107.86, 'SL-01', '', 3, '', '', '东风小学', '']);
    const form = new FormData();
    form.append('file', new Blob([await wb.xlsx.writeBuffer()]), 'points.xlsx');
    const res = await http(srv.base, 'POST', '/api/hazard-points/import', { token: office.token, body: form });
    expect(res.json).toEqual({
      total: 3,
      created: 1,
      updated: 0,
      rejected: [
        { row: 3, name: '未知网格的点', reason: '找不到网格“ZZ-09”' },
        { row: 4, name: '未知场所的点', reason: '找不到避难场所“东风小学”（请先导入避难场所）' },
      ],
    });
    const points = await sheltersApi(office).hazardPoints();
    // No grid given: the grid whose area holds the point (SL-02 spans 29.81–29.82 N).
    const grids = await office.get<{ items: { id: string; code: string }[] }>('/api/grids');
    expect(points.items.find((h) => h.code === 'SZ-YH-09')).toMatchObject({
      residents: 15,
      households: 5,
      trigger: '红色预警',
      organiser: { name: '石龙村网格员1' },
      shelter: { name: '石龙村文化广场' },
      gridId: grids.items.find((g) => g.code === 'SL-02')!.id,
    });
  });

  it('refuses a file that is not a workbook', async () => {
    const form = new FormData();
    form.append('file', new Blob(['not excel']), 'x.xlsx');
    const res = await http(srv.base, 'POST', '/api/shelters/import', { token: office.token, body: form });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('IMPORT_FILE_INVALID');
  });
});
