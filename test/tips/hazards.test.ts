import ExcelJS from 'exceljs';
import { hazardsApi, type ApiClient, type HazardAction, type HazardStatus } from '@yingji/shared';
import { ManualClock } from '../../server/src/core/clock';
import { HazardModel, HazardStatModel } from '../../server/src/hazards/hazard.model';
import { recountHazardStats } from '../../server/src/hazards/service';
import { seedDemo } from '../../server/src/people/seed';
import { UserModel } from '../../server/src/people/user.model';
import { useTestDatabase } from '../support/db';
import { startTestServer, type TestServer } from '../support/server';
import { PLACES, apiError, photo, upload } from './helpers';

useTestDatabase();

const HOUR = 3600_000;
const DAY = 24 * HOUR;

describe('the hazard list', () => {
  const clock = new ManualClock('2024-07-01T02:00:00Z');
  let srv: TestServer;
  const as: Record<string, ApiClient> = {};
  let gridSq01: string;
  let gridSh01: string;

  beforeAll(async () => {
    await seedDemo();
    srv = await startTestServer({ clock });
    const logins: [string, string][] = [
      ['office', 'Office@2024'],
      ['cadre.sq', 'Cadre@2024'],
      ['cadre.sh', 'Cadre@2024'],
      ['grid.sq-01', 'Grid@2024'],
      ['grid.sq-02', 'Grid@2024'],
      ['grid.sh-01', 'Grid@2024'],
      ['resident.demo', 'Resident@2024'],
    ];
    for (const [u, p] of logins) as[u] = await srv.login(u, p);
    gridSq01 = String((await UserModel.findOne({ username: 'grid.sq-01' }))!._id);
    gridSh01 = String((await UserModel.findOne({ username: 'grid.sh-01' }))!._id);
  });
  afterAll(() => srv.close());

  const api = (who: string) => hazardsApi(as[who]!);

  /** A hazard in grid SQ-01, driven by the office and its responsible grid member to a state. */
  async function hazardIn(state: HazardStatus, level: 'general' | 'major' = 'general') {
    const h = await api('office').create({
      description: '河堤裂缝',
      category: 'flood_drought',
      level,
      location: PLACES.sq01,
    });
    const steps: [string, Parameters<ReturnType<typeof api>['act']>[1]][] = [];
    const order: HazardStatus[] = ['accepted', 'assigned', 'rectifying', 'awaiting_reinspection', 'closed'];
    const upto = order.indexOf(state);
    if (upto >= 1) steps.push(['office', { action: 'assign', responsibleUserId: gridSq01 }]);
    if (upto >= 2) steps.push(['grid.sq-01', { action: 'start' }]);
    if (upto >= 3) {
      const { id } = await upload(as['grid.sq-01']!, await photo({ gps: false }));
      steps.push(['grid.sq-01', { action: 'submit', mediaIds: [id] }]);
    }
    if (upto >= 4) {
      const { id } = await upload(as.office!, await photo({ gps: false }));
      steps.push(['office', { action: 'close', note: '复核合格', mediaIds: [id] }]);
    }
    for (const [who, body] of steps) await api(who).act(h.id, body);
    return h.id;
  }

  describe('direct reports (field, inspection, chat)', () => {
    it('registers a grid member’s report at the centre of their grid when no place is given', async () => {
      const h = await api('grid.sq-01').create({ description: '广场配电箱门损坏', source: 'chat' });
      expect(h).toMatchObject({
        code: expect.stringMatching(/^SZ-2024-\d{4}$/),
        status: 'accepted',
        category: 'other',
        level: 'general',
        source: 'chat',
        sourceLabel: '群聊上报',
        village: { name: '十直社区' },
        grid: { name: '十直社区第一网格' },
        reportedBy: { name: '十直社区网格员1' },
        deadline: '2024-07-31T02:00:00.000Z',
      });
      expect(h.location.lat).toBeCloseTo(29.785, 6);
      expect(h.location.lng).toBeCloseTo(107.86, 6);
    });

    it('finds a hazard by its code in any case, only for those who may see it', async () => {
      const h = await api('grid.sq-01').create({ description: '井盖缺失', category: 'road_traffic' });
      expect((await api('grid.sq-01').byCode(h.code.toLowerCase())).id).toBe(h.id);
      expect((await api('office').byCode(` ${h.code} `)).id).toBe(h.id);
      expect(await apiError(api('grid.sh-01').byCode(h.code))).toMatchObject({ status: 404, code: 'HAZARD_NOT_FOUND' });
      expect(await apiError(api('office').byCode('SZ-1999-9999'))).toMatchObject({ status: 404 });
    });

    it('adds a photo sent afterwards, with a line in the history', async () => {
      const h = await api('grid.sq-01').create({ description: '电线裸露', category: 'fire', source: 'chat' });
      const { id } = await upload(as['grid.sq-01']!, await photo());
      const after = await api('grid.sq-01').attachMedia(h.id, { mediaIds: [id], note: '补拍' });
      expect(after.mediaIds).toEqual([id]);
      expect(after.history.at(-1)).toMatchObject({ action: 'photo', mediaIds: [id], note: '补拍' });
      // Someone else's photo cannot be attached.
      const { id: foreign } = await upload(as['grid.sh-01']!, await photo());
      expect(await apiError(api('grid.sq-01').attachMedia(h.id, { mediaIds: [foreign] }))).toMatchObject({
        status: 400,
        code: 'MEDIA_UNKNOWN',
      });
    });
  });

  describe('refused transitions change nothing', () => {
    const cases: [HazardStatus, string, HazardAction, number, string][] = [
      ['accepted', 'grid.sq-01', 'assign', 403, 'FORBIDDEN'],
      ['accepted', 'grid.sq-01', 'close', 403, 'FORBIDDEN'],
      ['accepted', 'office', 'start', 409, 'HAZARD_TRANSITION_NOT_ALLOWED'],
      ['accepted', 'office', 'submit', 409, 'HAZARD_TRANSITION_NOT_ALLOWED'],
      ['accepted', 'office', 'close', 409, 'HAZARD_TRANSITION_NOT_ALLOWED'],
      ['accepted', 'office', 'reopen', 409, 'HAZARD_TRANSITION_NOT_ALLOWED'],
      ['assigned', 'office', 'submit', 409, 'HAZARD_TRANSITION_NOT_ALLOWED'],
      ['assigned', 'cadre.sq', 'close', 403, 'FORBIDDEN'],
      ['rectifying', 'office', 'assign', 409, 'HAZARD_TRANSITION_NOT_ALLOWED'],
      ['rectifying', 'office', 'start', 409, 'HAZARD_TRANSITION_NOT_ALLOWED'],
      ['rectifying', 'grid.sq-01', 'close', 403, 'FORBIDDEN'],
      ['awaiting_reinspection', 'grid.sq-01', 'close', 403, 'FORBIDDEN'],
      ['awaiting_reinspection', 'cadre.sq', 'reopen', 403, 'FORBIDDEN'],
      ['awaiting_reinspection', 'office', 'submit', 409, 'HAZARD_TRANSITION_NOT_ALLOWED'],
      ['closed', 'office', 'close', 409, 'HAZARD_TRANSITION_NOT_ALLOWED'],
      ['closed', 'office', 'assign', 409, 'HAZARD_TRANSITION_NOT_ALLOWED'],
      ['closed', 'office', 'start', 409, 'HAZARD_TRANSITION_NOT_ALLOWED'],
      ['closed', 'grid.sq-01', 'reopen', 403, 'FORBIDDEN'],
      ['rectifying', 'grid.sh-01', 'submit', 404, 'HAZARD_NOT_FOUND'],
      ['rectifying', 'cadre.sh', 'comment', 404, 'HAZARD_NOT_FOUND'],
      ['accepted', 'resident.demo', 'comment', 403, 'FORBIDDEN'],
    ];
    it.each(cases)('from %s, %s may not %s (%i %s)', async (state, who, action, status, code) => {
      const id = await hazardIn(state);
      const before = await HazardModel.findById(id).lean();
      const body = {
        action,
        note: '理由',
        responsibleUserId: gridSq01,
        mediaIds: [] as string[],
      };
      const err = await apiError(api(who).act(id, body));
      expect(err).toMatchObject({ status, code });
      expect(err.message).toMatch(/[\u4e00-\u9fa5]/);
      expect(await HazardModel.findById(id).lean()).toEqual(before);
    });

    it.each([
      ['accepted', 'office', { action: 'assign' }, 'HAZARD_ASSIGNEE_REQUIRED'],
      [
        'accepted',
        'office',
        { action: 'assign', responsibleUserId: '0123456789abcdef01234567' },
        'HAZARD_ASSIGNEE_INVALID',
      ],
      [
        'accepted',
        'office',
        { action: 'assign', responsibleUserId: 'GRID.SQ-01', deadline: '2020-01-01T00:00:00Z' },
        'HAZARD_DEADLINE_INVALID',
      ],
      ['rectifying', 'grid.sq-01', { action: 'submit' }, 'HAZARD_PHOTO_REQUIRED'],
      ['closed', 'office', { action: 'reopen' }, 'HAZARD_REASON_REQUIRED'],
      ['rectifying', 'grid.sq-01', { action: 'comment' }, 'VALIDATION_FAILED'],
    ] as const)('from %s, %s sending %j is refused with %s', async (state, who, body, code) => {
      const id = await hazardIn(state);
      const before = await HazardModel.findById(id).lean();
      const withIds =
        'responsibleUserId' in body && body.responsibleUserId === 'GRID.SQ-01'
          ? { ...body, responsibleUserId: gridSq01 }
          : body;
      const err = await apiError(api(who).act(id, { ...withIds } as never));
      expect(err).toMatchObject({ status: 400, code });
      expect(await HazardModel.findById(id).lean()).toEqual(before);
    });

    it('refuses to assign a resident as the responsible person', async () => {
      const id = await hazardIn('accepted');
      const resident = String((await UserModel.findOne({ username: 'resident.demo' }))!._id);
      expect(await apiError(api('office').act(id, { action: 'assign', responsibleUserId: resident }))).toMatchObject({
        status: 400,
        code: 'HAZARD_ASSIGNEE_INVALID',
      });
    });
  });

  describe('reopening', () => {
    it('sends a failed re-inspection back to rectification with a new deadline', async () => {
      const id = await hazardIn('awaiting_reinspection', 'major');
      clock.advance(DAY);
      const h = await api('office').act(id, { action: 'reopen', note: '裂缝仍在扩大' });
      expect(h).toMatchObject({
        status: 'rectifying',
        deadline: new Date(clock.now().getTime() + 7 * DAY).toISOString(),
      });
      expect(h.history.at(-1)).toMatchObject({
        action: 'reopen',
        from: 'awaiting_reinspection',
        to: 'rectifying',
        note: '裂缝仍在扩大',
      });
    });

    it('reopens a closed hazard and counts it open again', async () => {
      const id = await hazardIn('closed', 'major');
      const before = await api('office').stats();
      await api('office').act(id, { action: 'reopen', note: '复发' });
      const after = await api('office').stats();
      expect(after.openMajor).toBe(before.openMajor + 1);
      expect(after.closedThisMonth.onTime).toBe(before.closedThisMonth.onTime - 1);
    });
  });

  describe('who sees what', () => {
    let inSq01: string;
    let inSh01: string;
    beforeAll(async () => {
      inSq01 = (
        await api('grid.sq-01').create({
          description: '危岩松动',
          category: 'rockfall',
          level: 'major',
          location: PLACES.sq01,
        })
      ).id;
      inSh01 = (await api('grid.sh-01').create({ description: '燃气表漏气', category: 'gas', location: PLACES.sh01 }))
        .id;
    });

    const ids = async (who: string, query = {}) =>
      (await api(who).list({ pageSize: 200, ...query })).items.map((h) => h.id);

    it('shows a grid member only their grid’s hazards', async () => {
      const mine = await ids('grid.sq-01');
      expect(mine).toContain(inSq01);
      expect(mine).not.toContain(inSh01);
      expect(await ids('grid.sq-02')).not.toContain(inSq01);
      expect(await apiError(api('grid.sh-01').get(inSq01))).toMatchObject({ status: 404 });
    });

    it('shows a cadre their village’s hazards and the office the whole town’s', async () => {
      expect(await ids('cadre.sq')).toContain(inSq01);
      expect(await ids('cadre.sq')).not.toContain(inSh01);
      expect(await ids('office')).toEqual(expect.arrayContaining([inSq01, inSh01]));
    });

    it('shows a hazard to the person made responsible for it, wherever they are', async () => {
      expect(await ids('grid.sh-01')).not.toContain(inSq01);
      await api('office').act(inSq01, { action: 'assign', responsibleUserId: gridSh01 });
      expect(await ids('grid.sh-01')).toContain(inSq01);
      await api('grid.sh-01').act(inSq01, { action: 'start' });
    });

    it('keeps the list from residents', async () => {
      expect(await apiError(api('resident.demo').list())).toMatchObject({ status: 403 });
      expect(await apiError(api('resident.demo').stats())).toMatchObject({ status: 403 });
    });

    it('keeps the whole-town stats to the office', async () => {
      for (const username of ['grid.sq-01', 'cadre.sq'])
        expect(await apiError(api(username).stats())).toMatchObject({ status: 403 });
    });

    it('filters by status, level, category, village and overdue', async () => {
      const office = api('office');
      const check = async (
        query: object,
        pred: (h: Awaited<ReturnType<typeof office.list>>['items'][number]) => boolean,
      ) => {
        const res = await office.list({ pageSize: 200, ...query });
        expect(res.items.length).toBeGreaterThan(0);
        expect(res.items.every(pred)).toBe(true);
        expect(res.total).toBe(res.items.length);
      };
      await check({ level: 'major' }, (h) => h.level === 'major');
      await check({ category: 'gas' }, (h) => h.category === 'gas');
      await check({ village: 'SH' }, (h) => h.village?.name === '双河村');
      await check({ status: 'open' }, (h) => h.status !== 'closed');
      await check({ status: 'closed' }, (h) => h.status === 'closed');
      expect((await office.list({ overdue: 'true' })).total).toBe(0);
      expect(await apiError(office.list({ village: 'NOPE' }))).toMatchObject({
        status: 404,
        code: 'VILLAGE_NOT_FOUND',
      });
      const page = await office.list({ pageSize: 2, page: 2 });
      expect(page.items).toHaveLength(2);
      expect(page.total).toBeGreaterThan(4);
    });
  });

  describe('stats', () => {
    it('agrees with the list it counts', async () => {
      const stats = await api('office').stats();
      const open = await api('office').list({ status: 'open', pageSize: 200 });
      expect(stats.open.total).toBe(open.total);
      expect(stats.openMajor).toBe(open.items.filter((h) => h.level === 'major').length);
      const sq = stats.byVillage.find((v) => v.name === '十直社区')!;
      expect(sq.count).toBe(open.items.filter((h) => h.village?.name === '十直社区').length);
      const gas = stats.byCategory.find((c) => c.code === 'gas')!;
      expect(gas).toMatchObject({ label: '燃气', count: open.items.filter((h) => h.category === 'gas').length });
      // The kept counters are what a full recount gives.
      const town = (await HazardModel.findOne().lean())!.town;
      await HazardStatModel.deleteMany({});
      await recountHazardStats(town);
      expect(await api('office').stats()).toEqual(stats);
      expect(stats.byVillage.map((v) => v.name).sort()).toEqual(['十直社区', '双河村', '新建村', '石龙村'].sort());
    });
  });

  describe('the Excel export', () => {
    it('has the office’s columns, one row per hazard, times in China time', async () => {
      const res = await fetch(`${srv.base}/api/hazards/export.xlsx?village=SQ`, {
        headers: { authorization: `Bearer ${as.office!.token}` },
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('spreadsheetml');
      expect(res.headers.get('content-disposition')).toContain("filename*=UTF-8''");
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(Buffer.from(await res.arrayBuffer()) as unknown as ArrayBuffer);
      const ws = wb.getWorksheet('隐患清单')!;
      expect((ws.getRow(1).values as unknown[]).slice(1)).toEqual([
        '序号',
        '编号',
        '隐患类别',
        '隐患等级',
        '所在村/社区',
        '位置',
        '隐患描述',
        '来源',
        '发现时间',
        '责任单位',
        '责任人',
        '整改期限',
        '整改状态',
        '销号时间',
      ]);
      const listed = await api('office').list({ village: 'SQ', pageSize: 200 });
      expect(ws.rowCount).toBe(listed.total + 1);
      const rows = Array.from({ length: ws.rowCount - 1 }, (_, i) => (ws.getRow(i + 2).values as unknown[]).slice(1));
      expect(rows.map((r) => r[0])).toEqual(rows.map((_, i) => i + 1));
      expect(rows.every((r) => r[4] === '十直社区')).toBe(true);
      const closed = await HazardModel.findOne({ status: 'closed', village: { $exists: true } })
        .sort({ discoveredAt: 1 })
        .lean();
      const row = rows.find((r) => r[1] === closed!.code)!;
      expect(row).toEqual([
        expect.any(Number),
        closed!.code,
        '防汛抗旱',
        '一般',
        '十直社区',
        '十直社区河堤',
        '河堤裂缝',
        '现场上报',
        '2024-07-01 10:00', // 02:00 UTC is 10:00 in Shanghai
        '镇农业服务中心（水利）',
        '十直社区网格员1',
        '2024-07-31 10:00',
        '已销号',
        '2024-07-01 10:00',
      ]);
    });

    it('exports only what the caller may see', async () => {
      const res = await fetch(`${srv.base}/api/hazards/export.xlsx`, {
        headers: { authorization: `Bearer ${as['grid.sh-01']!.token}` },
      });
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(Buffer.from(await res.arrayBuffer()) as unknown as ArrayBuffer);
      const ws = wb.getWorksheet('隐患清单')!;
      const visible = await api('grid.sh-01').list({ pageSize: 200 });
      expect(ws.rowCount).toBe(visible.total + 1);
    });
  });
});
