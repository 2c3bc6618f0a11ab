import { incidentsApi, type ApiClient } from '@yingji/shared';
import { ManualClock } from '../../server/src/core/clock';
import { EventModel } from '../../server/src/events/model';
import { escalateLateIncidents } from '../../server/src/incidents/service';
import { seedDemo } from '../../server/src/people/seed';
import { useTestDatabase } from '../support/db';
import { http, startTestServer, type TestServer } from '../support/server';

useTestDatabase();

describe('the event feed for the county platform', () => {
  const clock = new ManualClock(Date.now());
  let srv: TestServer;
  let grid: ApiClient;
  let key: string;

  beforeAll(async () => {
    await seedDemo();
    srv = await startTestServer({ clock });
    const office = await srv.login('office', 'Office@2024');
    grid = await srv.login('grid.sh-01', 'Grid@2024');
    key = (
      await http(srv.base, 'POST', '/api/api-keys', {
        token: office.token,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: '县数字应急平台', scopes: ['events'] }),
      })
    ).json.key;
  });
  afterAll(() => srv.close());

  it('tells of a new incident and, once, of it being late, with phones masked', async () => {
    const i = await incidentsApi(grid).create({
      kind: '地质灾害',
      occurredAt: clock.now().toISOString(),
      location: { lat: 29.785, lng: 107.88, address: '双河村王家沟' },
      casualties: { deaths: 0, injuries: 1, missing: 0 },
      description: '小型滑坡，联系人 13912345678',
    });
    clock.advance(2 * 3600_000);
    await escalateLateIncidents(srv.services);
    await escalateLateIncidents(srv.services);
    expect(await EventModel.countDocuments({ 'subject.id': i.id })).toBe(2);

    const feed = await http(srv.base, 'GET', '/api/events?limit=500', { headers: { 'x-api-key': key } });
    expect(feed.status).toBe(200);
    const mine = feed.json.items.filter((e: { data: { id?: string } }) => e.data.id === i.id);
    expect(mine.map((e: { event: string }) => e.event)).toEqual(['incident.created', 'incident.late']);
    expect(feed.text).not.toContain('13912345678');
    // Reading on from the last event seen gives nothing new.
    const after = await http(srv.base, 'GET', `/api/events?after=${encodeURIComponent(mine[1].id)}`, {
      headers: { 'x-api-key': key },
    });
    expect(after.json.items.filter((e: { data: { id?: string } }) => e.data.id === i.id)).toEqual([]);
  });
});
