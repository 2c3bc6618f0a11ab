import { boardApi, calloutsApi, drillsApi, outboxApi, type ApiClient } from '@yingji/shared';
import { ManualClock } from '../../server/src/core/clock';
import { drainOutbox } from '../../server/src/outbox/worker';
import { seedDemo } from '../../server/src/people/seed';
import { useTestDatabase } from '../support/db';
import { startTestServer, type TestServer } from '../support/server';

useTestDatabase();

let srv: TestServer;
let office: ApiClient;

beforeAll(async () => {
  await seedDemo();
  // No WeCom app configured: its deliveries fail, and the board must say so.
  srv = await startTestServer({ clock: new ManualClock('2024-06-01T08:00:00Z') });
  office = await srv.login('office', 'Office@2024');
});
afterAll(() => srv.close());

describe("the boards' true delivery state per person", () => {
  let id: string;

  it('shows people whose WeCom message failed as failed with the reason, never as sent', async () => {
    id = (await calloutsApi(office).create({ title: '暴雨橙色预警', level: 'orange', area: { villages: ['SQ'] } })).id;
    await drainOutbox(srv.services);
    const board = await boardApi(office).callout(id);
    expect(board.items.map((i) => i.name).sort()).toEqual(
      (await calloutsApi(office).get(id)).recipients.map((r) => r.name).sort(),
    );
    const failed = board.items.filter((i) => i.state === 'failed');
    expect(failed.length).toBeGreaterThan(0);
    for (const f of failed) {
      expect(f).toMatchObject({ channel: 'wecom_app', reason: 'not_configured' });
      expect(f.detail).toContain('未配置企业微信应用');
      expect(f.deliveryId).toMatch(/^[0-9a-f]{24}$/);
    }
    expect(board.items.some((i) => i.state === 'sent')).toBe(false);
    expect(board.counts.failed).toBe(failed.length);
  });

  it('puts those nobody reached first, and shows a confirmation with its time, channel and stage', async () => {
    const grid = await srv.login('grid.sq-01', 'Grid@2024');
    await calloutsApi(grid).ack(id, 'miniprogram');
    const board = await boardApi(office).callout(id);
    const states = board.items.map((i) => i.state);
    expect(states.at(-1)).toBe('confirmed');
    expect(states.indexOf('confirmed')).toBeGreaterThan(states.lastIndexOf('failed'));
    expect(board.items.find((i) => i.state === 'confirmed')).toMatchObject({
      channel: 'miniprogram',
      stage: 'notify',
      at: expect.any(String),
    });
  });

  it('offers the failed delivery to the office for a retry', async () => {
    const board = await boardApi(office).callout(id);
    const f = board.items.find((i) => i.state === 'failed')!;
    await outboxApi(office).retry(f.deliveryId!);
    const after = await boardApi(office).callout(id);
    expect(after.items.find((i) => i.userId === f.userId)?.state).toBe('waiting');
  });

  it('is for the office only', async () => {
    const grid = await srv.login('grid.sq-01', 'Grid@2024');
    await expect(boardApi(grid).callout(id)).rejects.toMatchObject({ status: 403 });
  });

  it('shows the drill board the same way', async () => {
    const villages = await office.get<{ items: Array<{ id: string; code: string }> }>('/api/villages');
    const sq = villages.items.find((v) => v.code === 'SQ')!.id;
    const d = await drillsApi(office).create({ title: '拉动演练', area: { villages: [sq] } });
    await drillsApi(office).start(d.id);
    await drainOutbox(srv.services);
    const board = await boardApi(office).drill(d.id);
    expect(board.items.length).toBeGreaterThan(0);
    expect(board.items.filter((i) => i.state === 'failed').length).toBeGreaterThan(0);
    expect(board.items.every((i) => i.state !== 'sent')).toBe(true);
  });
});
