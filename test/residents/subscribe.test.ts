import { calloutsApi, rewardsApi, subscriptionsApi, tipsApi, type ApiClient } from '@yingji/shared';
import { ManualClock } from '../../server/src/core/clock';
import { drainEvents } from '../../server/src/events/bus';
import { DeliveryModel, type DeliveryLean } from '../../server/src/outbox/delivery.model';
import { enqueue } from '../../server/src/outbox/enqueue';
import { drainOutbox } from '../../server/src/outbox/worker';
import { seedDemo } from '../../server/src/people/seed';
import { TownModel } from '../../server/src/people/town.model';
import { ConsentModel, consentId } from '../../server/src/subscriptions/consent.model';
import { announceRewards } from '../../server/src/subscriptions/rewards';
import { announceWarnings } from '../../server/src/subscriptions/warnings';
import { RewardModel } from '../../server/src/rewards/reward.model';
import { startFakeWechat, type FakeWechat } from '../fakes/wechat';
import { useTestDatabase } from '../support/db';
import { startTestServer, type TestServer } from '../support/server';
import { PLACES, apiError } from '../tips/helpers';
import { TEMPLATES, answer, configureTemplates, wechatResident } from './support';

useTestDatabase();

describe('residents told through WeChat subscription messages', () => {
  let wechat: FakeWechat;
  let srv: TestServer;
  let office: ApiClient;
  const clock = new ManualClock();
  const tipT = TEMPLATES.tip_status.templateId;

  beforeAll(async () => {
    await seedDemo();
    wechat = await startFakeWechat();
    srv = await startTestServer({
      clock,
      env: { WECHAT_APPID: wechat.appId, WECHAT_SECRET: wechat.secret, WECHAT_API_BASE: wechat.base },
    });
    await configureTemplates(wechat);
    office = await srv.login('office', 'Office@2024');
  });
  afterAll(async () => {
    await srv.close();
    await wechat.close();
  });

  const send = () => drainOutbox(srv.services, ['wechat_subscribe']);
  const deliveriesTo = (openid: string) => DeliveryModel.find({ 'recipient.address': openid }).lean<DeliveryLean[]>();
  const left = async (user: string, templateId: string) =>
    (await ConsentModel.findById(consentId(user, templateId)).lean())?.remaining ?? 0;

  it('tells the mini-program which templates to ask for, and counts each accept', async () => {
    const alice = await wechatResident(srv, wechat);
    expect((await subscriptionsApi(alice.client).templates()).items).toEqual([
      { kind: 'tip_status', templateId: tipT, remaining: 0 },
      { kind: 'reward_status', templateId: TEMPLATES.reward_status.templateId, remaining: 0 },
      { kind: 'warning', templateId: TEMPLATES.warning.templateId, remaining: 0 },
    ]);
    await answer(wechat, alice, tipT, 'accept');
    await answer(wechat, alice, tipT, 'accept');
    const after = await subscriptionsApi(alice.client).record({ results: { [tipT]: 'reject' } });
    expect(after.items.find((i) => i.kind === 'tip_status')?.remaining).toBe(2);
    expect(
      await apiError(subscriptionsApi(alice.client).record({ results: { 'someone-elses-template': 'accept' } })),
    ).toMatchObject({ status: 400, code: 'SUBSCRIBE_TEMPLATE_UNKNOWN' });
  });

  it('sends the triaged tip to a consenting reporter in the town template, and nothing to a refusing one', async () => {
    const yes = await wechatResident(srv, wechat);
    const no = await wechatResident(srv, wechat);
    await answer(wechat, yes, tipT, 'accept');
    await answer(wechat, no, tipT, 'reject');
    const tip = (description: string) => ({
      category: 'landslide' as const,
      description,
      location: PLACES.xj02,
      mediaIds: [],
      confidential: false,
    });
    const t1 = await tipsApi(yes.client).create(tip('后山出现滑坡裂缝，约五米长'));
    const t2 = await tipsApi(no.client).create(tip('后山有落石'));
    for (const t of [t1, t2]) await tipsApi(office).triage(t.id, { decision: 'accept', level: 'general' });
    await drainEvents(srv.services);
    await send();

    const sent = wechat.sent.filter((s) => s.touser === yes.openid);
    expect(sent).toEqual([
      {
        touser: yes.openid,
        template_id: tipT,
        page: `pages/tips/detail?id=${t1.id}`,
        miniprogram_state: 'trial',
        lang: 'zh_CN',
        data: {
          character_string1: { value: t1.code },
          phrase2: { value: '已受理' },
          thing3: { value: expect.stringMatching(/^SZ-/) }, // the hazard's code, the office's note
          time4: { value: expect.stringMatching(/^\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}$/) },
        },
      },
    ]);
    expect(wechat.sent.some((s) => s.touser === no.openid)).toBe(false);
    expect(await deliveriesTo(no.openid)).toEqual([]);
    // The one accept is spent, on both sides.
    expect(await left(yes.id, tipT)).toBe(0);
    expect(wechat.left(yes.openid, tipT)).toBe(0);
  });

  it('tells the reporter their reward was approved, with the amount, once', async () => {
    const rewardT = TEMPLATES.reward_status.templateId;
    const r = await wechatResident(srv, wechat);
    await answer(wechat, r, rewardT, 'accept');
    const t = await tipsApi(r.client).create({
      category: 'landslide',
      description: '村道边坡开裂，有滑坡迹象',
      location: PLACES.xj02,
      mediaIds: [],
      confidential: false,
    });
    await tipsApi(office).triage(t.id, { decision: 'accept', level: 'general' });
    await drainEvents(srv.services);
    const reward = (await RewardModel.findOne({ tip: t.id }).lean())!;
    await rewardsApi(office).decide(String(reward._id), { decision: 'approve' });
    await announceRewards(srv.services);
    await announceRewards(srv.services);
    await send();
    expect(wechat.sent.filter((s) => s.touser === r.openid)).toEqual([
      expect.objectContaining({
        template_id: rewardT,
        page: `pages/tips/detail?id=${t.id}`,
        data: expect.objectContaining({
          character_string1: { value: t.code },
          phrase2: { value: '已批准' },
          amount3: { value: `¥${reward.amount}.00` },
        }),
      }),
    ]);
  });

  it('sends a warning for a village to its subscribed residents only', async () => {
    const warnT = TEMPLATES.warning.templateId;
    const here = await wechatResident(srv, wechat, { village: 'SQ' });
    const elsewhere = await wechatResident(srv, wechat, { village: 'XJ' });
    const silent = await wechatResident(srv, wechat, { village: 'SQ' });
    await answer(wechat, here, warnT, 'accept');
    await answer(wechat, elsewhere, warnT, 'accept');
    await answer(wechat, silent, warnT, 'reject');

    const { id } = await calloutsApi(office).create({
      title: '十直社区暴雨红色预警，请沿河低洼处住户立即转移',
      level: 'red',
      area: { villages: ['SQ'] },
    });
    await announceWarnings(srv.services);
    await announceWarnings(srv.services); // a second run adds nothing
    await send();

    const got = wechat.sent.filter((s) => s.template_id === warnT);
    expect(got.map((s) => s.touser)).toEqual([here.openid]);
    expect(got[0]).toMatchObject({
      page: `pages/warnings/index?id=${id}`,
      data: {
        thing1: { value: '十直社区暴雨红色预警，请沿河低洼处住户…' },
        phrase2: { value: '红色预警' },
        thing3: { value: '十直社区' },
      },
    });
    expect(await DeliveryModel.countDocuments({ 'source.kind': 'warning', 'source.id': id })).toBe(1);

    const reach = await subscriptionsApi(office).reach();
    expect(reach.items).toContainEqual({
      village: { id: expect.any(String), name: '新建村' },
      kind: 'warning',
      residents: 1,
      messages: 1,
    });
    expect(reach.items.find((i) => i.kind === 'warning' && i.village?.name === '十直社区')).toBeUndefined();
    expect(await apiError(subscriptionsApi(here.client).reach())).toMatchObject({ status: 403 });
  });

  describe("WeChat's error codes", () => {
    const town = async () => (await TownModel.findOne({ code: 'SZ' }).lean())!._id;
    const card = (thing3 = '已受理') => ({
      template_id: tipT,
      page: 'pages/tips/detail?id=x',
      data: {
        character_string1: { value: 'SZ-T-1' },
        phrase2: { value: '已受理' },
        thing3: { value: thing3 },
        time4: { value: '2026年12月1日 16:25' },
      },
    });
    const deliver = async (r: { id: string; openid: string }, key: string, c = card()) => {
      await enqueue(clock, [
        {
          town: await town(),
          channel: 'wechat_subscribe',
          recipient: { user: r.id, address: r.openid },
          content: { kind: 'subscribe', card: c },
          source: { kind: 'test', id: key },
          idempotencyKey: key,
        },
      ]);
      await send();
      return (await DeliveryModel.findOne({ idempotencyKey: key }).lean<DeliveryLean>())!;
    };

    it('43101: not retried, and the consent is gone', async () => {
      const r = await wechatResident(srv, wechat);
      await subscriptionsApi(r.client).record({ results: { [tipT]: 'accept' } }); // WeChat never counted it
      await ConsentModel.updateOne({ _id: consentId(r.id, tipT) }, { $set: { remaining: 3 } });
      const d = await deliver(r, 'err-43101');
      expect(d).toMatchObject({ state: 'parked', parkedReason: 'invalid_recipient', attempts: 1 });
      expect(d.lastError).toContain('43101');
      expect(await left(r.id, tipT)).toBe(0);
    });

    it('47003: parked with the field WeChat named, the consent given back', async () => {
      const r = await wechatResident(srv, wechat);
      await answer(wechat, r, tipT, 'accept');
      const d = await deliver(r, 'err-47003', card('这一段说明文字明显超过了微信规定的二十个字的长度限制'));
      expect(d).toMatchObject({ state: 'parked', parkedReason: 'rejected' });
      expect(d.lastError).toContain('47003');
      expect(d.lastError).toContain('data.thing3');
      expect(await left(r.id, tipT)).toBe(1);
    });

    it('40003: a bad openid is parked and not retried', async () => {
      const r = await wechatResident(srv, wechat);
      await answer(wechat, r, tipT, 'accept');
      wechat.badOpenids.add(r.openid);
      const d = await deliver(r, 'err-40003');
      expect(d).toMatchObject({ state: 'parked', parkedReason: 'invalid_recipient', attempts: 1 });
      expect(d.lastError).toContain('40003');
    });

    it('45009: waits for the quota and sends later, spending the consent once', async () => {
      const r = await wechatResident(srv, wechat);
      await answer(wechat, r, tipT, 'accept');
      wechat.quota = 0;
      const d = await deliver(r, 'err-45009');
      expect(d).toMatchObject({ state: 'pending' });
      expect(d.nextAttemptAt.getTime()).toBeGreaterThanOrEqual(clock.now().getTime() + 10 * 60_000);
      expect(await left(r.id, tipT)).toBe(1);
      wechat.quota = Number.POSITIVE_INFINITY;
      clock.advance(11 * 60_000);
      await send();
      expect(await DeliveryModel.findOne({ idempotencyKey: 'err-45009' }).lean()).toMatchObject({ state: 'sent' });
      expect(wechat.sent.filter((s) => s.touser === r.openid)).toHaveLength(1);
      expect(await left(r.id, tipT)).toBe(0);
    });

    it('sends nothing when the resident has no subscription left', async () => {
      const r = await wechatResident(srv, wechat);
      const d = await deliver(r, 'no-consent');
      expect(d).toMatchObject({ state: 'parked', parkedReason: 'invalid_recipient' });
      expect(wechat.sent.filter((s) => s.touser === r.openid)).toHaveLength(0);
    });
  });
});
