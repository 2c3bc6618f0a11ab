import { tipsApi, type ApiClient } from '@yingji/shared';
import { seedDemo } from '../../server/src/people/seed';
import { useTestDatabase } from '../support/db';
import { startTestServer, type TestServer } from '../support/server';

useTestDatabase();

interface Choices {
  villages: Array<{
    id: string;
    name: string;
    point?: { lat: number; lng: number };
    groups: Array<{ id: string; name: string; point: { lat: number; lng: number } }>;
  }>;
}

let srv: TestServer;
let resident: ApiClient;
beforeAll(async () => {
  await seedDemo();
  srv = await startTestServer();
  resident = await srv.login('resident.demo', 'Resident@2024');
});
afterAll(() => srv.close());

describe('choosing the place of a tip from a list (no GPS)', () => {
  it('gives a resident every village with its groups, each with a point to file the tip at', async () => {
    const { villages } = await resident.get<Choices>('/api/tips/places');
    expect(villages.map((v) => v.name)).toContain('双河村');
    const sh = villages.find((v) => v.name === '双河村')!;
    expect(sh.groups.length).toBeGreaterThan(0);
    for (const g of sh.groups) {
      expect(g.point.lat).toBeGreaterThan(20);
      expect(g.point.lng).toBeGreaterThan(100);
    }
  });

  it('files a tip at the chosen group, in that village', async () => {
    const { villages } = await resident.get<Choices>('/api/tips/places');
    const sh = villages.find((v) => v.name === '双河村')!;
    const g = sh.groups[0]!;
    const created = await tipsApi(resident).create({
      category: 'flood_drought',
      description: '河边护栏断了',
      location: { ...g.point, address: `双河村 ${g.name}` },
    });
    const tip = await tipsApi(resident).get(created.id);
    expect(tip.location.address).toBe(`双河村 ${g.name}`);
    expect(tip.village?.name ?? '双河村').toBe('双河村');
  });
});
