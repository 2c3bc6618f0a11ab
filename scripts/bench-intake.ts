/**
 * `npm run --silent bench:intake -- [--json]`: figures, not a test.
 *
 * Resident tips submitted per second (POST /api/tips over HTTP, 16 in flight) and the latency of
 * the office's hazard list (GET /api/hazards, default page), first with 1,000 and then with
 * 20,000 tips and hazards already stored, in one run on one engine (a fresh database per case).
 * The targets: tipsPerSecLarge ≥ 0.8 × tipsPerSecSmall, listP99MsLarge ≤ 1.5 × listP99MsSmall.
 *
 * Database: MONGODB_URI when set, else an embedded engine (PostgreSQL + DocumentDB + FerretDB)
 * in a temporary DATA_DIR, stopped at the end.
 * Options: --small N (1000) --large N (20000) --tips N (400) --lists N (200) --concurrency N (16) --json
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import mongoose, { Types } from 'mongoose';
import { HAZARD_CATEGORY_CODES, HAZARD_LEVELS, HAZARD_SOURCES, HAZARD_STATUSES, TIP_STATUSES } from '@yingji/shared';
import { createApp } from '../server/src/app';
import { loadConfig } from '../server/src/config';
import { signToken } from '../server/src/core/auth';
import { systemClock } from '../server/src/core/clock';
import type { AppServices } from '../server/src/core/context';
import { connectMongoose, disconnectMongoose } from '../server/src/db/connection';
import { startEmbedded, type EmbeddedEngine } from '../server/src/db/embedded';
import { seedDemoTown } from '../server/src/demo-seed';
import { HazardModel } from '../server/src/hazards/hazard.model';
import { createLogger } from '../server/src/logger';
import { GridModel, TownModel, UserModel } from '../server/src/people/models';
import { TipModel } from '../server/src/tips/tip.model';
import { load } from './bench-support';

const argv = process.argv.slice(2);
const arg = (name: string, dflt: number) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : dflt;
};
const JSON_OUT = argv.includes('--json');
const SMALL = arg('small', 1000);
const LARGE = arg('large', 20_000);
const TIPS = arg('tips', 400);
const LISTS = arg('lists', 200);
const CONCURRENCY = arg('concurrency', 16);
const TIPS_PER_HOUR = 10; // the default town limit: enough residents that none is refused
const BATCH = 250;

// Progress to stderr, so `--json` leaves stdout to the figures.
const say = (s: string) => process.stderr.write(`[bench] ${s}\n`);
const pick = <T>(xs: readonly T[], i: number): T => xs[i % xs.length]!;
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
function request(url: string, method: string, token: string, body?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { authorization: `Bearer ${token}` };
    if (body) Object.assign(headers, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    const req = http.request(url, { method, agent, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const HOUR = 3600 * 1000;
const DAY = 24 * HOUR;
/** Hour `k` of the two years before yesterday, spread evenly when `k` steps by a number prime to 17,520. */
const hoursAgo = (now: number, k: number) => new Date(now - (k % (730 * 24)) * HOUR - DAY);

/** `n` stored tips and `n` stored hazards of the sample town, spread over villages, grids, statuses and two years. */
async function bulkLoad(n: number, town: { _id: Types.ObjectId; code: string }) {
  const grids = await GridModel.find({ town: town._id }).select('village center').lean();
  const reporters = Array.from({ length: 200 }, (_, i) => ({
    _id: new Types.ObjectId(),
    town: town._id,
    username: `wx_hist_${i}`,
    role: 'resident',
    name: `居民${i}`,
  }));
  await UserModel.insertMany(reporters);
  const now = Date.now();
  const near = (i: number) => {
    const g = pick(grids, i);
    return { lat: g.center!.lat! + ((i % 7) - 3) * 1e-4, lng: g.center!.lng! + ((i % 5) - 2) * 1e-4 };
  };
  for (let from = 0; from < n; from += BATCH) {
    const size = Math.min(BATCH, n - from);
    const tips = Array.from({ length: size }, (_, k) => {
      const i = from + k;
      const g = pick(grids, i * 7);
      const status = pick(TIP_STATUSES, i);
      const submittedAt = hoursAgo(now, i * 7919);
      return {
        town: town._id,
        code: `${town.code}-HT-${String(i).padStart(6, '0')}`,
        reporter: pick(reporters, i)._id,
        reporterRole: 'resident',
        category: pick(HAZARD_CATEGORY_CODES, i * 3),
        description: `历史举报 ${i}：路边护栏松动，夜间无照明`,
        location: { ...near(i * 7), address: `第${i % 40}组` },
        village: g.village,
        grid: g._id,
        status,
        ...(status === 'rejected' ? { rejectReason: '经核实不属于隐患' } : {}),
        ...(status !== 'submitted' ? { triage: { byName: '值班员', at: new Date(submittedAt.getTime() + DAY) } } : {}),
        submittedAt,
        clientId: crypto.randomUUID(),
      };
    });
    await TipModel.insertMany(tips);
    const hazards = Array.from({ length: size }, (_, k) => {
      const i = from + k;
      const g = pick(grids, i * 11);
      // Most of a town's history is closed; the rest spread over the open states.
      const status = i % 4 === 0 ? pick(HAZARD_STATUSES, i) : 'closed';
      const discoveredAt = hoursAgo(now, i * 6151);
      const deadline = new Date(discoveredAt.getTime() + 15 * DAY);
      return {
        town: town._id,
        code: `${town.code}-HH-${String(i).padStart(6, '0')}`,
        category: pick(HAZARD_CATEGORY_CODES, i * 5),
        level: pick(HAZARD_LEVELS, i % 9 === 0 ? 1 : 0),
        status,
        source: pick(HAZARD_SOURCES, i),
        description: `历史隐患 ${i}：河道淤积，汛前需清理`,
        location: near(i * 11),
        village: g.village,
        grid: g._id,
        department: '应急管理办公室',
        acceptedAt: discoveredAt,
        deadline,
        overdue: status !== 'closed' && deadline.getTime() < now,
        discoveredAt,
        ...(status === 'closed' ? { closedAt: new Date(deadline.getTime() - DAY), closedOnTime: true } : {}),
        history: [{ at: discoveredAt, byName: '值班员', action: 'accept', to: 'accepted', note: '登记' }],
      };
    });
    await HazardModel.insertMany(hazards);
  }
}

async function runCase(uri: string, stored: number, config: ReturnType<typeof loadConfig>) {
  const dbName = `benchintake${stored}x${Date.now().toString(36)}`;
  await connectMongoose(uri, dbName);
  try {
    await seedDemoTown();
    const town = (await TownModel.findOne().select('code').lean())!;
    let t = performance.now();
    await bulkLoad(stored, town);
    say(`${stored}: loaded ${stored} tips and ${stored} hazards in ${round((performance.now() - t) / 1000)} s`);

    const services: AppServices = { config, clock: systemClock, log: createLogger('silent') };
    const office = await UserModel.create({
      town: town._id,
      username: `bench.office.${stored}`,
      role: 'office',
      name: '值班员',
    });
    const residents = await UserModel.insertMany(
      Array.from({ length: Math.ceil(TIPS / (TIPS_PER_HOUR - 1)) + 1 }, (_, i) => ({
        town: town._id,
        username: `wx_bench_${stored}_${i}`,
        role: 'resident',
        name: `居民${i}`,
      })),
    );
    const token = (id: Types.ObjectId, role: 'office' | 'resident') =>
      signToken(services, { id: String(id), town: String(town._id), role });
    const officeToken = token(office._id, 'office');
    const residentTokens = residents.map((r) => token(r._id, 'resident'));
    const grids = await GridModel.find({ town: town._id }).select('center').lean();

    const { app } = createApp(services);
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      let refused = 0;
      const submit = async (i: number) => {
        const g = pick(grids, i);
        const body = JSON.stringify({
          category: pick(HAZARD_CATEGORY_CODES, i),
          description: `路口井盖缺失，存在安全隐患（${i}）`,
          location: { lat: g.center!.lat! + (i % 3) * 1e-4, lng: g.center!.lng! },
          mediaIds: [],
          confidential: i % 10 === 0,
          clientId: crypto.randomUUID(),
        });
        const status = await request(`${base}/api/tips`, 'POST', pick(residentTokens, i), body);
        if (status !== 201) refused++;
      };
      const list = async () => {
        const status = await request(`${base}/api/hazards`, 'GET', officeToken);
        if (status !== 200) throw new Error(`GET /api/hazards answered ${status}`);
      };
      // Warm-up, after the load: plans, caches and the town's config, as on a server that has been up.
      await load(20, 4, submit);
      await load(20, 1, list);
      refused = 0;

      t = performance.now();
      const tips = await load(TIPS, CONCURRENCY, (i) => submit(i + 20));
      if (refused) throw new Error(`${refused} of ${TIPS} tips were refused`);
      say(`${stored}: ${TIPS} tips in ${round((performance.now() - t) / 1000)} s, p50 ${round(tips.p50)} ms`);
      const lists = await load(LISTS, 1, list);
      say(`${stored}: GET /api/hazards p50 ${round(lists.p50)} ms, p99 ${round(lists.p99)} ms`);
      return { tipsPerSec: tips.perSec, tipP99: tips.p99, listP50: lists.p50, listP99: lists.p99 };
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  } finally {
    await mongoose.connection.dropDatabase().catch(() => undefined);
    await disconnectMongoose();
  }
}

async function main() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'yingji-bench-intake-'));
  fs.chmodSync(tmp, 0o755); // the engine may run as another user than root
  let engine: EmbeddedEngine | undefined;
  let uri = process.env.MONGODB_URI;
  try {
    if (!uri) {
      say('starting the embedded engine (PostgreSQL + DocumentDB + FerretDB) …');
      engine = await startEmbedded({ dataDir: path.join(tmp, 'data'), progress: (l) => say(l) });
      uri = engine.uri;
    }
    const config = loadConfig({
      NODE_ENV: 'test',
      DATA_DIR: tmp,
      JWT_SECRET: 'bench-secret-bench-secret-bench-secret',
      LOG_LEVEL: 'silent',
    });
    const small = await runCase(uri, SMALL, config);
    const large = await runCase(uri, LARGE, config);
    const figures = {
      small: SMALL,
      large: LARGE,
      tipsPerSecSmall: round(small.tipsPerSec),
      tipsPerSecLarge: round(large.tipsPerSec),
      listP99MsSmall: round(small.listP99),
      listP99MsLarge: round(large.listP99),
    };
    if (JSON_OUT) {
      process.stdout.write(JSON.stringify(figures) + '\n');
    } else {
      const row = (label: string, s: number, l: number, target: string) =>
        `${label.padEnd(26)}${String(round(s)).padStart(10)}${String(round(l)).padStart(10)}   ${target}`;
      process.stdout.write(
        [
          `${'stored tips and hazards'.padEnd(26)}${String(SMALL).padStart(10)}${String(LARGE).padStart(10)}`,
          row(
            'tips submitted / s',
            small.tipsPerSec,
            large.tipsPerSec,
            `large ≥ 0.8 × small: ${large.tipsPerSec >= 0.8 * small.tipsPerSec ? 'yes' : 'NO'}`,
          ),
          row('tip p99 ms', small.tipP99, large.tipP99, ''),
          row('GET /api/hazards p50 ms', small.listP50, large.listP50, ''),
          row(
            'GET /api/hazards p99 ms',
            small.listP99,
            large.listP99,
            `large ≤ 1.5 × small: ${large.listP99 <= 1.5 * small.listP99 ? 'yes' : 'NO'}`,
          ),
        ].join('\n') + '\n',
      );
    }
  } finally {
    await engine?.stop();
    agent.destroy();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
