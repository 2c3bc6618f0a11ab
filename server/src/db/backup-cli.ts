import path from 'node:path';
import { Command } from 'commander';
import mongoose from 'mongoose';
import { withDatabase } from '../core/cli';
import { BackupError, backupDatabase, restoreDatabase } from './backup';

/**
 * npm run db:backup -- --out FILE / npm run db:restore -- --in FILE [--force]: a logical backup of
 * this DATA_DIR's database (or MONGODB_URI's), found as seed:demo finds it: the running server's
 * embedded engine when it is up, otherwise one started for the command and stopped after it.
 */
const program = new Command('db').description('乡镇应急管理前台：数据库备份与恢复').showHelpAfterError();
const progress = (line: string) => process.stderr.write(`${line}\n`);

function database(): mongoose.mongo.Db {
  const db = mongoose.connection.db;
  if (!db) throw new Error('数据库未连接');
  return db;
}

program
  .command('backup')
  .description('把整个数据库备份到一个文件（gzip 压缩的 JSON 行）')
  .requiredOption('--out <file>', '备份文件路径，如 backup-2026-12-01.jsonl.gz')
  .action((opts: { out: string }) =>
    withDatabase(async () => {
      const file = path.resolve(opts.out);
      const s = await backupDatabase(database(), file, progress);
      process.stdout.write(`已备份 ${s.collections.length} 个集合、${s.documents} 条记录到 ${file}\n`);
    }),
  );

program
  .command('restore')
  .description('从备份文件恢复数据库；数据库已有数据时需加 --force（先删除现有数据）')
  .requiredOption('--in <file>', '备份文件路径')
  .option('--force', '覆盖已有数据的数据库', false)
  .action((opts: { in: string; force: boolean }) =>
    withDatabase(async () => {
      const file = path.resolve(opts.in);
      try {
        const s = await restoreDatabase(database(), file, { force: opts.force, progress });
        process.stdout.write(`已从 ${file} 恢复 ${s.collections.length} 个集合、${s.documents} 条记录\n`);
      } catch (e) {
        if (!(e instanceof BackupError)) throw e;
        process.stderr.write(`${e.message}\n`);
        process.exitCode = 2;
      }
    }),
  );

void program.parseAsync();
