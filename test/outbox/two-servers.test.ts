import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ApiClient, calloutsApi } from '@yingji/shared';
import { systemClock } from '../../server/src/core/clock';
import { DeliveryModel } from '../../server/src/outbox/delivery.model';
import { enqueue } from '../../server/src/outbox/enqueue';
import { GridModel, TownModel, UserModel } from '../../server/src/people/models';
import { seedDemo } from '../../server/src/people/seed';
import { startFakeWecom, type FakeWecom } from '../fakes/wecom';
import { testMongoUri, useTestDatabase } from '../support/db';
import { startServerProcess, stopServerProcess } from '../support/server-process';

/**
 * Two server processes on one database share the outbox and the schedulers: a warning and a
 * burst of personal messages go out once each, whichever process claims them.
 */
const db = useTestDatabase();
jest.setTimeout(180_000);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let fake: FakeWecom;
const procs: ChildProcess[] = [];
const dataDirs: string[] = [];

function startServer() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'yingji-two-'));
  dataDirs.push(dataDir);
  return startServerProcess({
    MONGODB_URI: `${testMongoUri()}/${db.name}`,
    DATA_DIR: dataDir,
    JWT_SECRET: 'two-servers-secret-two-servers-secret',
    WECOM_CORP_ID: fake.corpId,
    WECOM_SECRET: fake.secret,
    WECOM_AGENT_ID: String(fake.agentId),
    WECOM_API_BASE: fake.base,
    WECOM_RETRY_BASE_MS: '20',
    OUTBOX_POLL_MS: '50',
    OUTBOX_RETRY_BASE_MS: '100',
  }).then((s) => {
    procs.push(s.proc);
    return s;
  });
}

beforeAll(async () => {
  await seedDemo();
  const town = await TownModel.findOne({ code: 'SZ' }).lean();
  const grids = await GridModel.find({ town: town!._id }).lean();
  await UserModel.insertMany(
    Array.from({ length: 120 }, (_, i) => ({
      town: town!._id,
      username: `grid.two-${i}`,
      role: 'grid',
      name: `网格员T${i}`,
      grids: [grids[i % grids.length]!._id],
      village: grids[i % grids.length]!.village,
      wecomUserId: `two-${i}`,
    })),
  );
  fake = await startFakeWecom();
  fake.delayMs = 20;
});
afterAll(async () => {
  for (const p of procs) if (p.exitCode === null) p.kill('SIGKILL');
  await fake?.close();
  for (const d of dataDirs) fs.rmSync(d, { recursive: true, force: true });
});

it('sends each recipient each message once when two server processes drain one outbox', async () => {
  const [a, b] = await Promise.all([startServer(), startServer()]);
  const office = new ApiClient({ baseUrl: a.base });
  await office.login({ username: 'office', password: 'Office@2024' });
  const { id } = await calloutsApi(office).create({ title: '山洪橙色预警', level: 'orange', body: '注意转移' });
  const users = await UserModel.find({ role: { $in: ['grid', 'cadre'] }, wecomUserId: { $exists: true } }).lean();
  const town = await TownModel.findOne({ code: 'SZ' }).lean();
  await enqueue(
    systemClock,
    users.map((u) => ({
      town: town!._id,
      channel: 'wecom_app' as const,
      recipient: { user: u._id, address: u.wecomUserId! },
      content: { kind: 'text' as const, text: `personal:${u.username}` },
      source: { kind: 'test' },
      idempotencyKey: `two:${u.username}`,
    })),
  );
  const until = Date.now() + 90_000;
  for (;;) {
    const open = await DeliveryModel.countDocuments({ channel: 'wecom_app', state: { $in: ['pending', 'sending'] } });
    if (open === 0 || Date.now() > until) break;
    await sleep(200);
  }
  await Promise.all([stopServerProcess(a.proc, 'SIGTERM'), stopServerProcess(b.proc, 'SIGTERM')]);

  // Both processes did work (so this is a real test of sharing), and nothing was sent twice.
  const owners = await DeliveryModel.distinct('leaseOwner');
  const claimedBy = new Set(
    (
      await DeliveryModel.find({ claimToken: { $exists: true } })
        .select('claimToken')
        .lean()
    ).map((d) => d.claimToken),
  );
  expect(claimedBy.size).toBeGreaterThan(1);
  expect(owners).toEqual([]); // every lease released: all recorded as sent
  for (const u of users) {
    const got = fake.to(u.wecomUserId!);
    const notify = got.filter((r) =>
      String((r.body.template_card as { task_id?: string } | undefined)?.task_id ?? '').startsWith(`co-${id}-notify`),
    );
    const personal = got.filter((r) => r.content === `personal:${u.username}`);
    expect([u.username, notify.length, personal.length]).toEqual([u.username, 1, 1]);
  }
  expect(await DeliveryModel.countDocuments({ state: 'parked' })).toBe(0);
});
