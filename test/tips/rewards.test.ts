import { hazardsApi, rewardsApi, tipsApi, type ApiClient } from '@yingji/shared';
import { createUser } from '../../server/src/people/service';
import { seedDemo } from '../../server/src/people/seed';
import { TownModel } from '../../server/src/people/town.model';
import { UserModel } from '../../server/src/people/user.model';
import { ReporterAccessModel, RewardModel } from '../../server/src/rewards/reward.model';
import { useTestDatabase } from '../support/db';
import { startTestServer, type TestServer } from '../support/server';
import { PLACES, apiError, photo, upload } from './helpers';

useTestDatabase();

/** Rewards with the town's rule: verified at closure, major hazards 15% of the fine, at least 3000. */
describe('rewards decided by the office', () => {
  let srv: TestServer;
  let alice: ApiClient;
  let office: ApiClient;
  let cadre: ApiClient;
  let grid: ApiClient;
  let gridUserId: string;

  beforeAll(async () => {
    await seedDemo();
    const town = await TownModel.findOne({ code: 'SZ' });
    await TownModel.updateOne({ _id: town!._id }, { $set: { 'config.rewards': { trigger: 'closed' } } });
    await createUser(town!._id, { username: 'alice', password: 'Resident@2024', role: 'resident', name: '张三' });
    gridUserId = String((await UserModel.findOne({ username: 'grid.sq-01' }))!._id);
    srv = await startTestServer();
    [alice, office, cadre, grid] = await Promise.all([
      srv.login('alice', 'Resident@2024'),
      srv.login('office', 'Office@2024'),
      srv.login('cadre.sq', 'Cadre@2024'),
      srv.login('grid.sq-01', 'Grid@2024'),
    ]);
  });
  afterAll(() => srv.close());

  /** A tip by `who`, accepted at `level`, taken to closure with a fine. */
  async function closedTip(who: ApiClient, level: 'general' | 'major', fineAmount?: number) {
    const tip = await tipsApi(who).create({ category: 'hazchem', description: '私自储存汽油', location: PLACES.sq01 });
    const accepted = await tipsApi(office).triage(tip.id, { decision: 'accept', level });
    const id = accepted.hazard!.id;
    const rewardsBefore = await RewardModel.countDocuments({ hazard: id });
    const { id: pic } = await upload(office, await photo({ gps: false }));
    await hazardsApi(office).act(id, { action: 'assign', responsibleUserId: gridUserId });
    await hazardsApi(office).act(id, { action: 'start' });
    await hazardsApi(office).act(id, { action: 'submit', mediaIds: [pic] });
    const { id: check } = await upload(office, await photo({ gps: false }));
    await hazardsApi(office).act(id, { action: 'close', note: '复核合格', mediaIds: [check], fineAmount });
    return { tipId: tip.id, hazardId: id, rewardsBefore };
  }

  it('proposes nothing at acceptance and a share of the fine at closure when the town says so', async () => {
    const { hazardId, rewardsBefore } = await closedTip(alice, 'major', 100_000);
    expect(rewardsBefore).toBe(0);
    const r = await RewardModel.findOne({ hazard: hazardId }).lean();
    expect(r).toMatchObject({ status: 'proposed', amount: 15_000, proposedAmount: 15_000 });
  });

  it('rewards no staff member for their own tip', async () => {
    const { hazardId } = await closedTip(grid, 'general');
    expect(await RewardModel.countDocuments({ hazard: hazardId })).toBe(0);
  });

  it('needs a reason and an amount to change a reward, and records who changed it', async () => {
    const { hazardId } = await closedTip(alice, 'general');
    const id = String((await RewardModel.findOne({ hazard: hazardId }).lean())!._id);
    expect(await apiError(rewardsApi(office).decide(id, { decision: 'change', amount: 80 }))).toMatchObject({
      status: 400,
      code: 'REWARD_REASON_REQUIRED',
    });
    expect(await apiError(rewardsApi(office).decide(id, { decision: 'pay' }))).toMatchObject({
      status: 409,
      code: 'REWARD_DECISION_NOT_ALLOWED',
    });
    const changed = await rewardsApi(office).decide(id, {
      decision: 'change',
      amount: 80,
      reason: '举报及时，提高奖励',
    });
    expect(changed).toMatchObject({ status: 'approved', amount: 80, proposedAmount: 50 });
    expect(changed.decisions.at(-1)).toMatchObject({
      decision: 'change',
      amount: 80,
      reason: '举报及时，提高奖励',
      by: { name: '应急办值班员' },
    });
    const mine = (await rewardsApi(alice).mine()).items.find((r) => r.id === id)!;
    expect(mine).toMatchObject({ status: 'approved', amount: 80 });
  });

  it('refuses a reward with a reason the reporter sees', async () => {
    const { hazardId } = await closedTip(alice, 'general');
    const id = String((await RewardModel.findOne({ hazard: hazardId }).lean())!._id);
    await rewardsApi(office).decide(id, { decision: 'refuse', reason: '该隐患已由网格员先行上报' });
    const mine = (await rewardsApi(alice).mine()).items.find((r) => r.id === id)!;
    expect(mine).toMatchObject({ status: 'refused', reason: '该隐患已由网格员先行上报' });
    expect(mine.amount).toBeUndefined();
    expect(await apiError(rewardsApi(office).decide(id, { decision: 'approve' }))).toMatchObject({ status: 409 });
  });

  it('shows a non-confidential reporter by name to the office, without an audit entry', async () => {
    const list = await rewardsApi(office).list({ status: 'proposed' });
    expect(list.items[0]!.reporter).toMatchObject({ name: '张三', anonymous: false });
    await rewardsApi(office).reporter(list.items[0]!.id);
    expect(await ReporterAccessModel.countDocuments()).toBe(0);
  });

  it('keeps the reward list and decisions to the office', async () => {
    expect(await apiError(rewardsApi(cadre).list())).toMatchObject({ status: 403 });
    expect(await apiError(rewardsApi(alice).list())).toMatchObject({ status: 403 });
    const any = (await RewardModel.findOne().lean())!;
    expect(await apiError(rewardsApi(cadre).decide(String(any._id), { decision: 'approve' }))).toMatchObject({
      status: 403,
    });
    expect((await rewardsApi(grid).mine()).items).toEqual([]);
  });
});
