import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { ApiClient } from '@yingji/shared';
import { UserModel } from '../../server/src/people/user.model';
import { seedDemo } from '../../server/src/people/seed';
import { apiError } from '../tips/helpers';
import { testMongoUri, useTestDatabase } from '../support/db';
import { startTestServer, type TestServer } from '../support/server';

const db = useTestDatabase();
const ROOT = path.resolve(__dirname, '..', '..');

/** Who the caller is is cached between requests (core/caller-cache.ts); a change must still show. */
describe('the caller as the server knows it', () => {
  let srv: TestServer;
  beforeAll(async () => {
    await seedDemo();
    srv = await startTestServer();
  });
  afterAll(() => srv.close());

  /** Change a user from another process, as `npm run admin` would beside a running server. */
  const elsewhere = (username: string, set: Record<string, unknown>) =>
    execFileSync(
      process.execPath,
      ['--import', 'tsx', 'test/support/change-user.ts', testMongoUri(), db.name, username, JSON.stringify(set)],
      { cwd: ROOT, stdio: 'pipe', timeout: 60_000 },
    );

  async function eventually(client: ApiClient, check: (err: { code?: string } | undefined, role?: string) => boolean) {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const r = await client.me().then(
        (me) => ({ err: undefined, role: me.role as string }),
        (err: { code?: string }) => ({ err, role: undefined }),
      );
      if (check(r.err, r.role) || Date.now() > deadline) return r;
      await new Promise((res) => setTimeout(res, 200));
    }
  }

  it('refuses a disabled account on its very next request', async () => {
    const client = await srv.login('grid.sq-02', 'Grid@2024');
    await client.me();
    await client.me(); // now surely cached
    await UserModel.updateOne({ username: 'grid.sq-02' }, { $set: { active: false } });
    expect(await apiError(client.me())).toMatchObject({ status: 403, code: 'ACCOUNT_DISABLED' });
  });

  it('sees a role change and a disabled account made by another process', async () => {
    const client = await srv.login('grid.sh-01', 'Grid@2024');
    expect((await client.me()).role).toBe('grid');
    elsewhere('grid.sh-01', { role: 'cadre' });
    expect((await eventually(client, (_e, role) => role === 'cadre')).role).toBe('cadre');
    elsewhere('grid.sh-01', { active: false });
    expect((await eventually(client, (e) => e?.code === 'ACCOUNT_DISABLED')).err).toMatchObject({
      code: 'ACCOUNT_DISABLED',
    });
  });
});
