import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { seedDemo } from '../../server/src/people/seed';
import { ShelterModel } from '../../server/src/shelters/model';
import { testMongoUri, useTestDatabase } from '../support/db';

const db = useTestDatabase();
const ROOT = path.resolve(__dirname, '..', '..');

/** Run `npm run import -- …` (tsx server/src/shelters/cli.ts …) against this file's database. */
function runImport(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const uri = new URL(testMongoUri());
  uri.pathname = `/${db.name}`;
  return new Promise((resolve) => {
    execFile(
      path.join(ROOT, 'node_modules', '.bin', 'tsx'),
      [path.join(ROOT, 'server/src/shelters/cli.ts'), ...args],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          MONGODB_URI: uri.toString(),
          DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'yingji-cli-')),
          NODE_ENV: 'test',
          DEFAULT_TOWN: 'SZ',
        },
        timeout: 60_000,
      },
      (err, stdout, stderr) => resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('npm run import -- shelters', () => {
  beforeAll(() => seedDemo());

  it('imports the sheet with a progress bar and says what it did, row by row', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('避难场所');
    ws.addRow(['编号', '名称', '纬度', '经度', '容纳人数']);
    ws.addRow(['CLI-1', '十直中学', 29.79, 107.86, 600]);
    ws.addRow(['CLI-2', '无人数', 29.79, 107.86, '']);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'yingji-xlsx-')), 'shelters.xlsx');
    await wb.xlsx.writeFile(file);
    const r = await runImport(['shelters', '--file', file]);
    expect(r.stderr).toContain('导入 [');
    expect(r.stdout).toContain('共 2 行：新增 1，更新 0，拒绝 1 行');
    expect(r.stdout).toContain('第 3 行（无人数）：容纳人数：');
    expect(r.code).toBe(3);
    expect(await ShelterModel.findOne({ code: 'CLI-1' }).lean()).toMatchObject({ name: '十直中学', capacity: 600 });
  }, 90_000);

  it('says so when the file does not exist', async () => {
    const r = await runImport(['hazard-points:import', '--file', '/nonexistent.xlsx']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('找不到文件 /nonexistent.xlsx');
  }, 90_000);
});
