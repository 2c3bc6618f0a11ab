import { tipsApi, type ApiClient } from '@yingji/shared';
import { createUser } from '../../server/src/people/service';
import { seedDemo } from '../../server/src/people/seed';
import { TownModel } from '../../server/src/people/town.model';
import { TipModel } from '../../server/src/tips/tip.model';
import { useTestDatabase } from '../support/db';
import { http, startTestServer, type TestServer } from '../support/server';
import { PLACES } from '../tips/helpers';

useTestDatabase();
jest.setTimeout(60_000);

describe('Open311 GeoReport v2 over the hazard list', () => {
  let srv: TestServer;
  let office: ApiClient;
  let alice: ApiClient;
  let read: string;
  let intake: string;
  let otherRead: string;
  let hazardCode: string;

  const key = async (who: ApiClient, scopes: string[]) =>
    (
      await http(srv.base, 'POST', '/api/api-keys', {
        token: who.token,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: '市民热线平台', scopes }),
      })
    ).json.key as string;

  beforeAll(async () => {
    await seedDemo();
    const town = await TownModel.findOne({ code: 'SZ' });
    await createUser(town!._id, {
      username: 'alice',
      password: 'Resident@2024',
      role: 'resident',
      name: '张三',
      phone: '13800138000',
    });
    const other = await TownModel.create({ code: 'QT', name: '其他镇' });
    await createUser(other._id, {
      username: 'office.qt',
      password: 'Office@2024',
      role: 'office',
      name: '其他镇应急办',
    });
    srv = await startTestServer();
    [office, alice] = await Promise.all([srv.login('office', 'Office@2024'), srv.login('alice', 'Resident@2024')]);
    read = await key(office, ['read']);
    intake = await key(office, ['intake']);
    otherRead = await key(await srv.login('office.qt', 'Office@2024'), ['read']);
    const tip = await tipsApi(alice).create({ category: 'gas', description: '燃气管道漏气', location: PLACES.sq01 });
    hazardCode = (await tipsApi(office).triage(tip.id, { decision: 'accept', level: 'major' })).hazard!.code;
  });
  afterAll(() => srv.close());

  it('lists the categories as services', async () => {
    const r = await http(srv.base, 'GET', `/open311/v2/services.json?api_key=${read}`);
    expect(r.status).toBe(200);
    expect(r.json).toEqual(
      expect.arrayContaining([expect.objectContaining({ service_code: 'gas', service_name: '燃气' })]),
    );
  });

  it('reads the hazard list and one hazard, open with our status in status_notes, without the reporter', async () => {
    const list = await http(srv.base, 'GET', `/open311/v2/requests.json?status=open`, {
      headers: { 'x-api-key': read },
    });
    expect(list.status).toBe(200);
    const mine = (list.json as unknown as Record<string, unknown>[]).find((x) => x.service_request_id === hazardCode);
    expect(mine).toMatchObject({ status: 'open', status_notes: '已受理', service_code: 'gas', lat: PLACES.sq01.lat });
    const one = await http(srv.base, 'GET', `/open311/v2/requests/${hazardCode}.json?api_key=${read}`);
    expect(one.status).toBe(200);
    expect(one.json[0]).toMatchObject({ service_request_id: hazardCode, status: 'open' });
    expect(one.text).not.toContain('张三');
    expect(one.text).not.toContain('13800138000');
  });

  it('files a tip with an intake key as api_key, which the office finds in its queue', async () => {
    const form = new URLSearchParams({
      api_key: intake,
      service_code: 'road_traffic',
      lat: String(PLACES.sh01.lat),
      long: String(PLACES.sh01.lng),
      description: '桥头护栏缺失',
    });
    const r = await http(srv.base, 'POST', '/open311/v2/requests.json', {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    });
    expect(r.status).toBe(201);
    const id = r.json[0].service_request_id as string;
    await tipsApi(alice).create({ category: 'gas', description: '液化气瓶放在楼道', location: PLACES.sq01 });
    const queue = await http(srv.base, 'GET', '/api/tips?status=submitted', { token: office.token });
    const filed = queue.json.items.find((t: { code: string }) => t.code === id);
    expect(filed).toMatchObject({ source: 'open311', sourceLabel: 'Open311' });
    // A tip from the mini-program says so; one stored before tips kept their source reads as one.
    const mine = queue.json.items.find((t: { description: string }) => t.description === '液化气瓶放在楼道');
    expect(mine).toMatchObject({ source: 'app', sourceLabel: '小程序' });
    await TipModel.updateOne({ code: mine.code }, { $unset: { source: 1 } });
    expect((await tipsApi(office).get(mine.id)).source).toBe('app');
    const back = await http(srv.base, 'GET', `/open311/v2/requests/${id}.json?api_key=${read}`);
    expect(back.json[0]).toMatchObject({ service_request_id: id, status: 'open', status_notes: '待受理' });
    // A read key cannot file, and an intake key cannot read.
    form.set('api_key', read);
    expect(
      (
        await http(srv.base, 'POST', '/open311/v2/requests.json', {
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: form.toString(),
        })
      ).status,
    ).toBe(403);
    expect((await http(srv.base, 'GET', `/open311/v2/requests.json?api_key=${intake}`)).status).toBe(403);
  });

  it('keeps another town’s key away from this town’s hazards', async () => {
    expect((await http(srv.base, 'GET', `/open311/v2/requests/${hazardCode}.json?api_key=${otherRead}`)).status).toBe(
      404,
    );
    const list = await http(srv.base, 'GET', `/open311/v2/requests.json?api_key=${otherRead}`);
    expect(list.json).toEqual([]);
  });
});
