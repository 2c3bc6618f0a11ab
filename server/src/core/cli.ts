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
