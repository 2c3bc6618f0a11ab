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

/** A WeChat server API call that did not succeed: WeChat's errcode, or what went wrong on the way. */
export class WechatCallError extends Error {
  override name = 'WechatCallError';
  constructor(
    readonly errcode: number | 'timeout' | 'network' | 'http',
    message: string,
    readonly outcome: 'not_sent' | 'unknown' = 'not_sent',
  ) {
    super(message);
  }
  get retryable(): boolean {
    return typeof this.errcode === 'string' ? true : [-1, 40001, 42001, 45009, 45011].includes(this.errcode);
  }
}

/**
 * The mini-program's server API with an access token: POST /cgi-bin/stable_token (reference part
 * B2), which stays the same for its lifetime however many processes ask, so several instances do
 * not invalidate each other; a token WeChat no longer takes (40001, 42001) is fetched again once.
 */
export class WechatServerApi {
  private readonly http: AxiosInstance;
  private token?: { value: string; expiresAt: number };
  private inflight?: Promise<string>;

  constructor(private readonly opts: { appId: string; secret: string; baseUrl: string; timeoutMs?: number }) {
    this.http = axios.create({
      baseURL: opts.baseUrl.replace(/\/$/, ''),
      timeout: opts.timeoutMs ?? 10_000,
      validateStatus: () => true,
      proxy: false,
    });
  }

  private async getToken(): Promise<string> {
    if (this.token && Date.now() < this.token.expiresAt) return this.token.value;
    this.inflight ??= this.post('/cgi-bin/stable_token', {
      grant_type: 'client_credential',
      appid: this.opts.appId,
      secret: this.opts.secret,
      force_refresh: false,
    })
      .then((r) => {
        const ttl = Number(r.expires_in ?? 300);
        this.token = { value: String(r.access_token), expiresAt: Date.now() + Math.max(30, ttl - 60) * 1000 };
        return this.token.value;
      })
      .finally(() => (this.inflight = undefined));
    return this.inflight;
  }

  /** POST a JSON body to `path?access_token=…`; answers WeChat's body when errcode is 0. */
  async call(path: string, body: unknown): Promise<Record<string, unknown>> {
    for (let attempt = 0; ; attempt++) {
      const token = await this.getToken();
      try {
        return await this.post(`${path}?access_token=${encodeURIComponent(token)}`, body);
      } catch (e) {
        if (e instanceof WechatCallError && (e.errcode === 40001 || e.errcode === 42001) && attempt === 0) {
          this.token = undefined;
          continue;
        }
        throw e;
      }
    }
  }

  private async post(url: string, body: unknown): Promise<Record<string, unknown>> {
    let res;
    try {
      res = await this.http.post(url, body);
    } catch (e) {
      const code = (e as { code?: string }).code;
      const timeout = code === 'ECONNABORTED' || code === 'ETIMEDOUT';
      throw new WechatCallError(
        timeout ? 'timeout' : 'network',
        `wechat: ${code}`,
        code === 'ECONNREFUSED' ? 'not_sent' : 'unknown',
      );
    }
    if (res.status !== 200) throw new WechatCallError('http', `wechat: HTTP ${res.status}`);
    const data = res.data as Record<string, unknown>;
    const errcode = Number(data?.errcode ?? 0);
    if (errcode !== 0) throw new WechatCallError(errcode, `wechat: ${String(data.errmsg ?? 'error')}`);
    return data;
  }
}

/** WeChat's verdict on a text or a photo (content security v2). */
export interface SecVerdict {
  suggest: 'pass' | 'review' | 'risky';
  label: number;
  /** The word that matched, when WeChat's keyword strategy names one. */
  keyword?: string;
  traceId?: string;
}

/** Content security: msgSecCheck v2 (text, answered at once) and mediaCheckAsync v2 (photos, later). */
export class WechatSecurityClient extends WechatServerApi {
  /** `POST /wxa/msg_sec_check`, version 2: scene 1 资料, 2 评论, 3 论坛, 4 社交日志. */
  async msgSecCheck(input: { openid: string; scene: number; content: string; title?: string }): Promise<SecVerdict> {
    const r = await this.call('/wxa/msg_sec_check', {
      content: input.content.slice(0, 2500),
      version: 2,
      scene: input.scene,
      openid: input.openid,
      ...(input.title ? { title: input.title } : {}),
    });
    const result = (r.result ?? {}) as { suggest?: string; label?: number };
    const detail = (Array.isArray(r.detail) ? r.detail : []) as { keyword?: string }[];
    const suggest = result.suggest === 'risky' || result.suggest === 'review' ? result.suggest : 'pass';
    return {
      suggest,
      label: Number(result.label ?? 100),
      keyword: detail.find((d) => d.keyword)?.keyword,
      traceId: r.trace_id === undefined ? undefined : String(r.trace_id),
    };
  }

  /** `POST /wxa/media_check_async`, version 2, an image: answers the trace id the result event carries. */
  async mediaCheckAsync(input: { openid: string; scene: number; mediaUrl: string }): Promise<{ traceId: string }> {
    const r = await this.call('/wxa/media_check_async', {
      media_url: input.mediaUrl,
      media_type: 2,
      version: 2,
      scene: input.scene,
      openid: input.openid,
    });
    return { traceId: String(r.trace_id) };
  }
}

/** Labels of content security v2 (reference part B2), in Chinese for the office. */
export const SEC_LABELS: Record<number, string> = {
  100: '正常',
  10001: '广告',
  20001: '时政',
  20002: '色情',
  20003: '辱骂',
  20006: '违法犯罪',
  20008: '欺诈',
  20012: '低俗',
  20013: '版权',
  21000: '其他',
};
