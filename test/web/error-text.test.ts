import { ApiError } from '@yingji/shared';
import { errorText } from '../../miniprogram/src/services/api';

// Outside a Taro runtime: the storage and request APIs are not reached by errorText.
jest.mock('@tarojs/taro', () => ({ __esModule: true, default: {} }));

describe('the Chinese message a failed request shows', () => {
  it.each<[string, ApiError, string]>([
    [
      'a wrong password says so, not that the login expired',
      new ApiError(401, 'LOGIN_FAILED', '用户名或密码错误'),
      '用户名或密码错误',
    ],
    [
      'a stale token asks to log in again',
      new ApiError(401, 'TOKEN_INVALID', '登录已失效，请重新登录'),
      '登录已过期，请重新登录',
    ],
    ['no token asks to log in', new ApiError(401, 'UNAUTHENTICATED', '请先登录'), '登录已过期，请重新登录'],
    [
      'a refused action gives its reason',
      new ApiError(409, 'HAZARD_TRANSITION_NOT_ALLOWED', '当前状态不允许该操作'),
      '当前状态不允许该操作',
    ],
  ])('%s', (_name, e, text) => {
    expect(errorText(e)).toBe(text);
  });
});
