import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmbedded, type EmbeddedEngine } from '../../server/src/db/embedded';

/**
 * One embedded database engine per test run (or MONGODB_URI when set); each test file then uses
 * its own database on it (see db.ts). The address reaches the workers through the environment.
 */
export default async function globalSetup() {
  if (process.env.MONGODB_URI) {
    process.env.TEST_MONGODB_URI = process.env.MONGODB_URI;
    return;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yingji-test-db-'));
  // The cluster runs as the `postgres` user when the tests run as root: let it reach the folder.
  fs.chmodSync(dir, 0o755);
  const engine: EmbeddedEngine = await startEmbedded({
    dataDir: dir,
    ferretDbBin: process.env.FERRETDB_BIN,
    durable: false,
    progress: () => undefined,
  });
  process.env.TEST_MONGODB_URI = engine.uri;
  (globalThis as Record<string, unknown>).__yingjiTestDb = { engine, dir };
}
