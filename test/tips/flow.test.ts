import { hazardsApi, rewardsApi, tipsApi, type ApiClient } from '@yingji/shared';
import { ManualClock } from '../../server/src/core/clock';
import { DeliveryModel } from '../../server/src/outbox/delivery.model';
import { createUser } from '../../server/src/people/service';
import { seedDemo } from '../../server/src/people/seed';
import { TownModel } from '../../server/src/people/town.model';
import { UserModel } from '../../server/src/people/user.model';
import { ReporterAccessModel } from '../../server/src/rewards/reward.model';
import { ConsentModel, consentId } from '../../server/src/subscriptions/consent.model';
import { useTestDatabase } from '../support/db';
import { startTestServer, type TestServer } from '../support/server';
import { PLACES, apiError, fetchBytes, hasGps, photo, upload } from './helpers';

useTestDatabase();

/**
 * A resident's photo of a cracked river bank, followed through the API from upload to a closed
 * hazard and a paid reward.
 */
describe('from a resident’s photo to a closed hazard and a paid reward', () => {
  const clock = new ManualClock('2024-05-06T02:00:00Z');
  let srv: TestServer;
  let resident: ApiClient;
  let neighbour: ApiClient;
  let office: ApiClient;
  let grid: ApiClient;
  let otherGrid: ApiClient;
  let gridUserId: string;
  let photoId: string;
  let tipId: string;
  let tipCode: string;
  let hazardId: string;
  let rewardId: string;

  beforeAll(async () => {
    await seedDemo();
    const town = await TownModel.findOne({ code: 'SZ' });
    await createUser(town!._id, {
      username: 'resident.two',
      password: 'Resident@2024',
      role: 'resident',
      name: '李四',
    });
    await UserModel.updateOne({ username: 'resident.demo' }, { wechatOpenId: 'openid-demo' });
    // The town's tip-status template, accepted twice by the resident in requestSubscribeMessage.
    await TownModel.updateOne(
      { code: 'SZ' },
      { $set: { 'config.subscribe.templates.tip_status': { templateId: 'tmpl-tip', fields: { thing1: 'note' } } } },
    );
    const demo = (await UserModel.findOne({ username: 'resident.demo' }))!;
    await ConsentModel.create({
      _id: consentId(demo._id, 'tmpl-tip'),
      town: town!._id,
      user: demo._id,
      templateId: 'tmpl-tip',
      kind: 'tip_status',
      remaining: 2,
    });
    gridUserId = String((await UserModel.findOne({ username: 'grid.sq-01' }))!._id);
    srv = await startTestServer({ clock });
    [resident, neighbour, office, grid, otherGrid] = await Promise.all([
      srv.login('resident.demo', 'Resident@2024'),
      srv.login('resident.two', 'Resident@2024'),
      srv.login('office', 'Office@2024'),
      srv.login('grid.sq-01', 'Grid@2024'),
      srv.login('grid.sh-01', 'Grid@2024'),
    ]);
  });
  afterAll(() => srv.close());

  it('documents its routes in the OpenAPI document', async () => {
    const res = await fetch(`${srv.base}/api/openapi.json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { paths: Record<string, unknown> };
    for (const p of [
      '/api/media',
      '/api/media/{id}/thumbnail',
      '/api/tips',
      '/api/tips/{id}/triage',
      '/api/hazards',
      '/api/hazards/by-code/{code}',
      '/api/hazards/{id}/actions',
      '/api/hazards/{id}/media',
      '/api/hazards/export.xlsx',
      '/api/rewards/{id}/decisions',
    ])
      expect(doc.paths).toHaveProperty([p]);
  });

  it('stores a photo and shows it without its GPS location to everyone, the original to the office on request', async () => {
    const original = await photo({ gps: true });
    expect(await hasGps(original)).toBe(true);
    ({ id: photoId } = await upload(resident, original, 'IMG_0001.JPG'));

    const mine = await fetchBytes(resident, `/api/media/${photoId}`);
    expect(mine).toMatchObject({ status: 200, type: 'image/jpeg' });
    expect(await hasGps(mine.body)).toBe(false);

    // The office too is served the copy without metadata; the original is a separate, audited request.
    const officeCopy = await fetchBytes(office, `/api/media/${photoId}`);
    expect(await hasGps(officeCopy.body)).toBe(false);
    const officeOriginal = await fetchBytes(office, `/api/media/${photoId}/original`);
    expect(officeOriginal.body.equals(original)).toBe(true);
    expect(await hasGps(officeOriginal.body)).toBe(true);

    const thumb = await fetchBytes(resident, `/api/media/${photoId}/thumbnail`);
    expect(thumb).toMatchObject({ status: 200, type: 'image/jpeg' });
    expect(await hasGps(thumb.body)).toBe(false);
  });

  it('takes the tip into the reservoir, found in its village and grid', async () => {
    const created = await tipsApi(resident).create({
      category: 'flood_drought',
      description: '河堤出现裂缝，约三米长',
      location: PLACES.sq01,
      mediaIds: [photoId],
      confidential: true,
    });
    expect(created).toMatchObject({ code: 'SZ-JB-2024-0001', status: 'submitted' });
    ({ id: tipId, code: tipCode } = created);
    const tip = await tipsApi(resident).get(tipId);
    expect(tip).toMatchObject({
      status: 'submitted',
      statusLabel: '待受理',
      categoryLabel: '防汛抗旱',
      village: { name: '十直社区' },
      grid: { name: '十直社区第一网格' },
      mediaIds: [photoId],
      confidential: true,
    });
  });

  it('keeps the tip and its photo from another resident and from another grid', async () => {
    expect(await apiError(tipsApi(neighbour).get(tipId))).toMatchObject({ status: 404, code: 'TIP_NOT_FOUND' });
    expect((await fetchBytes(neighbour, `/api/media/${photoId}`)).status).toBe(404);
    expect((await fetchBytes(neighbour, `/api/media/${photoId}/thumbnail`)).status).toBe(404);
    expect((await fetchBytes(otherGrid, `/api/media/${photoId}`)).status).toBe(404);
    expect((await tipsApi(neighbour).mine()).items).toEqual([]);
    expect(await apiError(tipsApi(resident).queue())).toMatchObject({ status: 403, code: 'FORBIDDEN' });
  });

  it('shows the office the queue with the confidential reporter as 匿名举报人', async () => {
    const queue = await tipsApi(office).queue({ status: 'submitted' });
    expect(queue.total).toBe(1);
    expect(queue.items[0]).toMatchObject({ id: tipId, reporter: { name: '匿名举报人', anonymous: true } });
    expect(JSON.stringify(queue)).not.toMatch(/示例居民|resident\.demo/);
  });

  it('accepts the tip as a major hazard, routed, with a deadline, and tells the resident', async () => {
    const tip = await tipsApi(office).triage(tipId, { decision: 'accept', level: 'major' });
    expect(tip).toMatchObject({ status: 'accepted', hazard: { code: 'SZ-2024-0001', status: 'accepted' } });
    hazardId = tip.hazard!.id;
    const h = await hazardsApi(office).get(hazardId);
    expect(h).toMatchObject({
      code: 'SZ-2024-0001',
      level: 'major',
      levelLabel: '重大',
      source: 'tip',
      village: { name: '十直社区' },
      department: '镇农业服务中心（水利）',
      deadline: '2024-05-13T02:00:00.000Z', // seven days for a major hazard
      discoveredAt: '2024-05-06T02:00:00.000Z',
      mediaIds: [photoId],
      tips: [{ id: tipId, code: tipCode, reporter: { name: '匿名举报人', anonymous: true } }],
    });
    const told = await DeliveryModel.findOne({ idempotencyKey: `tip:${tipId}:status:accepted` }).lean();
    expect(told).toMatchObject({ channel: 'wechat_subscribe', recipient: { address: 'openid-demo' } });
    expect(told?.content?.text).toContain('SZ-2024-0001');
  });

  it('proposes a reward from the rule table for the first reporter', async () => {
    const list = await rewardsApi(office).list();
    expect(list.items).toHaveLength(1);
    expect(list.items[0]).toMatchObject({
      status: 'proposed',
      amount: 3000,
      tip: { code: tipCode },
      hazard: { code: 'SZ-2024-0001' },
      reporter: { name: '匿名举报人', anonymous: true },
    });
    rewardId = list.items[0]!.id;
    // The resident sees a reward under review, without an amount yet.
    const mine = await rewardsApi(resident).mine();
    expect(mine.items[0]).toMatchObject({ status: 'proposed', tip: { code: tipCode } });
    expect(mine.items[0]!.amount).toBeUndefined();
  });

  it('lets the grid member of the place see the hazard and its photo, but not the reporter', async () => {
    const h = await hazardsApi(grid).get(hazardId);
    expect(h.tips[0]!.reporter).toEqual({ name: '匿名举报人', anonymous: true });
    expect((await fetchBytes(grid, `/api/media/${photoId}`)).status).toBe(200);
    expect(await apiError(hazardsApi(otherGrid).get(hazardId))).toMatchObject({ status: 404 });
  });

  it('is assigned, rectified with photos, re-inspected and closed on time', async () => {
    await hazardsApi(office).act(hazardId, {
      action: 'assign',
      responsibleUserId: gridUserId,
      responsibleUnit: '十直社区居委会',
      note: '请三日内加固',
    });
    clock.advance(3600_000);
    await hazardsApi(grid).act(hazardId, { action: 'start' });
    clock.advance(2 * 24 * 3600_000);
    const err = await apiError(hazardsApi(grid).act(hazardId, { action: 'submit', note: '已加固' }));
    expect(err).toMatchObject({
      status: 400,
      code: 'HAZARD_PHOTO_REQUIRED',
      message: '提交整改时请至少上传一张整改照片',
    });
    const { id: afterPhoto } = await upload(grid, await photo({ format: 'png', gps: false }), 'after.png', 'image/png');
    await hazardsApi(grid).act(hazardId, { action: 'submit', note: '已加固', mediaIds: [afterPhoto] });
    clock.advance(24 * 3600_000);
    const { id: check } = await upload(office, await photo({ gps: false }));
    const closed = await hazardsApi(office).act(hazardId, { action: 'close', note: '复核合格', mediaIds: [check] });
    expect(closed).toMatchObject({
      status: 'closed',
      statusLabel: '已销号',
      closedOnTime: true,
      responsibleUser: { id: gridUserId, name: '十直社区网格员1' },
      responsibleUnit: '十直社区居委会',
      closedAt: '2024-05-09T03:00:00.000Z',
    });
    expect(closed.mediaIds).toEqual([photoId, afterPhoto, check]);
    expect(closed.history.map((e) => [e.action, e.from ?? null, e.to, e.by?.name])).toEqual([
      ['create', null, 'accepted', '应急办值班员'],
      ['assign', 'accepted', 'assigned', '应急办值班员'],
      ['start', 'assigned', 'rectifying', '十直社区网格员1'],
      ['submit', 'rectifying', 'awaiting_reinspection', '十直社区网格员1'],
      ['close', 'awaiting_reinspection', 'closed', '应急办值班员'],
    ]);
    expect(closed.history[1]!.note).toContain('请三日内加固');
    expect(closed.history[3]).toMatchObject({ note: '已加固', mediaIds: [afterPhoto] });
    expect(closed.history[4]!.at).toBe('2024-05-09T03:00:00.000Z');
  });

  it('tells the resident their tip was closed, and shows it in their list', async () => {
    expect(await DeliveryModel.countDocuments({ idempotencyKey: `tip:${tipId}:status:closed` })).toBe(1);
    const mine = await tipsApi(resident).mine();
    expect(mine.items[0]).toMatchObject({ id: tipId, hazard: { code: 'SZ-2024-0001', status: 'closed' } });
  });

  it('counts the closure on time in this month’s stats and no open major hazard', async () => {
    const stats = await hazardsApi(office).stats();
    expect(stats).toMatchObject({
      openMajor: 0,
      open: { total: 0, major: 0 },
      month: '2024-05',
      closedThisMonth: { onTime: 1, late: 0 },
    });
  });

  it('has the reward approved and paid by the office, each decision with who and when', async () => {
    await rewardsApi(office).decide(rewardId, { decision: 'approve' });
    const paid = await rewardsApi(office).decide(rewardId, { decision: 'pay', reference: '转账 20240510-01' });
    expect(paid).toMatchObject({ status: 'paid', amount: 3000, paidAt: '2024-05-09T03:00:00.000Z' });
    expect(paid.decisions.map((d) => [d.decision, d.by?.name])).toEqual([
      ['propose', undefined],
      ['approve', '应急办值班员'],
      ['pay', '应急办值班员'],
    ]);
    const mine = await rewardsApi(resident).mine();
    expect(mine.items[0]).toMatchObject({ status: 'paid', statusLabel: '已发放', amount: 3000 });
    expect((await tipsApi(resident).mine()).items[0]!.reward).toMatchObject({ status: 'paid', amount: 3000 });
    expect(await DeliveryModel.countDocuments({ idempotencyKey: `reward:${rewardId}:paid` })).toBe(1);
  });

  it('reveals the confidential reporter only to the reward office, and logs each view', async () => {
    expect(await apiError(rewardsApi(grid).reporter(rewardId))).toMatchObject({ status: 403 });
    expect(await apiError(tipsApi(grid).reporter(tipId))).toMatchObject({ status: 403 });
    expect(await ReporterAccessModel.countDocuments()).toBe(0);
    const who = await rewardsApi(office).reporter(rewardId);
    expect(who).toMatchObject({ name: '示例居民', anonymous: false });
    await tipsApi(office).reporter(tipId);
    const audit = await rewardsApi(office).audit();
    expect(audit.items).toHaveLength(2);
    expect(audit.items[0]).toMatchObject({ viewer: { name: '应急办值班员' }, tip: { code: tipCode } });
    expect(await apiError(rewardsApi(grid).audit())).toMatchObject({ status: 403 });
  });
});
