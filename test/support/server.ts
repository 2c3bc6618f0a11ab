import fs from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ApiClient } from '@yingji/shared';
import { createApp } from '../../server/src/app';
import { loadConfig, type Config } from '../../server/src/config';
import { ManualClock, systemClock, type Clock } from '../../server/src/core/clock';
import type { AppServices } from '../../server/src/core/context';
import { createLogger } from '../../server/src/logger';
import { modules } from '../../server/src/modules';

export interface TestServer {
  base: string;
  services: AppServices;
  client: ApiClient;
  /** An API client logged in as this user (a demo or test user with a password). */
  login(username: string, password: string): Promise<ApiClient>;
  close(): Promise<void>;
}

export function testConfig(env: Record<string, string> = {}): Config {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'yingji-test-data-'));
  return loadConfig({
    NODE_ENV: 'test',
    DATA_DIR: dataDir,
    JWT_SECRET: 'test-secret-test-secret-test-secret',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...env,
  });
}

/** The real Koa app over HTTP on an ephemeral loopback port, on the file's test database. */
export async function startTestServer(
  opts: { env?: Record<string, string>; clock?: Clock | ManualClock } = {},
): Promise<TestServer> {
  const config = testConfig(opts.env);
  const services: AppServices = { config, clock: opts.clock ?? systemClock, log: createLogger(config.LOG_LEVEL) };
  const { app } = createApp(services);
  const server: Server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new ApiClient({ baseUrl: base });
  return {
    base,
    services,
    client,
    async login(username, password) {
      const c = new ApiClient({ baseUrl: base });
      await c.login({ username, password });
      return c;
    },
    // As the server stops (main.ts): what the modules still hold is finished before the database goes.
    close: async () => {
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      await Promise.all(modules.map((m) => m.drain?.()));
    },
  };
}

/** Raw HTTP for cases the typed client does not cover (bad JSON, wrong content types). */
export async function http(
  base: string,
  method: string,
  p: string,
  init: { token?: string; body?: string | Buffer | FormData; headers?: Record<string, string> } = {},
) {
  const headers: Record<string, string> = { ...(init.headers ?? {}) };
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  const res = await fetch(base + p, { method, headers, body: init.body as BodyInit | undefined });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json: json as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
}
