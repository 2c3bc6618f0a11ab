import { MEDIA_ERRORS } from './errors/media';
import { TIP_ERRORS } from './errors/tips';
import { HAZARD_ERRORS } from './errors/hazards';
import { REWARD_ERRORS } from './errors/rewards';
import { OUTBOX_ERRORS } from './errors/outbox';
import { CALLOUT_ERRORS } from './errors/callouts';
import { CHAT_ERRORS } from './errors/chat';
import { WECOM_ERRORS } from './errors/wecom';
import { DRILL_ERRORS } from './errors/drills';
import { SHELTER_ERRORS } from './errors/shelters';
import { INCIDENT_ERRORS } from './errors/incidents';
import { SCORE_ERRORS } from './errors/scores';
import { PEOPLE_ERRORS } from './errors/people';
import { TOWN_ERRORS } from './errors/towns';
import { SUBSCRIPTION_ERRORS } from './errors/subscriptions';
import { API_KEY_ERRORS } from './errors/apikeys';
import { WEBHOOK_ERRORS } from './errors/webhooks';
import { INTAKE_ERRORS } from './errors/intake';
import { IDEMPOTENCY_ERRORS } from './errors/idempotency';

/**
 * The one catalogue of stable error codes, their HTTP status and the Chinese message a user sees.
 * Routes throw by code (`new AppError('HAZARD_NOT_FOUND')`); the server's error middleware shapes
 * every answer as `{ "error": { "code", "message" } }`. Programs rely on the codes: never rename one.
 */
const CORE_ERRORS = {
  // generic
  VALIDATION_FAILED: { status: 400, message: '提交的内容不正确，请检查后重试' },
  INVALID_JSON: { status: 400, message: '请求内容不是有效的 JSON' },
  UNAUTHENTICATED: { status: 401, message: '请先登录' },
  TOKEN_INVALID: { status: 401, message: '登录已失效，请重新登录' },
  FORBIDDEN: { status: 403, message: '没有权限进行该操作' },
  NOT_FOUND: { status: 404, message: '请求的内容不存在' },
  METHOD_NOT_ALLOWED: { status: 405, message: '不支持该请求方式' },
  NOT_IMPLEMENTED: { status: 501, message: '服务器不支持该请求方式' },
  TEXT_EMPTY: { status: 400, message: '内容不能为空，也不能只有不可见字符' },
  CONFLICT: { status: 409, message: '数据已被修改，请刷新后重试' },
  PAYLOAD_TOO_LARGE: { status: 413, message: '提交的内容太大' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: '不支持的内容类型' },
  RATE_LIMITED: { status: 429, message: '操作太频繁，请稍后再试' },
  INTERNAL_ERROR: { status: 500, message: '系统出错了，请稍后再试' },
  DB_UNAVAILABLE: { status: 503, message: '系统暂时无法访问数据库，请稍后再试' },

  // auth and people
  LOGIN_FAILED: { status: 401, message: '用户名或密码错误' },
  LOGIN_TOO_MANY_ATTEMPTS: { status: 429, message: '登录失败次数过多，请稍后再试' },
  ACCOUNT_DISABLED: { status: 403, message: '该账号已停用，请联系镇应急办' },
  WECHAT_NOT_CONFIGURED: { status: 503, message: '小程序登录暂未开通，请联系镇应急办' },
  WECHAT_CODE_INVALID: { status: 400, message: '微信登录凭证无效或已过期，请重新进入小程序' },
  WECHAT_RATE_LIMITED: { status: 429, message: '微信登录太频繁，请稍后再试' },
  WECHAT_USER_BLOCKED: { status: 403, message: '该微信账号存在风险，暂不能登录' },
  WECHAT_UNAVAILABLE: { status: 502, message: '微信服务暂时不可用，请稍后再试' },
  WECHAT_TOWN_MISMATCH: { status: 409, message: '该微信账号已在其他乡镇登记，请联系镇应急办' },
  TOWN_NOT_FOUND: { status: 404, message: '找不到该乡镇' },
  USER_NOT_FOUND: { status: 404, message: '找不到该用户' },
  USERNAME_TAKEN: { status: 409, message: '用户名已被使用' },
  WECOM_USER_ID_TAKEN: { status: 409, message: '该企业微信账号已绑定其他用户' },
  VILLAGE_NOT_FOUND: { status: 404, message: '找不到该村（社区）' },
  GRID_NOT_FOUND: { status: 404, message: '找不到该网格' },
} as const;

/** Each capability keeps its codes in errors/<capability>.ts; all of them are spread here. */
export const ERRORS = {
  ...CORE_ERRORS,
  ...MEDIA_ERRORS,
  ...TIP_ERRORS,
  ...HAZARD_ERRORS,
  ...REWARD_ERRORS,
  ...OUTBOX_ERRORS,
  ...CALLOUT_ERRORS,
  ...CHAT_ERRORS,
  ...WECOM_ERRORS,
  ...DRILL_ERRORS,
  ...SHELTER_ERRORS,
  ...INCIDENT_ERRORS,
  ...SCORE_ERRORS,
  ...PEOPLE_ERRORS,
  ...TOWN_ERRORS,
  ...SUBSCRIPTION_ERRORS,
  ...API_KEY_ERRORS,
  ...WEBHOOK_ERRORS,
  ...INTAKE_ERRORS,
  ...IDEMPOTENCY_ERRORS,
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERRORS;

/** The body of every error answer. */
export interface ErrorBody {
  error: { code: ErrorCode | string; message: string; details?: unknown };
}

/** An error a route throws by its stable code; `details` may carry field problems for forms. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details?: unknown;
  /** Seconds after which the client may retry (sent as Retry-After). */
  readonly retryAfter?: number;

  constructor(code: ErrorCode, opts: { message?: string; details?: unknown; retryAfter?: number } = {}) {
    super(opts.message ?? ERRORS[code].message);
    this.name = 'AppError';
    this.code = code;
    this.status = ERRORS[code].status;
    this.details = opts.details;
    this.retryAfter = opts.retryAfter;
  }
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}
