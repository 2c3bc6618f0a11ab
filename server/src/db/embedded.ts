import fs from 'node:fs';
import path from 'node:path';
import { ensureEngine, pingOnce, startFerretDb, type FerretDbProcess } from './ferretdb';
import { startPostgres, type PgCluster } from './postgres';
import type { Progress } from './supervised';

/**
 * Where the database is: MONGODB_URI when set (and nothing else); otherwise the embedded engine
 * for DATA_DIR (PostgreSQL + DocumentDB under FerretDB). `npm start`, `seed:demo`, `admin` and a
 * second server process share one engine per DATA_DIR: the process that starts it records its
 * address in DATA_DIR/db.json, and a later process that finds it answering (and its starter
 * alive) uses it instead of starting a second one on the same files.
 */
export interface DatabaseLocation {
  uri: string;
  dbName: string;
  /** Where the address came from: the environment, a running embedded engine, or one we started. */
  source: 'env' | 'shared' | 'started';
  /** The engine's processes, when this process started (and supervises) them. */
  engine?: EmbeddedEngine;
  /** Stops the embedded engine if this process started it; otherwise does nothing. */
  release(): Promise<void>;
}

const DB_NAME = 'yingji';

interface RuntimeFile {
  uri: string;
  ownerPid: number;
  pgPort: number;
  pgPid?: number;
  ferretPid?: number;
  startedAt: string;
}

export interface EmbeddedEngine {
  uri: string;
  pg: PgCluster;
  ferret: FerretDbProcess;
  stop(): Promise<void>;
}

const quiet: Progress = (line) => process.stderr.write(`[db] ${line}\n`);

/** Start PostgreSQL and FerretDB for `dataDir`, both supervised (restarted when they die). */
export async function startEmbedded(opts: {
  dataDir: string;
  ferretDbBin?: string;
  durable?: boolean;
  progress?: Progress;
}): Promise<EmbeddedEngine> {
  const progress = opts.progress ?? quiet;
  const bin = await ensureEngine(progress, opts.ferretDbBin);
  const pg = await startPostgres({ dataDir: opts.dataDir, durable: opts.durable, progress });
  let ferret: FerretDbProcess;
  try {
    ferret = await startFerretDb({
      postgresUrl: pg.url,
      stateDir: path.join(opts.dataDir, 'ferretdb-state'),
      bin,
      progress,
    });
  } catch (e) {
    await pg.stop();
    throw e;
  }
  return {
    uri: ferret.uri,
    pg,
    ferret,
    async stop() {
      await ferret.stop();
      await pg.stop();
    },
  };
}

export function runtimeFilePath(dataDir: string): string {
  return path.join(dataDir, 'db.json');
}

export async function locateDatabase(opts: {
  mongodbUri?: string;
  dataDir: string;
  ferretDbBin?: string;
  durable?: boolean;
  progress?: Progress;
}): Promise<DatabaseLocation> {
  if (opts.mongodbUri) {
    return {
      uri: opts.mongodbUri,
      dbName: dbNameFromUri(opts.mongodbUri) ?? DB_NAME,
      source: 'env',
      release: async () => {},
    };
  }
  fs.mkdirSync(opts.dataDir, { recursive: true });
  const runtime = runtimeFilePath(opts.dataDir);
  const running = readRuntime(runtime);
  if (running && alive(running.ownerPid) && (await pingOnce(running.uri, 1500))) {
    return { uri: running.uri, dbName: DB_NAME, source: 'shared', release: async () => {} };
  }
  // A starter that died (killed, or the machine restarted) may have left its engine running.
  if (running) stopLeftovers(running);
  const engine = await startEmbedded(opts);
  const record: RuntimeFile = {
    uri: engine.uri,
    ownerPid: process.pid,
    pgPort: engine.pg.port,
    pgPid: engine.pg.pid(),
    ferretPid: engine.ferret.pid(),
    startedAt: new Date().toISOString(),
  };
  fs.writeFileSync(runtime, JSON.stringify(record, null, 2));
  return {
    uri: engine.uri,
    dbName: DB_NAME,
    source: 'started',
    engine,
    release: async () => {
      await engine.stop();
      if (readRuntime(runtime)?.ownerPid === process.pid) fs.rmSync(runtime, { force: true });
    },
  };
}

/** FerretDB left behind is killed; PostgreSQL's own orphan is stopped cleanly by startPostgres. */
function stopLeftovers(r: RuntimeFile) {
  if (r.ferretPid && alive(r.ferretPid) && cmdline(r.ferretPid).includes('ferretdb')) {
    try {
      process.kill(r.ferretPid, 'SIGKILL');
    } catch {
      /* gone already */
    }
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function cmdline(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
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
