import { DeliveryModel } from '../../server/src/outbox/delivery.model';
import { enqueue } from '../../server/src/outbox/enqueue';
import { runOutboxPass } from '../../server/src/outbox/worker';
import { TownModel } from '../../server/src/people/models';
import { seedDemo } from '../../server/src/people/seed';
import { useTestDatabase } from '../support/db';
import { startTestServer, type TestServer } from '../support/server';
import { startFakeWecom, type FakeWecom } from '../fakes/wecom';

useTestDatabase();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A delivery claimed behind slower sends than its lease allows for: the worker holding it renews
 * the lease before sending, so another instance does not take it for abandoned (a robot message
 * parked as "outcome unknown" while it is being delivered, or a WeCom message sent twice).
 */
describe('a lease that runs short while the delivery waits its turn', () => {
  let fake: FakeWecom;
  let srv: TestServer;
  beforeAll(async () => {
    await seedDemo();
    fake = await startFakeWecom();
    srv = await startTestServer({
      env: {
        WECOM_API_BASE: fake.base,
        // A lease shorter than a send may take: claims go one pool's worth at a time.
        OUTBOX_LEASE_SECONDS: '1',
        WECOM_TIMEOUT_MS: '3000',
      },
    });
  });
  afterAll(async () => {
    await srv.close();
    await fake.close();
  });

  it('is renewed before the send: another worker finds nothing abandoned, each message is sent once and recorded as sent', async () => {
    const town = await TownModel.findOne({ code: 'SZ' }).lean();
    const keys = ['robot-a', 'robot-b', 'robot-c'];
    await enqueue(
      srv.services.clock,
      keys.map((key) => ({
        town: town!._id,
        channel: 'wecom_robot' as const,
        recipient: { address: key },
        content: { kind: 'text' as const, text: `暴雨预警 ${key}` },
        source: { kind: 'test' },
        idempotencyKey: `lease:${key}`,
      })),
    );
    fake.delayMs = 600; // each robot call answers after 0.6 s; one at a time: the last waits 1.2 s
    const first = runOutboxPass(srv.services, 'wecom_robot', { concurrency: 1, workerId: 'worker-a' });
    // Another instance's pass while the first is mid-way, after the leases as first taken ran out.
    await sleep(1150);
    const second = await runOutboxPass(srv.services, 'wecom_robot', { workerId: 'worker-b' });
    const report = await first;

    expect(second.parked + second.resent + second.claimed).toBe(0);
    expect(report.sent).toBe(3);
    const stored = await DeliveryModel.find({ idempotencyKey: { $in: keys.map((k) => `lease:${k}`) } }).lean();
    expect(stored.map((d) => d.state)).toEqual(['sent', 'sent', 'sent']);
    for (const key of keys) expect(fake.to(key)).toHaveLength(1);
  });
});
