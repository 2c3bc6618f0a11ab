import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ApiClient, calloutsApi } from '@yingji/shared';
import { DeliveryModel, type DeliveryLean } from '../../server/src/outbox/delivery.model';
import { enqueue } from '../../server/src/outbox/enqueue';
import { systemClock } from '../../server/src/core/clock';
import { GridModel, TownModel, UserModel } from '../../server/src/people/models';
import { seedDemo } from '../../server/src/people/seed';
import { testMongoUri, useTestDatabase } from '../support/db';
import { startFakeWecom, type FakeWecom } from '../fakes/wecom';
import { startServerProcess, stopServerProcess } from '../support/server-process';

/**
 * The server as its own process (`npm start`), killed with SIGKILL in the middle of sending a
 * warning and restarted: nobody loses a message and nobody gets one twice at WeCom.
 */
const db = useTestDatabase();
jest.setTimeout(180_000);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let fake: FakeWecom;
let child: ChildProcess | undefined;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'yingji-crash-'));

function startServer() {
  return startServerProcess({
    MONGODB_URI: `${testMongoUri()}/${db.name}`,
    DATA_DIR: dataDir,
    JWT_SECRET: 'crash-test-secret-crash-test-secret',
    WECOM_CORP_ID: fake.corpId,
    WECOM_SECRET: fake.secret,
    WECOM_AGENT_ID: String(fake.agentId),
    WECOM_API_BASE: fake.base,
    WECOM_TIMEOUT_MS: '5000',
    WECOM_RETRY_BASE_MS: '20',
    OUTBOX_POLL_MS: '100',
    OUTBOX_LEASE_SECONDS: '2',
    OUTBOX_RETRY_BASE_MS: '100',
  }).then((s) => {
    child = s.proc;
    return s;
  });
}

const stop = stopServerProcess;

beforeAll(async () => {
  await seedDemo();
  const town = await TownModel.findOne({ code: 'SZ' }).lean();
  const grids = await GridModel.find({ town: town!._id }).lean();
  await UserModel.insertMany(
    Array.from({ length: 40 }, (_, i) => ({
      town: town!._id,
      username: `grid.crash-${i}`,
      role: 'grid',
      name: `网格员C${i}`,
      grids: [grids[i % grids.length]!._id],
      village: grids[i % grids.length]!.village,
      wecomUserId: `crash-${i}`,
    })),
  );
  fake = await startFakeWecom();
  // WeCom answers each call a while after taking the message: a kill then leaves sends whose
  // outcome the server cannot know.
  fake.delayMs = 150;
});
afterAll(async () => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  await fake.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

it('loses nothing and sends nobody the same step twice when the server is killed during fan-out', async () => {
  const first = await startServer();
  const office = new ApiClient({ baseUrl: first.base });
  await office.login({ username: 'office', password: 'Office@2024' });
  const { id, recipients } = await calloutsApi(office).create({
    title: '洪水红色预警',
    level: 'red',
    body: '立即转移',
  });
  expect(recipients).toBe(52);
  // Other capabilities' fan-out at the same time: a personal message to every staff member.
  const users = await UserModel.find({ role: { $in: ['grid', 'cadre'] } }).lean();
  const town = await TownModel.findOne({ code: 'SZ' }).lean();
  await enqueue(
    systemClock,
    users.map((u) => ({
      town: town!._id,
      channel: 'wecom_app' as const,
      recipient: { user: u._id, address: u.wecomUserId! },
      content: { kind: 'text' as const, text: `personal:${u.username}` },
      source: { kind: 'test' },
      idempotencyKey: `personal:${u.username}`,
    })),
  );

  // Kill it in the middle: some messages handed over, some answered, some not yet sent.
  const killAt = Date.now() + 60_000;
  while (fake.received.filter((r) => r.content?.startsWith('personal:')).length < 10 && Date.now() < killAt)
    await sleep(20);
  await stop(first.proc, 'SIGKILL');
  const atKill = await DeliveryModel.countDocuments({ state: { $in: ['pending', 'sending'] }, channel: 'wecom_app' });
  expect(atKill).toBeGreaterThan(0); // it really died mid-way

  const second = await startServer();
  const until = Date.now() + 90_000;
  for (;;) {
    const open = await DeliveryModel.countDocuments({ channel: 'wecom_app', state: { $in: ['pending', 'sending'] } });
    if (open === 0 || Date.now() > until) break;
    await sleep(300);
  }
  await stop(second.proc, 'SIGTERM');

  for (const u of users) {
    const got = fake.to(u.wecomUserId!);
    const notify = got.filter((r) =>
      String((r.body.template_card as { task_id?: string } | undefined)?.task_id ?? '').startsWith(`co-${id}-notify`),
    );
    const personal = got.filter((r) => r.content === `personal:${u.username}`);
    expect([u.username, notify.length, personal.length]).toEqual([u.username, 1, 1]);
  }
  // Group messages cannot be checked at WeCom: never twice; if the kill left one unknown, the office sees it.
  const chats = await DeliveryModel.find({
    'source.id': id,
    'recipient.group': { $exists: true },
    channel: 'wecom_app',
  }).lean<DeliveryLean[]>();
  for (const d of chats) {
    const got = fake.to(d.recipient.address).length;
    if (d.state === 'sent') expect(got).toBe(1);
    else expect([d.state, d.parkedReason, got <= 1]).toEqual(['parked', 'outcome_unknown', true]);
  }
  expect(fake.dropped).toHaveLength(0);
});
