import { LoginRequest, LoginResponse, WechatLoginRequest } from '@yingji/shared';
import type { Module } from '../core/module';
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
      },
      ({ body, services }) => loginWithWechat(services, body),
    );
  },
};
