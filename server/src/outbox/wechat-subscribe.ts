import axios, { type AxiosInstance } from 'axios';

/**
 * Mini-program subscription messages (订阅消息): POST /cgi-bin/message/subscribe/send with a
 * stable access token (POST /cgi-bin/stable_token, reference part B2), which stays the same for
 * its lifetime however many processes ask, so several instances do not invalidate each other.
 * Each send needs the user's one-time consent: 43101 means there is none left (not retried).
 */
export interface SubscribeMessage {
  template_id: string;
  page?: string;
  data: Record<string, { value: string }>;
  miniprogram_state?: 'developer' | 'trial' | 'formal';
}

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

export class WechatSubscribeClient {
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

  async send(openid: string, msg: SubscribeMessage): Promise<{ msgid?: string }> {
    for (let attempt = 0; ; attempt++) {
      const token = await this.getToken();
      try {
        const r = await this.post(`/cgi-bin/message/subscribe/send?access_token=${encodeURIComponent(token)}`, {
          touser: openid,
          ...msg,
        });
        return { msgid: r.msgid === undefined ? undefined : String(r.msgid) };
      } catch (e) {
        // A token that is no longer good: fetch it again once.
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
