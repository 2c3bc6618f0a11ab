import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { PG_BIN } from './postgres';
import { EmbeddedDbError, Supervised, freePort, sleep, waitForPort, type Progress } from './supervised';

const { MongoClient } = mongoose.mongo;

/**
 * FerretDB v2.5.0: the MongoDB wire protocol over PostgreSQL + DocumentDB. Built once from its Go
 * module by `server/src/db/engine/build.sh` (npm run db:build) and kept in the cache folder.
 */
export const FERRETDB_VERSION = 'v2.5.0';

export function engineCacheDir(): string {
  return process.env.YINGJI_CACHE_DIR ?? process.env.FERRETDB_CACHE_DIR ?? path.join(os.homedir(), '.cache', 'yingji');
}

export function ferretDbBinaryPath(): string {
  return path.join(engineCacheDir(), `ferretdb-${FERRETDB_VERSION}`);
}

const BUILD_SCRIPT = path.join(__dirname, 'engine', 'build.sh');
const stderrProgress: Progress = (line) => process.stderr.write(`[db] ${line}\n`);

/** True when the engine looks built and installed (what build.sh checks thoroughly, in a glance). */
function engineLooksReady(bin: string): boolean {
  const lib = `/usr/lib/postgresql/15/lib`;
  return (
    fs.existsSync(bin) &&
    fs.existsSync(path.join(PG_BIN, 'postgres')) &&
    fs.existsSync(path.join(lib, 'pg_documentdb.so')) &&
    fs.existsSync('/usr/share/postgresql/15/extension/documentdb.control')
  );
}

/**
 * Makes sure PostgreSQL, the extension and FerretDB are there, building them on first use
 * (npm run db:build does the same ahead of time). Returns the FerretDB binary.
 */
export async function ensureEngine(progress: Progress = stderrProgress, explicitBin?: string): Promise<string> {
  if (explicitBin && !fs.existsSync(explicitBin))
    throw new EmbeddedDbError(`FERRETDB_BIN=${explicitBin} does not exist`);
  const bin = explicitBin ?? ferretDbBinaryPath();
  if (engineLooksReady(bin)) return bin;
  progress('the embedded database is not built yet: building it once (PostgreSQL + DocumentDB + FerretDB)');
  await runBuild(progress);
  if (!engineLooksReady(bin)) throw new EmbeddedDbError('the embedded database build finished but is incomplete');
  return bin;
}

/** Runs build.sh, passing its progress lines on. Exit 3: a step needs root (the message says which). */
export function runBuild(progress: Progress = stderrProgress): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [BUILD_SCRIPT], { stdio: ['ignore', 'pipe', 'pipe'] });
    let tail = '';
    const onData = (d: Buffer) => {
      for (const line of d.toString().split('\n')) {
        if (!line.trim()) continue;
        tail = `${tail}\n${line}`.slice(-4000);
        if (line.startsWith('[db:build]')) progress(line.replace(/^\[db:build\]\s*/, ''));
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve()
        : reject(new EmbeddedDbError(`building the embedded database failed (exit ${code}):${tail}`)),
    );
  });
}

export interface FerretDbProcess {
  uri: string;
  port: number;
  pid(): number | undefined;
  stop(): Promise<void>;
}

/** Starts FerretDB on a loopback port in front of the PostgreSQL at `postgresUrl`; supervised. */
export async function startFerretDb(opts: {
  postgresUrl: string;
  stateDir: string;
  port?: number;
  bin?: string;
  progress?: Progress;
}): Promise<FerretDbProcess> {
  const progress = opts.progress ?? stderrProgress;
  const bin = opts.bin ?? (await ensureEngine(progress));
  fs.mkdirSync(opts.stateDir, { recursive: true });
  const port = opts.port ?? (await freePort());
  const proc = new Supervised(
    {
      name: 'FerretDB',
      command: bin,
      args: [
        `--postgresql-url=${opts.postgresUrl}`,
        `--listen-addr=127.0.0.1:${port}`,
        '--no-auth',
        `--state-dir=${opts.stateDir}`,
        '--telemetry=disable',
        '--debug-addr=',
        '--log-level=WARN',
        '--log-format=json',
      ],
      ready: async (child) => {
        if (!(await waitForPort(port, 30_000, () => child.exitCode === null))) return false;
        for (let i = 0; i < 100 && child.exitCode === null; i++) {
          if (await pingOnce(`mongodb://127.0.0.1:${port}/`, 2000)) return true;
          await sleep(100);
        }
        return false;
      },
    },
    progress,
  );
  await proc.start();
  return { uri: `mongodb://127.0.0.1:${port}/`, port, pid: () => proc.pid, stop: () => proc.stop() };
}

/** True once a MongoDB-compatible server at `uri` answers ping. */
export async function waitForPing(uri: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await pingOnce(uri)) return true;
    await sleep(150);
  }
  return false;
}

export async function pingOnce(uri: string, timeoutMs = 1000): Promise<boolean> {
  const client = new MongoClient(uri, {
    serverSelectionTimeoutMS: timeoutMs,
    connectTimeoutMS: timeoutMs,
    socketTimeoutMS: timeoutMs,
  });
  try {
    await client.connect();
    await client.db('admin').command({ ping: 1 });
    return true;
  } catch {
    return false;
  } finally {
    await client.close().catch(() => undefined);
  }
}
