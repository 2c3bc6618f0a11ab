import { hazardsApi, tipsApi, type ApiClient } from '@yingji/shared';
import { ManualClock } from '../../server/src/core/clock';
import { HazardModel } from '../../server/src/hazards/hazard.model';
import { createUser } from '../../server/src/people/service';
import { seedDemo } from '../../server/src/people/seed';
import { TownModel } from '../../server/src/people/town.model';
import { UserModel } from '../../server/src/people/user.model';
import { RewardModel } from '../../server/src/rewards/reward.model';
import { useTestDatabase } from '../support/db';
import { startTestServer, type TestServer } from '../support/server';
import { PLACES, apiError, photo, upload } from './helpers';

useTestDatabase();

/** Rules of the work plan that the hazard list and rewards must keep (issue 11). */
describe('rules of the work', () => {
  const clock = new ManualClock('2024-07-01T02:00:00Z');
  let srv: TestServer;
  let office: ApiClient;
  let grid: ApiClient;
  let otherGrid: ApiClient;
  let alice: ApiClient;
  let bob: ApiClient;
  let gridUserId: string;

  beforeAll(async () => {
    await seedDemo();
    const town = await TownModel.findOne({ code: 'SZ' });
    await createUser(town!._id, { username: 'alice', password: 'Resident@2024', role: 'resident', name: '张三' });
    await createUser(town!._id, { username: 'bob', password: 'Resident@2024', role: 'resident', name: '李四' });
    gridUserId = String((await UserModel.findOne({ username: 'grid.sq-01' }))!._id);
    srv = await startTestServer({ clock });
    [office, grid, otherGrid, alice, bob] = await Promise.all([
      srv.login('office', 'Office@2024'),
      srv.login('grid.sq-01', 'Grid@2024'),
      srv.login('grid.xj-02', 'Grid@2024'),
      srv.login('alice', 'Resident@2024'),
      srv.login('bob', 'Resident@2024'),
    ]);
  });
  afterAll(() => srv.close());

  /** A hazard taken by the office and its grid member to 待复核 (awaiting re-inspection). */
  async function awaitingReinspection(): Promise<string> {
    const h = await hazardsApi(office).create({
      description: '河堤裂缝',
      category: 'flood_drought',
      location: PLACES.sq01,
    });
    const { id: after } = await upload(grid, await photo({ gps: false }));
    await hazardsApi(office).act(h.id, { action: 'assign', responsibleUserId: gridUserId });
    await hazardsApi(grid).act(h.id, { action: 'start' });
    await hazardsApi(grid).act(h.id, { action: 'submit', note: '已加固', mediaIds: [after] });
    return h.id;
  }

  describe('复核销号 needs evidence', () => {
    it.each([
      ['neither a note nor a photo', false, false],
      ['a note but no photo', true, false],
      ['a photo but no note', false, true],
    ])('refuses to close a hazard with %s, and leaves it awaiting re-inspection', async (_, withNote, withPhoto) => {
      const id = await awaitingReinspection();
      const mediaIds = withPhoto ? [(await upload(office, await photo({ gps: false }))).id] : undefined;
      const err = await apiError(
        hazardsApi(office).act(id, { action: 'close', ...(withNote ? { note: '复核合格' } : {}), mediaIds }),
      );
      expect(err).toMatchObject({
        status: 400,
        code: 'HAZARD_CLOSE_EVIDENCE_REQUIRED',
        message: '复核销号须填写复核意见，并至少上传一张复核照片',
      });
      expect((await hazardsApi(office).get(id)).status).toBe('awaiting_reinspection');
    });

    it('closes a hazard with a re-inspection note and photo, kept in its history', async () => {
      const id = await awaitingReinspection();
      const { id: check } = await upload(office, await photo({ gps: false }));
      const closed = await hazardsApi(office).act(id, { action: 'close', note: '现场复核合格', mediaIds: [check] });
      expect(closed.status).toBe('closed');
      expect(closed.history.at(-1)).toMatchObject({ action: 'close', note: '现场复核合格', mediaIds: [check] });
    });
  });

  describe('the first reporter keeps reward priority', () => {
    it('moves the reward to the earlier tip when it is marked a duplicate after a later one was accepted', async () => {
      const first = await tipsApi(alice).create({
        category: 'hazchem',
        description: '仓库私自储存汽油',
        location: PLACES.xj02,
      });
      clock.advance(3600_000);
      const later = await tipsApi(bob).create({
        category: 'hazchem',
        description: '仓库有汽油桶',
        location: PLACES.xj02,
      });
      const accepted = await tipsApi(office).triage(later.id, { decision: 'accept', level: 'general' });
      const hazardId = accepted.hazard!.id;
      const proposed = await RewardModel.findOne({ hazard: hazardId }).lean();
      expect(String(proposed!.tip)).toBe(later.id);

      await tipsApi(office).triage(first.id, { decision: 'duplicate', hazardId });
      const reward = await RewardModel.findOne({ hazard: hazardId }).lean();
      expect(String(reward!.tip)).toBe(first.id);
      expect(String(reward!.reporter)).toBe(String((await UserModel.findOne({ username: 'alice' }))!._id));
      expect(reward!.decisions.at(-1)).toMatchObject({ decision: 'reassign' });
      expect(await RewardModel.countDocuments({ hazard: hazardId })).toBe(1);
      expect((await tipsApi(alice).get(first.id)).reward).toMatchObject({ status: 'proposed' });
      expect((await tipsApi(bob).get(later.id)).reward).toBeUndefined();
    });

    it('leaves the reward with the first reporter when a later tip is marked a duplicate', async () => {
      const first = await tipsApi(alice).create({
        category: 'fire',
        description: '楼道堆放杂物',
        location: PLACES.sq01,
      });
      clock.advance(3600_000);
      const later = await tipsApi(bob).create({ category: 'fire', description: '楼道杂物堵塞', location: PLACES.sq01 });
      const accepted = await tipsApi(office).triage(first.id, { decision: 'accept', level: 'general' });
      await tipsApi(office).triage(later.id, { decision: 'duplicate', hazardId: accepted.hazard!.id });
      const reward = await RewardModel.findOne({ hazard: accepted.hazard!.id }).lean();
      expect(String(reward!.tip)).toBe(first.id);
      expect(reward!.decisions.map((d) => d.decision)).toEqual(['propose']);
    });
  });

  describe('a reporter may always read their own hazard', () => {
    it('shows a grid member the hazard they reported outside their grid, and not to other grid members', async () => {
      const h = await hazardsApi(grid).create({
        description: '新建村后山落石',
        category: 'rockfall',
        location: PLACES.xj02,
      });
      const stored = await HazardModel.findById(h.id).lean();
      const mine = (await UserModel.findOne({ username: 'grid.sq-01' }).lean())!;
      expect(mine.grids.map(String)).not.toContain(String(stored!.grid)); // outside their grid
      expect((await hazardsApi(grid).get(h.id)).code).toBe(h.code);
      expect((await hazardsApi(grid).byCode(h.code)).id).toBe(h.id);
      expect((await hazardsApi(grid).list({ pageSize: 100 })).items.map((x) => x.id)).toContain(h.id);
      const stranger = await srv.login('grid.sh-01', 'Grid@2024');
      expect(await apiError(hazardsApi(stranger).get(h.id))).toMatchObject({ status: 404 });
      expect((await hazardsApi(otherGrid).get(h.id)).id).toBe(h.id); // the grid it lies in
    });
  });
});
