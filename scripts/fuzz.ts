/**
 * `npm run fuzz`: schemathesis against the running product, as the town office.
 *
 * Installs schemathesis from PyPI into `.venv-fuzz/` (once; kept between runs), starts the server
 * on a free loopback port with a fresh DATA_DIR and the sample town (on the embedded database, or
 * on a fresh database of MONGODB_URI when set), logs in as office / Office@2024, and runs
 * schemathesis against /api/openapi.json with that token, bounded in time. Prints the operations,
 * the requests and every server error; fails on any 5xx other than a 503 the route documents.
 *
 * FUZZ_MAX_EXAMPLES (default 5) and FUZZ_TIME_LIMIT_S (default 240, at most 300) tune the run;
 * FUZZ_SEED repeats one.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
const VENV = path.join(ROOT, '.venv-fuzz');
const SCHEMATHESIS_SPEC = 'schemathesis>=4.3,<5';
const MAX_EXAMPLES = Number(process.env.FUZZ_MAX_EXAMPLES ?? 5);
const TIME_LIMIT_S = Math.min(Number(process.env.FUZZ_TIME_LIMIT_S ?? 240), 300);

const say = (line: string) => process.stdout.write(`[fuzz] ${line}\n`);

function ensureSchemathesis(): string {
  const bin = path.join(VENV, 'bin', 'schemathesis');
  const stamp = path.join(VENV, '.installed');
  if (fs.existsSync(bin) && fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === SCHEMATHESIS_SPEC) return bin;
  const python = process.env.PYTHON ?? 'python3';
  say(`installing ${SCHEMATHESIS_SPEC} into .venv-fuzz/ (once)`);
  const run = (cmd: string, args: string[]) => {
    const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: ROOT });
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status ?? r.signal})`);
  };
  if (!fs.existsSync(path.join(VENV, 'bin', 'pip'))) run(python, ['-m', 'venv', VENV]);
  run(path.join(VENV, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', SCHEMATHESIS_SPEC]);
  fs.writeFileSync(stamp, SCHEMATHESIS_SPEC);
  return bin;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/** MONGODB_URI with its database replaced by a fresh one, so the run starts from the sample town only. */
function freshDatabaseUri(uri: string): string {
  const u = new URL(uri);
  u.pathname = `/fuzz${crypto.randomBytes(4).toString('hex')}`;
  return u.toString();
}

async function waitForHealth(base: string, server: ChildProcess, timeoutMs: number) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (server.exitCode !== null) throw new Error(`the server stopped while starting (exit ${server.exitCode})`);
    try {
      const res = await fetch(`${base}/healthz`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error('the server did not become healthy in time');
}

interface HarEntry {
  request: { method: string; url: string; postData?: { text?: string } };
  response: { status: number; content?: { text?: string } };
}
interface OpenApi {
  paths: Record<string, Record<string, { responses?: Record<string, unknown> }>>;
}

/** `/api/tips/{id}` as a pattern matching `/api/tips/abc`; literal paths win over templated ones. */
function operationMatcher(doc: OpenApi) {
  const ops = Object.entries(doc.paths).flatMap(([p, methods]) =>
    Object.keys(methods).map((m) => ({
      method: m.toUpperCase(),
      path: p,
      re: new RegExp(`^${p.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[^}]+\\?\}|\{[^}]+\}/g, '[^/]+')}$`),
      params: (p.match(/\{/g) ?? []).length,
      documents503: Boolean(methods[m]?.responses?.['503']),
    })),
  );
  ops.sort((a, b) => a.params - b.params);
  return (method: string, urlPath: string) => ops.find((o) => o.method === method && o.re.test(urlPath));
}

/** The run's own database on MONGODB_URI is dropped afterwards (a failure to drop it is only reported). */
async function dropDatabase(uri: string) {
  const { default: mongoose } = await import('mongoose');
  try {
    const conn = await mongoose.createConnection(uri, { serverSelectionTimeoutMS: 5000 }).asPromise();
    await conn.dropDatabase();
    await conn.close();
  } catch (e) {
    say(`could not drop the run's database: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** One schemathesis pass (a phase) bounded in time; answers the requests it made, from its HAR report. */
async function runSchemathesis(bin: string, work: string, base: string, token: string, phase: string, limitS: number) {
  const har = path.join(work, `${phase}.har`);
  const args = [
    'run',
    `${base}/api/openapi.json`,
    '--header',
    `Authorization: Bearer ${token}`,
    '--checks',
    'not_a_server_error',
    '--max-examples',
    String(MAX_EXAMPLES),
    '--phases',
    phase,
    '--workers',
    '2',
    '--request-timeout',
    '20',
    '--suppress-health-check',
    'all',
    '--no-shrink',
    '--warnings',
    'off',
    '--continue-on-failure',
    '--report',
    'har',
    '--report-har-path',
    har,
    ...(process.env.FUZZ_SEED ? ['--seed', process.env.FUZZ_SEED] : []),
  ];
  say(`schemathesis ${phase}: at most ${MAX_EXAMPLES} examples per operation, ${limitS} s at most`);
  const st = spawn(bin, args, { cwd: work, stdio: ['ignore', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  st.stdout.on('data', (b: Buffer) => out.push(b));
  st.stderr.on('data', (b: Buffer) => out.push(b));
  // SIGINT lets schemathesis stop cleanly and still write its report.
  const killer = setTimeout(() => st.kill('SIGINT'), limitS * 1000);
  const code = await new Promise<number | null>((resolve) => st.once('close', (c) => resolve(c)));
  clearTimeout(killer);
  fs.writeFileSync(path.join(work, `schemathesis-${phase}.txt`), Buffer.concat(out));
  if (!fs.existsSync(har)) {
    process.stdout.write(Buffer.concat(out).toString('utf8').slice(-8000));
    throw new Error(`schemathesis ${phase} left no report (exit ${code})`);
  }
  const entries = (JSON.parse(fs.readFileSync(har, 'utf8')) as { log: { entries: HarEntry[] } }).log.entries;
  return { phase, code, entries };
}

async function main() {
  const schemathesis = ensureSchemathesis();
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'yingji-fuzz-'));
  const dataDir = path.join(work, 'data');
  fs.mkdirSync(dataDir);
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    NODE_ENV: 'development',
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    SKIP_CONSOLE_BUILD: 'true',
    LOG_LEVEL: 'error',
    SEED_DEMO: process.env.MONGODB_URI ? 'true' : 'auto',
  };
  if (process.env.MONGODB_URI) env.MONGODB_URI = freshDatabaseUri(process.env.MONGODB_URI);
  say(`starting the server on ${base} (DATA_DIR ${dataDir}, ${env.MONGODB_URI ? 'MONGODB_URI' : 'embedded database'})`);
  const serverLog = path.join(work, 'server.log');
  const logFd = fs.openSync(serverLog, 'a');
  const server = spawn(path.join(ROOT, 'node_modules', '.bin', 'tsx'), ['server/src/main.ts'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', logFd, logFd],
    detached: true,
  });
  const stopServer = () => {
    if (server.exitCode === null && server.pid) {
      try {
        process.kill(-server.pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
  };
  process.on('exit', stopServer);
  process.on('SIGINT', () => process.exit(130));
  process.on('SIGTERM', () => process.exit(143));

  let failed = false;
  try {
    await waitForHealth(base, server, 300_000);
    const login = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'office', password: 'Office@2024' }),
    });
    if (!login.ok) throw new Error(`login as office failed: ${login.status} ${await login.text()}`);
    const { token } = (await login.json()) as { token: string };
    const doc = (await (await fetch(`${base}/api/openapi.json`)).json()) as OpenApi;

    // Two passes: random fuzzing first, so every operation is tried within the budget, then the
    // coverage phase (boundary and negative cases, many per operation) for the time that is left.
    const started = Date.now();
    const deadline = started + TIME_LIMIT_S * 1000;
    const fuzzing = await runSchemathesis(schemathesis, work, base, token, 'fuzzing', Math.round(TIME_LIMIT_S * 0.45));
    const remaining = Math.max(10, Math.round((deadline - Date.now()) / 1000));
    const coverage = await runSchemathesis(schemathesis, work, base, token, 'coverage', remaining);
    const seconds = Math.round((Date.now() - started) / 1000);
    const entries = [...fuzzing.entries, ...coverage.entries];
    const match = operationMatcher(doc);
    const tested = new Set<string>();
    const errors: { op: string; entry: HarEntry }[] = [];
    let allowed503 = 0;
    let probes = 0;
    for (const e of entries) {
      const u = new URL(e.request.url);
      const op = match(e.request.method, u.pathname);
      const name = op ? `${op.method} ${op.path}` : `${e.request.method} ${u.pathname}`;
      if (op) tested.add(name);
      else probes++; // a method the path does not have (TRACE, QUERY, …): must be 405 or 501, never 5xx
      if (e.response.status < 500) continue;
      if (e.response.status === 503 && op?.documents503) {
        allowed503++;
        continue;
      }
      errors.push({ op: name, entry: e });
    }
    const operations = Object.values(doc.paths).reduce((n, m) => n + Object.keys(m).length, 0);
    say(`operations: ${tested.size} tested of ${operations} documented`);
    say(`requests: ${entries.length} in ${seconds} s, ${probes} of them with methods the paths do not have`);
    for (const r of [fuzzing, coverage])
      if (r.code !== 0)
        say(
          `schemathesis ${r.phase}: exit ${r.code} ${r.code === 130 ? '(stopped at the time limit)' : '(its own verdict: it counts documented 503s too)'}`,
        );
    if (allowed503) say(`documented 503 answers (not counted): ${allowed503}`);
    say(`server errors: ${errors.length}`);
    const byOp = new Map<string, { entry: HarEntry }[]>();
    for (const e of errors) byOp.set(e.op, [...(byOp.get(e.op) ?? []), e]);
    for (const [op, list] of byOp) {
      const first = list[0]!.entry;
      say(`  ${op}: ${list.length} × ${first.response.status}`);
      say(
        `    request: ${first.request.method} ${first.request.url} ${first.request.postData?.text?.slice(0, 300) ?? ''}`,
      );
      say(`    answer: ${(first.response.content?.text ?? '').slice(0, 300)}`);
    }
    if (errors.length) {
      const log = fs.readFileSync(serverLog, 'utf8').trim();
      if (log) say(`server log (errors):\n${log.slice(-6000)}`);
      failed = true;
    }
    say(`work files: ${work}`);
  } finally {
    stopServer();
    await new Promise((r) => (server.exitCode !== null ? r(null) : server.once('exit', r)));
    fs.closeSync(logFd);
    if (env.MONGODB_URI) await dropDatabase(env.MONGODB_URI);
  }
  process.exit(failed ? 1 : 0);
}

main().catch((e) => {
  process.stderr.write(`[fuzz] failed: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(2);
});
