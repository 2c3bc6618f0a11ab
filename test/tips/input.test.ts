import fs from 'node:fs';
import path from 'node:path';
import { hazardsApi, tipsApi, type ApiClient } from '@yingji/shared';
import { HazardModel } from '../../server/src/hazards/hazard.model';
import { MediaModel } from '../../server/src/media/media.model';
import { seedDemo } from '../../server/src/people/seed';
import { TipModel } from '../../server/src/tips/tip.model';
import { useTestDatabase } from '../support/db';
import { http, startTestServer, type TestServer } from '../support/server';
import { PLACES, apiError, photo, upload } from './helpers';

useTestDatabase();

describe('bad input is refused with a clear error, and nothing is stored', () => {
  let srv: TestServer;
  let resident: ApiClient;
  let other: ApiClient;
  let grid: ApiClient;
  let goodPhoto: string;

  beforeAll(async () => {
    await seedDemo();
    srv = await startTestServer();
    [resident, other, grid] = await Promise.all([
      srv.login('resident.demo', 'Resident@2024'),
      srv.login('grid.sh-01', 'Grid@2024'),
      srv.login('grid.sq-01', 'Grid@2024'),
    ]);
    ({ id: goodPhoto } = await upload(resident, await photo()));
  });
  afterAll(() => srv.close());

  const files = (dir: string): number =>
    fs.existsSync(dir)
      ? fs
          .readdirSync(dir, { withFileTypes: true })
          .reduce((n, e) => n + (e.isDirectory() ? files(path.join(dir, e.name)) : 1), 0)
      : 0;
  const counts = async () => ({
    files: files(path.join(srv.services.config.dataDir, 'media')),
    media: await MediaModel.countDocuments(),
    tips: await TipModel.countDocuments(),
    hazards: await HazardModel.countDocuments(),
  });

  describe('photos', () => {
    const form = (buf: Buffer, name: string, type: string, field = 'file') => {
      const f = new FormData();
      f.append(field, new Blob([new Uint8Array(buf)], { type }), name);
      return f;
    };
    const post = (body: FormData | string, headers: Record<string, string> = {}) =>
      http(srv.base, 'POST', '/api/media', { token: resident.token, body, headers });

    it.each([
      [
        'a text file named .jpg',
        () => Buffer.from('这不是图片，只是一段文字。'.repeat(20)),
        'fake.jpg',
        'image/jpeg',
        415,
        'MEDIA_TYPE_NOT_ALLOWED',
      ],
      [
        'a GIF',
        () =>
          Buffer.from(
            'GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;',
            'latin1',
          ),
        'a.gif',
        'image/gif',
        415,
        'MEDIA_TYPE_NOT_ALLOWED',
      ],
      [
        'a PDF named .png',
        () => Buffer.from('%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n'),
        'doc.png',
        'image/png',
        415,
        'MEDIA_TYPE_NOT_ALLOWED',
      ],
      [
        'a JPEG cut in half',
        async () => (await photo({ width: 400, height: 300 })).subarray(0, 300),
        'half.jpg',
        'image/jpeg',
        400,
        'MEDIA_UNREADABLE',
      ],
    ])('refuses %s', async (_name, make, filename, type, status, code) => {
      const before = await counts();
      const res = await post(form(await make(), filename, type));
      expect(res.status).toBe(status);
      expect(res.json.error.code).toBe(code);
      expect(res.json.error.message).toMatch(/[\u4e00-\u9fa5]/);
      expect(await counts()).toEqual(before);
    });

    it('refuses a file over 10 MB with 413', async () => {
      const before = await counts();
      const big = Buffer.concat([await photo(), Buffer.alloc(10 * 1024 * 1024 + 1)]);
      const res = await post(form(big, 'big.jpg', 'image/jpeg'));
      expect(res.status).toBe(413);
      expect(res.json.error).toMatchObject({ code: 'MEDIA_TOO_LARGE', message: '图片不能超过 10 MB' });
      expect(await counts()).toEqual(before);
    });

    it('refuses a form without the file field, or not a form at all', async () => {
      const wrongField = await post(form(await photo(), 'a.jpg', 'image/jpeg', 'image'));
      expect(wrongField.status).toBe(400);
      expect(wrongField.json.error.code).toBe('MEDIA_FILE_REQUIRED');
      const json = await post(JSON.stringify({ file: 'x' }), { 'content-type': 'application/json' });
      expect(json.status).toBe(400);
      expect(json.json.error.code).toBe('MEDIA_FILE_REQUIRED');
    });

    it('accepts PNG and WebP as well as JPEG', async () => {
      for (const format of ['png', 'webp'] as const) {
        const { id } = await upload(resident, await photo({ format }), `p.${format}`, `image/${format}`);
        expect(await MediaModel.findById(id).lean()).toMatchObject({ mime: `image/${format}` });
      }
    });

    it('asks for a login to upload', async () => {
      const res = await http(srv.base, 'POST', '/api/media', { body: form(await photo(), 'a.jpg', 'image/jpeg') });
      expect(res.status).toBe(401);
    });
  });

  describe('tips', () => {
    const valid = () => ({
      category: 'fire' as const,
      description: '楼道堆满杂物，堵塞消防通道',
      location: PLACES.sq01,
      mediaIds: [goodPhoto],
    });
    it.each([
      ['an unknown category', { category: 'aliens' }, 'category', /未知的隐患类别/],
      ['a latitude beyond 90°', { location: { lat: 123.4, lng: 107.86 } }, 'location.lat', /纬度/],
      ['a longitude given as text', { location: { lat: 29.78, lng: '东经107度' } }, 'location.lng', /./],
      ['a missing location', { location: undefined }, 'location', /./],
      ['an empty description', { description: '   ' }, 'description', /请描述/],
      ['a missing category', { category: undefined }, 'category', /./],
      ['a malformed photo id', { mediaIds: ['not-an-id'] }, 'mediaIds.0', /编号格式/],
    ])('refuses %s', async (_name, change, path, message) => {
      const before = await counts();
      const err = await apiError(tipsApi(resident).create({ ...valid(), ...change } as never));
      expect(err).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', message: '提交的内容不正确，请检查后重试' });
      const details = err.details as { path: string; message: string }[];
      expect(details.find((d) => d.path === path)?.message).toMatch(message);
      expect(await counts()).toEqual(before);
    });

    it('refuses a place far outside the town', async () => {
      const before = await counts();
      const err = await apiError(tipsApi(resident).create({ ...valid(), location: { lat: 39.9, lng: 116.4 } }));
      expect(err).toMatchObject({ status: 400, code: 'LOCATION_OUTSIDE_TOWN' });
      expect(await counts()).toEqual(before);
    });

    it('refuses photos that do not exist or that someone else uploaded', async () => {
      const before = await counts();
      const { id: othersPhoto } = await upload(other, await photo());
      const unknown = await apiError(tipsApi(resident).create({ ...valid(), mediaIds: ['0123456789abcdef01234567'] }));
      expect(unknown).toMatchObject({ status: 400, code: 'MEDIA_UNKNOWN' });
      const stolen = await apiError(tipsApi(resident).create({ ...valid(), mediaIds: [othersPhoto] }));
      expect(stolen).toMatchObject({ status: 400, code: 'MEDIA_UNKNOWN' });
      expect((await counts()).tips).toBe(before.tips);
    });

    it('refuses a body that is not JSON', async () => {
      const res = await http(srv.base, 'POST', '/api/tips', {
        token: resident.token,
        body: '{"category": "fire",',
        headers: { 'content-type': 'application/json' },
      });
      expect(res.status).toBe(400);
      expect(res.json.error.code).toBe('INVALID_JSON');
    });
  });

  describe('hazards', () => {
    it('refuses a direct report from a resident', async () => {
      const err = await apiError(hazardsApi(resident).create({ description: '路面塌陷' }));
      expect(err).toMatchObject({ status: 403, code: 'FORBIDDEN' });
    });

    it('refuses an unknown level or category and a missing description', async () => {
      const before = await counts();
      for (const body of [{ description: '路面塌陷', level: 'huge' }, { description: '路面塌陷', category: 'x' }, {}]) {
        const err = await apiError(hazardsApi(grid).create(body as never));
        expect(err).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
      }
      expect(await counts()).toEqual(before);
    });

    it('refuses an action that does not exist and an id that is not one', async () => {
      const h = await hazardsApi(grid).create({ description: '护栏缺失', category: 'road_traffic' });
      const err = await apiError(hazardsApi(grid).act(h.id, { action: 'explode' } as never));
      expect(err).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
      expect(await apiError(hazardsApi(grid).get('12345'))).toMatchObject({ status: 400 });
      expect((await HazardModel.findById(h.id).lean())!.history).toHaveLength(1);
    });
  });
});
