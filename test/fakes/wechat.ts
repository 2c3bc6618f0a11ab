import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for the WeChat mini-program server API on 127.0.0.1, speaking its real
 * protocol for `GET /sns/jscode2session`. Codes are scripted: any code registered with `codes`
 * logs that openid in; `bad-*` answers 40029, `busy-*` 45011, `down-*` HTTP 500.
 */
export interface FakeWechat {
  base: string;
  appId: string;
  secret: string;
  codes: Map<string, string>;
  calls: { path: string; query: Record<string, string> }[];
  close(): Promise<void>;
}

export async function startFakeWechat(appId = 'wx-test-app', secret = 'wx-test-secret'): Promise<FakeWechat> {
  const codes = new Map<string, string>();
  const calls: FakeWechat['calls'] = [];
  const used = new Set<string>();
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const query = Object.fromEntries(url.searchParams);
    calls.push({ path: url.pathname, query });
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (url.pathname !== '/sns/jscode2session') return send(404, { errcode: 404, errmsg: 'not found' });
    if (query.appid !== appId || query.secret !== secret) return send(200, { errcode: 40013, errmsg: 'invalid appid' });
    if (query.grant_type !== 'authorization_code') return send(200, { errcode: 40002, errmsg: 'invalid grant_type' });
    const code = query.js_code ?? '';
    if (code.startsWith('busy-')) return send(200, { errcode: 45011, errmsg: 'api minute-quota reach limit' });
    if (code.startsWith('down-')) return send(500, 'internal error');
    const openid = codes.get(code);
    if (!openid || used.has(code)) return send(200, { errcode: 40029, errmsg: 'invalid code' });
    used.add(code); // a wx.login code is good for one exchange
    send(200, { openid, session_key: `sk-${openid}-${code}`, unionid: `u-${openid}` });
  });
  server.listen(0, '127.0.0.1');
  await new Promise<void>((r) => server.once('listening', r));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    appId,
    secret,
    codes,
    calls,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
