import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { townsApi, type ApiClient } from '@yingji/shared';
import { GridModel, TownModel, UserModel, VillageModel } from '../../server/src/people/models';
import { testMongoUri, useTestDatabase } from '../support/db';
import { startTestServer, type TestServer } from '../support/server';
import { apiError, platformAdmin, square, townFromNothing } from './support';

const db = useTestDatabase();
const root = path.resolve(__dirname, '..', '..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'yingji-places-'));

let srv: TestServer;
let xt: Awaited<ReturnType<typeof townFromNothing>>;
let admin: ApiClient;

beforeAll(async () => {
  srv = await startTestServer();
  xt = await townFromNothing(srv, await platformAdmin(srv), { code: 'XT', name: '新坪镇', lng: 107.7, lat: 29.9 });
  admin = xt.admin;
});
afterAll(() => srv.close());

const feature = (name: string, village: string, boundary: ReturnType<typeof square> | object) => ({
  type: 'Feature',
  properties: { name, village },
  geometry: boundary,
});
const collection = (...features: object[]) => JSON.stringify({ type: 'FeatureCollection', features });
const gridCount = () => GridModel.countDocuments({ town: xt.town.id });

describe('importing grid boundaries through the API', () => {
  it('imports a valid GeoJSON, creating the villages it names', async () => {
    const content = collection(
      feature('二村第一网格', '新坪镇二村', square(107.75, 29.9)),
      feature('二村第二网格', '新坪镇二村', square(107.76, 29.9)),
    );
    const report = await townsApi(admin).importPlaces({ format: 'geojson', content });
    expect(report).toEqual({ total: 2, created: 2, villagesCreated: 1, rejected: [] });
    const v = await VillageModel.findOne({ town: xt.town.id, name: '新坪镇二村' }).lean();
    expect(await GridModel.countDocuments({ village: v!._id })).toBe(2);
    expect((await townsApi(admin).audit()).items[0]).toMatchObject({ action: 'places.import' });
  });

  it('refuses a GeoJSON with an overlap and a bad ring, naming each row, importing nothing', async () => {
    const before = await gridCount();
    const content = collection(
      feature('三村第一网格', '新坪镇三村', square(107.8, 29.9)),
      feature('三村压线网格', '新坪镇三村', square(107.705, 29.905)), // over 新坪镇一村第一网格
      feature('三村坏环网格', '新坪镇三村', {
        type: 'Polygon',
        coordinates: [
          [
            [107.9, 29.9],
            [107.91, 29.9],
            [107.91, 29.91],
          ],
        ],
      }),
    );
    const e = await apiError(townsApi(admin).importPlaces({ format: 'geojson', content }));
    expect(e).toMatchObject({ status: 422, code: 'PLACES_IMPORT_REJECTED' });
    expect((e.details as { rejected: unknown[] }).rejected).toEqual([
      { row: 2, name: '三村压线网格', reason: '与网格“新坪镇一村第一网格”重叠' },
      { row: 3, name: '三村坏环网格', reason: '边界不是闭合的环（至少 3 个不同角点，首尾相同）' },
    ]);
    expect(await gridCount()).toBe(before);
    expect(await VillageModel.exists({ town: xt.town.id, name: '新坪镇三村' })).toBeNull();
  });

  it('refuses two grids of one file that overlap each other', async () => {
    const content = collection(
      feature('四村甲', '新坪镇四村', square(107.85, 29.9)),
      feature('四村乙', '新坪镇四村', square(107.855, 29.905)),
    );
    const e = await apiError(townsApi(admin).importPlaces({ format: 'geojson', content }));
    expect((e.details as { rejected: { row: number; reason: string }[] }).rejected).toEqual([
      { row: 2, name: '四村乙', reason: '与网格“四村甲”重叠' },
    ]);
  });
});

/** Runs `npm run admin -- …` the way an administrator does, against this file's database. */
function adminCli(...args: string[]) {
  return spawnSync(
    process.execPath,
    [path.join(root, 'node_modules/tsx/dist/cli.mjs'), 'server/src/admin/cli.ts', ...args],
    {
      cwd: root,
      env: {
        ...process.env,
        MONGODB_URI: `${testMongoUri().replace(/\/$/, '')}/${db.name}`,
        DATA_DIR: tmp,
        LOG_LEVEL: 'silent',
      },
      encoding: 'utf8',
      timeout: 90_000,
    },
  );
}

async function cornersWorkbook(rows: (string | number)[][]): Promise<string> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('网格角点');
  ws.addRow(['村/社区', '网格', '经度', '纬度']);
  for (const r of rows) ws.addRow(r);
  const file = path.join(tmp, `corners-${rows.length}.xlsx`);
  await wb.xlsx.writeFile(file);
  return file;
}

describe('npm run admin with several towns', () => {
  it('town:add creates a town and its first admin', async () => {
    const res = adminCli(
      'town:add',
      '--code',
      'QT',
      '--name',
      '青田镇',
      '--admin-username',
      'qt.admin',
      '--admin-password',
      'Admin@2024x',
    );
    expect(res.stderr).toBe('');
    expect(res.stdout).toContain('已新建乡镇 青田镇（QT）');
    expect(await TownModel.exists({ code: 'QT' })).not.toBeNull();
    expect(await UserModel.findOne({ username: 'qt.admin' }).lean()).toMatchObject({ role: 'admin' });
    expect(adminCli('town:add', '--code', 'QT', '--name', '又一个').stderr).toContain('该乡镇编码已被使用');
  }, 120_000);

  it('refuses a command that names no town, saying so', async () => {
    const res = adminCli(
      'user:add',
      '--username',
      'nowhere',
      '--password',
      'Nowhere@2024',
      '--role',
      'grid',
      '--name',
      '某人',
    );
    expect(res.status).not.toBe(0);
    expect(res.stderr).toContain('系统中有多个乡镇，请指定乡镇编码');
    expect(await UserModel.exists({ username: 'nowhere' })).toBeNull();
  }, 60_000);

  it('places:import reports the Excel rows it rejects and imports nothing', async () => {
    const before = await gridCount();
    const file = await cornersWorkbook([
      ['新坪镇五村', '五村第一网格', 107.6, 29.9],
      ['新坪镇五村', '五村第一网格', 107.61, 29.9],
      ['新坪镇五村', '五村第一网格', 107.61, 29.91],
      ['新坪镇五村', '五村第二网格', 107.62, 29.9],
      ['新坪镇五村', '五村第二网格', '东经', 29.9],
      ['新坪镇五村', '五村第二网格', 107.63, 29.91],
      ['新坪镇五村', '', 107.64, 29.9],
    ]);
    const res = adminCli('places:import', '--file', file, '--town', 'XT');
    expect(res.status).toBe(3);
    expect(res.stdout).toContain('整个文件未导入');
    expect(res.stdout).toContain('第 6 行（五村第二网格）：经度或纬度不是有效数字');
    expect(res.stdout).toContain('第 8 行：缺少村/社区或网格名称');
    expect(await gridCount()).toBe(before);
  }, 60_000);

  it('places:import imports a good Excel of corners into the named town', async () => {
    const before = await gridCount();
    const file = await cornersWorkbook([
      ['新坪镇五村', '五村第一网格', 107.6, 29.9],
      ['新坪镇五村', '五村第一网格', 107.61, 29.9],
      ['新坪镇五村', '五村第一网格', 107.61, 29.91],
      ['新坪镇五村', '五村第一网格', 107.6, 29.91],
    ]);
    const res = adminCli('places:import', '--file', file, '--town', 'XT');
    expect(res.stdout).toContain('已导入 1 个网格到 新坪镇，新建 1 个村（社区）');
    expect(res.status).toBe(0);
    expect(await gridCount()).toBe(before + 1);
    const g = await GridModel.findOne({ name: '五村第一网格' }).lean();
    expect(g!.area).toHaveLength(4);
  }, 60_000);
});
