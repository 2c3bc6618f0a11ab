import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { useTestDatabase } from '../support/db';
import { http, startTestServer, type TestServer } from '../support/server';

useTestDatabase();

/** A stand-in H5 build: the web module only serves files, so any folder with index.html will do. */
function fakeBuild(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yingji-h5-'));
  fs.mkdirSync(path.join(dir, 'js'));
  fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>十直镇应急管理</title><div id="app"></div>');
  fs.writeFileSync(path.join(dir, 'js', 'app.1234abcd.js'), 'console.log("app")');
  return dir;
}

describe('the console served at /app/', () => {
  let srv: TestServer;
  beforeAll(async () => {
    srv = await startTestServer({ env: { WEB_DIST_DIR: fakeBuild() } });
  });
  afterAll(() => srv.close());

  it('redirects the site root to /app/', async () => {
    const res = await fetch(`${srv.base}/`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/app/');
  });

  it('serves index.html at /app/, never cached, so a new build is picked up at once', async () => {
    const res = await http(srv.base, 'GET', '/app/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.text).toContain('十直镇应急管理');
  });

  it('serves hashed assets with a long cache', async () => {
    const res = await http(srv.base, 'GET', '/app/js/app.1234abcd.js');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('javascript');
    expect(res.headers.get('cache-control')).toContain('immutable');
  });

  it('answers index.html for any other page path (SPA fallback)', async () => {
    const res = await http(srv.base, 'GET', '/app/office/triage/index');
    expect(res.status).toBe(200);
    expect(res.text).toContain('<div id="app">');
  });

  it('answers 404 for a missing file, and does not escape the build folder', async () => {
    expect((await http(srv.base, 'GET', '/app/js/missing.js')).status).toBe(404);
    const escape = await http(srv.base, 'GET', '/app/..%2f..%2fpackage.json');
    expect([400, 403, 404]).toContain(escape.status);
    expect(escape.text).not.toContain('"workspaces"');
  });

  it('answers /favicon.ico with the app icon, not a 404', async () => {
    const res = await http(srv.base, 'GET', '/favicon.ico');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('image/svg+xml');
    expect(res.text).toContain('<svg');
  });

  it('leaves the API alone', async () => {
    const res = await http(srv.base, 'GET', '/api/me');
    expect(res.status).toBe(401);
    expect(res.json.error.code).toBe('UNAUTHENTICATED');
  });
});

describe('the console before it is built', () => {
  let srv: TestServer;
  beforeAll(async () => {
    srv = await startTestServer({ env: { WEB_DIST_DIR: path.join(os.tmpdir(), 'yingji-no-such-build') } });
  });
  afterAll(() => srv.close());

  it('says in Chinese how to build it', async () => {
    const res = await http(srv.base, 'GET', '/app/');
    expect(res.status).toBe(503);
    expect(res.text).toContain('npm run build:h5');
  });
});
