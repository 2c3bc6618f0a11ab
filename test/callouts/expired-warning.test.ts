import { ApiError, calloutsApi, type ApiClient } from '@yingji/shared';
import { ManualClock } from '../../server/src/core/clock';
import { CalloutModel } from '../../server/src/callouts/callout.model';
import { DeliveryModel } from '../../server/src/outbox/delivery.model';
import { seedDemo } from '../../server/src/people/seed';
import { useTestDatabase } from '../support/db';
import { http, startTestServer, type TestServer } from '../support/server';

/** A warning that has already expired is refused at issue, so nobody is called out for it. */
useTestDatabase();

let srv: TestServer;
let office: ApiClient;
const clock = new ManualClock('2024-06-01T08:00:00Z'); // 16:00 in Shanghai
beforeAll(async () => {
  await seedDemo();
  srv = await startTestServer({ clock });
  office = await srv.login('office', 'Office@2024');
});
afterAll(() => srv.close());

async function apiError(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ApiError) return e;
    throw e;
  }
  throw new Error('expected the call to fail');
}

const warning = { title: '暴雨蓝色预警', level: 'blue' as const, area: { villages: ['SQ'] } };

it.each([
  ['an hour ago', '2024-06-01T15:00:00+08:00'],
  ['this very moment', '2024-06-01T08:00:00Z'],
  ['last year', '2023-06-01T20:00:00+08:00'],
])('refuses a warning that expired %s, with a Chinese message, and calls nobody', async (_when, expiresAt) => {
  const err = await apiError(calloutsApi(office).create({ ...warning, expiresAt }));
  expect(err).toMatchObject({
    status: 400,
    code: 'CALLOUT_ALREADY_EXPIRED',
    message: '预警的失效时间已经过去，请填写晚于现在的失效时间',
  });
  expect(await CalloutModel.countDocuments()).toBe(0);
  expect(await DeliveryModel.countDocuments()).toBe(0);
});

it('refuses an imported CAP alert whose expiry is past', async () => {
  const { id } = await calloutsApi(office).create({ ...warning, expiresAt: '2024-06-01T17:00:00+08:00' });
  const xml = (await http(srv.base, 'GET', `/api/callouts/${id}/cap.xml`, { token: office.token })).text;
  clock.advance(2 * 3600_000);
  const err = await apiError(calloutsApi(office).importCap(xml.replace(`-callout-${id}`, '-callout-late')));
  expect(err).toMatchObject({ status: 400, code: 'CALLOUT_ALREADY_EXPIRED' });
  expect(await CalloutModel.countDocuments()).toBe(1);
});

it('issues a warning that expires later, or that has no expiry', async () => {
  await expect(
    calloutsApi(office).create({ ...warning, expiresAt: '2024-06-02T08:00:00+08:00' }),
  ).resolves.toMatchObject({
    recipients: 3,
  });
  await expect(calloutsApi(office).create(warning)).resolves.toMatchObject({ recipients: 3 });
});
