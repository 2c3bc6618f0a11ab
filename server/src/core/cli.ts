import { Presets, SingleBar } from 'cli-progress';
import { ConfigError, loadConfig, type Config } from '../config';
import { openDatabase } from '../db/open';

/**
 * Run a command-line task against this DATA_DIR's database: the running server's embedded one if
 * it is up, otherwise one started for the task and stopped after it.
 */
export async function withDatabase(task: (config: Config) => Promise<void>): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(1);
    }
    throw e;
  }
  const db = await openDatabase(config);
  let failed = false;
  try {
    await task(config);
  } catch (e) {
    failed = true;
    process.stderr.write(`失败: ${e instanceof Error ? e.message : String(e)}\n`);
  } finally {
    await db.close();
  }
  process.exit(failed ? 1 : (process.exitCode ?? 0));
}

/**
 * A progress bar on stderr for a long import: call `update(done, total)` as rows are handled and
 * `stop()` at the end. Without a terminal it prints a line a second instead of redrawing.
 */
export function rowProgress(label = '导入'): { update(done: number, total: number): void; stop(): void } {
  const bar = new SingleBar(
    {
      format: `${label} [{bar}] {percentage}% | {value}/{total} 行`,
      stream: process.stderr,
      noTTYOutput: true,
      notTTYSchedule: 1000,
    },
    Presets.shades_classic,
  );
  let started = false;
  return {
    update(done, total) {
      if (!started) {
        bar.start(total, 0);
        started = true;
      }
      bar.update(done);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
