import { ApiClient, ApiError } from '@yingji/shared';
import { seedDemo } from '../../server/src/people/seed';
import { TownModel } from '../../server/src/people/town.model';
import { UserModel } from '../../server/src/people/user.model';
import { hashPassword } from '../../server/src/auth/passwords';
import { useTestDatabase } from '../support/db';
import { startTestServer, type TestServer } from '../support/server';

useTestDatabase();

const LOGINS = {
  resident: ['resident.demo', 'Resident@2024'],
  grid: ['grid.sh-01', 'Grid@2024'],
  cadre: ['cadre.sh', 'Cadre@2024'],
  office: ['office', 'Office@2024'],
  admin: ['admin', 'Admin@2024'],
} as const;
type Who = keyof typeof LOGINS;

async function statusOf(p: Promise<unknown>): Promise<number> {
  try {
    await p;
    return 200;
  } catch (e) {
    if (e instanceof ApiError) return e.status;
    throw e;
  }
}

describe('role matrix', () => {
  let srv: TestServer;
  const clients = {} as Record<Who, ApiClient>;

  beforeAll(async () => {
    await seedDemo();
    srv = await startTestServer();
    for (const [who, [u, p]] of Object.entries(LOGINS)) clients[who as Who] = await srv.login(u, p);
  });
  afterAll(() => srv.close());

  // [route, who may, who may not]
  const matrix: [string, (c: ApiClient) => Promise<unknown>, Who[], Who[]][] = [
    ['GET /api/me', (c) => c.me(), ['resident', 'grid', 'cadre', 'office', 'admin'], []],
    ['GET /api/users', (c) => c.get('/api/users'), ['office', 'admin'], ['resident', 'grid', 'cadre']],
    ['GET /api/grids', (c) => c.get('/api/grids'), ['grid', 'cadre', 'office', 'admin'], ['resident']],
    ['GET /api/villages', (c) => c.get('/api/villages'), ['resident', 'grid', 'cadre', 'office', 'admin'], []],
  ];

  it.each(matrix)('%s: allowed roles get 200, the others 403', async (_name, call, allowed, refused) => {
    for (const who of allowed) expect([who, await statusOf(call(clients[who]))]).toEqual([who, 200]);
    for (const who of refused) expect([who, await statusOf(call(clients[who]))]).toEqual([who, 403]);
  });

  it('only the office adds staff, and only an admin adds an admin', async () => {
    const input = { username: 'new.grid', password: 'Password-123', role: 'grid', name: '新网格员', grids: ['SH-01'] };
    expect(await statusOf(clients.cadre.post('/api/users', input))).toBe(403);
    expect(await statusOf(clients.office.post('/api/users', { ...input, role: 'admin', username: 'x.admin' }))).toBe(
      403,
    );
    const created = await clients.office.post<{ id: string; gridIds: string[]; villageId: string }>(
      '/api/users',
      input,
    );
    expect(created.gridIds).toHaveLength(1);
    expect(created.villageId).toBeDefined(); // the grid's village
    expect(await UserModel.exists({ username: 'x.admin' })).toBeNull();
  });

  it('shows phone numbers in full to the office only', async () => {
    const office = await clients.office.get<{ items: { username: string; phone?: string }[] }>('/api/users');
    expect(office.items.find((u) => u.username === 'grid.sh-01')?.phone).toMatch(/^1\d{10}$/);
    const me = await clients.grid.me();
    expect(me.phone).toMatch(/^1\d{10}$/); // one's own number
  });

  it('never shows another town’s people, villages or grids', async () => {
    const other = await TownModel.create({ code: 'QT', name: '其他镇' });
    await UserModel.create({
      town: other._id,
      username: 'qt.office',
      passwordHash: await hashPassword('Other@2024x'),
      role: 'office',
      name: '其他镇应急办',
    });
    const qt = await srv.login('qt.office', 'Other@2024x');
    expect(
      (await qt.get<{ items: unknown[] }>('/api/users')).items.map((u) => (u as { username: string }).username),
    ).toEqual(['qt.office']);
    expect((await qt.get<{ items: unknown[] }>('/api/villages')).items).toEqual([]);
    expect((await qt.get<{ items: unknown[] }>('/api/grids')).items).toEqual([]);
    const sz = await clients.office.get<{ items: { username: string }[] }>('/api/users');
    expect(sz.items.some((u) => u.username === 'qt.office')).toBe(false);
  });
});
