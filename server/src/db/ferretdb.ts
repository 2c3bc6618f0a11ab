import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';

const { MongoClient } = mongoose.mongo;

/**
 * The embedded MongoDB-compatible server: FerretDB 1.24 with its SQLite backend.
 *
 * `go install …@v1.24.2` builds a binary that panics at start (the module zip lacks the generated
 * build/version/version.txt), so we download the module, copy it somewhere writable, write the
 * version file and `go build` inside the copy. The binary is cached outside the checkout, so
 * later runs (and CI on the same machine) start in seconds.
 */
export const FERRETDB_VERSION = 'v1.24.2';
const MODULE = 'github.com/FerretDB/FerretDB';

export function ferretDbCacheDir(): string {
  return process.env.FERRETDB_CACHE_DIR ?? path.join(os.homedir(), '.cache', 'yingji');
}

export function ferretDbBinaryPath(): string {
  return path.join(ferretDbCacheDir(), `ferretdb-${FERRETDB_VERSION}`);
}

type Progress = (line: string) => void;
const stderrProgress: Progress = (line) => process.stderr.write(`[ferretdb] ${line}\n`);

export class EmbeddedDbError extends Error {
  override name = 'EmbeddedDbError';
}

/** Returns the path of a working FerretDB binary, building it on first use. */
export async function ensureFerretDbBinary(progress: Progress = stderrProgress, explicit?: string): Promise<string> {
  if (explicit) {
    if (!fs.existsSync(explicit)) throw new EmbeddedDbError(`FERRETDB_BIN=${explicit} does not exist`);
    return explicit;
  }
  const bin = ferretDbBinaryPath();
  if (fs.existsSync(bin)) return bin;
  fs.mkdirSync(ferretDbCacheDir(), { recursive: true });
  const lock = `${bin}.lock`;
  // mkdir is atomic: one process builds, the others wait for the binary to appear.
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch {
      if (fs.existsSync(bin)) return bin;
      const age = Date.now() - (fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 20 * 60_000) fs.rmSync(lock, { recursive: true, force: true });
      else {
        progress('waiting for another process that is building FerretDB…');
        await sleep(3000);
      }
    }
  }
  try {
    if (fs.existsSync(bin)) return bin;
    await buildFerretDb(bin, progress);
    return bin;
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

async function buildFerretDb(bin: string, progress: Progress): Promise<void> {
  const go = spawnSync('go', ['version'], { encoding: 'utf8' });
  if (go.error || go.status !== 0) {
    throw new EmbeddedDbError(
      'Go is not installed, so the embedded database (FerretDB) cannot be built. ' +
        'Install Go 1.24 or newer, or set MONGODB_URI to a MongoDB server.',
    );
  }
  progress(`building FerretDB ${FERRETDB_VERSION} with ${go.stdout.trim()} (first run only; this takes a few minutes)`);
  const started = Date.now();
  const ticker = setInterval(() => progress(`still building… ${Math.round((Date.now() - started) / 1000)} s`), 15_000);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ferretdb-src-'));
  try {
    progress('step 1/3: downloading the Go module');
    const dl = await run('go', ['mod', 'download', '-json', `${MODULE}@${FERRETDB_VERSION}`], os.tmpdir());
    const dir = (JSON.parse(dl) as { Dir?: string }).Dir;
    if (!dir) throw new EmbeddedDbError(`go mod download gave no module folder: ${dl.slice(0, 500)}`);
    progress('step 2/3: preparing the source (writing build/version/version.txt)');
    fs.cpSync(dir, work, { recursive: true });
    spawnSync('chmod', ['-R', 'u+w', work]);
    fs.writeFileSync(path.join(work, 'build', 'version', 'version.txt'), `${FERRETDB_VERSION}\n`);
    progress('step 3/3: compiling (go build ./cmd/ferretdb)');
    const tmpBin = `${bin}.tmp-${process.pid}`;
    await run('go', ['build', '-trimpath', '-o', tmpBin, './cmd/ferretdb'], work);
    fs.renameSync(tmpBin, bin);
    progress(`built ${bin} in ${Math.round((Date.now() - started) / 1000)} s`);
  } finally {
    clearInterval(ticker);
    fs.rmSync(work, { recursive: true, force: true });
  }
}

function run(cmd: string, args: string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, GOFLAGS: '-mod=mod' } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve(out)
        : reject(new EmbeddedDbError(`${cmd} ${args.join(' ')} failed (exit ${code}):\n${err.slice(-2000)}`)),
    );
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export interface FerretDbProcess {
  uri: string;
  port: number;
  pid: number;
  stop(): Promise<void>;
}

/** Start FerretDB on a loopback port with its data in `sqliteDir`; resolves once it answers ping. */
export async function startFerretDb(opts: {
  sqliteDir: string;
  port?: number;
  bin?: string;
  progress?: Progress;
}): Promise<FerretDbProcess> {
  const bin = await ensureFerretDbBinary(opts.progress, opts.bin);
  fs.mkdirSync(opts.sqliteDir, { recursive: true });
  const port = opts.port ?? (await freePort());
  const child = spawn(
    bin,
    [
      '--handler=sqlite',
      `--sqlite-url=file:${opts.sqliteDir.replace(/\/?$/, '/')}`,
      `--listen-addr=127.0.0.1:${port}`,
      '--telemetry=disable',
      '--state-dir=-',
      '--debug-addr=-',
      '--log-level=warn',
      '--log-format=json',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const uri = `mongodb://127.0.0.1:${port}`;
  // Readiness by TCP accept: FerretDB listens only once its backend is open. (A driver client
  // here would leave monitoring timers behind in short-lived processes such as Jest's parent.)
  const ready = await Promise.race([waitForPort(port, 30_000), exited.then(() => 'exited' as const)]);
  if (ready !== true) {
    child.kill('SIGKILL');
    throw new EmbeddedDbError(
      ready === 'exited' ? `FerretDB exited at start:\n${stderr}` : `FerretDB did not answer within 30 s:\n${stderr}`,
    );
  }
  return { uri, port, pid: child.pid!, stop: () => stopChild(child, exited) };
}

async function stopChild(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = new Promise<false>((r) => setTimeout(() => r(false), 5000).unref());
  const done = await Promise.race([exited.then(() => true as const), timer]);
  if (!done) {
    child.kill('SIGKILL');
    await exited;
  }
}

/** True once something accepts TCP connections on 127.0.0.1:port. */
export async function waitForPort(port: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const sock = net.connect({ host: '127.0.0.1', port });
      sock.once('connect', () => {
        sock.destroy();
        resolve(true);
      });
      sock.once('error', () => resolve(false));
    });
    if (ok) return true;
    await sleep(100);
  }
  return false;
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
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: timeoutMs, connectTimeoutMS: timeoutMs });
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

function sleep(ms: number) {
  return new Promise((r) => setTimeout(r, ms));
}
