import crypto from 'node:crypto';
import fs from 'node:fs';
import nodeHttp from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { useTestDatabase } from '../support/db';
import { http, startTestServer, type TestServer } from '../support/server';

useTestDatabase();

/** Methods fetch() refuses to send (TRACE), so the request goes out through node:http. */
function rawRequest(base: string, method: string, p: string) {
  type Answer = { status: number; headers: nodeHttp.IncomingHttpHeaders; json: Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
  return new Promise<Answer>((resolve, reject) => {
    const req = nodeHttp.request(base + p, { method }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (text += c));
      res.on('end', () => {
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, json: json as Answer['json'] });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

/** A console build with an inline script, as Taro's H5 build writes one (the rem sizing). */
const INLINE = '!function(n){n.document.documentElement.style.fontSize="20px"}(window);';
function fakeConsoleBuild(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yingji-h5-'));
  fs.mkdirSync(path.join(dir, 'js'));
  fs.writeFileSync(
    path.join(dir, 'index.html'),
    `<!doctype html><html><head><script>${INLINE}</script><script defer src="/app/js/app.js"></script></head><body><div id="app"></div></body></html>`,
  );
  fs.writeFileSync(path.join(dir, 'js', 'app.js'), 'console.log(1)');
  return dir;
}

describe('methods no route has', () => {
  let srv: TestServer;
  const lines: Record<string, unknown>[] = [];
  beforeAll(async () => {
    srv = await startTestServer();
    const sink = new Writable({
      write(chunk, _enc, done) {
        for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l));
        done();
      },
    });
    srv.services.log = pino({ level: 'info' }, sink);
  });
  afterAll(() => srv.close());

  it.each(['TRACE', 'QUERY', 'PROPFIND'])(
    'answers %s on an existing path with 405, its Allow list and the error body',
    async (method) => {
      const res = await rawRequest(srv.base, method, '/api/auth/login');
      expect(res.status).toBe(405);
      expect(res.headers.allow).toBe('POST');
      expect(res.json).toEqual({ error: { code: 'METHOD_NOT_ALLOWED', message: '不支持该请求方式' } });
    },
  );

  it('answers a known method the path does not have with 405 and Allow', async () => {
    const res = await rawRequest(srv.base, 'DELETE', '/api/auth/login');
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('POST');
    expect(res.json.error.code).toBe('METHOD_NOT_ALLOWED');
  });

  it('answers an unknown method on an unknown path with 501 and the error body', async () => {
    const res = await rawRequest(srv.base, 'TRACE', '/no/such/path');
    expect(res.status).toBe(501);
    expect(res.headers.allow).toBeUndefined();
    expect(res.json).toEqual({ error: { code: 'NOT_IMPLEMENTED', message: '服务器不支持该请求方式' } });
  });

  it('logs these refusals at info, never as a server error', async () => {
    lines.length = 0;
    await rawRequest(srv.base, 'TRACE', '/api/tips');
    await rawRequest(srv.base, 'QUERY', '/elsewhere');
    await new Promise((r) => setTimeout(r, 50));
    expect(lines.filter((l) => Number(l.level) >= 50)).toEqual([]);
    expect(lines.filter((l) => l.msg === 'request refused').map((l) => l.code)).toEqual([
      'METHOD_NOT_ALLOWED',
      'NOT_IMPLEMENTED',
    ]);
  });
});

describe('security headers', () => {
  let srv: TestServer;
  beforeAll(async () => {
    srv = await startTestServer({ env: { WEB_DIST_DIR: fakeConsoleBuild() } });
  });
  afterAll(() => srv.close());

  function csp(headers: Headers): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const d of (headers.get('content-security-policy') ?? '').split(';')) {
      const [name, ...values] = d.trim().split(/\s+/);
      if (name) out[name] = values;
    }
    return out;
  }

  it('puts a CSP, no framing and no referrer on the console page', async () => {
    const res = await http(srv.base, 'GET', '/app/');
    expect(res.status).toBe(200);
    expect(res.text).toContain('<div id="app">');
    const policy = csp(res.headers);
    const hash = `'sha256-${crypto.createHash('sha256').update(INLINE).digest('base64')}'`;
    // The build's script files and its one inline script run; nothing else does.
    expect(policy['script-src']).toEqual(["'self'", hash]);
    expect(policy['default-src']).toEqual(["'self'"]);
    expect(policy['frame-ancestors']).toEqual(["'none'"]);
    expect(policy['object-src']).toEqual(["'none'"]);
    expect(policy['upgrade-insecure-requests']).toBeUndefined();
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('puts the same headers on a page of the app reached by a deep link, and on its script files', async () => {
    for (const p of ['/app/pages/office/index', '/app/js/app.js']) {
      const res = await http(srv.base, 'GET', p);
      expect(res.status).toBe(200);
      expect(csp(res.headers)['frame-ancestors']).toEqual(["'none'"]);
      expect(res.headers.get('x-frame-options')).toBe('DENY');
    }
  });

  it('puts them on API answers too, errors included', async () => {
    for (const [p, status] of [
      ['/api/openapi.json', 200],
      ['/api/nothing-here', 404],
      ['/api/me', 401],
    ] as const) {
      const res = await http(srv.base, 'GET', p);
      expect(res.status).toBe(status);
      expect(csp(res.headers)['default-src']).toEqual(["'self'"]);
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('x-powered-by')).toBeNull();
    }
  });
});
