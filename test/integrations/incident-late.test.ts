import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { incidentsApi, type ApiClient } from '@yingji/shared';
import { ManualClock } from '../../server/src/core/clock';
import { EventModel } from '../../server/src/events/model';
import { IncidentModel } from '../../server/src/incidents/model';
import { escalateLateIncidents } from '../../server/src/incidents/service';
import { DeliveryModel } from '../../server/src/outbox/delivery.model';
import { seedDemo } from '../../server/src/people/seed';
import { testMongoUri, useTestDatabase } from '../support/db';
import { http, startTestServer, type TestServer } from '../support/server';
import { startServerProcess, stopServerProcess } from '../support/server-process';

/**
 * `incident.late` is published once, durably, for every incident that passes its hour without
 * being passed on upward: when the job notices it, when the office passes it on late before the
 * job ran, when a run died between flagging and publishing, and when the server was down at the
 * deadline (its first run after the restart catches up).
 */
const db = useTestDatabase();
jest.setTimeout(120_000);

const MIN = 60_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const incident = (occurredAt: Date, description: string) => ({
  kind: '地质灾害',
  occurredAt: occurredAt.toISOString(),
  location: { lat: 29.785, lng: 107.88, address: '双河村王家沟' },
  casualties: { deaths: 0, injuries: 0, missing: 0 },
  description,
});
const lateEvents = (id: string) => EventModel.countDocuments({ event: 'incident.late', 'subject.id': id });

beforeAll(() => seedDemo());

describe('incident.late within one server', () => {
  const clock = new ManualClock(Date.parse('2024-06-10T02:00:00Z'));
  let srv: TestServer;
  let office: ApiClient;
  let grid: ApiClient;

  beforeAll(async () => {
    srv = await startTestServer({ clock });
    [office, grid] = await Promise.all([srv.login('office', 'Office@2024'), srv.login('grid.sh-01', 'Grid@2024')]);
  });
  afterAll(() => srv.close());

  it('is published when the office passes an incident on after its hour, before the job saw it', async () => {
    const start = clock.now();
    const { id } = await incidentsApi(grid).create(incident(start, '便道塌方'));
    clock.set(start.getTime() + 75 * MIN);
    const up = await incidentsApi(office).reportUp(id, { to: '县应急管理局值班室', method: 'phone' });
    expect(up).toMatchObject({ withinLimit: false, late: true });
    expect(await lateEvents(id)).toBe(1);
    await escalateLateIncidents(srv.services);
    await escalateLateIncidents(srv.services);
    expect(await lateEvents(id)).toBe(1);
    const e = await EventModel.findById(`incident.late:${id}`).lean();
    // It became late at its due time, which is when the event says it happened.
    expect(e!.occurredAt.toISOString()).toBe(new Date(start.getTime() + 60 * MIN).toISOString());
  });

  it('is published by the next run when a run died after flagging the incident, before publishing', async () => {
    const start = clock.now();
    const { id } = await incidentsApi(grid).create(incident(start, '落石堵路'));
    clock.set(start.getTime() + 61 * MIN);
    // What a run that died right after its flag left behind.
    await IncidentModel.updateOne({ _id: id }, { $set: { late: true, escalatedAt: clock.now() } });
    expect(await lateEvents(id)).toBe(0);
    await escalateLateIncidents(srv.services);
    await escalateLateIncidents(srv.services);
    expect(await lateEvents(id)).toBe(1);
  });
});

describe('incident.late when the server was down at the deadline', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'yingji-incident-late-'));
  let child: ChildProcess | undefined;
  afterAll(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
  const start = () =>
    startServerProcess({
      MONGODB_URI: `${testMongoUri()}/${db.name}`,
      DATA_DIR: dataDir,
      JWT_SECRET: 'late-test-secret-late-test-secret',
    }).then((s) => ((child = s.proc), s));

  it('publishes it once at the first run after the restart, and not again after another', async () => {
    // Reported to a server without its scheduler (as before a shutdown); the hour runs out meanwhile.
    const srv = await startTestServer();
    const grid = await srv.login('grid.sh-01', 'Grid@2024');
    const office = await srv.login('office', 'Office@2024');
    const key = (
      await http(srv.base, 'POST', '/api/api-keys', {
        token: office.token,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: '县数字应急平台', scopes: ['events'] }),
      })
    ).json.key as string;
    const { id } = await incidentsApi(grid).create(incident(new Date(Date.now() - 60 * MIN + 1500), '山洪冲毁便桥'));
    await srv.close();
    await sleep(2000);
    expect(await lateEvents(id)).toBe(0);

    const first = await start();
    for (let i = 0; i < 100 && (await lateEvents(id)) === 0; i++) await sleep(100);
    const feed = await http(first.base, 'GET', '/api/events?limit=500', { headers: { 'x-api-key': key } });
    const mine = feed.json.items.filter((e: { data: { id?: string } }) => e.data.id === id);
    expect(mine.map((e: { event: string }) => e.event)).toEqual(['incident.created', 'incident.late']);
    const escalations = await DeliveryModel.countDocuments({ 'source.kind': 'incident', 'source.id': id });
    expect(escalations).toBeGreaterThan(0); // the leaders were told too
    await stopServerProcess(first.proc, 'SIGKILL');

    const second = await start();
    await sleep(2000); // the scheduler runs every job at start
    await stopServerProcess(second.proc, 'SIGTERM');
    expect(await lateEvents(id)).toBe(1);
    expect(await DeliveryModel.countDocuments({ 'source.kind': 'incident', 'source.id': id })).toBe(escalations);
  });
});
