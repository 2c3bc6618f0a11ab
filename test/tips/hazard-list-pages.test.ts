import { Types } from 'mongoose';
import { hazardsApi, type ApiClient } from '@yingji/shared';
import { HazardModel } from '../../server/src/hazards/hazard.model';
import { seedDemo } from '../../server/src/people/seed';
import { TownModel } from '../../server/src/people/town.model';
import { useTestDatabase } from '../support/db';
import { startTestServer, type TestServer } from '../support/server';

useTestDatabase();

const DAY = 24 * 3600_000;

/**
 * The list's pages are read through windows of recent discovery dates (hazards/service.ts): every
 * page must still be exactly the newest-first order of the whole list, also where a page spans
 * two windows, where entries share a date, and for hazards older than every window.
 */
describe('the hazard list, page by page', () => {
  let srv: TestServer;
  let office: ReturnType<typeof hazardsApi>;
  const expected: string[] = [];

  beforeAll(async () => {
    await seedDemo();
    const town = (await TownModel.findOne().lean())!;
    const now = Date.now();
    // Days ago: a few this week, some this month, this half-year, these two years, older, one in the future.
    const ages = [-1, 0, 0.5, 1, 1, 1, 2, 6.9, 8, 9, 20, 29, 31, 45, 90, 170, 181, 200, 400, 729, 731, 900, 1500, 3000];
    const docs = ages.flatMap((age, i) =>
      Array.from({ length: 1 + (i % 3) }, (_, k) => ({
        _id: new Types.ObjectId(),
        town: town._id,
        code: `PG-${i}-${k}`,
        category: 'fire',
        level: 'general',
        status: k === 1 ? 'closed' : 'assigned',
        source: 'inspection',
        description: `分页检查 ${i}-${k}`,
        location: { lat: 29.785, lng: 107.86 },
        department: '应急办',
        acceptedAt: new Date(now),
        discoveredAt: new Date(now - age * DAY), // entries of one age share their date exactly
      })),
    );
    await HazardModel.insertMany(docs);
    expected.push(
      ...docs
        .sort((a, b) => b.discoveredAt.getTime() - a.discoveredAt.getTime() || (String(b._id) > String(a._id) ? 1 : -1))
        .map((d) => String(d._id)),
    );
    srv = await startTestServer();
    const client: ApiClient = await srv.login('office', 'Office@2024');
    office = hazardsApi(client);
  });
  afterAll(() => srv.close());

  it.each([1, 2, 3, 5, 7, 50])('gives every page of %i in the newest-first order of the whole list', async (size) => {
    const seen: string[] = [];
    for (let page = 1; seen.length < expected.length; page++) {
      const res = await office.list({ pageSize: size, page });
      expect(res.total).toBe(expected.length);
      expect(res.items.length).toBeGreaterThan(0);
      seen.push(...res.items.map((h) => h.id));
    }
    expect(seen).toEqual(expected);
  });

  it('keeps the order within a filter: the open ones only', async () => {
    const open = await HazardModel.find({ status: { $ne: 'closed' } })
      .select('_id')
      .lean();
    const ids = new Set(open.map((h) => String(h._id)));
    const res = await office.list({ status: 'open', pageSize: 4, page: 2 });
    expect(res.items.map((h) => h.id)).toEqual(expected.filter((id) => ids.has(id)).slice(4, 8));
  });
});
