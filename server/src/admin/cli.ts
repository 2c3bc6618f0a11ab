import fs from 'node:fs';
import { Command, Option } from 'commander';
import { AppError, ROLES, TownAdminCreate, TownCreate, UserCreate } from '@yingji/shared';
import { rowProgress, withDatabase } from '../core/cli';
import { systemClock } from '../core/clock';
import { resolveTown } from '../people/service';
import { createUser } from '../people/service';
import { importRoster } from '../people/roster';
import { importPlaces, parsePlaces } from '../people/import-places';
import { createTown, createTownAdmin } from '../towns/service';

/** Changes made from the command line are audited as the server's administrator. */
const CLI_ACTOR = { name: '命令行', role: 'cli' };

/** npm run admin -- <command>: user management for the office's administrator. */
const program = new Command('admin').description('乡镇应急管理前台：管理命令').showHelpAfterError();

program
  .command('user:add')
  .description('添加一名用户')
  .requiredOption('--username <username>', '登录用户名')
  .requiredOption('--password <password>', '初始密码（至少 8 位）')
  .addOption(new Option('--role <role>', '角色').choices(ROLES).makeOptionMandatory())
  .requiredOption('--name <name>', '姓名')
  .option('--phone <phone>', '手机号')
  .option('--wecom-user-id <id>', '企业微信账号')
  .option('--village <village>', '所在村（社区）名称或编码')
  .option('--grids <grids>', '网格名称或编码，多个用逗号分隔')
  .option('--superior <username>', '上级的用户名')
  .option('--department <department>', '部门')
  .option('--town <code>', '乡镇编码（只有一个乡镇时可省略）')
  .action((opts) =>
    withDatabase(async (config) => {
      const input = UserCreate.safeParse({
        username: opts.username,
        password: opts.password,
        role: opts.role,
        name: opts.name,
        phone: opts.phone,
        wecomUserId: opts.wecomUserId,
        village: opts.village,
        grids: opts.grids ? String(opts.grids).split(/[,，]/) : undefined,
        superior: opts.superior,
        department: opts.department,
      });
      if (!input.success) {
        for (const i of input.error.issues) process.stderr.write(`--${String(i.path[0])}: ${i.message}\n`);
        process.exitCode = 2;
        return;
      }
      try {
        const town = await resolveTown(config, opts.town);
        const user = await createUser(town._id, input.data);
        process.stdout.write(`已添加用户 ${user.username}（${user.name}，${user.role}）到 ${town.name}\n`);
      } catch (e) {
        if (!(e instanceof AppError)) throw e;
        process.stderr.write(`${e.message}\n`);
        process.exitCode = 2;
      }
    }),
  );

program
  .command('roster:import')
  .description(
    '从 Excel 花名册导入人员（列：用户名、初始密码、角色、姓名、手机号、村/社区、网格、上级、企业微信账号、部门）',
  )
  .requiredOption('--file <xlsx>', 'Excel 文件')
  .option('--town <code>', '乡镇编码（只有一个乡镇时可省略）')
  .option('--report <file>', '把被拒绝的行写入此 CSV 文件')
  .action((opts) =>
    withDatabase(async (config) => {
      if (!fs.existsSync(opts.file)) throw new Error(`找不到文件 ${opts.file}`);
      const town = await resolveTown(config, opts.town);
      const progress = rowProgress();
      const report = await importRoster(town._id, opts.file, progress.update, config.IMPORT_MAX_ROWS);
      progress.stop();
      const existing = report.existing ? `，已存在 ${report.existing} 人（未改动）` : '';
      process.stdout.write(
        `共 ${report.total} 行：导入 ${report.created} 人${existing}，拒绝 ${report.rejected.length} 行\n`,
      );
      for (const r of report.rejected)
        process.stdout.write(`  第 ${r.row} 行${r.username ? `（${r.username}）` : ''}：${r.reason}\n`);
      if (opts.report) {
        const csv = [
          '行号,用户名,原因',
          ...report.rejected.map((r) => `${r.row},${csvCell(r.username ?? '')},${csvCell(r.reason)}`),
        ];
        fs.writeFileSync(opts.report, '\ufeff' + csv.join('\n') + '\n');
        process.stdout.write(`拒绝的行已写入 ${opts.report}\n`);
      }
      if (report.rejected.length) process.exitCode = 3;
    }),
  );

program
  .command('town:add')
  .description('新建一个乡镇（可同时建第一位管理员）')
  .requiredOption('--code <code>', '乡镇编码，2 到 8 个字母（用于隐患编号，如 XT）')
  .requiredOption('--name <name>', '乡镇名称')
  .option('--county <county>', '所属县（县应急局账号按此查看本县各镇）')
  .option('--admin-username <username>', '第一位管理员的用户名')
  .option('--admin-password <password>', '第一位管理员的初始密码（至少 8 位）')
  .option('--admin-name <name>', '第一位管理员的姓名')
  .action((opts) =>
    withDatabase(async () => {
      const input = TownCreate.safeParse({ code: opts.code, name: opts.name, county: opts.county });
      const adminInput = opts.adminUsername
        ? TownAdminCreate.safeParse({
            username: opts.adminUsername,
            password: opts.adminPassword,
            name: opts.adminName ?? opts.adminUsername,
          })
        : undefined;
      const issues = [...(input.success ? [] : input.error.issues), ...(adminInput?.error?.issues ?? [])];
      if (issues.length) {
        for (const i of issues) process.stderr.write(`--${String(i.path[0])}: ${i.message}\n`);
        process.exitCode = 2;
        return;
      }
      try {
        const town = await createTown({ clock: systemClock }, CLI_ACTOR, input.data!);
        process.stdout.write(`已新建乡镇 ${town.name}（${town.code}）\n`);
        if (adminInput?.data) {
          const u = await createTownAdmin({ clock: systemClock }, CLI_ACTOR, town._id, adminInput.data);
          process.stdout.write(`已添加管理员 ${u.username}\n`);
        }
      } catch (e) {
        if (!(e instanceof AppError)) throw e;
        process.stderr.write(`${e.message}\n`);
        process.exitCode = 2;
      }
    }),
  );

program
  .command('places:import')
  .description(
    '导入网格边界：GeoJSON、KML 或 Excel 角点表（列：村/社区、网格、经度、纬度）；有被拒绝的行则整个文件不导入',
  )
  .requiredOption('--file <file>', '.geojson / .json、.kml 或 .xlsx 文件')
  .option('--town <code>', '乡镇编码（只有一个乡镇时可省略）')
  .action((opts) =>
    withDatabase(async (config) => {
      if (!fs.existsSync(opts.file)) throw new Error(`找不到文件 ${opts.file}`);
      const ext = String(opts.file).toLowerCase().split('.').pop();
      const format = ext === 'kml' ? 'kml' : ext === 'xlsx' ? 'xlsx' : 'geojson';
      try {
        const town = await resolveTown(config, opts.town);
        const parsed = await parsePlaces(format, fs.readFileSync(opts.file));
        const progress = rowProgress();
        const report = await importPlaces(
          { clock: systemClock },
          { ...CLI_ACTOR, town: town._id },
          parsed,
          progress.update,
        );
        progress.stop();
        if (report.rejected.length) {
          process.stdout.write(`共 ${report.total} 行：拒绝 ${report.rejected.length} 行，整个文件未导入\n`);
          for (const r of report.rejected)
            process.stdout.write(`  第 ${r.row} 行${r.name ? `（${r.name}）` : ''}：${r.reason}\n`);
          process.exitCode = 3;
          return;
        }
        process.stdout.write(
          `已导入 ${report.created} 个网格到 ${town.name}${report.villagesCreated ? `，新建 ${report.villagesCreated} 个村（社区）` : ''}\n`,
        );
      } catch (e) {
        if (!(e instanceof AppError)) throw e;
        process.stderr.write(`${e.message}\n`);
        process.exitCode = 2;
      }
    }),
  );

function csvCell(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

program.parseAsync(process.argv).catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
