import { ManualClock } from '../../server/src/core/clock';
import { LoginAttemptModel } from '../../server/src/auth/login-attempt.model';
import { seedDemo } from '../../server/src/people/seed';
import { useTestDatabase } from '../support/db';
import { http, startTestServer, type TestServer } from '../support/server';

/**
 * Login slow-down against the real server over HTTP, from several addresses (X-Forwarded-For,
 * trusted as behind a load balancer). The state is in the database: a second server instance, or
 * one started after a restart, sees the same lock-outs.
 */
useTestDatabase();

const MIN = 60_000;

describe('login lock-out', () => {
  const clock = new ManualClock('2026-06-01T02:00:00Z');
  let srv: TestServer;
  let saved: string | undefined;

  beforeAll(async () => {
    saved = process.env.TRUST_PROXY;
    process.env.TRUST_PROXY = 'true';
    await seedDemo();
    srv = await startTestServer({ clock });
  });
  afterAll(async () => {
    await srv.close();
    if (saved === undefined) delete process.env.TRUST_PROXY;
    else process.env.TRUST_PROXY = saved;
  });

  const login = (base: string, ip: string, username: string, password: string) =>
    http(base, 'POST', '/api/auth/login', {
      body: JSON.stringify({ username, password }),
      headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
    });

  it('never refuses the right password because of failures from another address', async () => {
    // The attack of the report: wrong passwords for the office, and 25 made-up names, all from one address.
    for (let i = 0; i < 8; i++) await login(srv.base, '203.0.113.7', 'office', `guess-${i}`);
    for (let i = 0; i < 25; i++) await login(srv.base, '203.0.113.7', `nobody-${i}`, 'x');
    expect((await login(srv.base, '203.0.113.7', 'office', 'Office@2024')).status).toBe(429);

    const res = await login(srv.base, '198.51.100.20', 'office', 'Office@2024');
    expect(res.status).toBe(200);
    expect(res.json.user.role).toBe('office');
  });

  it('slows one account from one address down with growing delays', async () => {
    clock.advance(2 * 60 * MIN);
    const ip = '192.0.2.10';
    for (let i = 0; i < 4; i++) expect((await login(srv.base, ip, 'cadre.sh', `nope-${i}`)).status).toBe(401);
    // The fifth failure locks for 30 s: even the right password waits, with Retry-After.
    expect((await login(srv.base, ip, 'cadre.sh', 'nope-4')).status).toBe(401);
    const locked = await login(srv.base, ip, 'cadre.sh', 'Cadre@2024');
    expect(locked.status).toBe(429);
    expect(locked.json.error).toEqual({ code: 'LOGIN_TOO_MANY_ATTEMPTS', message: '登录失败次数过多，请稍后再试' });
    expect(locked.headers.get('retry-after')).toBe('30');

    // After it, one more failure locks for twice as long.
    clock.advance(31_000);
    expect((await login(srv.base, ip, 'cadre.sh', 'nope-5')).status).toBe(401);
    expect((await login(srv.base, ip, 'cadre.sh', 'Cadre@2024')).headers.get('retry-after')).toBe('60');
    clock.advance(61_000);
    expect((await login(srv.base, ip, 'cadre.sh', 'Cadre@2024')).status).toBe(200);

    // The right password ended the streak: the next mistake is free again.
    expect((await login(srv.base, ip, 'cadre.sh', 'oops')).status).toBe(401);
    expect((await login(srv.base, ip, 'cadre.sh', 'Cadre@2024')).status).toBe(200);
  });

  it('caps the failures of one address across all names it tries', async () => {
    clock.advance(2 * 60 * MIN);
    const ip = '192.0.2.99';
    for (let i = 0; i < 21; i++) expect((await login(srv.base, ip, `spray-${i}`, 'Password1')).status).toBe(401);
    // Past twenty failures the address waits, also for an account it never tried.
    const res = await login(srv.base, ip, 'grid.sh-01', 'Grid@2024');
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('60');
    // Another address is not affected.
    expect((await login(srv.base, '192.0.2.100', 'grid.sh-01', 'Grid@2024')).status).toBe(200);
    clock.advance(61_000);
    expect((await login(srv.base, ip, 'grid.sh-01', 'Grid@2024')).status).toBe(200);
  });

  it('keeps the lock-out in the database: another instance and a restarted one enforce it', async () => {
    clock.advance(2 * 60 * MIN);
    const ip = '192.0.2.50';
    for (let i = 0; i < 5; i++) await login(srv.base, ip, 'grid.sq-01', `nope-${i}`);
    const other = await startTestServer({ clock });
    try {
      expect((await login(other.base, ip, 'grid.sq-01', 'Grid@2024')).status).toBe(429);
    } finally {
      await other.close();
    }
    await srv.close();
    srv = await startTestServer({ clock });
    expect((await login(srv.base, ip, 'grid.sq-01', 'Grid@2024')).status).toBe(429);
    expect(await LoginAttemptModel.countDocuments({ username: 'grid.sq-01', ip })).toBe(1);
  });

  it('forgives an old streak of failures after an hour without any', async () => {
    clock.advance(2 * 60 * MIN);
    const ip = '192.0.2.60';
    for (let i = 0; i < 4; i++) await login(srv.base, ip, 'cadre.xj', `nope-${i}`);
    clock.advance(61 * MIN);
    // Four more mistakes are free again: the old four do not count.
    for (let i = 0; i < 4; i++) expect((await login(srv.base, ip, 'cadre.xj', `again-${i}`)).status).toBe(401);
    expect((await login(srv.base, ip, 'cadre.xj', 'Cadre@2024')).status).toBe(200);
  });

  it('shows the office the recent lock-outs of its town and of addresses, and no one else', async () => {
    const office = await login(srv.base, '10.0.0.1', 'office', 'Office@2024');
    const res = await http(srv.base, 'GET', '/api/auth/lockouts', { token: office.json.token });
    expect(res.status).toBe(200);
    const items = res.json.items as Record<string, unknown>[];
    expect(items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'account', username: 'office', ip: '203.0.113.7' }),
        expect.objectContaining({ kind: 'address', ip: '203.0.113.7' }),
        expect.objectContaining({ kind: 'account', username: 'grid.sq-01', ip: '192.0.2.50' }),
        expect.objectContaining({ kind: 'account', username: 'cadre.sh', ip: '192.0.2.10', active: false }),
      ]),
    );
    const times = items.map((i) => Date.parse(String(i.lockedAt)));
    expect(times).toEqual([...times].sort((a, b) => b - a));

    const grid = await login(srv.base, '10.0.0.2', 'grid.sh-01', 'Grid@2024');
    const refused = await http(srv.base, 'GET', '/api/auth/lockouts', { token: grid.json.token });
    expect(refused.status).toBe(403);
  });
});
