import { hazardsApi, rewardsApi, tipsApi, type ApiClient } from '@yingji/shared';
import { ManualClock } from '../../server/src/core/clock';
import { CodeCounterModel, HazardModel } from '../../server/src/hazards/hazard.model';
import { DeliveryModel } from '../../server/src/outbox/delivery.model';
import { createUser } from '../../server/src/people/service';
import { seedDemo } from '../../server/src/people/seed';
import { TownModel } from '../../server/src/people/town.model';
import { UserModel } from '../../server/src/people/user.model';
import { RewardModel } from '../../server/src/rewards/reward.model';
import { ConsentModel, consentId } from '../../server/src/subscriptions/consent.model';
import { TipModel } from '../../server/src/tips/tip.model';
import { useTestDatabase } from '../support/db';
import { startTestServer, type TestServer } from '../support/server';
import { PLACES, apiError, photo, upload } from './helpers';

useTestDatabase();

const HOUR = 3600_000;

describe('triage of the reservoir', () => {
  const clock = new ManualClock('2024-06-03T01:00:00Z');
  let srv: TestServer;
  let alice: ApiClient;
  let bob: ApiClient;
  let carol: ApiClient;
  let office: ApiClient;

  beforeAll(async () => {
    await seedDemo();
    const town = await TownModel.findOne({ code: 'SZ' });
    for (const [username, name] of [
      ['alice', '张三'],
      ['bob', '李四'],
      ['carol', '王五'],
    ])
      await createUser(town!._id, { username, password: 'Resident@2024', role: 'resident', name });
    await UserModel.updateOne({ username: 'bob' }, { wechatOpenId: 'openid-bob' });
    // Bob accepted the town's tip-status template in requestSubscribeMessage.
    await TownModel.updateOne(
      { _id: town!._id },
      { $set: { 'config.subscribe.templates.tip_status': { templateId: 'tmpl-tip', fields: { thing1: 'note' } } } },
    );
    const bobUser = (await UserModel.findOne({ username: 'bob' }))!;
    await ConsentModel.create({
      _id: consentId(bobUser._id, 'tmpl-tip'),
      town: town!._id,
      user: bobUser._id,
      templateId: 'tmpl-tip',
      kind: 'tip_status',
      remaining: 1,
    });
    // A low hourly limit for the flood test.
    await TownModel.updateOne({ _id: town!._id }, { $set: { 'config.tipsPerHour': 3 } });
    srv = await startTestServer({ clock });
    [alice, bob, carol, office] = await Promise.all([
      srv.login('alice', 'Resident@2024'),
      srv.login('bob', 'Resident@2024'),
      srv.login('carol', 'Resident@2024'),
      srv.login('office', 'Office@2024'),
    ]);
  });
  afterAll(() => srv.close());

  const gasLeak = { category: 'gas' as const, description: '菜市场旁燃气管道有异味' };
  // ~50 m and ~1.1 km from PLACES.sh01.
  const near = { lat: PLACES.sh01.lat + 0.00045, lng: PLACES.sh01.lng };
  const far = { lat: PLACES.sh01.lat + 0.01, lng: PLACES.sh01.lng };

  let first: string;
  let second: string;
  let hazardId: string;
  let bobsPhoto: string;

  it('suggests open tips of the same category nearby and recently as duplicates', async () => {
    ({ id: first } = await tipsApi(alice).create({ ...gasLeak, location: PLACES.sh01 }));
    clock.advance(2 * HOUR);
    ({ id: bobsPhoto } = await upload(bob, await photo()));
    ({ id: second } = await tipsApi(bob).create({ ...gasLeak, location: near, mediaIds: [bobsPhoto] }));
    await tipsApi(carol).create({ ...gasLeak, location: far }); // too far
    await tipsApi(carol).create({ category: 'fire', description: '同一处，但是消防问题', location: near }); // other category
    const queue = await tipsApi(office).queue();
    expect(queue.total).toBe(4);
    const item = queue.items.find((t) => t.id === second)!;
    expect(item.duplicates).toEqual([expect.objectContaining({ kind: 'tip', id: first, status: 'submitted' })]);
    expect(item.duplicates[0]!.distanceM).toBeGreaterThan(40);
    expect(item.duplicates[0]!.distanceM).toBeLessThan(60);
  });

  it('suggests an open hazard once the first tip is accepted, but not after the time window', async () => {
    const accepted = await tipsApi(office).triage(first, { decision: 'accept' });
    hazardId = accepted.hazard!.id;
    const queue = await tipsApi(office).queue();
    expect(queue.items.find((t) => t.id === second)!.duplicates).toEqual([
      expect.objectContaining({ kind: 'hazard', id: hazardId, code: accepted.hazard!.code }),
    ]);
    clock.advance(8 * 24 * HOUR);
    const { id: late } = await tipsApi(alice).create({ ...gasLeak, location: near });
    const lateItem = (await tipsApi(office).queue()).items.find((t) => t.id === late)!;
    expect(lateItem.duplicates).toEqual([]);
    await tipsApi(office).triage(late, { decision: 'reject', reason: '已另行登记' });
  });

  it('links a duplicate to the hazard, with its photos and a line in the history, and no reward', async () => {
    const dup = await tipsApi(office).triage(second, { decision: 'duplicate', hazardId });
    expect(dup).toMatchObject({ status: 'duplicate', statusLabel: '重复举报', hazard: { id: hazardId } });
    const h = await hazardsApi(office).get(hazardId);
    expect(h.tips.map((t) => [t.id, t.status])).toEqual([
      [first, 'accepted'],
      [second, 'duplicate'],
    ]);
    expect(h.mediaIds).toContain(bobsPhoto);
    expect(h.history.at(-1)).toMatchObject({ action: 'link_tip', actionLabel: '关联重复举报' });
    // The first valid reporter is rewarded; the duplicate is not.
    const rewards = await RewardModel.find({ hazard: hazardId }).lean();
    expect(rewards).toHaveLength(1);
    expect(String(rewards[0]!.tip)).toBe(first);
    expect((await rewardsApi(bob).mine()).items).toEqual([]);
    expect((await rewardsApi(alice).mine()).items).toHaveLength(1);
    expect(await DeliveryModel.countDocuments({ idempotencyKey: `tip:${second}:status:duplicate` })).toBe(1);
  });

  it('refuses to triage a tip twice, and changes nothing', async () => {
    const err = await apiError(tipsApi(office).triage(second, { decision: 'accept' }));
    expect(err).toMatchObject({ status: 409, code: 'TIP_ALREADY_TRIAGED' });
    expect(await TipModel.findById(second).lean()).toMatchObject({ status: 'duplicate' });
  });

  it('needs a reason to reject, and shows it to the resident', async () => {
    const { id } = await tipsApi(carol).create({ ...gasLeak, description: '测试', location: PLACES.xj02 });
    const err = await apiError(tipsApi(office).triage(id, { decision: 'reject' }));
    expect(err).toMatchObject({ status: 400, code: 'TIP_REJECT_REASON_REQUIRED' });
    expect(await TipModel.findById(id).lean()).toMatchObject({ status: 'submitted' });
    await tipsApi(office).triage(id, { decision: 'reject', reason: '经核实不存在该隐患' });
    const mine = await tipsApi(carol).mine();
    expect(mine.items[0]).toMatchObject({ id, status: 'rejected', rejectReason: '经核实不存在该隐患' });
  });

  it('needs an existing hazard of the town to mark a duplicate', async () => {
    const { id } = await tipsApi(carol).create({ ...gasLeak, location: PLACES.xj02 });
    expect(await apiError(tipsApi(office).triage(id, { decision: 'duplicate' }))).toMatchObject({
      status: 400,
      code: 'TIP_DUPLICATE_HAZARD_REQUIRED',
    });
    expect(
      await apiError(tipsApi(office).triage(id, { decision: 'duplicate', hazardId: '0123456789abcdef01234567' })),
    ).toMatchObject({ status: 404, code: 'HAZARD_NOT_FOUND' });
    expect(await TipModel.findById(id).lean()).toMatchObject({ status: 'submitted' });
  });

  it('answers 429 in Chinese when a resident floods the queue, and lets them in an hour later', async () => {
    clock.advance(24 * HOUR);
    for (let i = 0; i < 3; i++) await tipsApi(bob).create({ ...gasLeak, location: PLACES.sq01 });
    const before = await TipModel.countDocuments();
    const err = await apiError(tipsApi(bob).create({ ...gasLeak, location: PLACES.sq01 }));
    expect(err).toMatchObject({ status: 429, code: 'TIP_RATE_LIMITED' });
    expect(err.message).toBe('举报提交太频繁：每小时最多提交 3 条，请稍后再试');
    expect(await TipModel.countDocuments()).toBe(before);
    // Someone else is not affected.
    await tipsApi(alice).create({ ...gasLeak, location: PLACES.sq01 });
    clock.advance(HOUR + 1000);
    await expect(tipsApi(bob).create({ ...gasLeak, location: PLACES.sq01 })).resolves.toMatchObject({
      status: 'submitted',
    });
  });

  it('keeps the triage queue and decisions for the office', async () => {
    const grid = await srv.login('grid.sq-01', 'Grid@2024');
    expect(await apiError(tipsApi(grid).queue())).toMatchObject({ status: 403 });
    expect(await apiError(tipsApi(alice).triage(second, { decision: 'accept' }))).toMatchObject({ status: 403 });
  });

  it('puts a tip back in the queue, without the triage record, when the hazard cannot be created', async () => {
    const { id } = await tipsApi(carol).create({ ...gasLeak, location: PLACES.xj02 });
    // Take the next hazard code, so creating the hazard fails on the unique index.
    const town = (await TownModel.findOne({ code: 'SZ' }).lean())!;
    const counter = await CodeCounterModel.findById(`hazard:${String(town._id)}:2024`).lean();
    const next = `SZ-2024-${String((counter?.seq ?? 0) + 1).padStart(4, '0')}`;
    const { insertedId } = await HazardModel.collection.insertOne({ town: town._id, code: next });
    await expect(tipsApi(office).triage(id, { decision: 'accept' })).rejects.toThrow();
    const tip = await TipModel.findById(id).lean();
    expect(tip).toMatchObject({ status: 'submitted' });
    expect(tip?.triage).toBeUndefined();
    await HazardModel.collection.deleteOne({ _id: insertedId });
    await expect(tipsApi(office).triage(id, { decision: 'accept' })).resolves.toMatchObject({ status: 'accepted' });
  });
});
