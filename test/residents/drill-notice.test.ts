import { drillsApi, type ApiClient } from '@yingji/shared';
import { ManualClock } from '../../server/src/core/clock';
import { drainEvents } from '../../server/src/events/bus';
import { EventModel } from '../../server/src/events/model';
import { DeliveryModel } from '../../server/src/outbox/delivery.model';
import { drainOutbox } from '../../server/src/outbox/worker';
import { seedDemo } from '../../server/src/people/seed';
import { TownModel } from '../../server/src/people/town.model';
import { ConsentModel, consentId } from '../../server/src/subscriptions/consent.model';
import { drillNoticesSubscriber } from '../../server/src/subscriptions/drills';
import { startFakeWechat, type FakeWechat } from '../fakes/wechat';
import { useTestDatabase } from '../support/db';
import { startTestServer, type TestServer } from '../support/server';
import { TEMPLATES, answer, wechatResident } from './support';

useTestDatabase();

const DRILL = {
  templateId: 'tmpl-drill',
  fields: { thing1: 'title', time2: 'time', thing3: 'place', thing4: 'note' },
} as const;

describe('residents told of a drill through WeChat subscription messages', () => {
  let wechat: FakeWechat;
  let srv: TestServer;
  let office: ApiClient;
  const clock = new ManualClock(new Date('2026-06-01T01:00:00Z'));
  let villages: Record<string, string>;

  beforeAll(async () => {
    await seedDemo();
    wechat = await startFakeWechat();
    srv = await startTestServer({
      clock,
      env: { WECHAT_APPID: wechat.appId, WECHAT_SECRET: wechat.secret, WECHAT_API_BASE: wechat.base },
    });
    const t = await TownModel.findOne({ code: 'SZ' }).lean();
    await TownModel.updateOne(
      { code: 'SZ' },
      {
        $set: {
          config: {
            ...(t?.config ?? {}),
            subscribe: { miniprogramState: 'trial', templates: { ...TEMPLATES, drill: DRILL } },
          },
        },
      },
    );
    wechat.templates.set(DRILL.templateId, Object.keys(DRILL.fields));
    office = await srv.login('office', 'Office@2024');
    const list = await office.get<{ items: { id: string; code: string }[] }>('/api/villages');
    villages = Object.fromEntries(list.items.map((v) => [v.code, v.id]));
  });
  afterAll(async () => {
    await srv.close();
    await wechat.close();
  });

  const left = async (user: string) =>
    (await ConsentModel.findById(consentId(user, DRILL.templateId)).lean())?.remaining ?? 0;
  const resident = async (village: string, result: 'accept' | 'reject') => {
    const r = await wechatResident(srv, wechat, { village });
    await answer(wechat, r, DRILL.templateId, result);
    return r;
  };

  it('sends the drill notice to consenting residents of its villages only, once per drill and resident', async () => {
    const yes = await resident('SQ', 'accept');
    const no = await resident('SQ', 'reject');
    const elsewhere = await resident('SH', 'accept');
    const d = await drillsApi(office).create({
      title: '石桥村防汛转移演练',
      area: { villages: [villages.SQ!] },
      assemblyPoint: { lat: 29.785, lng: 107.86, radiusM: 200, name: '石桥村村委会' },
    });
    await drillsApi(office).start(d.id);
    await drainEvents(srv.services);
    // The event handled again (a redelivery) enqueues nothing more.
    const event = await EventModel.findById(`drill.started:${d.id}`).lean();
    await drillNoticesSubscriber.handle(srv.services, event as never);
    await drainOutbox(srv.services, ['wechat_subscribe']);

    expect(wechat.sent.filter((s) => s.touser === yes.openid)).toEqual([
      {
        touser: yes.openid,
        template_id: DRILL.templateId,
        miniprogram_state: 'trial',
        lang: 'zh_CN',
        data: {
          thing1: { value: '石桥村防汛转移演练' },
          time2: { value: expect.stringMatching(/^\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}$/) },
          thing3: { value: '石桥村村委会' },
          thing4: { value: expect.any(String) },
        },
      },
    ]);
    expect(wechat.sent.some((s) => s.touser === no.openid || s.touser === elsewhere.openid)).toBe(false);
    const deliveries = await DeliveryModel.find({ channel: 'wechat_subscribe', 'source.id': d.id }).lean();
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]).toMatchObject({ idempotencyKey: `drill:${d.id}:resident:${yes.id}`, exercise: true });
    expect(await left(yes.id)).toBe(0);
    expect(await left(elsewhere.id)).toBe(1);
  });

  it('tells no resident of an unannounced drill (双盲) in advance', async () => {
    const r = await resident('XJ', 'accept');
    const d = await drillsApi(office).create({
      title: '新建村夜间集结',
      unannounced: true,
      area: { villages: [villages.XJ!] },
    });
    await drillsApi(office).start(d.id);
    await drainEvents(srv.services);
    await drainOutbox(srv.services, ['wechat_subscribe']);
    expect(wechat.sent.some((s) => s.touser === r.openid)).toBe(false);
    expect(await DeliveryModel.countDocuments({ channel: 'wechat_subscribe', 'source.id': d.id })).toBe(0);
    expect(await left(r.id)).toBe(1);
  });
});
