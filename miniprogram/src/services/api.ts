import Taro from '@tarojs/taro';
import { ActionKeys, ApiClient, ApiError, fetchTransport, type Transport } from '@yingji/shared';
import { T } from '../text';

/** The request never reached the server (offline, weak signal, server down): worth retrying later. */
export class NetworkError extends Error {
  constructor(message: string = T.networkError) {
    super(message);
    this.name = 'NetworkError';
  }
}

/**
 * Where the API lives. The H5 build is served by the API server itself (under /app/), so it calls
 * its own origin; the weapp build calls the https domain set in TARO_APP_API_BASE (miniprogram/.env).
 */
export const API_BASE: string = process.env.TARO_ENV === 'h5' ? '' : (process.env.TARO_APP_API_BASE ?? '');

/** Taro.request as the ApiClient's transport (the weapp has no fetch). */
const taroTransport: Transport = (req) =>
  new Promise((resolve, reject) => {
    Taro.request({
      url: req.url,
      method: req.method as 'GET',
      header: { 'content-type': 'application/json', ...req.headers },
      data: req.body as Record<string, unknown> | undefined,
      dataType: 'json',
      timeout: 20000,
      success: (res) => resolve({ status: res.statusCode, body: res.data }),
      // WeChat's errMsg is English ("request:fail timeout"): keep it out of what people see.
      fail: () => reject(new NetworkError()),
    });
  });

/** fetch, with "could not connect" turned into a NetworkError the offline queue understands. */
const h5Transport: Transport = async (req) => {
  try {
    return await fetchTransport(req);
  } catch (e) {
    if (e instanceof SyntaxError) throw e;
    throw new NetworkError();
  }
};

export const transport: Transport = process.env.TARO_ENV === 'h5' ? h5Transport : taroTransport;

const TOKEN_KEY = 'yj.token';

let shared: ApiClient | undefined;
/** The app's one client; its token is kept in storage so a restart stays logged in. */
export function api(): ApiClient {
  if (!shared) {
    const token = (Taro.getStorageSync(TOKEN_KEY) as string) || undefined;
    shared = new ApiClient({ baseUrl: API_BASE, token, transport });
  }
  return shared;
}

export function setToken(token: string | undefined): void {
  api().token = token;
  if (token) Taro.setStorageSync(TOKEN_KEY, token);
  else Taro.removeStorageSync(TOKEN_KEY);
}

const actions = new Map<string, ActionKeys>();
/**
 * The Idempotency-Key of one user action on a create form (`actionKeys('transfer').keyFor(body)`):
 * tapping 上报 again after a lost answer sends the same key, so the server answers the first result
 * and nothing is created twice; call `.done()` after a success so the next report gets a new key.
 * Kept per form for the app's life, so leaving the page and coming back to retry still dedupes.
 */
export function actionKeys(form: string): ActionKeys {
  let keys = actions.get(form);
  if (!keys) actions.set(form, (keys = new ActionKeys()));
  return keys;
}

const SESSION_ENDED = new Set(['UNAUTHENTICATED', 'TOKEN_INVALID']);

/** A Chinese message for any failure, for the error states and toasts. */
export function errorText(e: unknown): string {
  if (e instanceof ApiError) {
    // Only a missing or stale login means the session ended; any other 401 (a wrong password) says why.
    if (e.status === 401) return SESSION_ENDED.has(e.code) ? T.sessionExpired : e.message || T.sessionExpired;
    if (e.status === 403) return e.message || T.forbidden;
    if (e.status === 404 && e.code === 'HTTP_404') return T.notAvailable;
    return e.message || T.requestFailed;
  }
  if (e instanceof NetworkError) return e.message;
  return T.requestFailed;
}

/** Should a failed submission be kept and retried? Network trouble, server trouble and rate limits: yes. */
export function isRetryable(e: unknown): boolean {
  if (e instanceof NetworkError) return true;
  if (e instanceof ApiError) return e.status >= 500 || e.status === 429 || e.status === 408;
  return false;
}
