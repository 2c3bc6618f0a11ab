import { useTestDatabase } from '../support/db';
import { http, startTestServer, type TestServer } from '../support/server';

useTestDatabase();

describe('the API document', () => {
  let srv: TestServer;
  beforeAll(async () => {
    srv = await startTestServer();
  });
  afterAll(() => srv.close());

  it('lists the drills, shelters, resources, incidents and scores routes', async () => {
    const res = await http(srv.base, 'GET', '/api/openapi.json');
    expect(res.status).toBe(200);
    expect(Object.keys(res.json.paths)).toEqual(
      expect.arrayContaining([
        '/api/drills',
        '/api/drills/{id}/start',
        '/api/drills/{id}/end',
        '/api/drills/{id}/checkin',
        '/api/drills/checkin-latest',
        '/api/drills/{id}/report',
        '/api/drills/{id}/report.xlsx',
        '/api/shelters/nearest',
        '/api/hazard-points',
        '/api/transfers',
        '/api/evacuation',
        '/api/map/layers',
        '/api/incidents',
        '/api/incidents/{id}/report-up',
        '/api/incidents/stats',
        '/api/scores',
        '/api/scores.xlsx',
      ]),
    );
    expect(res.json.components.schemas.DrillReport).toBeDefined();
    expect(res.json.components.schemas.TransferCreate.required).toEqual(['count']);
  });
});
