import { calloutsApi, warningsApi } from '@yingji/shared';
import { CalloutModel } from '../../server/src/callouts/callout.model';
import { seedDemo } from '../../server/src/people/seed';
import { UserModel } from '../../server/src/people/user.model';
import { useTestDatabase } from '../support/db';
import { startTestServer, type TestServer } from '../support/server';

useTestDatabase();

describe('GET /api/warnings/active: the warnings in force where the caller lives', () => {
  let srv: TestServer;
  beforeAll(async () => {
    await seedDemo();
    srv = await startTestServer();
    const office = calloutsApi(await srv.login('office', 'Office@2024'));
    await office.create({
      title: '双河村山洪橙色预警',
      level: 'orange',
      body: '沿河住户请立即转移',
      area: { villages: ['SH'] },
    });
    await office.create({ title: '全镇暴雨蓝色预警', level: 'blue', body: '注意防范' });
    await office.create({ title: '石龙村滑坡红色预警', level: 'red', area: { villages: ['SL'] } });
    await office.create({ title: '演练：双河村山洪', level: 'red', area: { villages: ['SH'] }, exercise: true });
    const old = await office.create({ title: '已过期的大风预警', level: 'yellow', area: { villages: ['SH'] } });
    await CalloutModel.updateOne({ _id: old.id }, { expiresAt: new Date(Date.now() - 60_000) });
  });
  afterAll(() => srv.close());

  const titles = (r: { items: { title: string }[] }) => r.items.map((w) => w.title).sort();

  it('shows a resident of 双河村 the town-wide warning and their village’s, without exercises or expired ones', async () => {
    const resident = warningsApi(await srv.login('resident.demo', 'Resident@2024'));
    const res = await resident.active();
    expect(titles(res)).toEqual(['全镇暴雨蓝色预警', '双河村山洪橙色预警']);
    expect(res.items.find((w) => w.level === 'orange')).toMatchObject({
      body: '沿河住户请立即转移',
      areaNames: ['双河村'],
    });
    expect(JSON.stringify(res)).not.toMatch(/recipients|acked|phone/);
  });

  it('shows a resident with no village every real warning of the town', async () => {
    await UserModel.updateOne({ username: 'resident.demo' }, { $unset: { village: 1 } });
    const resident = warningsApi(await srv.login('resident.demo', 'Resident@2024'));
    expect(titles(await resident.active())).toEqual(['全镇暴雨蓝色预警', '双河村山洪橙色预警', '石龙村滑坡红色预警']);
  });

  it('needs a login', async () => {
    await expect(warningsApi(srv.client).active()).rejects.toMatchObject({ status: 401 });
  });
});
