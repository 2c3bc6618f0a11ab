import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local HTTP receiver on 127.0.0.1 for webhooks and broadcast endpoints: records every request
 * with its raw body, and answers from a script (`plan`: one status per request, then `status`);
 * `hang` holds requests open until released.
 */
export interface Received {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  raw: string;
  json?: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  answered?: number;
}

export interface FakeReceiver {
  url: string;
  requests: Received[];
  /** Statuses for the next requests, in order; afterwards `status`. */
  plan: number[];
  status: number;
  /** Hold requests open (no answer) while true. */
  hang: boolean;
  /** Requests answered 2xx. */
  accepted(): Received[];
  waitFor(pred: (r: Received[]) => boolean, ms?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<FakeReceiver> {
  const held: http.ServerResponse[] = [];
  const state: FakeReceiver = {
    url: '',
    requests: [],
    plan: [],
    status: 200,
    hang: false,
    accepted: () => state.requests.filter((r) => r.answered && r.answered < 300),
    async waitFor(pred, ms = 20_000) {
      const until = Date.now() + ms;
      while (!pred(state.requests)) {
        if (Date.now() > until) throw new Error(`receiver: condition not met; got ${state.requests.length} requests`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of held) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let json: Record<string, unknown> | undefined;
      try {
        json = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        json = undefined;
      }
      const r: Received = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, raw, json };
      state.requests.push(r);
      if (state.hang) {
        held.push(res);
        return;
      }
      const status = state.plan.length ? state.plan.shift()! : state.status;
      r.answered = status;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: status < 300 }));
    });
  });
  server.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}
