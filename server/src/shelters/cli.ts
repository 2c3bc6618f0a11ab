import fs from 'node:fs';
import { Command } from 'commander';
import { rowProgress, withDatabase } from '../core/cli';
import { resolveTown } from '../people/service';
import { importHazardPoints, importShelters, type ImportReport } from './import';
import { seedDemoResources } from './seed';

/**
 * npm run import -- <command>: the office's Excel imports of shelters and of hazard points with
 * their transfer plans, with a progress bar; and the demo town's sample resources.
 */
const program = new Command('import')
  .description('乡镇应急管理前台：导入避难场所、隐患点（转移方案）')
  .showHelpAfterError();

type Importer = (
  town: Awaited<ReturnType<typeof resolveTown>>['_id'],
  file: string,
  onProgress: (done: number, total: number) => void,
  maxRows: number,
) => Promise<ImportReport>;

function importCommand(name: string, alias: string, description: string, run: Importer) {
  program
    .command(name)
    .alias(alias)
    .description(description)
    .requiredOption('--file <xlsx>', 'Excel 文件')
    .option('--town <code>', '乡镇编码（只有一个乡镇时可省略）')
    .action((opts) =>
      withDatabase(async (config) => {
        if (!fs.existsSync(opts.file)) throw new Error(`找不到文件 ${opts.file}`);
        const town = await resolveTown(config, opts.town);
        const progress = rowProgress();
        const report = await run(town._id, opts.file, progress.update, config.IMPORT_MAX_ROWS);
        progress.stop();
        process.stdout.write(
          `共 ${report.total} 行：新增 ${report.created}，更新 ${report.updated}，拒绝 ${report.rejected.length} 行\n`,
        );
        for (const r of report.rejected)
          process.stdout.write(`  第 ${r.row} 行${r.name ? `（${r.name}）` : ''}：${r.reason}\n`);
        if (report.rejected.length) process.exitCode = 3;
      }),
    );
}

importCommand(
  'shelters:import',
  'shelters',
  '从 Excel 导入避难场所（列：编号、名称、地址、纬度、经度、容纳人数、联系人、联系电话、设施、是否开放、村/社区）',
  importShelters,
);
importCommand(
  'hazard-points:import',
  'hazard-points',
  '从 Excel 导入隐患点及转移方案（列：编号、名称、类型、纬度、经度、网格、村/社区、转移条件、转移人数、户数、组织人、组织人电话、避难场所、管理措施）',
  importHazardPoints,
);

program
  .command('resources:demo')
  .description('为示例乡镇载入示例避难场所、隐患点、救援队伍和装备')
  .option('--town <code>', '乡镇编码', 'SZ')
  .action((opts) =>
    withDatabase(async () => {
      const r = await seedDemoResources(undefined, opts.town);
      process.stdout.write(
        `已载入：避难场所 ${r.created.shelters}，隐患点 ${r.created.hazardPoints}，救援队伍 ${r.created.rescueTeams}，装备 ${r.created.equipment}\n`,
      );
    }),
  );

program.parseAsync(process.argv).catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
