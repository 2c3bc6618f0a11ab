import { sheltersApi, type ApiClient, type ShelterOut } from '@yingji/shared';
import { seedDemoTown } from '../../server/src/demo-seed';
import { useTestDatabase } from '../support/db';
import { startTestServer, type TestServer } from '../support/server';

useTestDatabase();

let srv: TestServer;
let office: ApiClient;
beforeAll(async () => {
  await seedDemoTown();
  srv = await startTestServer();
  office = await srv.login('office', 'Office@2024');
});
afterAll(() => srv.close());

describe('editing a shelter', () => {
  it('changes its capacity and opening, and keeps the rest', async () => {
    const [first] = (await sheltersApi(office).list()).items;
    const edited = await office.request<ShelterOut>('PATCH', `/api/shelters/${first!.id}`, {
      capacity: 321,
      open: false,
    });
    expect(edited).toMatchObject({ id: first!.id, name: first!.name, capacity: 321, open: false });
    const again = (await sheltersApi(office).list()).items.find((s) => s.id === first!.id);
    expect(again).toMatchObject({ capacity: 321, open: false });
  });

  it('refuses a negative capacity with the Chinese reason, and anyone but the office', async () => {
    const [first] = (await sheltersApi(office).list()).items;
    await expect(office.request('PATCH', `/api/shelters/${first!.id}`, { capacity: -1 })).rejects.toMatchObject({
      status: 400,
    });
    const grid = await srv.login('grid.sh-01', 'Grid@2024');
    await expect(grid.request('PATCH', `/api/shelters/${first!.id}`, { capacity: 1 })).rejects.toMatchObject({
      status: 403,
    });
  });
});
