import type { ErrorBody } from './errors';
import type { LoginRequest, LoginResponse, WechatLoginRequest } from './schemas/auth';
import type { Me } from './schemas/people';

/**
 * The typed API client every front door uses (bot, mini-program, console, tests).
 * The transport is injectable: Node and the H5 console use fetch, the weapp build passes
 * one built on Taro.request, so the same client runs everywhere.
 */
export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  headers: Record<string, string>;
  body?: unknown;
}
export interface HttpResponse {
  status: number;
  headers?: Record<string, string>;
  body: unknown;
}
export type Transport = (req: HttpRequest) => Promise<HttpResponse>;

export const fetchTransport: Transport = async (req) => {
  const isForm = typeof FormData !== 'undefined' && req.body instanceof FormData;
  const res = await fetch(req.url, {
    method: req.method,
    headers: isForm || req.body === undefined ? req.headers : { 'content-type': 'application/json', ...req.headers },
    body: req.body === undefined ? undefined : isForm ? (req.body as FormData) : JSON.stringify(req.body),
  });
  const text = await res.text();
  let body: unknown = text;
  if ((res.headers.get('content-type') ?? '').includes('json') && text) body = JSON.parse(text);
  return { status: res.status, body };
};

/** Per-request options: an `Idempotency-Key` for create routes (see ActionKeys). */
export interface RequestOptions {
  idempotencyKey?: string;
}

/** A fresh Idempotency-Key (a UUID where the runtime has one; the weapp has no crypto.randomUUID). */
export function newIdempotencyKey(): string {
  const c = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  if (c?.randomUUID) return c.randomUUID();
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(Math.random() * 16).toString(16)).join('');
  return `${Date.now().toString(16)}-${hex(8)}-${hex(8)}-${hex(8)}`;
}

function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v && typeof v === 'object')
    return `{${Object.keys(v)
      .sort()
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${stableJson((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v ?? null);
}

/**
 * One Idempotency-Key per user action, not per attempt: `keyFor(input)` answers the same key while
 * the same input is sent again (a retry after a lost answer), a fresh one once the input changed or
 * `done()` was called after a success. A repeat the server already handled then answers the first
 * result instead of issuing a second warning, transfer or hazard.
 */
export class ActionKeys {
  private current?: { input: string; key: string };

  keyFor(input: unknown): string {
    const json = stableJson(input);
    if (!this.current || this.current.input !== json) this.current = { input: json, key: newIdempotencyKey() };
    return this.current.key;
  }

  done(): void {
    this.current = undefined;
  }
}

/** An error answer from the API, carrying the stable code and the Chinese message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface ApiClientOptions {
  baseUrl: string;
  token?: string;
  transport?: Transport;
}

export class ApiClient {
  readonly baseUrl: string;
  token?: string;
  private readonly transport: Transport;

  constructor(opts: ApiClientOptions) {
    this.baseUrl = opts.baseUrl.replace(/\/$/, '');
    this.token = opts.token;
    this.transport = opts.transport ?? fetchTransport;
  }

  /** Another client for the same server acting with another user's token. */
  as(token: string): ApiClient {
    return new ApiClient({ baseUrl: this.baseUrl, token, transport: this.transport });
  }

  async request<T>(
    method: HttpRequest['method'],
    path: string,
    body?: unknown,
    query?: object,
    opts: RequestOptions = {},
  ): Promise<T> {
    const qs = query
      ? Object.entries(query)
          .filter(([, v]) => v !== undefined && v !== null && v !== '')
          .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
          .join('&')
      : '';
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (opts.idempotencyKey) headers['idempotency-key'] = opts.idempotencyKey;
    const res = await this.transport({
      method,
      url: `${this.baseUrl}${path}${qs ? `?${qs}` : ''}`,
      headers,
      body,
    });
    if (res.status >= 400) {
      const err = (res.body as Partial<ErrorBody> | undefined)?.error;
      throw new ApiError(res.status, err?.code ?? 'HTTP_' + res.status, err?.message ?? '请求失败', err?.details);
    }
    return res.body as T;
  }

  get<T>(path: string, query?: object): Promise<T> {
    return this.request<T>('GET', path, undefined, query);
  }
  post<T>(path: string, body?: unknown, opts?: RequestOptions): Promise<T> {
    return this.request<T>('POST', path, body ?? {}, undefined, opts);
  }
  /** A POST to a create route with an Idempotency-Key: the one given (a retried action's), or a fresh one. */
  create<T>(path: string, body: unknown, opts: RequestOptions = {}): Promise<T> {
    return this.post<T>(path, body, { idempotencyKey: opts.idempotencyKey ?? newIdempotencyKey() });
  }

  // --- auth and people ---
  async login(input: LoginRequest): Promise<LoginResponse> {
    const res = await this.post<LoginResponse>('/api/auth/login', input);
    this.token = res.token;
    return res;
  }
  async loginWechat(input: WechatLoginRequest): Promise<LoginResponse> {
    const res = await this.post<LoginResponse>('/api/auth/wechat', input);
    this.token = res.token;
    return res;
  }
  me(): Promise<Me> {
    return this.get<Me>('/api/me');
  }
  health(): Promise<{ status: string; db: string }> {
    return this.get('/healthz');
  }
}
