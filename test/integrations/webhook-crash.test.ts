import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EventModel } from '../../server/src/events/model';
import { DeliveryModel } from '../../server/src/outbox/delivery.model';
import { TownModel } from '../../server/src/people/town.model';
import { seedDemo } from '../../server/src/people/seed';
import { WebhookModel } from '../../server/src/webhooks/model';
import { testMongoUri, useTestDatabase } from '../support/db';
import { startReceiver, type FakeReceiver } from '../fakes/receiver';
import { startServerProcess, stopServerProcess } from '../support/server-process';

/**
 * The server as its own process (`npm start`), killed with SIGKILL while a webhook POST is in
 * flight, then started again: the receiver gets the event, and after the restart exactly once.
 */
const db = useTestDatabase();
jest.setTimeout(120_000);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'yingji-webhook-crash-'));
let child: ChildProcess | undefined;
let rx: FakeReceiver;

function startServer(): Promise<ChildProcess> {
  return startServerProcess({
    MONGODB_URI: `${testMongoUri()}/${db.name}`,
    DATA_DIR: dataDir,
    JWT_SECRET: 'crash-test-secret-crash-test-secret',
    OUTBOX_POLL_MS: '100',
    OUTBOX_LEASE_SECONDS: '2',
    OUTBOX_RETRY_BASE_MS: '100',
    WEBHOOK_ALLOW_HTTP_LOOPBACK: 'true',
    WEBHOOK_TIMEOUT_MS: '30000',
  }).then(({ proc }) => (child = proc));
}

const kill = (proc: ChildProcess) => stopServerProcess(proc, 'SIGKILL');

beforeAll(async () => {
  await seedDemo();
  rx = await startReceiver();
});
afterAll(async () => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  await rx.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

it('sends a webhook once after the server was killed in the middle of delivering it', async () => {
  const town = await TownModel.findOne({ code: 'SZ' }).lean();
  await WebhookModel.create({ town: town!._id, url: `${rx.url}/hook`, events: ['hazard.closed'], secret: 's3cret' });
  // An event whose subscribers have not run (its publisher died right after storing it): the
  // server's dispatch job finds it, the webhook subscriber puts it in the outbox, the worker sends.
  await EventModel.create({
    _id: 'hazard.closed:crash:1',
    event: 'hazard.closed',
    town: town!._id,
    occurredAt: new Date(),
    subject: { kind: 'hazard', id: 'crash' },
    data: { id: 'crash', status: 'closed' },
    open: true,
    nextCheckAt: new Date(0),
  });
  rx.hang = true; // the receiver takes the request and does not answer
  const first = await startServer();
  await rx.waitFor((r) => r.length >= 1, 30_000);
  await kill(first);
  expect(await DeliveryModel.countDocuments({ channel: 'webhook', state: 'sending' })).toBe(1);

  rx.hang = false;
  const before = rx.requests.length;
  const second = await startServer();
  await rx.waitFor(() => rx.accepted().length >= 1, 30_000);
  await sleep(2000); // time for a second copy, if one were coming
  await kill(second);

  const after = rx.requests.slice(before);
  expect(after).toHaveLength(1);
  expect(after[0]!.json).toMatchObject({ id: 'hazard.closed:crash:1', event: 'hazard.closed' });
  expect(after[0]!.headers['x-yingji-delivery']).toBe(rx.requests[0]!.headers['x-yingji-delivery']);
  const d = await DeliveryModel.findOne({ channel: 'webhook' }).lean();
  expect(d).toMatchObject({ state: 'sent' });
  expect(await DeliveryModel.countDocuments({ channel: 'webhook' })).toBe(1);
});
