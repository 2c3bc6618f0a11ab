/**
 * The fake WeCom of `bench:callout`, in a process of its own (forked by the benchmark): WeCom is
 * not in the server's process, and the fake's own work (parsing a thousand user ids per call,
 * recording ten thousand deliveries) must not be counted against the server's event loop.
 * argv: corpId rttMs. Tells the parent { base, corpId, secret, agentId } once listening; answers
 * 'report' with what it received.
 */
import { startFakeWecom } from '../test/fakes/wecom';

export interface FakeReport {
  received: { api: string; to: string; at: number }[];
  calls: { path: string; at: number }[];
  dropped: number;
}

void (async () => {
  const [corpId, rttMs] = process.argv.slice(2);
  const fake = await startFakeWecom({ corpId });
  fake.delayMs = Number(rttMs);
  process.on('message', (m) => {
    if (m === 'report') {
      const report: FakeReport = {
        received: fake.received.map((r) => ({ api: r.api, to: r.to, at: r.at })),
        calls: fake.calls.map((c) => ({ path: c.path, at: c.at })),
        dropped: fake.dropped.length,
      };
      process.send!({ report });
    } else if (m === 'close') void fake.close().then(() => process.exit(0));
  });
  process.send!({ base: fake.base, corpId: fake.corpId, secret: fake.secret, agentId: fake.agentId });
})();
