import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for the WeCom server API on 127.0.0.1, speaking its real protocol:
 * GET /cgi-bin/gettoken, POST /cgi-bin/message/send, /cgi-bin/appchat/send,
 * /cgi-bin/message/update_template_card (all with ?access_token=), and the group robot
 * POST /cgi-bin/webhook/send?key=. Errors are HTTP 200 with an errcode, as WeCom does.
 *
 * What it checks like WeCom: corp id and secret; token validity (40014 unknown, 42001 expired);
 * `touser` at most 1000 ids; invalid users listed in `invaliduser` (81013 when all are invalid);
 * `enable_duplicate_check`: the identical request body inside the interval is not delivered twice;
 * per member 30 app messages a minute and 1000 an hour, per robot 20 a minute: excess is silently
 * dropped (recorded in `dropped`, so a test can prove our limits kept us under them).
 *
 * Faults are scriptable: `failNext(path, fault, n)` for the next n calls of a path, or
 * `faultShare(share, faults)` for a seeded random share of all message calls. A `timeout` fault
 * delivers the message and answers only after `hangMs` (the client has given up by then): the
 * hard case of an unknown outcome. `lost` hangs without delivering.
 */
export type Fault = 'token_invalid' | 'token_expired' | 'busy' | 'freq' | 'concurrent' | 'timeout' | 'lost' | 'http500';

export interface Received {
  api: 'message' | 'appchat' | 'webhook' | 'update_card';
  /** A user id (message, update_card), a chat id (appchat) or a robot key (webhook). */
  to: string;
  msgtype?: string;
  content?: string;
  body: Record<string, unknown>;
  at: number;
}

export interface FakeWecom {
  base: string;
  corpId: string;
  secret: string;
  agentId: number;
  /** Every message handed over, one entry per recipient (a message to 3 users is 3 entries). */
  received: Received[];
  /** Messages WeCom would have dropped silently (over a per-member or per-robot limit). */
  dropped: Received[];
  /** Identical requests suppressed by the duplicate check. */
  duplicatesSuppressed: number;
  calls: { path: string; errcode: number | 'timeout' | 'lost' | 'http500'; at: number }[];
  tokenFetches: number;
  /** Users that exist (others are invalid); undefined: everyone exists. */
  knownUsers?: Set<string>;
  /** Answer every later call made with the current tokens with 42001. */
  expireTokens(): void;
  failNext(path: string, fault: Fault, n?: number): void;
  faultShare(share: number, faults: Fault[], opts?: { seed?: number; paths?: string[] }): void;
  clearFaults(): void;
  hangMs: number;
  /** Answer every message call this much later (after delivering it): widens the crash window. */
  delayMs: number;
  to(address: string): Received[];
  close(): Promise<void>;
}

const MSG_PATHS = ['/cgi-bin/message/send', '/cgi-bin/appchat/send', '/cgi-bin/webhook/send'];

export async function startFakeWecom(
  opts: { corpId?: string; secret?: string; agentId?: number; tokenTtl?: number; now?: () => number } = {},
): Promise<FakeWecom> {
  const corpId = opts.corpId ?? 'ww-test-corp';
  const secret = opts.secret ?? 'wecom-test-secret';
  const agentId = opts.agentId ?? 1000002;
  const now = opts.now ?? Date.now;
  const tokens = new Map<string, { expiresAt: number; expired: boolean }>();
  const queued = new Map<string, Fault[]>();
  let share: { share: number; faults: Fault[]; rand: () => number; paths: string[] } | undefined;
  const dedupe = new Map<string, number>();
  const perMember = new Map<string, number[]>();
  const perRobot = new Map<string, number[]>();
  const pending = new Set<http.ServerResponse>();

  const fake: FakeWecom = {
    base: '',
    corpId,
    secret,
    agentId,
    received: [],
    dropped: [],
    duplicatesSuppressed: 0,
    calls: [],
    tokenFetches: 0,
    knownUsers: undefined,
    hangMs: 3000,
    delayMs: 0,
    expireTokens() {
      for (const t of tokens.values()) t.expired = true;
    },
    failNext(path, fault, n = 1) {
      const q = queued.get(path) ?? [];
      for (let i = 0; i < n; i++) q.push(fault);
      queued.set(path, q);
    },
    faultShare(s, faults, o = {}) {
      share = { share: s, faults, rand: seeded(o.seed ?? 42), paths: o.paths ?? MSG_PATHS };
    },
    clearFaults() {
      queued.clear();
      share = undefined;
    },
    to(address) {
      return fake.received.filter((r) => r.to === address);
    },
    close: () =>
      new Promise<void>((r) => {
        for (const res of pending) res.destroy();
        server.closeAllConnections();
        server.close(() => r());
      }),
  };

  function pickFault(path: string): Fault | undefined {
    const q = queued.get(path);
    if (q?.length) return q.shift();
    if (share && share.paths.includes(path) && share.rand() < share.share)
      return share.faults[Math.floor(share.rand() * share.faults.length)];
    return undefined;
  }

  /** A sliding-window counter: true if one more fits under `limit` within `windowMs`. */
  function take(map: Map<string, number[]>, key: string, limits: [number, number][]): boolean {
    const t = now();
    const list = (map.get(key) ?? []).filter((at) => at > t - Math.max(...limits.map(([, w]) => w)));
    const ok = limits.every(([limit, w]) => list.filter((at) => at > t - w).length < limit);
    if (ok) list.push(t);
    map.set(key, list);
    return ok;
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const path = url.pathname;
      const raw = Buffer.concat(chunks).toString('utf8');
      const send = (body: Record<string, unknown>, status = 200) => {
        fake.calls.push({ path, errcode: Number(body.errcode ?? 0), at: now() });
        const answer = () => {
          if (res.destroyed) return;
          res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
          res.end(JSON.stringify(body));
        };
        if (fake.delayMs > 0 && path !== '/cgi-bin/gettoken') setTimeout(answer, fake.delayMs).unref();
        else answer();
      };
      if (path === '/cgi-bin/gettoken') {
        fake.tokenFetches++;
        if (url.searchParams.get('corpid') !== corpId) return send({ errcode: 40013, errmsg: 'invalid corpid' });
        if (url.searchParams.get('corpsecret') !== secret)
          return send({ errcode: 40001, errmsg: 'invalid credential' });
        const value = crypto.randomBytes(24).toString('hex');
        const ttl = opts.tokenTtl ?? 7200;
        tokens.set(value, { expiresAt: now() + ttl * 1000, expired: false });
        return send({ errcode: 0, errmsg: 'ok', access_token: value, expires_in: ttl });
      }
      let body: Record<string, unknown>;
      try {
        body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
      } catch {
        return send({ errcode: 47001, errmsg: 'data format error' });
      }

      if (path === '/cgi-bin/webhook/send') {
        const key = url.searchParams.get('key') ?? '';
        if (!key) return send({ errcode: 93000, errmsg: 'invalid webhook url' });
        const fault = pickFault(path);
        if (fault && applyFault(fault, res, send, () => deliverRobot(key, body))) return;
        deliverRobot(key, body);
        return send({ errcode: 0, errmsg: 'ok' });
      }

      const known = ['/cgi-bin/message/send', '/cgi-bin/appchat/send', '/cgi-bin/message/update_template_card'];
      if (!known.includes(path)) return send({ errcode: 404, errmsg: 'not found' }, 404);
      const token = url.searchParams.get('access_token') ?? '';
      const t = tokens.get(token);
      if (!token) return send({ errcode: 41001, errmsg: 'access_token missing' });
      if (!t) return send({ errcode: 40014, errmsg: 'invalid access_token' });
      if (t.expired || t.expiresAt < now()) return send({ errcode: 42001, errmsg: 'access_token expired' });
      const fault = pickFault(path);
      if (fault === 'token_invalid') return send({ errcode: 40014, errmsg: 'invalid access_token' });
      if (fault === 'token_expired') return send({ errcode: 42001, errmsg: 'access_token expired' });

      if (path === '/cgi-bin/message/send') {
        if (Number(body.agentid) !== agentId) return send({ errcode: 40056, errmsg: 'invalid agentid' });
        const users = String(body.touser ?? '')
          .split('|')
          .filter(Boolean);
        if (users.length === 0) return send({ errcode: 40031, errmsg: 'invalid user list' });
        if (users.length > 1000) return send({ errcode: 40031, errmsg: 'invalid user list: more than 1000' });
        const invalid = fake.knownUsers ? users.filter((u) => !fake.knownUsers!.has(u)) : [];
        if (invalid.length === users.length) return send({ errcode: 81013, errmsg: 'user & party & tag all invalid' });
        const valid = users.filter((u) => !invalid.includes(u));
        const responseCode = body.msgtype === 'template_card' ? crypto.randomBytes(8).toString('hex') : undefined;
        const deliver = () => {
          const hash = crypto.createHash('sha1').update(raw).digest('hex');
          const interval = Number(body.duplicate_check_interval ?? 1800) * 1000;
          if (Number(body.enable_duplicate_check) === 1) {
            const seen = dedupe.get(hash);
            if (seen !== undefined && now() - seen < interval) {
              fake.duplicatesSuppressed++;
              return;
            }
            dedupe.set(hash, now());
          }
          for (const u of valid) {
            const r = record('message', u, body);
            if (
              take(perMember, u, [
                [30, 60_000],
                [1000, 3_600_000],
              ])
            )
              fake.received.push(r);
            else fake.dropped.push(r);
          }
        };
        if (fault && applyFault(fault, res, send, deliver)) return;
        deliver();
        return send({
          errcode: 0,
          errmsg: 'ok',
          invaliduser: invalid.map((u) => u.toLowerCase()).join('|'),
          msgid: crypto.randomBytes(8).toString('hex'),
          ...(responseCode ? { response_code: responseCode } : {}),
        });
      }

      if (path === '/cgi-bin/appchat/send') {
        const chatid = String(body.chatid ?? '');
        if (!chatid) return send({ errcode: 40050, errmsg: 'invalid chatid' });
        if (body.msgtype === 'template_card') return send({ errcode: 40008, errmsg: 'invalid message type' });
        const deliver = () => void fake.received.push(record('appchat', chatid, body));
        if (fault && applyFault(fault, res, send, deliver)) return;
        deliver();
        return send({ errcode: 0, errmsg: 'ok' });
      }

      // update_template_card
      const userids = Array.isArray(body.userids) ? (body.userids as string[]) : [];
      if (!body.response_code) return send({ errcode: 40058, errmsg: 'response_code missing' });
      const deliver = () => {
        for (const u of userids) fake.received.push(record('update_card', u, body));
      };
      if (fault && applyFault(fault, res, send, deliver)) return;
      deliver();
      return send({ errcode: 0, errmsg: 'ok' });
    });
  });

  function deliverRobot(key: string, body: Record<string, unknown>) {
    const r = record('webhook', key, body);
    if (take(perRobot, key, [[20, 60_000]])) fake.received.push(r);
    else fake.dropped.push(r);
  }

  function record(api: Received['api'], to: string, body: Record<string, unknown>): Received {
    const msgtype = typeof body.msgtype === 'string' ? body.msgtype : undefined;
    const inner = msgtype ? (body[msgtype] as { content?: string } | undefined) : undefined;
    return { api, to, msgtype, content: inner?.content, body, at: now() };
  }

  /** Applies a fault; returns true when the answer has been taken care of. */
  function applyFault(
    fault: Fault,
    res: http.ServerResponse,
    send: (b: Record<string, unknown>, status?: number) => void,
    deliver: () => void,
  ): boolean {
    switch (fault) {
      case 'busy':
        send({ errcode: -1, errmsg: 'system busy' });
        return true;
      case 'freq':
        send({ errcode: 45009, errmsg: 'api freq out of limit' });
        return true;
      case 'concurrent':
        send({ errcode: 45033, errmsg: 'api concurrent out of limit' });
        return true;
      case 'http500':
        fake.calls.push({ path: 'http500', errcode: 'http500', at: now() });
        res.writeHead(500).end('internal error');
        return true;
      case 'timeout':
      case 'lost': {
        if (fault === 'timeout') deliver();
        fake.calls.push({ path: fault, errcode: fault, at: now() });
        pending.add(res);
        setTimeout(() => {
          pending.delete(res);
          if (!res.destroyed) res.destroy();
        }, fake.hangMs).unref();
        return true;
      }
      default:
        return false;
    }
  }

  server.listen(0, '127.0.0.1');
  await new Promise<void>((r) => server.once('listening', r));
  fake.base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}

/** A small deterministic PRNG (mulberry32), so a fault pattern can be replayed. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
