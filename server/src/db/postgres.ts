import { execFile, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { EmbeddedDbError, Supervised, freePort, sleep, waitForPort, type Progress } from './supervised';

const run = promisify(execFile);

export const PG_MAJOR = 15;
export const PG_BIN = `/usr/lib/postgresql/${PG_MAJOR}/bin`;

/**
 * A private PostgreSQL 15 cluster with the DocumentDB extension, on a free loopback port, its
 * files under DATA_DIR/pg. PostgreSQL refuses to run as root, so a root process runs it as the
 * `postgres` user that Debian's package creates (spawned with that uid, not through a shell).
 * Local connections are trusted: it listens on 127.0.0.1 only and has no Unix socket.
 */
export interface PgCluster {
  port: number;
  dir: string;
  url: string;
  pid(): number | undefined;
  stop(): Promise<void>;
}

interface Owner {
  uid: number;
  gid: number;
}

/** The user PostgreSQL runs as: ourselves, or `postgres` when we are root. */
function owner(): Owner | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const uid = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (uid.status !== 0 || gid.status !== 0)
    throw new EmbeddedDbError(
      'running as root, but there is no `postgres` user to run PostgreSQL as (run npm run db:build)',
    );
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/**
 * Where the cluster lives: DATA_DIR/pg, unless the `postgres` user cannot reach DATA_DIR (e.g. it
 * is under /root); then a folder of its own under /var/lib/yingji, named after DATA_DIR.
 */
export function clusterDir(dataDir: string, who: Owner | undefined = owner()): string {
  const preferred = path.join(dataDir, 'pg');
  if (!who) return preferred;
  const reach = spawnSync('test', ['-x', dataDir], { uid: who.uid, gid: who.gid });
  if (reach.status === 0) return preferred;
  const id = crypto.createHash('sha256').update(fs.realpathSync(dataDir)).digest('hex').slice(0, 12);
  return path.join('/var/lib/yingji/clusters', id);
}

export function pgInstalled(): boolean {
  return fs.existsSync(path.join(PG_BIN, 'postgres'));
}

export async function startPostgres(opts: {
  dataDir: string;
  port?: number;
  /** false: no fsync (throw-away test clusters; a killed process still loses nothing it committed). */
  durable?: boolean;
  progress: Progress;
}): Promise<PgCluster> {
  if (!pgInstalled()) throw new EmbeddedDbError(`PostgreSQL ${PG_MAJOR} is not installed: run npm run db:build`);
  const who = owner();
  fs.mkdirSync(opts.dataDir, { recursive: true });
  const dir = clusterDir(opts.dataDir, who);
  const as = who ? { uid: who.uid, gid: who.gid } : {};
  if (!fs.existsSync(path.join(dir, 'PG_VERSION'))) await initCluster(dir, who, opts.progress);
  const port = opts.port ?? (await freePort());
  writeSettings(dir, port, opts.durable !== false);
  await stopOrphan(dir, who);

  const pg = new Supervised(
    {
      name: 'PostgreSQL',
      command: path.join(PG_BIN, 'postgres'),
      args: ['-D', dir],
      options: { ...as, cwd: dir },
      stopSignal: 'SIGINT', // fast shutdown: roll back open transactions, checkpoint, exit
      beforeStart: () => removeStalePid(dir),
      ready: async (child) => {
        if (!(await waitForPort(port, 60_000, () => child.exitCode === null))) return false;
        // Accepting TCP is not serving yet (crash recovery): wait for a query to answer.
        for (let i = 0; i < 600 && child.exitCode === null; i++) {
          if (
            await query(port, 'select 1').then(
              () => true,
              () => false,
            )
          )
            return true;
          await sleep(100);
        }
        return false;
      },
    },
    opts.progress,
  );
  await pg.start();
  await query(port, 'CREATE EXTENSION IF NOT EXISTS documentdb CASCADE').catch((e: Error) => {
    throw new EmbeddedDbError(`CREATE EXTENSION documentdb failed: ${e.message}`);
  });
  return {
    port,
    dir,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    pid: () => pg.pid,
    stop: () => pg.stop(),
  };
}

async function initCluster(dir: string, who: Owner | undefined, progress: Progress) {
  progress(`creating the database cluster in ${dir}`);
  // Parents readable by all (the postgres user must pass through them), the cluster itself private.
  fs.mkdirSync(path.dirname(dir), { recursive: true, mode: 0o755 });
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (who) fs.chownSync(dir, who.uid, who.gid);
  const args = ['-D', dir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-instructions'];
  const res = spawnSync(path.join(PG_BIN, 'initdb'), args, {
    encoding: 'utf8',
    cwd: dir,
    ...(who ? { uid: who.uid, gid: who.gid } : {}),
  });
  if (res.status !== 0) throw new EmbeddedDbError(`initdb failed: ${res.stderr || res.error?.message}`);
  fs.appendFileSync(path.join(dir, 'postgresql.conf'), "\ninclude_if_exists = 'yingji.conf'\n");
}

/** Our settings, rewritten at every start (the port is chosen anew). */
function writeSettings(dir: string, port: number, durable: boolean) {
  const lines = [
    '# Written by the server at every start (server/src/db/postgres.ts); edits are lost.',
    "listen_addresses = '127.0.0.1'",
    `port = ${port}`,
    "unix_socket_directories = ''",
    "shared_preload_libraries = 'pg_cron,pg_documentdb_core,pg_documentdb'",
    "cron.database_name = 'postgres'",
    // Debian's pg_cron 1.4 refuses the extension's default '2 seconds' schedule.
    'documentdb.indexBuildScheduleInSec = 60',
    // Indexes with one composite term per document instead of one term per path: inserting 200
    // deliveries (six indexes) took 190 ms with the default kind and 35 ms with this one, and a
    // compound condition is read as one range. It applies to indexes created from now on.
    'documentdb.defaultUseCompositeOpClass = on',
    'max_connections = 200',
    `fsync = ${durable ? 'on' : 'off'}`,
    `full_page_writes = ${durable ? 'on' : 'off'}`,
    "log_min_messages = 'warning'",
    "log_destination = 'stderr'",
  ];
  const file = path.join(dir, 'yingji.conf');
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
}

/**
 * A postmaster left running by a server that was killed (its children outlive it): stopped, so
 * this start owns the cluster. A pid file whose process is gone is left for PostgreSQL to handle,
 * except when the pid now belongs to another program (pids are reused after a reboot).
 */
async function stopOrphan(dir: string, who: Owner | undefined) {
  const pid = postmasterPid(dir);
  if (!pid) return;
  if (isPostgres(pid)) {
    spawnSync(path.join(PG_BIN, 'pg_ctl'), ['stop', '-D', dir, '-m', 'fast', '-w', '-t', '30'], {
      ...(who ? { uid: who.uid, gid: who.gid } : {}),
      stdio: 'ignore',
    });
    if (isPostgres(pid)) {
      process.kill(pid, 'SIGKILL');
      await sleep(500);
    }
  }
  removeStalePid(dir);
}

function removeStalePid(dir: string) {
  const pid = postmasterPid(dir);
  if (pid && !isPostgres(pid)) fs.rmSync(path.join(dir, 'postmaster.pid'), { force: true });
}

function postmasterPid(dir: string): number | undefined {
  try {
    const first = fs.readFileSync(path.join(dir, 'postmaster.pid'), 'utf8').split('\n')[0];
    const pid = Number(first);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isPostgres(pid: number): boolean {
  try {
    const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return /postgres/.test(cmd) && !/\) Z /.test(stat);
  } catch {
    return false;
  }
}

/** One SQL statement through psql (a client of the same Debian packages). */
export async function query(port: number, sql: string): Promise<string> {
  const { stdout } = await run(
    path.join(PG_BIN, 'psql'),
    ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-d', 'postgres', '-v', 'ON_ERROR_STOP=1', '-Atqc', sql],
    { timeout: 120_000, env: { ...process.env, PGCONNECT_TIMEOUT: '3' } },
  );
  return stdout.trim();
}
