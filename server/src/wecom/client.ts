import axios, { type AxiosInstance } from 'axios';
import type { Config } from '../config';

/**
 * A small client of the WeCom (企业微信) server API for one self-built app.
 *
 *   const wecom = new WeComClient({ corpId, secret, agentId, baseUrl });
 *   await wecom.sendMessage(['zhangsan', 'lisi'], { msgtype: 'text', text: { content: '…' } });
 *   await wecom.sendAppChat(chatid, { msgtype: 'markdown', markdown: { content: '…' } });
 *   await wecom.updateTemplateCard({ userids: ['zhangsan'], responseCode, replaceName: '已确认' });
 *
 * - The access token is cached per app, with one `gettoken` in flight however many callers wait.
 * - 40014/42001 (token invalid/expired): the token is fetched again and the call retried once.
 * - -1 (busy), 45009 (frequency), 45033 (concurrency): retried a few times with exponential
 *   back-off and jitter; if that is not enough a retryable `WeComError` tells the caller (the
 *   outbox) when to try again.
 * - Every failure is a `WeComError` with `outcome`: `not_sent` (safe to send again) or `unknown`
 *   (a time-out or a reset after the request left: WeCom may have delivered it).
 *
 * WeCom answers HTTP 200 with an `errcode` for every API error.
 */
export interface WeComAppOptions {
  corpId: string;
  secret: string;
  agentId: number;
  /** Default https://qyapi.weixin.qq.com (WECOM_API_BASE). */
  baseUrl?: string;
  /** Per HTTP call; a time-out is an `unknown` outcome. */
  timeoutMs?: number;
  /** Back-off for -1/45009/45033: how many retries, the first delay, the ceiling. */
  retry?: { retries?: number; baseDelayMs?: number; maxDelayMs?: number };
}

export type TextMessage = { msgtype: 'text'; text: { content: string } };
export type MarkdownMessage = { msgtype: 'markdown'; markdown: { content: string } };
export type TemplateCardMessage = { msgtype: 'template_card'; template_card: TemplateCard };
export type AppMessage = TextMessage | MarkdownMessage | TemplateCardMessage;

/** The subset of template_card we use: a button_interaction card (its buttons come back as callbacks). */
export interface TemplateCard {
  card_type: 'button_interaction' | 'text_notice';
  source?: { desc?: string; desc_color?: number };
  main_title: { title: string; desc?: string };
  sub_title_text?: string;
  horizontal_content_list?: { keyname: string; value: string }[];
  task_id?: string;
  button_list?: { text: string; style?: number; key: string }[];
  card_action?: { type: number; url?: string };
}

/** Error codes that mean "the token is no longer good": fetch a new one and retry once. */
export const TOKEN_ERRORS = new Set([40014, 42001]);
/** Error codes that mean "too busy or too fast": back off and retry. */
export const BACKOFF_ERRORS = new Set([-1, 45009, 45033]);

export type WeComErrorCode = number | 'timeout' | 'network' | 'http' | 'rate_limited' | 'not_configured';

export class WeComError extends Error {
  override name = 'WeComError';
  constructor(
    readonly errcode: WeComErrorCode,
    message: string,
    /** Did the message possibly reach WeCom? `unknown` after a time-out or a reset mid-call. */
    readonly outcome: 'not_sent' | 'unknown' = 'not_sent',
    /** Suggested wait before trying again (rate limits). */
    readonly retryAfterMs?: number,
    /** For 81013 (every recipient invalid). */
    readonly invalidUsers: string[] = [],
  ) {
    super(message);
  }

  /** Worth trying again later (busy, rate-limited, network), as opposed to a request WeCom refuses. */
  get retryable(): boolean {
    if (typeof this.errcode === 'string') return this.errcode !== 'not_configured';
    return BACKOFF_ERRORS.has(this.errcode) || TOKEN_ERRORS.has(this.errcode);
  }
}

interface WeComResponse {
  errcode?: number;
  errmsg?: string;
  [k: string]: unknown;
}

export interface SendResult {
  msgid?: string;
  /** Recipients WeCom refused (unknown, not visible to the app); lower-cased by WeCom. */
  invalidUsers: string[];
  /** For interactive cards: the one-shot code for update_template_card. */
  responseCode?: string;
}

/** Duplicate check window for message/send: WeCom's maximum, 4 hours. */
export const DUPLICATE_CHECK_SECONDS = 4 * 3600;

export class WeComClient {
  private readonly http: AxiosInstance;
  private token?: { value: string; expiresAt: number };
  private inflight?: Promise<string>;
  private readonly retries: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  /** How many gettoken calls this client made (for tests and metrics). */
  tokenFetches = 0;

  constructor(readonly opts: WeComAppOptions) {
    this.http = axios.create({
      baseURL: (opts.baseUrl ?? 'https://qyapi.weixin.qq.com').replace(/\/$/, ''),
      timeout: opts.timeoutMs ?? 10_000,
      validateStatus: () => true,
      headers: { 'content-type': 'application/json' },
      // Our own proxies must not change where the call goes.
      proxy: false,
      // WeCom's API does not redirect: the plain HTTP client, without follow-redirects' wrapper on every call.
      maxRedirects: 0,
    });
    this.retries = opts.retry?.retries ?? 3;
    this.baseDelayMs = opts.retry?.baseDelayMs ?? 500;
    this.maxDelayMs = opts.retry?.maxDelayMs ?? 8_000;
  }

  get agentId(): number {
    return this.opts.agentId;
  }

  /** The app's access token, fetched once and shared by concurrent callers. */
  async getToken(force = false): Promise<string> {
    if (!force && this.token && Date.now() < this.token.expiresAt) return this.token.value;
    this.inflight ??= this.fetchToken().finally(() => (this.inflight = undefined));
    return this.inflight;
  }

  private async fetchToken(): Promise<string> {
    for (let attempt = 0; ; attempt++) {
      this.tokenFetches++;
      const r = await this.request('get', '/cgi-bin/gettoken', {
        params: { corpid: this.opts.corpId, corpsecret: this.opts.secret },
      });
      if (r.errcode === 0 || (r.errcode === undefined && typeof r.access_token === 'string')) {
        const ttl = Number(r.expires_in ?? 7200);
        // Renew a little early (5 minutes, or half the lifetime of a short token).
        const margin = Math.min(300, ttl / 2);
        this.token = { value: String(r.access_token), expiresAt: Date.now() + (ttl - margin) * 1000 };
        return this.token.value;
      }
      if (BACKOFF_ERRORS.has(r.errcode!) && attempt < this.retries) {
        await sleep(this.backoff(attempt));
        continue;
      }
      throw new WeComError(r.errcode ?? 'http', `gettoken: ${r.errmsg ?? 'failed'}`, 'not_sent');
    }
  }

  /**
   * POST a JSON body to an API path with the access token, handling token expiry and back-off.
   * Returns the answer when errcode is 0; throws a WeComError otherwise.
   */
  async call<T extends WeComResponse = WeComResponse>(path: string, body: unknown): Promise<T> {
    let refreshed = false;
    for (let attempt = 0; ; attempt++) {
      const token = await this.getToken();
      const r = await this.request('post', path, { params: { access_token: token }, data: body });
      const code = r.errcode ?? 0;
      if (code === 0) return r as T;
      if (TOKEN_ERRORS.has(code) && !refreshed) {
        // Refresh once: drop the cached token unless another caller already replaced it.
        refreshed = true;
        if (this.token?.value === token) this.token = undefined;
        continue;
      }
      if (BACKOFF_ERRORS.has(code)) {
        if (attempt < this.retries) {
          await sleep(this.backoff(attempt, code));
          continue;
        }
        throw new WeComError(code, `${path}: ${r.errmsg ?? 'busy'}`, 'not_sent', code === 45009 ? 60_000 : undefined);
      }
      const invalid = code === 81013 ? splitIds((body as { touser?: string })?.touser) : [];
      throw new WeComError(code, `${path}: ${r.errmsg ?? 'error'}`, 'not_sent', undefined, invalid);
    }
  }

  /**
   * Send an app message to members (at most 1000 user ids per call). With `dedupe` (the default)
   * WeCom's duplicate check is on for 4 hours: sending the identical request again after an
   * unknown outcome does not deliver it twice.
   */
  async sendMessage(touser: string[], message: AppMessage, opts: { dedupe?: boolean } = {}): Promise<SendResult> {
    if (touser.length === 0) return { invalidUsers: [] };
    if (touser.length > 1000) throw new Error('sendMessage: at most 1000 recipients per call');
    const dedupe = opts.dedupe ?? true;
    const body = {
      touser: touser.join('|'),
      agentid: this.opts.agentId,
      ...message,
      enable_duplicate_check: dedupe ? 1 : 0,
      ...(dedupe ? { duplicate_check_interval: DUPLICATE_CHECK_SECONDS } : {}),
    };
    const r = await this.call<WeComResponse & { msgid?: string; invaliduser?: string; response_code?: string }>(
      '/cgi-bin/message/send',
      body,
    );
    return {
      msgid: r.msgid,
      invalidUsers: splitIds(r.invaliduser),
      responseCode: r.response_code || undefined,
    };
  }

  /** Send to an app-created group chat (appchat). Text and markdown; cards are not allowed there. */
  async sendAppChat(chatid: string, message: TextMessage | MarkdownMessage): Promise<void> {
    await this.call('/cgi-bin/appchat/send', { chatid, ...message, safe: 0 });
  }

  /** Replace the button of an interactive card for the users who clicked it (one use per response code). */
  async updateTemplateCard(input: { userids: string[]; responseCode: string; replaceName: string }): Promise<void> {
    await this.call('/cgi-bin/message/update_template_card', {
      userids: input.userids,
      agentid: this.opts.agentId,
      response_code: input.responseCode,
      button: { replace_name: input.replaceName },
    });
  }

  /** One HTTP exchange; transport failures become WeComErrors with the right outcome. */
  private async request(
    method: 'get' | 'post',
    url: string,
    cfg: { params?: Record<string, unknown>; data?: unknown },
  ): Promise<WeComResponse> {
    try {
      const res = await this.http.request({ method, url, params: cfg.params, data: cfg.data });
      if (res.status !== 200 || typeof res.data !== 'object' || res.data === null) {
        // A gateway error: WeCom did not process it (5xx before the API), so it is not sent.
        throw new WeComError('http', `${url}: HTTP ${res.status}`, 'not_sent');
      }
      return res.data as WeComResponse;
    } catch (e) {
      if (e instanceof WeComError) throw e;
      const err = e as { code?: string; message?: string };
      const notSent = err.code === 'ECONNREFUSED' || err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN';
      const timeout = err.code === 'ECONNABORTED' || err.code === 'ETIMEDOUT';
      throw new WeComError(
        timeout ? 'timeout' : 'network',
        `${url}: ${err.code ?? err.message ?? 'network error'}`,
        notSent ? 'not_sent' : 'unknown',
      );
    }
  }

  /** Exponential back-off with full jitter; frequency limits wait longer. */
  private backoff(attempt: number, code?: number): number {
    const base = code === 45009 ? this.baseDelayMs * 4 : this.baseDelayMs;
    const ceiling = Math.min(this.maxDelayMs, base * 2 ** attempt);
    return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
  }
}

export function splitIds(s: unknown): string[] {
  return typeof s === 'string' && s ? s.split('|').filter(Boolean) : [];
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** A button_interaction card with one 收到 button whose key comes back in template_card_event. */
export function ackCard(input: {
  taskId: string;
  title: string;
  desc?: string;
  body?: string;
  fields?: { keyname: string; value: string }[];
  buttonKey: string;
  buttonText?: string;
  source?: string;
}): TemplateCard {
  return {
    card_type: 'button_interaction',
    ...(input.source ? { source: { desc: input.source, desc_color: 0 } } : {}),
    main_title: { title: truncate(input.title, 36), ...(input.desc ? { desc: truncate(input.desc, 44) } : {}) },
    ...(input.body ? { sub_title_text: truncate(input.body, 160) } : {}),
    ...(input.fields?.length ? { horizontal_content_list: input.fields.slice(0, 6) } : {}),
    task_id: input.taskId,
    button_list: [{ text: input.buttonText ?? '收到', style: 1, key: input.buttonKey }],
  };
}

function truncate(s: string, n: number): string {
  return [...s].length > n ? [...s].slice(0, n - 1).join('') + '…' : s;
}

/** The app client for this configuration, or undefined when WeCom is not configured. One per Config. */
const clients = new WeakMap<object, WeComClient>();
export function wecomFromConfig(
  config: Pick<
    Config,
    'WECOM_CORP_ID' | 'WECOM_SECRET' | 'WECOM_AGENT_ID' | 'WECOM_API_BASE' | 'WECOM_TIMEOUT_MS' | 'WECOM_RETRY_BASE_MS'
  >,
): WeComClient | undefined {
  if (!config.WECOM_CORP_ID || !config.WECOM_SECRET || !config.WECOM_AGENT_ID) return undefined;
  let c = clients.get(config);
  if (!c) {
    c = new WeComClient({
      corpId: config.WECOM_CORP_ID,
      secret: config.WECOM_SECRET,
      agentId: Number(config.WECOM_AGENT_ID),
      baseUrl: config.WECOM_API_BASE,
      timeoutMs: config.WECOM_TIMEOUT_MS,
      retry: { baseDelayMs: config.WECOM_RETRY_BASE_MS },
    });
    clients.set(config, c);
  }
  return c;
}
