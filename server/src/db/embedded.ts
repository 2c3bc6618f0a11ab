import fs from 'node:fs';
import path from 'node:path';
import { pingOnce, startFerretDb } from './ferretdb';

/**
 * Where the database is: MONGODB_URI when set (and nothing else); otherwise the embedded FerretDB
 * for DATA_DIR. `npm start`, `seed:demo` and `admin` share one embedded server per DATA_DIR: the
 * process that starts it records its address in DATA_DIR/db.json, and a later command that finds
 * it answering uses it instead of starting a second one on the same files.
 */
export interface DatabaseLocation {
  uri: string;
  dbName: string;
  /** Where the address came from: the environment, a running embedded server, or one we started. */
  source: 'env' | 'shared' | 'started';
  /** Stops the embedded server if this process started it; otherwise does nothing. */
  release(): Promise<void>;
}

const DB_NAME = 'yingji';

interface RuntimeFile {
  uri: string;
  pid: number;
  ownerPid: number;
  startedAt: string;
}

export function runtimeFilePath(dataDir: string): string {
  return path.join(dataDir, 'db.json');
}

export async function locateDatabase(opts: {
  mongodbUri?: string;
  dataDir: string;
  ferretDbBin?: string;
  progress?: (line: string) => void;
}): Promise<DatabaseLocation> {
  if (opts.mongodbUri) {
    return {
      uri: opts.mongodbUri,
      dbName: dbNameFromUri(opts.mongodbUri) ?? DB_NAME,
      source: 'env',
      release: async () => {},
    };
  }
  const runtime = runtimeFilePath(opts.dataDir);
  const running = readRuntime(runtime);
  if (running && (await pingOnce(running.uri, 1500))) {
    return { uri: running.uri, dbName: DB_NAME, source: 'shared', release: async () => {} };
  }
  const db = await startFerretDb({
    sqliteDir: path.join(opts.dataDir, 'ferretdb'),
    bin: opts.ferretDbBin,
    progress: opts.progress,
  });
  const record: RuntimeFile = { uri: db.uri, pid: db.pid, ownerPid: process.pid, startedAt: new Date().toISOString() };
  fs.writeFileSync(runtime, JSON.stringify(record, null, 2));
  return {
    uri: db.uri,
    dbName: DB_NAME,
    source: 'started',
    release: async () => {
      await db.stop();
      const now = readRuntime(runtime);
      if (now?.pid === db.pid) fs.rmSync(runtime, { force: true });
    },
  };
}

function readRuntime(file: string): RuntimeFile | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as RuntimeFile;
  } catch {
    return undefined;
  }
}

/** The database named in a connection string's path, if any (mongodb://host/dbname?opts). */
export function dbNameFromUri(uri: string): string | undefined {
  const m = /^mongodb(?:\+srv)?:\/\/[^/]+\/([^?]+)/.exec(uri);
  return m?.[1] ? decodeURIComponent(m[1]) : undefined;
}
