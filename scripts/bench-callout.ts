/**
 * `npm run bench:callout`: figures, not a test.
 *
 * 1. Fan-out: a call-out to 10,000 recipients in 200 groups (one WeCom group robot per grid),
 *    sent through the outbox to the fake WeCom server on loopback (in a process of its own, as
 *    WeCom is not in ours: bench-fake-wecom.ts). Prints the time until every
 *    delivery was handed to the fake, and its ratio to the floor the channel limits allow.
 * 2. Acknowledgement intake: encrypted WeCom callbacks (card clicks) per second with p50/p99,
 *    beside a bare Koa endpoint doing one insert into the same database, in the same run; and
 *    the API route POST /api/callouts/:id/ack for comparison.
 *
 * Database: MONGODB_URI when set, else a fresh embedded engine (PostgreSQL + DocumentDB +
 * FerretDB) in a temporary folder.
 * Options: --recipients N (10000) --groups N (200) --acks N (1000, at most half the recipients:
 * the ack route and the card clicks each use people who have not answered yet; each is measured
 * after up to 50 answers of its own kind from others, as is the bare insert) --concurrency N (16)
 * --rtt-ms N (50: the fake WeCom answers each API call after this long) --json (the figures as
 * one JSON object on the last line).
 */
import { fork } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import Koa from 'koa';
import mongoose, { Types } from 'mongoose';
import { encrypt, getSignature } from '@wecom/crypto';
import { createApp } from '../server/src/app';
import { loadConfig } from '../server/src/config';
import { signToken } from '../server/src/core/auth';
import { systemClock } from '../server/src/core/clock';
import type { AppServices } from '../server/src/core/context';
import { connectMongoose } from '../server/src/db/connection';
import { startEmbedded, type EmbeddedEngine } from '../server/src/db/embedded';
import { createLogger } from '../server/src/logger';
import { acksCounted } from '../server/src/callouts/ack-tally';
import { CalloutModel, CalloutRecipientModel, recipientsOf } from '../server/src/callouts/callout.model';
import { DeliveryModel } from '../server/src/outbox/delivery.model';
import { Scheduler } from '../server/src/core/scheduler';
import { outboxModule } from '../server/src/outbox/routes';
import { ChatGroupModel, GridModel, TownModel, UserModel, VillageModel } from '../server/src/people/models';
import type { FakeReport } from './bench-fake-wecom';
import { load } from './bench-support';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const RECIPIENTS = arg('recipients', 10_000);
const GROUPS = arg('groups', 200);
const ACKS = Math.min(arg('acks', 1000), Math.floor(RECIPIENTS / 2));
/** Answers of each kind before its measured ones, from people beyond the measured 2 × ACKS. */
const WARM_UP = Math.max(0, Math.min(50, Math.floor((RECIPIENTS - 2 * ACKS) / 2)));
const CONCURRENCY = arg('concurrency', 16);
const RTT_MS = arg('rtt-ms', 50);
const JSON_OUT = process.argv.includes('--json');
/** Calls the outbox workers keep in flight (their pool, OUTBOX_CONCURRENCY), for the floor. */
const IN_FLIGHT = 16;
// 43 characters of [A-Za-z0-9] that decode to 32 bytes, as WeCom issues them.
const AES_KEY = crypto.randomBytes(32).toString('base64').replace(/[+/=]/g, 'A').slice(0, 42) + 'A';
const CB_TOKEN = 'bench-callback-token';

const log = (s: string) => (JSON_OUT ? process.stderr : process.stdout).write(s + '\n');
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
function post(url: string, body: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: 'POST', agent, headers: { 'content-length': Buffer.byteLength(body), ...headers } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function main() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'yingji-bench-'));
  fs.chmodSync(tmp, 0o755); // the cluster runs as the postgres user when we are root
  let engine: EmbeddedEngine | undefined;
  let uri = process.env.MONGODB_URI;
  if (!uri) {
    log('starting an embedded engine (PostgreSQL + DocumentDB + FerretDB) …');
    engine = await startEmbedded({ dataDir: tmp, ferretDbBin: process.env.FERRETDB_BIN, progress: log });
    uri = engine.uri;
  }
  const dbName = `bench${Date.now().toString(36)}`;
  await connectMongoose(uri, dbName);
  const fake = await forkFakeWecom('ww-bench', RTT_MS);
  const config = loadConfig({
    NODE_ENV: 'test',
    DATA_DIR: tmp,
    JWT_SECRET: 'bench-secret-bench-secret-bench-secret',
    LOG_LEVEL: 'silent',
    WECOM_CORP_ID: fake.corpId,
    WECOM_SECRET: fake.secret,
    WECOM_AGENT_ID: String(fake.agentId),
    WECOM_API_BASE: fake.base,
    WECOM_TOKEN: CB_TOKEN,
    WECOM_ENCODING_AES_KEY: AES_KEY,
    BOT_TOKEN: 'bench-bot-token-0123456789',
    OUTBOX_CONCURRENCY: String(IN_FLIGHT),
  });
  const services: AppServices = { config, clock: systemClock, log: createLogger('silent') };

  // ---- the town: GROUPS grids (10 per village), RECIPIENTS grid members, one robot per grid ----
  const t = performance.now();
  const town = await TownModel.create({ code: 'BZ', name: '测试镇', config: {} });
  const villages = await VillageModel.insertMany(
    Array.from({ length: Math.ceil(GROUPS / 10) }, (_, i) => ({ town: town._id, code: `V${i}`, name: `第${i}村` })),
  );
  const grids = await GridModel.insertMany(
    Array.from({ length: GROUPS }, (_, i) => ({
      town: town._id,
      village: villages[Math.floor(i / 10)]!._id,
      code: `G${i}`,
      name: `第${i}网格`,
    })),
  );
  const users = Array.from({ length: RECIPIENTS }, (_, i) => ({
    _id: new Types.ObjectId(),
    town: town._id,
    username: `bench.${i}`,
    role: 'grid',
    name: `网格员${i}`,
    grids: [grids[i % GROUPS]!._id],
    village: grids[i % GROUPS]!.village,
    wecomUserId: `u${i}`,
  }));
  for (let i = 0; i < users.length; i += 2000) await UserModel.insertMany(users.slice(i, i + 2000));
  const office = await UserModel.create({ town: town._id, username: 'bench.office', role: 'office', name: '值班员' });
  await ChatGroupModel.insertMany(
    grids.map((g, i) => ({
      town: town._id,
      channel: 'wecom_robot',
      externalId: `robot-${i}`,
      name: `${g.name}群`,
      grid: g._id,
    })),
  );
  log(`seeded ${RECIPIENTS} recipients in ${GROUPS} groups in ${((performance.now() - t) / 1000).toFixed(1)} s`);

  const { app } = createApp(services);
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const officeToken = signToken(services, { id: String(office._id), town: String(town._id), role: 'office' });

  // ---- 1. fan-out, through the product's own outbox workers (woken by the enqueue) ----
  const workers = new Scheduler(services);
  workers.start(outboxModule.jobs!.filter((j) => j.name === 'outbox:wecom_app' || j.name === 'outbox:wecom_robot'));
  await new Promise((r) => setTimeout(r, 200)); // their first passes, on an empty outbox
  const t0 = Date.now();
  const res = await fetch(`${base}/api/callouts`, {
    method: 'POST',
    headers: { authorization: `Bearer ${officeToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ title: '暴雨红色预警', level: 'red', body: '请立即巡查隐患点并组织转移。' }),
  });
  const created = (await res.json()) as { id: string; recipients: number };
  if (res.status !== 201) throw new Error(`POST /api/callouts answered ${res.status}: ${JSON.stringify(created)}`);
  const tCreated = Date.now();
  const deliveries = await DeliveryModel.countDocuments({ 'source.id': created.id });
  for (;;) {
    // (By its index, and not too often: the figure is the fake's clock, this only ends the wait.)
    const open = await DeliveryModel.countDocuments({
      'source.kind': 'callout',
      'source.id': created.id,
      state: { $in: ['pending', 'sending'] },
    });
    if (open === 0) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  // The answers below are measured as intake: the card updates they cause are enqueued, not sent.
  await workers.stop();
  const got = await fake.report();
  const lastAt = Math.max(...got.received.map((r) => r.at));
  const handedOverMs = lastAt - t0;
  const batchCalls = await DeliveryModel.countDocuments({ 'source.id': created.id, channel: 'wecom_app' });
  const robotCalls = await DeliveryModel.countDocuments({ 'source.id': created.id, channel: 'wecom_robot' });
  // The fewest calls the channel rules allow: one app message per ≤ 1,000 members, one robot
  // message per group; IN_FLIGHT of them at a time, each taking one round trip.
  const calls = Math.ceil(RECIPIENTS / 1000) + GROUPS;
  const floorMs = Math.ceil(calls / IN_FLIGHT) * RTT_MS;
  const people = new Set(got.received.filter((r) => r.api === 'message').map((r) => r.to)).size;
  log('');
  log('== fan-out ==');
  log(
    `recipients ${created.recipients}, groups ${GROUPS}; deliveries ${deliveries} (${batchCalls} WeCom message/send batches of ≤1000, ${robotCalls} robot messages)`,
  );
  log(`issue request answered in ${((tCreated - t0) / 1000).toFixed(2)} s`);
  const calledAt = got.calls.filter((c) => c.path !== '/cgi-bin/gettoken').map((c) => c.at);
  log(
    `first call after ${Math.min(...calledAt) - t0} ms; ${calledAt.filter((at) => at <= tCreated).length} of ${calledAt.length} calls answered before the request was`,
  );
  log(`every delivery handed to the fake after ${handedOverMs} ms (${people} members reached; dropped ${got.dropped})`);
  log(
    `floor: ${calls} calls, ${IN_FLIGHT} in flight, ${RTT_MS} ms each = ${floorMs} ms; ratio ${(handedOverMs / floorMs).toFixed(1)}×`,
  );

  // ---- 2. acknowledgement intake ----
  // Each kind of answer is measured after a few answers of its own (WARM_UP at 4 in flight) from
  // people outside the measured ones, as on a server where the first answers came in before the
  // burst: the figures are of the burst, not of the code's first run in this process.
  const spare = users.slice(ACKS * 2);
  const warmUsers = { ack: spare.slice(0, WARM_UP), click: spare.slice(WARM_UP, WARM_UP * 2) };
  const nowSec = Math.floor(Date.now() / 1000); // callbacks far from now are refused as replays
  const cardClicks = (who: typeof users, tag: string) =>
    who.map((u, i) => {
      const xml = `<xml><ToUserName><![CDATA[${fake.corpId}]]></ToUserName><FromUserName><![CDATA[${u.wecomUserId}]]></FromUserName><CreateTime>${nowSec}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[template_card_event]]></Event><EventKey><![CDATA[ack:${created.id}]]></EventKey><TaskId><![CDATA[co-${created.id}-notify-b0]]></TaskId><CardType><![CDATA[button_interaction]]></CardType><ResponseCode><![CDATA[rc${tag}${i}]]></ResponseCode><AgentID>${fake.agentId}</AgentID></xml>`;
      const enc = encrypt(AES_KEY, xml, fake.corpId);
      const ts = String(nowSec);
      const nonce = `${tag}${i}`;
      const sig = getSignature(CB_TOKEN, ts, nonce, enc);
      return {
        url: `${base}/wecom/callback?msg_signature=${sig}&timestamp=${ts}&nonce=${nonce}`,
        body: `<xml><ToUserName><![CDATA[${fake.corpId}]]></ToUserName><AgentID><![CDATA[${fake.agentId}]]></AgentID><Encrypt><![CDATA[${enc}]]></Encrypt></xml>`,
      };
    });
  const cbBodies = cardClicks(users.slice(0, ACKS), '');
  const hasCallback = fs.existsSync(path.join(__dirname, '..', 'server', 'src', 'chat', 'wecom-callback.ts'));
  log('');
  log(`== acknowledgement intake (${ACKS} each, ${CONCURRENCY} in flight) ==`);
  const row = (name: string, r: { perSec: number; p50: number; p99: number }) =>
    log(
      `${name.padEnd(46)} ${r.perSec.toFixed(0).padStart(6)} /s   p50 ${r.p50.toFixed(1).padStart(7)} ms   p99 ${r.p99.toFixed(1).padStart(7)} ms`,
    );

  // A bare Koa endpoint doing one insert into the same database.
  const bare = new Koa();
  const coll = mongoose.connection.db!.collection('bench_bare');
  bare.use(async (ctx) => {
    await coll.insertOne({ at: new Date(), n: ctx.query.n });
    ctx.status = 204;
  });
  const bareServer = bare.listen(0, '127.0.0.1');
  await new Promise((r) => bareServer.once('listening', r));
  const bareUrl = `http://127.0.0.1:${(bareServer.address() as AddressInfo).port}/`;
  await load(WARM_UP, 4, async (i) => void (await post(`${bareUrl}?n=warm${i}`, '', {})));
  const bareRun = await load(ACKS, CONCURRENCY, async (i) => void (await post(`${bareUrl}?n=${i}`, '', {})));
  row('bare Koa, one insert', bareRun);

  // Card clicks come from users[0, ACKS); the ack route from users[ACKS, 2·ACKS): nobody answers twice.
  const tokenOf = (u: (typeof users)[number]) =>
    signToken(services, { id: String(u._id), town: String(town._id), role: 'grid' });
  const ackAs = async (token: string) => {
    const status = await post(`${base}/api/callouts/${created.id}/ack`, '{}', {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
    });
    if (status !== 200) throw new Error(`ack answered ${status}`);
  };
  const warmTokens = warmUsers.ack.map(tokenOf);
  await load(warmTokens.length, 4, (i) => ackAs(warmTokens[i]!));
  const tokens = users.slice(ACKS, ACKS * 2).map(tokenOf);
  const ackRun = await load(tokens.length, CONCURRENCY, (i) => ackAs(tokens[i]!));
  row('POST /api/callouts/:id/ack', ackRun);
  // An answer is counted just after its 2xx: the click figures below start once these are.
  await acksCounted();
  let clicksCounted = 0;
  let clickPerSec = 0;
  const summary = async () => (await CalloutModel.findById(created.id).lean())?.summary ?? { acked: 0, total: 0 };
  const click = async (cb: { url: string; body: string }) => {
    const status = await post(cb.url, cb.body, { 'content-type': 'text/xml' });
    if (status !== 200) throw new Error(`callback answered ${status}`);
  };
  if (hasCallback) {
    // The warm-up clicks are counted after their answer: waited for, so none falls in the figures.
    const warmClicks = cardClicks(warmUsers.click, 'w');
    const countedBefore = (await summary()).acked;
    await load(warmClicks.length, 4, (i) => click(warmClicks[i]!));
    for (const until = Date.now() + 30_000; (await summary()).acked < countedBefore + warmClicks.length;) {
      if (Date.now() > until) throw new Error('the warm-up card clicks were not counted within 30 s');
      await new Promise((res2) => setTimeout(res2, 50));
    }
    const before = (await summary()).acked;
    const started = performance.now();
    const r = await load(ACKS, CONCURRENCY, (i) => click(cbBodies[i]!));
    row('WeCom callback (encrypted card click), answer', r);
    for (;;) {
      const acked = (await summary()).acked;
      if (acked - before >= ACKS || performance.now() - started > 300_000) {
        const secs = (performance.now() - started) / 1000;
        clicksCounted = acked - before;
        clickPerSec = clicksCounted / secs;
        log(
          `${'  … acknowledgements counted'.padEnd(46)} ${((acked - before) / secs).toFixed(0).padStart(6)} /s   (${acked - before} in ${secs.toFixed(1)} s, processed after the answer)`,
        );
        break;
      }
      await new Promise((res2) => setTimeout(res2, 100));
    }
  } else {
    log('(server/src/chat/wecom-callback.ts is not there: the WeCom callback is not measured)');
  }
  await acksCounted();
  const final = await summary();
  const recorded = await CalloutRecipientModel.countDocuments({ ...recipientsOf(created.id), acked: true });
  log(`summary: ${final.acked} of ${final.total} acknowledged (${recorded} answers recorded)`);
  if (final.acked !== recorded) throw new Error(`the summary counts ${final.acked} answers, ${recorded} were recorded`);
  log(
    `database: ${process.env.MONGODB_URI ? 'MONGODB_URI' : 'embedded PostgreSQL + DocumentDB + FerretDB 2.5'}; machine: ${os.cpus().length} cores, load ${os.loadavg()[0]!.toFixed(1)}`,
  );
  if (JSON_OUT) {
    const r1 = (x: number) => Math.round(x * 10) / 10;
    const figures = {
      recipients: RECIPIENTS,
      groups: GROUPS,
      rttMs: RTT_MS,
      calls,
      floorMs,
      handedOverMs,
      ackPerSec: r1(ackRun.perSec),
      ackP99Ms: r1(ackRun.p99),
      clicksSent: hasCallback ? ACKS : 0,
      clicksCounted,
      clickPerSec: r1(clickPerSec),
      bareInsertPerSec: r1(bareRun.perSec),
    };
    process.stdout.write(`${JSON.stringify(figures)}\n`);
  }

  server.close();
  bareServer.close();
  agent.destroy();
  await fake.close();
  await mongoose.connection.dropDatabase().catch(() => undefined);
  await mongoose.disconnect();
  await engine?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);

/** The fake WeCom in a process of its own (bench-fake-wecom.ts), answering after `rttMs`. */
async function forkFakeWecom(corpId: string, rttMs: number) {
  const child = fork(path.join(__dirname, 'bench-fake-wecom.ts'), [corpId, String(rttMs)], { stdio: 'inherit' });
  const ask = <T>(pick: (m: Record<string, unknown>) => T | undefined, send?: string) =>
    new Promise<T>((resolve, reject) => {
      const onMessage = (m: Record<string, unknown>) => {
        const v = pick(m);
        if (v === undefined) return;
        child.off('message', onMessage);
        resolve(v);
      };
      child.on('message', onMessage);
      child.once('exit', (code) => reject(new Error(`the fake WeCom exited (${code})`)));
      if (send) child.send(send);
    });
  const hello = await ask((m) =>
    m.base ? (m as { base: string; corpId: string; secret: string; agentId: number }) : undefined,
  );
  return {
    ...hello,
    report: () => ask((m) => m.report as FakeReport | undefined, 'report'),
    close: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.send('close');
      }),
  };
}
