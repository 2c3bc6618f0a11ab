import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { connectMongoose } from '../../server/src/db/connection';
import { freePort, startFerretDb, type FerretDbProcess } from '../../server/src/db/ferretdb';
import { startTestServer, type TestServer } from '../support/server';

async function waitForStatus(srv: TestServer, status: number, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  let last: { status: number; body: unknown } = { status: 0, body: null };
  while (Date.now() < deadline) {
    const res = await fetch(`${srv.base}/healthz`);
    last = { status: res.status, body: await res.json() };
    if (last.status === status) return last;
    await new Promise((r) => setTimeout(r, 250));
  }
  return last;
}

describe('GET /healthz', () => {
  // This file runs its own database server so that it can stop and start it.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yingji-health-'));
  let port: number;
  let db: FerretDbProcess;
  let srv: TestServer;

  beforeAll(async () => {
    port = await freePort();
    db = await startFerretDb({ sqliteDir: dir, port });
    await connectMongoose(db.uri, 'health');
    srv = await startTestServer();
  });
  afterAll(async () => {
    await srv.close();
    await mongoose.disconnect();
    await db.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('answers 200 with the database up', async () => {
    const res = await fetch(`${srv.base}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', db: 'up' });
  });

  it('answers 503 while the database is down, keeps serving, and recovers by itself', async () => {
    await db.stop();
    expect(await waitForStatus(srv, 503, 10_000)).toEqual({ status: 503, body: { status: 'degraded', db: 'down' } });

    // A request that needs the database fails clearly instead of hanging.
    const login = await fetch(`${srv.base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'office', password: 'whatever-pass' }),
    });
    expect(login.status).toBe(503);
    expect(((await login.json()) as { error: { code: string } }).error.code).toBe('DB_UNAVAILABLE');

    db = await startFerretDb({ sqliteDir: dir, port });
    expect(await waitForStatus(srv, 200, 20_000)).toEqual({ status: 200, body: { status: 'ok', db: 'up' } });
  });
});
