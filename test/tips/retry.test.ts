import { tipsApi } from '@yingji/shared';
import { seedDemo } from '../../server/src/people/seed';
import { TipModel } from '../../server/src/tips/tip.model';
import { useTestDatabase } from '../support/db';
import { startTestServer, type TestServer } from '../support/server';
import { apiError, PLACES } from './helpers';

useTestDatabase();

describe('a tip sent again after a lost answer', () => {
  let srv: TestServer;
  beforeAll(async () => {
    await seedDemo();
    srv = await startTestServer();
  });
  afterAll(() => srv.close());

  const draft = { category: 'flood_drought' as const, description: '河堤有裂缝，下雨后在扩大', location: PLACES.sh01 };

  it('is stored once when the device sends the same clientId', async () => {
    const resident = tipsApi(await srv.login('resident.demo', 'Resident@2024'));
    const first = await resident.create({ ...draft, clientId: 'mfx3k2a1-ab12cd' });
    const again = await resident.create({ ...draft, clientId: 'mfx3k2a1-ab12cd' });
    expect(again).toEqual(first);
    expect(await TipModel.countDocuments({ description: draft.description })).toBe(1);
  });

  it('keeps tips with different clientIds, or none, apart', async () => {
    const grid = tipsApi(await srv.login('grid.sh-01', 'Grid@2024'));
    const a = await grid.create({ ...draft, description: '桥头护栏松动', clientId: 'device-aaaa-0001' });
    const b = await grid.create({ ...draft, description: '桥头护栏松动', clientId: 'device-aaaa-0002' });
    const c = await grid.create({ ...draft, description: '桥头护栏松动' });
    expect(new Set([a.id, b.id, c.id]).size).toBe(3);
  });

  it('refuses a malformed clientId and stores nothing', async () => {
    const resident = tipsApi(await srv.login('resident.demo', 'Resident@2024'));
    const before = await TipModel.countDocuments();
    const err = await apiError(resident.create({ ...draft, clientId: 'x y' }));
    expect(err).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    expect(await TipModel.countDocuments()).toBe(before);
  });
});
