import type Koa from 'koa';
import Router from '@koa/router';
import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { ErrorResponse, type ApiKeyScope, type Role } from '@yingji/shared';
import { authenticateApiKey } from '../apikeys/auth';
import { z, type ZodObject, type ZodType } from 'zod';
import { authenticate, authenticateBot, requireRoles } from './auth';
import type { AppServices, AppState, Caller } from './context';
import { validationError } from './errors';
import { IDEMPOTENCY_KEY_PATTERN, idempotencyMiddleware } from './idempotency';
import { ERRORS, type ErrorCode } from '@yingji/shared';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type Infer<T> = T extends ZodType ? z.infer<T> : undefined;

export interface RouteSpec<B, Q, P> {
  method: Method;
  /** Koa-style path, e.g. `/api/tips/:id`. */
  path: string;
  summary: string;
  tags?: string[];
  /** `public`: no login; `any`: any logged-in user (the default); `bot`: a bot process (BOT_TOKEN); or the roles allowed. */
  auth?: 'public' | 'any' | 'bot' | readonly Role[] | { apiKey: ApiKeyScope };
  body?: B;
  query?: Q;
  params?: P;
  /** Success status (default 200) and the schema of its body, for the OpenAPI document. */
  status?: number;
  response?: ZodType;
  /** For answers that are not JSON (exports, images). */
  produces?: string;
  /** Runs before validation (e.g. multipart parsing). */
  before?: Koa.Middleware<AppState>[];
  /**
   * Honour an `Idempotency-Key` header (create routes): a repeat with the same key by the same
   * caller answers the first success and runs nothing (see core/idempotency.ts).
   */
  idempotent?: boolean;
  /** Error codes the route may answer beyond the usual ones, documented under their status (e.g. a 503). */
  errors?: readonly ErrorCode[];
}

const IdempotencyHeaders = z.object({
  'idempotency-key': z
    .string()
    .regex(IDEMPOTENCY_KEY_PATTERN)
    .optional()
    .meta({
      description:
        'One key per user action (e.g. a UUID), reused when the same action is retried: a repeat by the same caller ' +
        'within 24 h answers the first result and creates nothing; a key reused with another body answers 422 ' +
        'IDEMPOTENCY_KEY_REUSED; while the first is still running, 409 IDEMPOTENCY_IN_PROGRESS.',
    }),
});

export interface RouteInput<B, Q, P> {
  body: Infer<B>;
  query: Infer<Q>;
  params: Infer<P>;
  /** The caller; present on every route that is not public. */
  caller: Caller;
  ctx: Koa.ParameterizedContext<AppState>;
  services: AppServices;
}

/**
 * The one way to declare a route: validates params, query and body with the same zod schemas the
 * OpenAPI document is generated from, checks login and role, and answers the handler's result.
 */
export class Api {
  readonly router = new Router<AppState>();
  readonly registry = new OpenAPIRegistry();

  constructor(readonly services: AppServices) {
    this.registry.registerComponent('securitySchemes', 'bearer', {
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
    });
    this.registry.registerComponent('securitySchemes', 'apiKey', { type: 'apiKey', in: 'header', name: 'X-Api-Key' });
  }

  route<
    B extends ZodType | undefined = undefined,
    Q extends ZodObject | undefined = undefined,
    P extends ZodObject | undefined = undefined,
  >(spec: RouteSpec<B, Q, P>, handler: (input: RouteInput<B, Q, P>) => unknown | Promise<unknown>): void {
    const auth = spec.auth ?? 'any';
    const middlewares: Koa.Middleware<AppState>[] = [];
    if (typeof auth === 'object' && 'apiKey' in auth) middlewares.push(authenticateApiKey(this.services, auth.apiKey));
    else if (auth === 'bot') middlewares.push(authenticateBot(this.services));
    else if (auth !== 'public') middlewares.push(authenticate(this.services));
    if (Array.isArray(auth)) middlewares.push(requireRoles(auth as readonly Role[]));
    middlewares.push(...(spec.before ?? []));
    if (spec.idempotent) {
      if (auth === 'public') throw new Error(`${spec.path}: an idempotent route needs a caller`);
      middlewares.push(idempotencyMiddleware(this.services));
    }
    middlewares.push(async (ctx) => {
      const params = parseWith(spec.params, ctx.params);
      const query = parseWith(spec.query, ctx.query);
      const body = parseWith(spec.body, (ctx.request as { body?: unknown }).body);
      const result = await handler({
        body,
        query,
        params,
        caller: ctx.state.caller as Caller,
        ctx,
        services: this.services,
      } as RouteInput<B, Q, P>);
      if (result !== undefined) {
        ctx.status = spec.status ?? 200;
        ctx.body = result;
      } else if (ctx.body === undefined) {
        ctx.status = spec.status ?? 204;
      }
    });
    this.router[spec.method](spec.path, ...(middlewares as Koa.Middleware[]));
    this.register(spec, auth);
  }

  private register<B, Q, P>(spec: RouteSpec<B, Q, P>, auth: RouteSpec<B, Q, P>['auth']) {
    const roles = Array.isArray(auth) ? ` (角色: ${auth.join(', ')})` : '';
    const errorContent = { 'application/json': { schema: ErrorResponse } };
    this.registry.registerPath({
      method: spec.method,
      path: spec.path.replace(/:(\w+)/g, '{$1}'),
      summary: spec.summary + roles,
      tags: spec.tags,
      security:
        auth === 'public'
          ? []
          : auth === 'bot'
            ? [{ bot: [] }]
            : typeof auth === 'object' && 'apiKey' in auth
              ? [{ apiKey: [auth.apiKey] }]
              : [{ bearer: [] }],
      request: {
        params: spec.params as ZodObject | undefined,
        query: spec.query as ZodObject | undefined,
        headers: spec.idempotent ? IdempotencyHeaders : undefined,
        body: spec.body ? { content: { 'application/json': { schema: spec.body as unknown as ZodType } } } : undefined,
      },
      responses: {
        [spec.status ?? 200]: {
          description: 'OK',
          content: spec.response
            ? { 'application/json': { schema: spec.response } }
            : spec.produces
              ? { [spec.produces]: { schema: { type: 'string', format: 'binary' } } }
              : undefined,
        },
        400: { description: '请求不正确', content: errorContent },
        ...(auth === 'public' ? {} : { 401: { description: '未登录', content: errorContent } }),
        ...(Array.isArray(auth) ? { 403: { description: '无权限', content: errorContent } } : {}),
        ...documentedErrors(spec.errors ?? [], errorContent),
        ...(spec.idempotent
          ? {
              409: { description: '同一 Idempotency-Key 的请求正在处理中', content: errorContent },
              422: { description: 'Idempotency-Key 已用于内容不同的请求', content: errorContent },
            }
          : {}),
      },
    });
  }

  openApiDocument() {
    return new OpenApiGeneratorV31(this.registry.definitions).generateDocument({
      openapi: '3.1.0',
      info: {
        title: '乡镇应急管理前台 API',
        version: '0.1.0',
        description: 'Township emergency-management front door',
      },
    });
  }
}

/** `{ 503: { description: '…' } }` for the codes a route names, codes of one status together. */
function documentedErrors(codes: readonly ErrorCode[], content: unknown) {
  const out: Record<number, { description: string; content: unknown }> = {};
  for (const code of codes) {
    const { status, message } = ERRORS[code];
    out[status] = { description: out[status] ? `${out[status].description}；${message}` : message, content };
  }
  return out;
}

function parseWith(schema: unknown, value: unknown): unknown {
  if (!schema) return undefined;
  const r = (schema as ZodType).safeParse(value ?? {});
  if (!r.success) throw validationError(r.error);
  return r.data;
}
