import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ApiClient } from '@yingji/shared';
import { addressAllowed, parseAllowList } from '../../server/src/intake/snapshot';
import { seedDemo } from '../../server/src/people/seed';
import { TipModel } from '../../server/src/tips/tip.model';
import { useTestDatabase } from '../support/db';
import { http as call, startTestServer, type TestServer } from '../support/server';
import { PLACES, photo } from '../tips/helpers';

/**
 * A camera platform's snapshotUrl is fetched by the server, so it must not be a way into the
 * server's own network (SSRF): private, loopback and link-local addresses are refused, after DNS
 * too, unless INTAKE_SNAPSHOT_ALLOW_HOSTS allows them; redirects are not followed; the download has
 * a time limit. The alarm still becomes a tip, without the picture.
 */
useTestDatabase();
jest.setTimeout(60_000);

describe('the addresses a snapshot may come from', () => {
  const none = parseAllowList(undefined);
  it.each([
    ['127.0.0.1', false],
    ['10.1.2.3', false],
    ['172.20.0.5', false],
    ['192.168.1.10', false],
    ['169.254.169.254', false],
    ['100.64.0.1', false],
    ['0.0.0.0', false],
    ['::1', false],
    ['fe80::1', false],
    ['fd00::1', false],
    ['::ffff:127.0.0.1', false],
    ['114.114.114.114', true],
    ['2400:3200::1', true],
  ])('%s → %s', (address, ok) => {
    expect(addressAllowed(address, none)).toBe(ok);
  });
  it('allows what the allow-list names: an address or a range', () => {
    const allowed = parseAllowList('127.0.0.1, 10.8.0.0/16, cams.example.cn');
    expect(addressAllowed('127.0.0.1', allowed)).toBe(true);
    expect(addressAllowed('10.8.3.4', allowed)).toBe(true);
    expect(addressAllowed('10.9.3.4', allowed)).toBe(false);
    expect(allowed.hosts.has('cams.example.cn')).toBe(true);
  });
});

describe('video alarm snapshots fetched with limits', () => {
  let pictures: http.Server;
  let base: string;
  let hits: string[];
  const servers: TestServer[] = [];

  beforeAll(async () => {
    await seedDemo();
    const jpeg = await photo({ gps: false });
    hits = [];
    pictures = http.createServer((req, res) => {
      hits.push(req.url ?? '');
      if (req.url === '/slow.jpg') return; // never answers
      if (req.url === '/moved.jpg') {
        res.writeHead(302, { location: '/snap.jpg' });
        res.end();
        return;
      }
      res.writeHead(200, { 'content-type': 'image/jpeg' });
      res.end(jpeg);
    });
    pictures.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => pictures.once('listening', resolve));
    base = `http://127.0.0.1:${(pictures.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    pictures.closeAllConnections();
    await new Promise((r) => pictures.close(r));
    for (const s of servers) await s.close();
  });

  async function serverWith(env: Record<string, string>) {
    const srv = await startTestServer({ env });
    servers.push(srv);
    const office: ApiClient = await srv.login('office', 'Office@2024');
    const key = (
      await call(srv.base, 'POST', '/api/api-keys', {
        token: office.token,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: '视频监控平台', scopes: ['intake'], ratePerMinute: 1000 }),
      })
    ).json.key as string;
    return (cameraId: string, snapshotUrl: string) =>
      call(srv.base, 'POST', '/api/intake/alarms', {
        headers: { 'x-api-key': key, 'content-type': 'application/json' },
        body: JSON.stringify({
          cameraId,
          type: 'rockfall',
          occurredAt: new Date().toISOString(),
          location: PLACES.xj02,
          snapshotUrl,
        }),
      });
  }

  it('refuses loopback, private and link-local addresses, by name too, without asking them', async () => {
    const alarm = await serverWith({});
    const port = new URL(base).port;
    for (const [i, url] of [
      `${base}/snap.jpg`,
      `http://localhost:${port}/snap.jpg`,
      `http://[::ffff:127.0.0.1]:${port}/snap.jpg`,
      'http://169.254.169.254/latest/meta-data/',
      'http://10.0.0.1/snap.jpg',
    ].entries()) {
      const r = await alarm(`CAM-SSRF-${i}`, url);
      expect(r.status).toBe(201); // the alarm is still a tip
      const tip = await TipModel.findById(r.json.id).lean();
      expect(tip!.mediaIds).toHaveLength(0);
      expect(tip!.description).toContain('截图地址不允许访问');
    }
    expect(hits).toEqual([]);
  });

  it('fetches from a host the allow-list names, without following redirects, within the time limit', async () => {
    const alarm = await serverWith({ INTAKE_SNAPSHOT_ALLOW_HOSTS: '127.0.0.1' });
    const ok = await alarm('CAM-OK', `${base}/snap.jpg`);
    expect((await TipModel.findById(ok.json.id).lean())!.mediaIds).toHaveLength(1);

    const moved = await alarm('CAM-MOVED', `${base}/moved.jpg`);
    expect((await TipModel.findById(moved.json.id).lean())!.mediaIds).toHaveLength(0);
    expect(hits.filter((h) => h === '/snap.jpg')).toHaveLength(1); // the redirect was not followed

    const started = Date.now();
    const slow = await alarm('CAM-SLOW', `${base}/slow.jpg`);
    expect(slow.status).toBe(201);
    expect(Date.now() - started).toBeLessThan(9000);
    const tip = await TipModel.findById(slow.json.id).lean();
    expect(tip!.mediaIds).toHaveLength(0);
    expect(tip!.description).toContain('截图获取失败');
  });
});
