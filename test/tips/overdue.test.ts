import { hazardsApi, type ApiClient } from '@yingji/shared';
import { ManualClock } from '../../server/src/core/clock';
import { hazardsModule } from '../../server/src/hazards/routes';
import { runOverdueCheck } from '../../server/src/hazards/overdue';
import { HazardModel } from '../../server/src/hazards/hazard.model';
import { DeliveryModel } from '../../server/src/outbox/delivery.model';
import { seedDemo } from '../../server/src/people/seed';
import { UserModel } from '../../server/src/people/user.model';
import { useTestDatabase } from '../support/db';
import { startTestServer, type TestServer } from '../support/server';
import { PLACES, photo, upload } from './helpers';

useTestDatabase();

const HOUR = 3600_000;
const DAY = 24 * HOUR;

describe('the overdue scheduler', () => {
  const clock = new ManualClock('2024-08-01T02:00:00Z');
  let srv: TestServer;
  let office: ApiClient;
  let hazardId: string;

  beforeAll(async () => {
    await seedDemo();
    srv = await startTestServer({ clock });
    office = await srv.login('office', 'Office@2024');
  });
  afterAll(() => srv.close());

  const reminders = (id: string) =>
    DeliveryModel.find({ 'source.kind': 'hazard', 'source.id': id }).sort({ createdAt: 1 }).lean();

  it('is one of the hazard module’s jobs', () => {
    expect(hazardsModule.jobs?.map((j) => j.name)).toContain('hazards.overdue');
  });

  it('does nothing before the deadline', async () => {
    const grid = String((await UserModel.findOne({ username: 'grid.sq-01' }))!._id);
    const h = await hazardsApi(office).create({
      description: '危房',
      category: 'construction',
      level: 'major',
      location: PLACES.sq01,
    });
    hazardId = h.id;
    await hazardsApi(office).act(h.id, { action: 'assign', responsibleUserId: grid });
    clock.advance(7 * DAY - 1000);
    await runOverdueCheck(srv.services);
    expect(await reminders(hazardId)).toEqual([]);
    expect((await hazardsApi(office).get(hazardId)).overdue).toBe(false);
  });

  it('marks the hazard overdue and reminds the responsible person once, however often it runs', async () => {
    clock.advance(2000);
    expect(await runOverdueCheck(srv.services)).toMatchObject({ marked: 1 });
    await runOverdueCheck(srv.services);
    const sent = await reminders(hazardId);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      channel: 'wecom_app',
      recipient: { address: 'grid-sq-01' },
      source: { step: 'overdue-1' },
      state: 'pending',
    });
    expect(sent[0]!.content?.text).toContain('整改期限 2024-08-08 10:00 已过');
    const h = await hazardsApi(office).get(hazardId);
    expect(h.overdue).toBe(true);
    expect(h.history.at(-1)).toMatchObject({ action: 'overdue', actionLabel: '逾期' });
    expect((await hazardsApi(office).list({ overdue: 'true' })).items.map((x) => x.id)).toEqual([hazardId]);
    expect((await hazardsApi(office).stats()).open.overdue).toBe(1);
  });

  it('reminds the superior on a later step, once', async () => {
    clock.advance(23 * HOUR);
    await runOverdueCheck(srv.services);
    expect(await reminders(hazardId)).toHaveLength(1);
    clock.advance(HOUR);
    expect(await runOverdueCheck(srv.services)).toMatchObject({ escalated: 1 });
    await runOverdueCheck(srv.services);
    clock.advance(3 * DAY);
    await runOverdueCheck(srv.services);
    const sent = await reminders(hazardId);
    expect(sent.map((d) => [d.source?.step, d.recipient?.address])).toEqual([
      ['overdue-1', 'grid-sq-01'],
      ['overdue-2', 'cadre-sq'], // grid.sq-01's superior
    ]);
    expect(sent[1]!.content?.text).toContain('十直社区网格员1负责的隐患');
  });

  it('counts a late closure as late, and stops reminding', async () => {
    const { id: after } = await upload(office, await photo({ gps: false }));
    await hazardsApi(office).act(hazardId, { action: 'start' });
    await hazardsApi(office).act(hazardId, { action: 'submit', mediaIds: [after] });
    const { id: check } = await upload(office, await photo({ gps: false }));
    const closed = await hazardsApi(office).act(hazardId, { action: 'close', note: '复核合格', mediaIds: [check] });
    expect(closed).toMatchObject({ status: 'closed', closedOnTime: false });
    const stats = await hazardsApi(office).stats();
    expect(stats).toMatchObject({ month: '2024-08', closedThisMonth: { onTime: 0, late: 1 }, openMajor: 0 });
    expect(stats.open.overdue).toBe(0);
    clock.advance(10 * DAY);
    await runOverdueCheck(srv.services);
    expect(await reminders(hazardId)).toHaveLength(2);
  });

  it('does not remind while the rectification awaits re-inspection', async () => {
    const grid = String((await UserModel.findOne({ username: 'grid.sq-01' }))!._id);
    const h = await hazardsApi(office).create({
      description: '墙体开裂',
      category: 'construction',
      location: PLACES.sq01,
    });
    await hazardsApi(office).act(h.id, { action: 'assign', responsibleUserId: grid });
    const { id: after } = await upload(office, await photo({ gps: false }));
    await hazardsApi(office).act(h.id, { action: 'start' });
    await hazardsApi(office).act(h.id, { action: 'submit', mediaIds: [after] });
    clock.advance(40 * DAY);
    await runOverdueCheck(srv.services);
    expect(await reminders(h.id)).toEqual([]);
    expect((await hazardsApi(office).get(h.id)).status).toBe('awaiting_reinspection');
  });

  it('reminds the village’s cadres when nobody has been assigned yet', async () => {
    const h = await hazardsApi(office).create({
      description: '山体滑坡迹象',
      category: 'landslide',
      location: PLACES.sh01,
    });
    clock.advance(30 * DAY + 1000);
    await runOverdueCheck(srv.services);
    const sent = await reminders(h.id);
    expect(sent.map((d) => d.recipient?.address)).toEqual(['cadre-sh']);
  });

  it('reaches a new overdue hazard behind more than a batch of hazards waiting at step 1', async () => {
    const template = (await HazardModel.findOne({ status: { $ne: 'closed' } }).lean())!;
    const { _id: _omit, ...rest } = template;
    await HazardModel.insertMany(
      Array.from({ length: 520 }, (_, n) => ({
        ...rest,
        code: `WAIT-${n}`,
        status: 'assigned',
        overdue: true,
        overdueStep: 1,
        // An hour overdue when the check runs: not yet due for step 2.
        deadline: new Date(clock.now().getTime() + 30 * DAY + 1000 - HOUR),
        history: [],
      })),
    );
    const h = await hazardsApi(office).create({
      description: '护栏缺失',
      category: 'landslide',
      location: PLACES.sq01,
    });
    clock.advance(30 * DAY + 1000);
    expect(await runOverdueCheck(srv.services)).toMatchObject({ marked: 1 });
    expect((await hazardsApi(office).get(h.id)).overdue).toBe(true);
  });
});
