import type Koa from 'koa';
import { AppError, ERRORS, type ErrorBody, type ErrorCode } from '@yingji/shared';
import { ZodError } from 'zod';
import { isDbUnavailable } from '../db/connection';
import { isDuplicateKey } from '../db/duplicate';
import type { AppState } from './context';

export { AppError };

/** A stable code a schema gave its issue (e.g. TEXT_EMPTY from FreeText), if any. */
function issueCode(i: ZodError['issues'][number]): ErrorCode | undefined {
  const code = i.code === 'custom' ? (i.params as { code?: string } | undefined)?.code : undefined;
  return code && code in ERRORS ? (code as ErrorCode) : undefined;
}

/** Field problems of a zod error, as `[{ path: 'location.lat', message }]` for forms (with `code` when stable). */
export function zodDetails(e: ZodError) {
  return e.issues.map((i) => {
    const code = issueCode(i);
    return { path: i.path.join('.'), message: i.message, ...(code ? { code } : {}) };
  });
}

/** A request that fails its schema: VALIDATION_FAILED, or the one stable code all its issues share. */
export function validationError(e: ZodError): AppError {
  const codes = new Set(e.issues.map(issueCode));
  const only = codes.size === 1 ? [...codes][0] : undefined;
  return new AppError(only ?? 'VALIDATION_FAILED', { details: zodDetails(e) });
}

/**
 * The one error middleware: every failure leaves as `{ "error": { "code", "message" } }` with the
 * status of its code. Unknown errors are logged in full and answered without internals.
 */
export function errorMiddleware(): Koa.Middleware<AppState> {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.body === undefined) unhandledStatus(ctx);
    } catch (e) {
      const err = toAppError(e);
      // A method no route implements is the client's doing (a scanner's TRACE), not a server fault.
      if (err.status >= 500 && err.code !== 'NOT_IMPLEMENTED') ctx.state.log?.error({ err: e }, 'request failed');
      else ctx.state.log?.info({ code: err.code, status: err.status }, 'request refused');
      const body: ErrorBody = { error: { code: err.code, message: err.message } };
      if (err.details !== undefined) body.error.details = err.details;
      ctx.status = err.status;
      ctx.body = body;
      if (err.retryAfter) ctx.set('Retry-After', String(Math.ceil(err.retryAfter)));
    }
  };
}

/**
 * An answer no handler gave a body: 404 (no route), or the router's 405/501 for a method the path
 * or the server does not have. A known path answers 405 with its `Allow` (also for an unknown
 * method such as TRACE or QUERY); an unknown path with an unknown method answers 501.
 */
function unhandledStatus(ctx: Koa.ParameterizedContext<AppState>) {
  if (ctx.status === 404) throw new AppError('NOT_FOUND');
  if (ctx.status !== 405 && ctx.status !== 501) return;
  if (ctx.response.get('Allow')) throw new AppError('METHOD_NOT_ALLOWED');
  ctx.remove('Allow');
  throw new AppError(ctx.status === 405 ? 'METHOD_NOT_ALLOWED' : 'NOT_IMPLEMENTED');
}

export function toAppError(e: unknown): AppError {
  if (e instanceof AppError) return e;
  if (e instanceof ZodError) return validationError(e);
  if (isDbUnavailable(e)) return new AppError('DB_UNAVAILABLE');
  const any = e as { status?: number; statusCode?: number; type?: string; code?: string | number; name?: string };
  const status = any?.status ?? any?.statusCode;
  // co-body marks a JSON syntax error as a SyntaxError with status 400
  if (any?.type === 'entity.parse.failed' || (e instanceof SyntaxError && status === 400))
    return new AppError('INVALID_JSON');
  if (status === 413 || any?.type === 'entity.too.large' || any?.code === 'LIMIT_FILE_SIZE')
    return new AppError('PAYLOAD_TOO_LARGE');
  if (status === 415) return new AppError('UNSUPPORTED_MEDIA_TYPE');
  if (isDuplicateKey(e)) return new AppError('CONFLICT');
  if (any?.name === 'CastError') return new AppError('VALIDATION_FAILED');
  if (status === 405) return new AppError('METHOD_NOT_ALLOWED');
  if (status === 501) return new AppError('NOT_IMPLEMENTED');
  if (status && status >= 400 && status < 500) {
    const code = (Object.keys(ERRORS) as (keyof typeof ERRORS)[]).find((k) => ERRORS[k].status === status);
    return new AppError(code ?? 'VALIDATION_FAILED');
  }
  return new AppError('INTERNAL_ERROR');
}

const CLIENT_GONE = new Set(['ERR_STREAM_PREMATURE_CLOSE', 'ECONNRESET', 'EPIPE', 'ECONNABORTED']);

/** The other end closed the connection before the answer was out (not a fault of the server). */
export function clientWentAway(err: NodeJS.ErrnoException): boolean {
  return CLIENT_GONE.has(err.code ?? '');
}
