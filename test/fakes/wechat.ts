import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for the WeChat mini-program server API on 127.0.0.1, speaking its real
 * protocol (reference part B):
 * - `GET /sns/jscode2session`: codes are scripted: any code registered with `codes` logs that
 *   openid in; `bad-*` answers 40029, `busy-*` 45011, `down-*` HTTP 500;
 * - `POST /cgi-bin/stable_token`: one stable token for the app;
 * - `POST /cgi-bin/message/subscribe/send`: keeps WeChat's one-time quota per (openid, template)
 *   (`grant` = the user tapped accept), checks the template's keywords and value rules (47003 names
 *   the field), 40003 for an openid in `badOpenids`, 40037 for an unknown template, 43101 without
 *   quota, 45009 once `quota` is used up;
 * - `POST /wxa/msg_sec_check` (v2): `risky` for text with a word of `riskyWords`;
 * - `POST /wxa/media_check_async` (v2): answers a trace id; `pushMediaResult` later POSTs the
 *   `wxa_media_check` event to the message-push URL, signed with the push token like WeChat does.
 */
export interface FakeWechat {
  base: string;
  appId: string;
  secret: string;
  codes: Map<string, string>;
  calls: { path: string; query: Record<string, string>; body?: Record<string, unknown> }[];
  /** Template id → its keywords (`thing1`, `time2` …). */
  templates: Map<string, string[]>;
  /** The user accepted this template once more in requestSubscribeMessage. */
  grant(openid: string, templateId: string, times?: number): void;
  /** Messages left for (openid, template). */
  left(openid: string, templateId: string): number;
  badOpenids: Set<string>;
  /** Subscribe/send calls left today (45009 after). */
  quota: number;
  /** The messages WeChat accepted. */
  sent: Record<string, unknown>[];
  riskyWords: string[];
  secChecks: Record<string, unknown>[];
  mediaChecks: { traceId: string; body: Record<string, unknown> }[];
  pushMediaResult(
    pushUrl: string,
    token: string,
    traceId: string,
    suggest: 'pass' | 'risky' | 'review',
    label?: number,
  ): Promise<{ status: number; text: string }>;
  close(): Promise<void>;
}

const TOKEN = 'fake-stable-token';

/** WeChat's value rules per keyword type; a message string when the value breaks them. */
function badValue(key: string, value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '') return `argument invalid! data.${key}.value is empty`;
  const type = /^([a-z_]+?)\d+$/.exec(key)?.[1];
  const n = Array.from(value).length;
  const bad = `argument invalid! data.${key}.value invalid`;
  switch (type) {
    case 'thing':
      return n > 20 || /[\r\n]/.test(value) ? bad : undefined;
    case 'phrase':
      return n > 5 || !/^\p{Script=Han}+$/u.test(value) ? bad : undefined;
    case 'character_string':
      return n > 32 || !/^[\x21-\x7e]+$/.test(value) ? bad : undefined;
    case 'number':
      return n > 32 || !/^-?\d+(\.\d+)?$/.test(value) ? bad : undefined;
    case 'time':
      return /^(\d{4}年\d{1,2}月\d{1,2}日 )?\d{2}:\d{2}$/.test(value) ||
        /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}(:\d{2})?$/.test(value)
        ? undefined
        : bad;
    case 'date':
      return /^\d{4}年\d{1,2}月\d{1,2}日( \d{2}:\d{2})?$/.test(value) ? undefined : bad;
    case 'amount':
      return /^[¥$￥]?\d{1,10}(\.\d{1,2})?元?$/.test(value) ? undefined : bad;
    case 'name':
      return n > 20 ? bad : undefined;
    default:
      return undefined;
  }
}

export async function startFakeWechat(appId = 'wx-test-app', secret = 'wx-test-secret'): Promise<FakeWechat> {
  const codes = new Map<string, string>();
  const calls: FakeWechat['calls'] = [];
  const used = new Set<string>();
  const quotaOf = new Map<string, number>();
  const fake = {
    templates: new Map<string, string[]>(),
    badOpenids: new Set<string>(),
    quota: Number.POSITIVE_INFINITY,
    sent: [] as Record<string, unknown>[],
    riskyWords: ['赌博', '代开发票'],
    secChecks: [] as Record<string, unknown>[],
    mediaChecks: [] as FakeWechat['mediaChecks'],
  };

  const subscribeSend = (body: Record<string, unknown>) => {
    const openid = String(body.touser ?? '');
    const templateId = String(body.template_id ?? '');
    if (!openid || fake.badOpenids.has(openid)) return { errcode: 40003, errmsg: 'invalid openid' };
    const keys = fake.templates.get(templateId);
    if (!keys) return { errcode: 40037, errmsg: 'invalid template_id' };
    if (body.page !== undefined && (typeof body.page !== 'string' || body.page.startsWith('/')))
      return { errcode: 41030, errmsg: 'invalid page' };
    const data = (body.data ?? {}) as Record<string, { value?: unknown }>;
    for (const key of keys) {
      const problem = badValue(key, data[key]?.value);
      if (problem) return { errcode: 47003, errmsg: problem };
    }
    if (fake.quota <= 0) return { errcode: 45009, errmsg: 'reach max api daily quota limit' };
    const k = `${openid}:${templateId}`;
    if ((quotaOf.get(k) ?? 0) <= 0) return { errcode: 43101, errmsg: 'user refuse to accept the msg' };
    quotaOf.set(k, quotaOf.get(k)! - 1);
    fake.quota--;
    fake.sent.push(body);
    return { errcode: 0, errmsg: 'ok', msgid: 2_000_000 + fake.sent.length };
  };

  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const query = Object.fromEntries(url.searchParams);
      let body: Record<string, unknown> | undefined;
      try {
        body = raw ? (JSON.parse(raw) as Record<string, unknown>) : undefined;
      } catch {
        body = undefined;
      }
      calls.push({ path: url.pathname, query, body });
      const send = (status: number, b: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(b));
      };
      if (url.pathname === '/sns/jscode2session') {
        if (query.appid !== appId || query.secret !== secret)
          return send(200, { errcode: 40013, errmsg: 'invalid appid' });
        if (query.grant_type !== 'authorization_code')
          return send(200, { errcode: 40002, errmsg: 'invalid grant_type' });
        const code = query.js_code ?? '';
        if (code.startsWith('busy-')) return send(200, { errcode: 45011, errmsg: 'api minute-quota reach limit' });
        if (code.startsWith('down-')) return send(500, 'internal error');
        const openid = codes.get(code);
        if (!openid || used.has(code)) return send(200, { errcode: 40029, errmsg: 'invalid code' });
        used.add(code); // a wx.login code is good for one exchange
        return send(200, { openid, session_key: `sk-${openid}-${code}`, unionid: `u-${openid}` });
      }
      if (req.method !== 'POST') return send(404, { errcode: 404, errmsg: 'not found' });
      if (url.pathname === '/cgi-bin/stable_token') {
        if (body?.appid !== appId || body?.secret !== secret || body?.grant_type !== 'client_credential')
          return send(200, { errcode: 40013, errmsg: 'invalid appid' });
        return send(200, { access_token: TOKEN, expires_in: 7200 });
      }
      if (query.access_token !== TOKEN) return send(200, { errcode: 40001, errmsg: 'invalid credential' });
      if (!body) return send(200, { errcode: 47001, errmsg: 'data format error' });
      if (url.pathname === '/cgi-bin/message/subscribe/send') return send(200, subscribeSend(body));
      if (url.pathname === '/wxa/msg_sec_check') {
        if (body.version !== 2) return send(200, { errcode: 47001, errmsg: 'version must be 2' });
        if (![1, 2, 3, 4].includes(Number(body.scene))) return send(200, { errcode: 40129, errmsg: 'invalid scene' });
        if (!body.openid || fake.badOpenids.has(String(body.openid)))
          return send(200, { errcode: 40003, errmsg: 'invalid openid' });
        fake.secChecks.push(body);
        const content = String(body.content ?? '');
        const word = fake.riskyWords.find((w) => content.includes(w));
        const traceId = crypto.randomUUID();
        return send(200, {
          errcode: 0,
          errmsg: 'ok',
          trace_id: traceId,
          result: { suggest: word ? 'risky' : 'pass', label: word ? 20006 : 100 },
          detail: [
            { strategy: 'content_model', errcode: 0, suggest: word ? 'risky' : 'pass', label: word ? 20006 : 100 },
            ...(word ? [{ strategy: 'keyword', errcode: 0, suggest: 'risky', label: 20006, keyword: word }] : []),
          ],
        });
      }
      if (url.pathname === '/wxa/media_check_async') {
        if (body.version !== 2 || Number(body.media_type) !== 2 || typeof body.media_url !== 'string')
          return send(200, { errcode: 47001, errmsg: 'data format error' });
        const traceId = `trace-${crypto.randomUUID()}`;
        fake.mediaChecks.push({ traceId, body });
        return send(200, { errcode: 0, errmsg: 'ok', trace_id: traceId });
      }
      return send(404, { errcode: 404, errmsg: 'not found' });
    });
  });
  server.listen(0, '127.0.0.1');
  await new Promise<void>((r) => server.once('listening', r));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    appId,
    secret,
    codes,
    calls,
    ...fake,
    get quota() {
      return fake.quota;
    },
    set quota(n: number) {
      fake.quota = n;
    },
    grant(openid, templateId, times = 1) {
      const k = `${openid}:${templateId}`;
      quotaOf.set(k, (quotaOf.get(k) ?? 0) + times);
    },
    left: (openid, templateId) => quotaOf.get(`${openid}:${templateId}`) ?? 0,
    async pushMediaResult(pushUrl, token, traceId, suggest, label = suggest === 'pass' ? 100 : 20002) {
      // The message push in plaintext JSON mode: signature = sha1 of the sorted token, timestamp, nonce.
      const timestamp = String(Math.floor(Date.now() / 1000));
      const nonce = crypto.randomBytes(6).toString('hex');
      const signature = crypto.createHash('sha1').update([token, timestamp, nonce].sort().join('')).digest('hex');
      const event = {
        ToUserName: 'gh_fake',
        FromUserName: 'o-system',
        CreateTime: Number(timestamp),
        MsgType: 'event',
        Event: 'wxa_media_check',
        appid: appId,
        trace_id: traceId,
        version: 2,
        detail: [{ strategy: 'content_model', errcode: 0, suggest, label, prob: 90 }],
        errcode: 0,
        errmsg: 'ok',
        result: { suggest, label },
      };
      const u = new URL(pushUrl);
      u.search = new URLSearchParams({ signature, timestamp, nonce }).toString();
      const res = await fetch(u, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(event),
      });
      return { status: res.status, text: await res.text() };
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
