import { Types } from 'mongoose';
import { outboxApi, tipsApi } from '@yingji/shared';
import { DeliveryModel } from '../../server/src/outbox/delivery.model';
import { enqueue } from '../../server/src/outbox/enqueue';
import { drainOutbox } from '../../server/src/outbox/worker';
import { createUser } from '../../server/src/people/service';
import { seedDemo } from '../../server/src/people/seed';
import { TownModel } from '../../server/src/people/town.model';
import { UserModel } from '../../server/src/people/user.model';
import { ReporterAccessModel, RewardModel } from '../../server/src/rewards/reward.model';
import { useTestDatabase } from '../support/db';
import { startTestServer, type TestServer } from '../support/server';

/**
 * The office's list of parked deliveries never names a confidential reporter next to their tip:
 * a status message about a confidential tip (or its reward) that could not be sent shows
 * 匿名举报人, as the tip itself does; the name is only seen through the audited reveal.
 */
useTestDatabase();

describe('parked deliveries and confidential reporters', () => {
  let srv: TestServer;
  beforeAll(async () => {
    await seedDemo();
    const town = await TownModel.findOne({ code: 'SZ' });
    for (const [username, name] of [
      ['secret.one', '赵秘密'],
      ['open.one', '钱公开'],
    ])
      await createUser(town!._id, { username, password: 'Resident@2024', role: 'resident', name });
    srv = await startTestServer(); // no WeChat credentials: subscription messages park as not_configured
  });
  afterAll(() => srv.close());

  /** A tip-status message to the reporter, as tips/notify.ts enqueues it. */
  const statusMessage = (town: Types.ObjectId, user: Types.ObjectId, kind: string, id: string, key: string) => ({
    town,
    channel: 'wechat_subscribe' as const,
    recipient: { user, address: `openid-${key}` },
    content: { kind: 'subscribe' as const, text: '您的举报已受理', card: { template_id: 't', data: {} } },
    source: { kind, id, step: 'accepted' },
    idempotencyKey: key,
  });

  it('lists 匿名举报人 for a confidential reporter, the name for others, and writes no reveal', async () => {
    const secret = await srv.login('secret.one', 'Resident@2024');
    const open = await srv.login('open.one', 'Resident@2024');
    const place = { lat: 29.785, lng: 107.86, address: '十直社区河堤' };
    const hidden = await tipsApi(secret).create({
      category: 'gas',
      description: '燃气泄漏',
      location: place,
      confidential: true,
    });
    const shown = await tipsApi(open).create({ category: 'gas', description: '护栏缺失', location: place });
    const town = (await TownModel.findOne({ code: 'SZ' }))!._id;
    const secretUser = (await UserModel.findOne({ username: 'secret.one' }))!._id;
    const openUser = (await UserModel.findOne({ username: 'open.one' }))!._id;
    const reward = await RewardModel.create({
      town,
      hazard: new Types.ObjectId(),
      tip: hidden.id,
      reporter: secretUser,
      confidential: true,
      proposedAmount: 100,
      amount: 100,
      rule: 'test',
    });
    await enqueue(srv.services.clock, [
      statusMessage(town, secretUser, 'tip', hidden.id, 'tip-hidden'),
      statusMessage(town, secretUser, 'reward', String(reward._id), 'reward-hidden'),
      statusMessage(town, openUser, 'tip', shown.id, 'tip-shown'),
    ]);
    await drainOutbox(srv.services, ['wechat_subscribe']);
    expect(await DeliveryModel.countDocuments({ state: 'parked' })).toBe(3);

    const office = await srv.login('office', 'Office@2024');
    const parked = await outboxApi(office).parked();
    const byTip = Object.fromEntries(parked.items.map((p) => [`${p.source.kind}:${p.source.id}`, p.recipientName]));
    expect(byTip).toEqual({
      [`tip:${hidden.id}`]: '匿名举报人',
      [`reward:${String(reward._id)}`]: '匿名举报人',
      [`tip:${shown.id}`]: '钱公开',
    });
    expect(JSON.stringify(parked)).not.toContain('赵秘密');
    expect(await ReporterAccessModel.countDocuments()).toBe(0);
  });
});
