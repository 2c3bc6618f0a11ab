import { ApiClient, type ApiClient as Client } from '@yingji/shared';
import { seedDemo } from '../../server/src/people/seed';
import { OriginalAccessModel } from '../../server/src/media/access.model';
import { useTestDatabase } from '../support/db';
import { startTestServer, type TestServer } from '../support/server';
import { fetchBytes, hasGps, photo, upload } from '../tips/helpers';

useTestDatabase();

describe('photos served without their EXIF, the original to the office on request', () => {
  let srv: TestServer;
  let office: Client;
  let resident: Client;
  let id: string;
  const original = photo({ gps: true });

  beforeAll(async () => {
    await seedDemo();
    srv = await startTestServer();
    office = await srv.login('office', 'Office@2024');
    resident = await srv.login('resident.demo', 'Resident@2024');
    id = (await upload(resident, await original)).id;
  });
  afterAll(() => srv.close());

  it('serves every copy without GPS, the office included', async () => {
    for (const viewer of [office, resident])
      for (const path of [`/api/media/${id}`, `/api/media/${id}/thumbnail`]) {
        const got = await fetchBytes(viewer, path);
        expect(got.status).toBe(200);
        expect(await hasGps(got.body)).toBe(false);
      }
  });

  it('gives the office the original only on explicit request, and records who asked and why', async () => {
    const got = await fetchBytes(office, `/api/media/${id}/original?purpose=${encodeURIComponent('核实举报位置')}`);
    expect(got.status).toBe(200);
    expect(got.body.equals(await original)).toBe(true);
    expect(await hasGps(got.body)).toBe(true);
    expect(await OriginalAccessModel.find({ media: id }).lean()).toMatchObject([{ purpose: '核实举报位置' }]);
    const log = await office.get<{ items: { media: string; purpose: string; viewer: { name: string } }[] }>(
      '/api/media/audit/originals',
    );
    expect(log.items[0]).toMatchObject({ media: id, purpose: '核实举报位置' });
  });

  it('refuses the original to anyone else, the uploader included', async () => {
    expect((await fetchBytes(resident, `/api/media/${id}/original`)).status).toBe(403);
    const anonymous = new ApiClient({ baseUrl: srv.base });
    expect((await fetchBytes(anonymous, `/api/media/${id}/original`)).status).toBe(401);
    expect(await OriginalAccessModel.countDocuments({ media: id })).toBe(1);
  });
});
