import { calloutsApi, type ApiClient } from '@yingji/shared';
import { acknowledge, runLadder } from '../../server/src/callouts/service';
import { ManualClock } from '../../server/src/core/clock';
import { runOutboxPass } from '../../server/src/outbox/worker';
import { seedDemo } from '../../server/src/people/seed';
import { UserModel } from '../../server/src/people/user.model';
import { VillageModel } from '../../server/src/people/village.model';
import { runPhoneRung } from '../../server/src/sms/service';
import { useTestDatabase } from '../support/db';
import { http, startTestServer, type TestServer } from '../support/server';
import { startFakeSms, type FakeSms } from '../fakes/sms';

useTestDatabase();
jest.setTimeout(60_000);

const REPORT_TOKEN = 'sms-report-token-0123456789';

describe('SMS and voice: the last rung of the ladder', () => {
  let srv: TestServer;
  let office: ApiClient;
  let sms: FakeSms;
  const clock = new ManualClock(Date.now());
  const phones = { secretary: '13900000001', grid1: '13900000002', grid2: '13900000003' };

  beforeAll(async () => {
    await seedDemo();
    sms = await startFakeSms();
    const xj = await VillageModel.findOne({ code: 'XJ' }).lean();
    const people = await UserModel.find({ village: xj!._id, role: { $in: ['grid', 'cadre'] } })
      .sort({ username: 1 })
      .lean();
    const cadre = people.find((u) => u.role === 'cadre')!;
    const [g1, g2] = people.filter((u) => u.role === 'grid');
    // The secretary has no WeCom nor WeChat: only SMS reaches them.
    await UserModel.updateOne(
      { _id: cadre._id },
      { $set: { phone: phones.secretary, wechatyContactIds: [] }, $unset: { wecomUserId: 1 } },
    );
    await UserModel.updateOne({ _id: g1!._id }, { $set: { phone: phones.grid1, wecomUserId: 'xj-grid-1' } });
    await UserModel.updateOne({ _id: g2!._id }, { $set: { phone: phones.grid2, wecomUserId: 'xj-grid-2' } });
    srv = await startTestServer({
      clock,
      env: {
        SMS_API_BASE: sms.base,
        SMS_ACCESS_KEY_ID: sms.keyId,
        SMS_ACCESS_KEY_SECRET: sms.secret,
        SMS_SIGN_NAME: '十直镇应急办',
        SMS_TEMPLATE_CODE: 'SMS_0001',
        SMS_TTS_CODE: 'TTS_0001',
        SMS_REPORT_TOKEN: REPORT_TOKEN,
      },
    });
    office = await srv.login('office', 'Office@2024');
  });
  afterAll(async () => {
    await sms.close();
    await srv.close();
  });

  const deliver = () => runOutboxPass(srv.services, 'sms');

  it('texts the unconfirmed once the ladder reaches its phone step, and the reports show on the board', async () => {
    const { id } = await calloutsApi(office).create({
      title: '山洪橙色预警',
      level: 'orange',
      body: '立即转移',
      area: { villages: ['XJ'] },
    });
    // From the first step, the one no chat channel reaches gets it by SMS.
    await runPhoneRung(srv.services);
    await deliver();
    expect(sms.sent.map((s) => s.phone)).toEqual([phones.secretary]);
    expect(sms.sent[0]!.text).toContain('【橙色预警】山洪橙色预警：立即转移');

    const g1 = await UserModel.findOne({ phone: phones.grid1 }).lean();
    await acknowledge(srv.services, { calloutId: id, userId: String(g1!._id), channel: 'web' });
    for (let i = 0; i < 8; i++) {
      clock.advance(60 * 60_000);
      await runLadder(srv.services);
    }
    await runPhoneRung(srv.services);
    await runPhoneRung(srv.services); // a second pass sends nothing new
    await deliver();
    // Grid member 2 had not answered; the secretary is not texted twice; grid member 1 answered.
    expect(sms.sent.map((s) => s.phone).sort()).toEqual([phones.secretary, phones.grid2].sort());
    expect(sms.sent.every((s) => s.kind === 'sms')).toBe(true);

    expect(await sms.report(srv.base, REPORT_TOKEN, sms.sent[1]!.outId, true)).toBe(200);
    expect(await sms.report(srv.base, 'wrong-token-wrong-token', sms.sent[0]!.outId, true)).toBe(401);
    const board = await http(srv.base, 'GET', `/api/callouts/${id}/sms`, { token: office.token });
    expect(board.status).toBe(200);
    const delivered = board.json.items.filter((x: { delivered?: boolean }) => x.delivered === true);
    expect(delivered).toHaveLength(1);
    expect(board.text).not.toContain(phones.grid2);
    expect(board.json.items.every((x: { state: string }) => x.state === 'sent')).toBe(true);
  });

  it('also calls the unconfirmed by voice for a red warning', async () => {
    sms.sent.length = 0;
    await calloutsApi(office).create({ title: '暴雨红色预警', level: 'red', area: { villages: ['XJ'] } });
    for (let i = 0; i < 8; i++) {
      clock.advance(60 * 60_000);
      await runLadder(srv.services);
    }
    await runPhoneRung(srv.services);
    await deliver();
    const voice = sms.sent.filter((s) => s.kind === 'voice').map((s) => s.phone);
    expect(voice.sort()).toEqual([phones.grid1, phones.grid2, phones.secretary].sort());
  });
});
