import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { connectMongoose } from '../../server/src/db/connection';
import { startEmbedded, type EmbeddedEngine } from '../../server/src/db/embedded';
import { watchEngine } from '../../server/src/db/health';
import { startTestServer, type TestServer } from '../support/server';

/**
 * The server survives its database dying: this file runs its own durable engine so that it can
 * kill and pause PostgreSQL and FerretDB under load. While a part is away, requests answer 503
 * quickly (never 500, never hanging); the supervisor restarts what died; /healthz recovers by
 * itself; and every write that was answered 2xx is there afterwards.
 */
jest.setTimeout(120_000);

const Note = mongoose.model('SupervisionNote', new mongoose.Schema({ seq: Number, text: String }));

describe('the embedded database, killed and paused under load', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yingji-supervision-'));
  fs.chmodSync(dir, 0o755);
  let engine: EmbeddedEngine;
  let srv: TestServer;
  let seq = 0;

  beforeAll(async () => {
    engine = await startEmbedded({ dataDir: dir, progress: () => undefined });
    watchEngine(engine);
    await connectMongoose(engine.uri, 'supervision');
    srv = await startTestServer();
  });
  afterAll(async () => {
    watchEngine(undefined);
    await srv?.close();
    await mongoose.disconnect();
    await engine?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Writes in a loop through the driver, as requests do, until `stop`; records what was acknowledged. */
  function writeLoad() {
    const acked: number[] = [];
    const failures: string[] = [];
    const slow: number[] = [];
    let running = true;
    const loop = (async () => {
      while (running) {
        const n = ++seq;
        const t = Date.now();
        try {
          await Note.create({ seq: n, text: `第${n}条` });
          acked.push(n);
        } catch (e) {
          failures.push((e as Error).name);
          await new Promise((r) => setTimeout(r, 50));
        }
        if (Date.now() - t > 25_000) slow.push(n);
      }
    })();
    return {
      acked,
      failures,
      slow,
      async stop() {
        running = false;
        await loop;
      },
    };
  }

  async function healthz() {
    const t = Date.now();
    const res = await fetch(`${srv.base}/healthz`, { signal: AbortSignal.timeout(10_000) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown>, ms: Date.now() - t };
  }

  async function waitHealthy(timeoutMs: number) {
    const started = Date.now();
    while (Date.now() - started < timeoutMs) {
      if ((await healthz()).status === 200) return Date.now() - started;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error('not healthy again in time');
  }

  async function apiStatus() {
    const t = Date.now();
    const res = await fetch(`${srv.base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'nobody', password: 'whatever-pass' }),
      signal: AbortSignal.timeout(15_000),
    });
    const body = (await res.json()) as { error?: { code: string } };
    return { status: res.status, code: body.error?.code, ms: Date.now() - t };
  }

  it('answers 200 with both parts up', async () => {
    expect(await healthz()).toMatchObject({
      status: 200,
      body: { status: 'ok', db: 'up', engine: { postgres: 'up', ferretdb: 'up' } },
    });
  });

  it.each([
    ['FerretDB', () => engine.ferret.pid()],
    ['PostgreSQL', () => engine.pg.pid()],
  ])('restarts %s after SIGKILL, healthy again within 15 s, with no acknowledged write lost', async (_name, pid) => {
    const load = writeLoad();
    await new Promise((r) => setTimeout(r, 500));
    const before = pid();
    process.kill(before!, 'SIGKILL');
    // While it is away the API answers 503 quickly (or has already recovered): never 500.
    const during = await apiStatus();
    expect([401, 503]).toContain(during.status);
    expect(during.ms).toBeLessThan(6000);
    const took = await waitHealthy(15_000);
    expect(took).toBeLessThan(15_000);
    expect(pid()).not.toBe(before);
    await new Promise((r) => setTimeout(r, 500));
    await load.stop();
    expect(load.acked.length).toBeGreaterThan(10);
    const stored = new Set(
      (
        await Note.find({ seq: { $in: load.acked } })
          .select('seq')
          .lean()
      ).map((d) => d.seq),
    );
    expect(load.acked.filter((n) => !stored.has(n))).toEqual([]);
  });

  it('answers 503 fast while FerretDB is paused (SIGSTOP) and recovers after SIGCONT', async () => {
    const load = writeLoad();
    await new Promise((r) => setTimeout(r, 300));
    const pid = engine.ferret.pid()!;
    process.kill(pid, 'SIGSTOP');
    try {
      await new Promise((r) => setTimeout(r, 4000)); // the driver notices: heartbeats time out
      const h = await healthz();
      expect(h.status).toBe(503);
      expect(h.body.db).toBe('down');
      const during = await apiStatus();
      expect(during).toMatchObject({ status: 503, code: 'DB_UNAVAILABLE' });
      expect(during.ms).toBeLessThan(4000);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    await waitHealthy(15_000);
    await load.stop();
    expect(load.slow).toEqual([]);
    const stored = new Set(
      (
        await Note.find({ seq: { $in: load.acked } })
          .select('seq')
          .lean()
      ).map((d) => d.seq),
    );
    expect(load.acked.filter((n) => !stored.has(n))).toEqual([]);
  });
});
