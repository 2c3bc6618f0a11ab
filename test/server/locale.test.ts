import { z } from '@yingji/shared';
import { seedDemo } from '../../server/src/people/seed';
import { useTestDatabase } from '../support/db';
import { http, startTestServer, type TestServer } from '../support/server';

useTestDatabase();

describe('validation messages', () => {
  let srv: TestServer;
  beforeAll(async () => {
    await seedDemo();
    srv = await startTestServer();
  });
  afterAll(() => srv.close());

  it('are Chinese even where a schema gives no message of its own', async () => {
    expect(z.number().safeParse('1').error?.issues[0]?.message).toMatch(/[\u4e00-\u9fa5]/);
    const login = await srv.login('office', 'Office@2024');
    const res = await http(srv.base, 'POST', '/api/users', {
      token: login.token,
      body: JSON.stringify({ username: 'x.y', password: 'Password-1', role: 'grid', name: 5 }),
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(400);
    expect(res.json.error.details).toEqual([{ path: 'name', message: expect.stringMatching(/[\u4e00-\u9fa5]/) }]);
    expect(JSON.stringify(res.json)).not.toMatch(/Invalid input|expected/);
  });
});
