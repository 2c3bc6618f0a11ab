import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ApiClient } from '@yingji/shared';
import { AlarmModel } from '../../server/src/intake/model';
import { HazardModel } from '../../server/src/hazards/hazard.model';
import { MediaModel } from '../../server/src/media/media.model';
import { seedDemo } from '../../server/src/people/seed';
import { TipModel } from '../../server/src/tips/tip.model';
import { useTestDatabase } from '../support/db';
import { http as call, startTestServer, type TestServer } from '../support/server';
import { PLACES, photo } from '../tips/helpers';

useTestDatabase();
jest.setTimeout(60_000);

describe('video alarms from an AI monitoring platform', () => {
  let srv: TestServer;
  let office: ApiClient;
  let key: string;
  let pictures: http.Server;
  let pictureUrl: string;

  beforeAll(async () => {
    await seedDemo();
    // The picture server is on loopback, which the server refuses unless allowed.
    srv = await startTestServer({ env: { INTAKE_SNAPSHOT_ALLOW_HOSTS: '127.0.0.1' } });
    office = await srv.login('office', 'Office@2024');
    const r = await call(srv.base, 'POST', '/api/api-keys', {
      token: office.token,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: '视频监控平台', scopes: ['intake'], ratePerMinute: 1000 }),
    });
    key = r.json.key;
    const jpeg = await photo({ gps: false });
    pictures = http.createServer((req, res) => {
      if (req.url === '/big.jpg') {
        res.writeHead(200, { 'content-type': 'image/jpeg' });
        res.end(Buffer.alloc(6 * 1024 * 1024));
        return;
      }
      res.writeHead(200, { 'content-type': 'image/jpeg' });
      res.end(jpeg);
    });
    pictures.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => pictures.once('listening', resolve));
    pictureUrl = `http://127.0.0.1:${(pictures.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    pictures.closeAllConnections();
    await new Promise((r) => pictures.close(r));
    await srv.close();
  });

  const alarm = (body: Record<string, unknown>, k = key) =>
    call(srv.base, 'POST', '/api/intake/alarms', {
      headers: { 'x-api-key': k, 'content-type': 'application/json' },
      body: JSON.stringify({ occurredAt: new Date().toISOString(), location: PLACES.xj02, ...body }),
    });

  it('turns an alarm into a tip in the triage queue, marked as from video, with its snapshot', async () => {
    const r = await alarm({
      cameraId: 'CAM-001',
      type: 'smoke_fire',
      confidence: 0.72,
      snapshotUrl: `${pictureUrl}/snap.jpg`,
    });
    expect(r.status).toBe(201);
    expect(r.json).toMatchObject({ folded: false });
    const queue = await call(srv.base, 'GET', '/api/tips?status=submitted', { token: office.token });
    const item = queue.json.items.find((t: { id: string }) => t.id === r.json.id);
    expect(item).toMatchObject({ category: 'forest_fire', source: 'video', sourceLabel: '视频监控' });
    expect(item.description).toContain('【视频告警】烟火');
    expect(item.description).toContain('CAM-001');
    expect(item.reporter).toMatchObject({ name: '接口：视频监控平台' });
    expect(item.mediaIds).toHaveLength(1);
    expect(await MediaModel.countDocuments({ _id: item.mediaIds[0] })).toBe(1);
  });

  it('folds a flood of alarms from one camera into one tip', async () => {
    const before = await TipModel.countDocuments();
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => alarm({ cameraId: 'CAM-FLOOD', type: 'landslide', confidence: 0.5 })),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(201));
    expect(new Set(answers.map((a) => a.json.id)).size).toBe(1);
    expect(answers.filter((a) => !a.json.folded)).toHaveLength(1);
    expect((await TipModel.countDocuments()) - before).toBe(1);
    expect(await AlarmModel.countDocuments({ cameraId: 'CAM-FLOOD' })).toBe(20);
    // Another camera, or another type, is another tip.
    const other = await alarm({ cameraId: 'CAM-FLOOD-2', type: 'landslide' });
    expect(other.json.id).not.toBe(answers[0]!.json.id);
  });

  it('keeps the tip when the snapshot is too large, and refuses an alarm without an intake key', async () => {
    const r = await alarm({ cameraId: 'CAM-BIG', type: 'rockfall', snapshotUrl: `${pictureUrl}/big.jpg` });
    expect(r.status).toBe(201);
    const tip = await TipModel.findById(r.json.id).lean();
    expect(tip!.mediaIds).toHaveLength(0);
    expect(tip!.description).toContain('截图获取失败');
    expect((await alarm({ cameraId: 'X', type: 'other' }, 'yj_bad_key')).status).toBe(401);
    expect((await alarm({ cameraId: 'X', type: 'fire' })).status).toBe(400);
  });

  it('takes a multipart alarm with its snapshot file', async () => {
    const form = new FormData();
    form.append(
      'alarm',
      JSON.stringify({
        cameraId: 'CAM-MP',
        type: 'water_level',
        occurredAt: new Date().toISOString(),
        location: PLACES.sq01,
      }),
    );
    form.append('snapshot', new Blob([new Uint8Array(await photo({ gps: false }))], { type: 'image/jpeg' }), 's.jpg');
    const r = await call(srv.base, 'POST', '/api/intake/alarms', { headers: { 'x-api-key': key }, body: form });
    expect(r.status).toBe(201);
    expect((await TipModel.findById(r.json.id).lean())!.mediaIds).toHaveLength(1);
  });

  it('turns a high-confidence alarm straight into a hazard and a warning draft when the town says so', async () => {
    const put = await call(srv.base, 'PUT', '/api/intake/rules', {
      token: office.token,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ foldMinutes: 10, rules: [{ type: 'smoke_fire', minConfidence: 0.9 }] }),
    });
    expect(put.status).toBe(200);
    const low = await alarm({ cameraId: 'CAM-RULE-1', type: 'smoke_fire', confidence: 0.6 });
    expect(low.json.hazardId).toBeUndefined();
    const high = await alarm({ cameraId: 'CAM-RULE-2', type: 'smoke_fire', confidence: 0.95 });
    expect(high.status).toBe(201);
    expect(high.json.hazardId).toBeDefined();
    const h = await HazardModel.findById(high.json.hazardId).lean();
    expect(h).toMatchObject({ status: 'accepted', level: 'major', category: 'forest_fire' });
    expect((await TipModel.findById(high.json.id).lean())!.status).toBe('accepted');
    const drafts = await call(srv.base, 'GET', '/api/intake/callout-drafts', { token: office.token });
    expect(drafts.json.items).toHaveLength(1);
    expect(drafts.json.items[0]).toMatchObject({ hazardId: high.json.hazardId, level: 'orange' });
    expect(drafts.json.items[0].villageIds).toHaveLength(1);
  });
});
