import { LoginLockoutList, LoginRequest, LoginResponse, OFFICE_ROLES, WechatLoginRequest } from '@yingji/shared';
import type { Module } from '../core/module';
import { recentLockouts } from './lockout';
import { loginWithPassword, loginWithWechat } from './service';

export const authModule: Module = {
  name: 'auth',
  routes(api) {
    api.route(
      {
        method: 'post',
        path: '/api/auth/login',
        summary: '工作人员用户名密码登录',
        tags: ['auth'],
        auth: 'public',
        body: LoginRequest,
        response: LoginResponse,
      },
      ({ body, services, ctx }) => loginWithPassword(services, body, ctx.ip),
    );
    api.route(
      {
        method: 'post',
        path: '/api/auth/wechat',
        summary: '小程序登录（wx.login 的 code 换取令牌）',
        tags: ['auth'],
        auth: 'public',
        body: WechatLoginRequest,
        response: LoginResponse,
        errors: ['WECHAT_NOT_CONFIGURED', 'WECHAT_UNAVAILABLE'],
      },
      ({ body, services }) => loginWithWechat(services, body),
    );
    api.route(
      {
        method: 'get',
        path: '/api/auth/lockouts',
        summary: '最近 24 小时的登录锁定（账号或来源地址）',
        tags: ['auth'],
        auth: OFFICE_ROLES,
        response: LoginLockoutList,
      },
      async ({ caller, services }) => ({ items: await recentLockouts(caller.town, services.clock.now()) }),
    );
  },
};
