import { useTestDatabase } from '../support/db';
import { http, startTestServer, type TestServer } from '../support/server';

useTestDatabase();

/** `npm run fuzz` fails on any 5xx a route does not document: the ones a route may answer are listed. */
describe('error answers in the OpenAPI document', () => {
  let srv: TestServer;
  beforeAll(async () => {
    srv = await startTestServer();
  });
  afterAll(() => srv.close());

  it('documents the 503 of the mini-program login when WeChat is not configured, as it answers', async () => {
    const res = await http(srv.base, 'POST', '/api/auth/wechat', {
      body: JSON.stringify({ code: 'abc' }),
      headers: { 'content-type': 'application/json' },
    });
    expect(res).toMatchObject({ status: 503, json: { error: { code: 'WECHAT_NOT_CONFIGURED' } } });
    const doc = (await http(srv.base, 'GET', '/api/openapi.json')).json;
    const responses = doc.paths['/api/auth/wechat'].post.responses;
    expect(responses['503'].description).toContain('小程序登录暂未开通');
    expect(responses['503'].content['application/json']).toBeDefined();
  });
});
