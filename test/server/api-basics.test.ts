import { seedDemo } from '../../server/src/people/seed';
import { TownModel } from '../../server/src/people/town.model';
import { UserModel } from '../../server/src/people/user.model';
import { useTestDatabase } from '../support/db';
import { http, startTestServer, type TestServer } from '../support/server';

useTestDatabase();

describe('API basics', () => {
  let srv: TestServer;
  beforeAll(async () => {
    srv = await startTestServer({ env: { BODY_LIMIT_KB: '8' } });
  });
  afterAll(() => srv.close());

  it('serves the OpenAPI document generated from the zod schemas', async () => {
    const res = await http(srv.base, 'GET', '/api/openapi.json');
    expect(res.status).toBe(200);
    expect(res.json.openapi).toBe('3.1.0');
    expect(Object.keys(res.json.paths)).toEqual(
      expect.arrayContaining(['/api/auth/login', '/api/auth/wechat', '/api/me']),
    );
    expect(res.json.components.schemas.LoginRequest.required).toEqual(['username', 'password']);
  });

  it.each([
    ['malformed JSON', '{"username":', 400, 'INVALID_JSON'],
    ['a missing field', JSON.stringify({ username: 'office' }), 400, 'VALIDATION_FAILED'],
    [
      'a body over the limit',
      JSON.stringify({ username: 'x'.repeat(20_000), password: 'y' }),
      413,
      'PAYLOAD_TOO_LARGE',
    ],
  ])('answers %s with a stable code and a Chinese message', async (_case, body, status, code) => {
    const res = await http(srv.base, 'POST', '/api/auth/login', {
      body,
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(status);
    expect(res.json.error.code).toBe(code);
    expect(res.json.error.message).toMatch(/[\u4e00-\u9fa5]/);
  });

  it('names the fields that are wrong', async () => {
    const res = await http(srv.base, 'POST', '/api/auth/login', {
      body: JSON.stringify({ username: '', password: 'x' }),
      headers: { 'content-type': 'application/json' },
    });
    expect(res.json.error.details).toEqual([{ path: 'username', message: '请输入用户名' }]);
  });

  it('answers unknown routes with 404 NOT_FOUND and a request id', async () => {
    const res = await http(srv.base, 'GET', '/api/nothing-here');
    expect(res.status).toBe(404);
    expect(res.json.error.code).toBe('NOT_FOUND');
    expect(res.headers.get('x-request-id')).toMatch(/^[\w-]+$/);
  });

  it('loads the sample town idempotently, marked as sample data', async () => {
    const first = await seedDemo();
    expect(first.created.users).toBeGreaterThan(10);
    const second = await seedDemo();
    expect(second.created).toEqual({ villages: 0, grids: 0, users: 0, chatGroups: 0 });
    expect(await TownModel.findOne({ code: 'SZ' }).lean()).toMatchObject({ name: '十直镇', sample: true });
    expect(await UserModel.countDocuments({ sample: { $ne: true } })).toBe(0);
  });
});
