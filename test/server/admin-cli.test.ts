import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { seedDemo } from '../../server/src/people/seed';
import { UserModel } from '../../server/src/people/user.model';
import { verifyPassword } from '../../server/src/auth/passwords';
import { testMongoUri, useTestDatabase } from '../support/db';

const db = useTestDatabase();
const root = path.resolve(__dirname, '..', '..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'yingji-admin-'));

/** Runs `npm run admin -- …` the way an administrator does, against this file's database. */
function admin(...args: string[]) {
  return spawnSync(
    process.execPath,
    [path.join(root, 'node_modules/tsx/dist/cli.mjs'), 'server/src/admin/cli.ts', ...args],
    {
      cwd: root,
      env: { ...process.env, MONGODB_URI: `${testMongoUri()}/${db.name}`, DATA_DIR: tmp, LOG_LEVEL: 'silent' },
      encoding: 'utf8',
      timeout: 60_000,
    },
  );
}

describe('npm run admin', () => {
  beforeAll(() => seedDemo());

  it('user:add adds an office user to the only town, with a hashed password', async () => {
    const res = admin(
      'user:add',
      '--username',
      'zhang.san',
      '--password',
      'Zhang@2024',
      '--role',
      'office',
      '--name',
      '张三',
      '--phone',
      '13912345678',
      '--wecom-user-id',
      'zhangsan',
    );
    expect(res.stderr).toBe('');
    expect(res.status).toBe(0);
    expect(res.stdout).toContain('已添加用户 zhang.san');
    const user = await UserModel.findOne({ username: 'zhang.san' }).lean();
    expect(user).toMatchObject({ role: 'office', name: '张三', phone: '13912345678', wecomUserId: 'zhangsan' });
    expect(user!.passwordHash).not.toContain('Zhang@2024');
    expect(await verifyPassword(user!.passwordHash, 'Zhang@2024')).toBe(true);
  });

  it('user:add refuses a taken username and a bad phone, changing nothing', async () => {
    const before = await UserModel.countDocuments();
    const taken = admin(
      'user:add',
      '--username',
      'office',
      '--password',
      'Another@2024',
      '--role',
      'office',
      '--name',
      '重复',
    );
    expect(taken.status).not.toBe(0);
    expect(taken.stderr).toContain('用户名已被使用');
    const badPhone = admin(
      'user:add',
      '--username',
      'li.si',
      '--password',
      'LiSi@20245',
      '--role',
      'grid',
      '--name',
      '李四',
      '--phone',
      '12345',
    );
    expect(badPhone.status).not.toBe(0);
    expect(badPhone.stderr).toContain('手机号应为 11 位数字');
    expect(await UserModel.countDocuments()).toBe(before);
  });

  it('roster:import imports the good rows and reports each bad row with its reason', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('花名册');
    ws.addRow(['姓名', '用户名', '初始密码', '角色', '手机号', '网格', '上级', '企业微信账号']);
    ws.addRow(['王五', 'wang.wu', 'WangWu@2024', '网格员', '13700000001', 'SH-01', 'cadre.sh', 'wangwu']);
    ws.addRow(['赵六', 'zhao.liu', 'ZhaoLiu@2024', 'cadre', '13700000002', '', '', '']);
    ws.addRow(['钱七', 'qian.qi', 'QianQi@2024', '队长', '', '', '', '']); // unknown role
    ws.addRow(['孙八', 'sun.ba', 'SunBa@2024', '网格员', '1370000', 'SH-01', '', '']); // bad phone
    ws.addRow(['周九', 'zhou.jiu', 'ZhouJiu@2024', '网格员', '', '不存在的网格', '', '']); // unknown grid
    ws.addRow(['吴十', 'office', 'WuShi@20245', '网格员', '', '', '', '']); // taken username
    const file = path.join(tmp, 'roster.xlsx');
    await wb.xlsx.writeFile(file);
    const report = path.join(tmp, 'rejected.csv');

    const res = admin('roster:import', '--file', file, '--report', report);
    expect(res.status).toBe(3); // some rows rejected
    expect(res.stdout).toContain('共 6 行：导入 2 人，拒绝 4 行');
    expect(res.stdout).toContain('第 4 行（qian.qi）：角色“队长”无效');
    expect(res.stdout).toContain('第 5 行（sun.ba）：手机号：手机号应为 11 位数字');
    expect(res.stdout).toContain('第 6 行（zhou.jiu）：找不到网格“不存在的网格”');
    expect(res.stdout).toContain('第 7 行（office）：用户名已被使用');
    expect(res.stderr).toContain('6/6'); // the progress bar reached the end
    expect(fs.readFileSync(report, 'utf8').trim().split('\n')).toHaveLength(5);

    const wang = await UserModel.findOne({ username: 'wang.wu' }).populate('superior').lean();
    expect(wang).toMatchObject({ role: 'grid', wecomUserId: 'wangwu' });
    expect((wang!.superior as unknown as { username: string }).username).toBe('cadre.sh');
    expect(await UserModel.exists({ username: { $in: ['qian.qi', 'sun.ba', 'zhou.jiu'] } })).toBeNull();
  });
});
