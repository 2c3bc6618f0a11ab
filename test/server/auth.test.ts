import { ApiClient, ApiError } from '@yingji/shared';
import { seedDemo } from '../../server/src/people/seed';
import { TownModel } from '../../server/src/people/town.model';
import { UserModel } from '../../server/src/people/user.model';
import { WechatSessionModel } from '../../server/src/auth/wechat-session.model';
import { useTestDatabase } from '../support/db';
import { startTestServer, type TestServer } from '../support/server';
import { startFakeWechat, type FakeWechat } from '../fakes/wechat';

useTestDatabase();

async function apiError(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ApiError) return e;
    throw e;
  }
  throw new Error('expected the call to fail');
}

describe('staff login', () => {
  let srv: TestServer;
  beforeAll(async () => {
    await seedDemo();
    srv = await startTestServer();
  });
  afterAll(() => srv.close());

  it('logs in with username and password and answers a bearer token', async () => {
    const client = new ApiClient({ baseUrl: srv.base });
    const res = await client.login({ username: 'office', password: 'Office@2024' });
    expect(res.user).toMatchObject({ role: 'office', name: '应急办值班员' });
    expect(res.token).toEqual(expect.any(String));
    const me = await client.me();
    expect(me.town).toMatchObject({ code: 'SZ', name: '十直镇' });
  });

  it('refuses a wrong password with a Chinese message and a stable code', async () => {
    const err = await apiError(srv.client.login({ username: 'cadre.sh', password: 'wrong-password' }));
    expect(err).toMatchObject({ status: 401, code: 'LOGIN_FAILED', message: '用户名或密码错误' });
  });

  it('slows down repeated failures, even with the right password afterwards', async () => {
    for (let i = 0; i < 5; i++) await apiError(srv.client.login({ username: 'cadre.sl', password: `nope-${i}` }));
    const err = await apiError(srv.client.login({ username: 'cadre.sl', password: 'Cadre@2024' }));
    expect(err).toMatchObject({ status: 429, code: 'LOGIN_TOO_MANY_ATTEMPTS' });
    // Another user is not affected.
    await expect(srv.client.login({ username: 'cadre.xj', password: 'Cadre@2024' })).resolves.toBeTruthy();
  });

  it('refuses a disabled account', async () => {
    await UserModel.updateOne({ username: 'grid.sq-02' }, { active: false });
    const err = await apiError(srv.client.login({ username: 'grid.sq-02', password: 'Grid@2024' }));
    expect(err).toMatchObject({ status: 403, code: 'ACCOUNT_DISABLED' });
  });

  it('refuses requests without a token, or with a forged one', async () => {
    expect(await apiError(new ApiClient({ baseUrl: srv.base }).me())).toMatchObject({
      status: 401,
      code: 'UNAUTHENTICATED',
    });
    const forged = new ApiClient({ baseUrl: srv.base, token: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.bad' });
    expect(await apiError(forged.me())).toMatchObject({ status: 401, code: 'TOKEN_INVALID' });
  });
});

describe('mini-program login through WeChat jscode2session', () => {
  let srv: TestServer;
  let wechat: FakeWechat;
  beforeAll(async () => {
    wechat = await startFakeWechat();
    srv = await startTestServer({
      env: { WECHAT_APPID: wechat.appId, WECHAT_SECRET: wechat.secret, WECHAT_API_BASE: wechat.base },
    });
  });
  afterAll(async () => {
    await srv.close();
    await wechat.close();
  });

  it('creates a resident on first login and finds the same one on the next', async () => {
    wechat.codes.set('code-1', 'openid-alice');
    wechat.codes.set('code-2', 'openid-alice');
    const first = await new ApiClient({ baseUrl: srv.base }).loginWechat({ code: 'code-1' });
    expect(first.user).toMatchObject({ role: 'resident', name: '微信用户' });
    const second = await new ApiClient({ baseUrl: srv.base }).loginWechat({ code: 'code-2' });
    expect(second.user.id).toBe(first.user.id);
    expect(await UserModel.countDocuments({ wechatOpenId: 'openid-alice' })).toBe(1);
    expect(wechat.calls.at(-1)?.query).toMatchObject({
      appid: wechat.appId,
      js_code: 'code-2',
      grant_type: 'authorization_code',
    });
  });

  it('keeps the session key on the server and never answers it', async () => {
    wechat.codes.set('code-3', 'openid-bob');
    const client = new ApiClient({ baseUrl: srv.base });
    const login = await client.loginWechat({ code: 'code-3' });
    const session = await WechatSessionModel.findOne({ user: login.user.id }).lean();
    expect(session?.sessionKey).toBe('sk-openid-bob-code-3');
    expect(JSON.stringify(login)).not.toContain('sk-openid-bob');
    expect(JSON.stringify(await client.me())).not.toContain('sk-openid-bob');
  });

  it('refuses a WeChat account registered in another town, issuing no token', async () => {
    await TownModel.create({ code: 'QT', name: '其他镇' });
    wechat.codes.set('code-4', 'openid-carol');
    const home = await new ApiClient({ baseUrl: srv.base }).loginWechat({ code: 'code-4', town: 'SZ' });
    wechat.codes.set('code-5', 'openid-carol');
    const err = await apiError(new ApiClient({ baseUrl: srv.base }).loginWechat({ code: 'code-5', town: 'QT' }));
    expect(err).toMatchObject({
      status: 409,
      code: 'WECHAT_TOWN_MISMATCH',
      message: '该微信账号已在其他乡镇登记，请联系镇应急办',
    });
    const users = await UserModel.find({ wechatOpenId: 'openid-carol' }).lean();
    expect(users.map((u) => String(u._id))).toEqual([home.user.id]);
  });

  it('answers a bad code (40029) with 400 and creates nobody', async () => {
    const before = await UserModel.countDocuments();
    const err = await apiError(srv.client.loginWechat({ code: 'bad-code' }));
    expect(err).toMatchObject({ status: 400, code: 'WECHAT_CODE_INVALID' });
    expect(err.message).toMatch(/重新进入小程序/);
    expect(await UserModel.countDocuments()).toBe(before);
  });

  it('answers the WeChat rate limit (45011) with 429', async () => {
    const err = await apiError(srv.client.loginWechat({ code: 'busy-1' }));
    expect(err).toMatchObject({ status: 429, code: 'WECHAT_RATE_LIMITED' });
  });

  it('answers 502 when WeChat itself fails', async () => {
    const err = await apiError(srv.client.loginWechat({ code: 'down-1' }));
    expect(err).toMatchObject({ status: 502, code: 'WECHAT_UNAVAILABLE' });
  });

  it('refuses an empty code without calling WeChat', async () => {
    const calls = wechat.calls.length;
    const err = await apiError(srv.client.loginWechat({ code: '' }));
    expect(err).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    expect(wechat.calls.length).toBe(calls);
  });
});
