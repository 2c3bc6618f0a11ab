import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startFerretDb, type FerretDbProcess } from '../../server/src/db/ferretdb';

/**
 * One embedded database server per test run (or MONGODB_URI when set); each test file then uses
 * its own database on it (see db.ts). The address reaches the workers through the environment.
 */
export default async function globalSetup() {
  if (process.env.MONGODB_URI) {
    process.env.TEST_MONGODB_URI = process.env.MONGODB_URI;
    return;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yingji-test-db-'));
  const db: FerretDbProcess = await startFerretDb({ sqliteDir: dir, bin: process.env.FERRETDB_BIN });
  process.env.TEST_MONGODB_URI = db.uri;
  (globalThis as Record<string, unknown>).__yingjiTestDb = { db, dir };
}
