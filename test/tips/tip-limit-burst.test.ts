import { ApiError, tipsApi } from '@yingji/shared';
import { ManualClock } from '../../server/src/core/clock';
import { seedDemo } from '../../server/src/people/seed';
import { TipModel } from '../../server/src/tips/tip.model';
import { useTestDatabase } from '../support/db';
import { startTestServer, type TestServer } from '../support/server';
import { PLACES } from './helpers';

/** The town's hourly tip limit (tipsPerHour, 10 by default) holds under a burst of concurrent submissions. */
useTestDatabase();

describe('the hourly tip limit under a burst', () => {
  const clock = new ManualClock('2026-06-01T02:10:00Z');
  let srv: TestServer;
  beforeAll(async () => {
    await seedDemo();
    srv = await startTestServer({ clock });
  });
  afterAll(() => srv.close());

  const tip = (i: number) => ({ category: 'gas' as const, description: `燃气管道有异味 ${i}`, location: PLACES.sq01 });

  it('stores at most 10 of 30 tips sent at once from one account, and refuses the rest with 429', async () => {
    const resident = await srv.login('resident.demo', 'Resident@2024');
    const results = await Promise.allSettled(Array.from({ length: 30 }, (_, i) => tipsApi(resident).create(tip(i))));
    const stored = results.filter((r) => r.status === 'fulfilled');
    const refused = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as ApiError] : []));
    expect(stored).toHaveLength(10);
    expect(refused).toHaveLength(20);
    for (const e of refused) expect(e).toMatchObject({ status: 429, code: 'TIP_RATE_LIMITED' });
    expect(refused[0].message).toBe('举报提交太频繁：每小时最多提交 10 条，请稍后再试');
    expect(await TipModel.countDocuments()).toBe(10);

    // The next hour has its own ten.
    clock.advance(60 * 60_000);
    await expect(tipsApi(resident).create(tip(99))).resolves.toMatchObject({ status: 'submitted' });
  });

  it('gives the slot back when the tip is refused for another reason', async () => {
    clock.advance(2 * 60 * 60_000);
    const grid = await srv.login('grid.sq-01', 'Grid@2024');
    const outside = { ...tip(0), location: { lat: 10, lng: 10 } };
    for (let i = 0; i < 12; i++) await expect(tipsApi(grid).create(outside)).rejects.toBeInstanceOf(ApiError);
    for (let i = 0; i < 10; i++) await expect(tipsApi(grid).create(tip(i))).resolves.toBeTruthy();
  });
});
