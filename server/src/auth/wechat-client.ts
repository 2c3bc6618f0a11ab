import axios, { type AxiosInstance } from 'axios';
import { AppError } from '@yingji/shared';

/**
 * The WeChat mini-program server API, behind a base URL (WECHAT_API_BASE) so that tests reach a
 * local fake that speaks the same protocol through this same code.
 */
export interface Code2SessionResult {
  openid: string;
  sessionKey: string;
  unionid?: string;
}

export class WechatClient {
  private readonly http: AxiosInstance;

  constructor(
    baseURL: string,
    private readonly appId: string,
    private readonly secret: string,
  ) {
    this.http = axios.create({ baseURL, timeout: 8000, validateStatus: () => true });
  }

  /** `GET /sns/jscode2session`: exchange a wx.login code for the openid and session key. */
  async code2Session(code: string): Promise<Code2SessionResult> {
    let data: { openid?: string; session_key?: string; unionid?: string; errcode?: number; errmsg?: string };
    try {
      const res = await this.http.get('/sns/jscode2session', {
        params: { appid: this.appId, secret: this.secret, js_code: code, grant_type: 'authorization_code' },
      });
      if (res.status >= 500 || typeof res.data !== 'object') throw new Error(`HTTP ${res.status}`);
      data = res.data;
    } catch {
      throw new AppError('WECHAT_UNAVAILABLE');
    }
    if (data.errcode) {
      switch (data.errcode) {
        case 40029: // invalid code
        case 40163: // code already used
          throw new AppError('WECHAT_CODE_INVALID');
        case 45011: // API minute-quota reached
          throw new AppError('WECHAT_RATE_LIMITED', { retryAfter: 60 });
        case 40226: // high-risk user
          throw new AppError('WECHAT_USER_BLOCKED');
        default:
          throw new AppError('WECHAT_UNAVAILABLE');
      }
    }
    if (!data.openid || !data.session_key) throw new AppError('WECHAT_UNAVAILABLE');
    return { openid: data.openid, sessionKey: data.session_key, unionid: data.unionid };
  }
}
