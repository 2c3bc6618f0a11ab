import crypto from 'node:crypto';
import Koa from 'koa';
import { bodyParser } from '@koa/bodyparser';
import { AppError } from '@yingji/shared';
import { Api } from './core/api';
import type { AppServices, AppState } from './core/context';
import { clientWentAway, errorMiddleware } from './core/errors';
import type { Module } from './core/module';
import { checkHealth, databaseReachable } from './db/health';
import { modules as defaultModules } from './modules';
import { securityHeaders } from './web/security-headers';

/**
 * Assemble the Koa app: request id and logger, the error middleware, body limits, health, the
 * OpenAPI document, then every capability's middleware and routes. Readable in one sitting.
 */
export function createApp(services: AppServices, modules: Module[] = defaultModules): { app: Koa<AppState>; api: Api } {
  const app = new Koa<AppState>({ proxy: process.env.TRUST_PROXY === 'true' });
  const api = new Api(services);
  // Koa's own default prints every stream error to stderr, a phone that loses its one bar of
  // signal halfway through a download included. Those are no fault here; the rest goes to the log.
  app.on('error', (err: NodeJS.ErrnoException, ctx?: Koa.Context) => {
    const entry = { err, path: ctx?.path, reqId: (ctx?.state as AppState | undefined)?.reqId };
    if (clientWentAway(err)) services.log.debug(entry, 'client went away');
    else services.log.error(entry, 'unhandled error');
  });

  app.use(async (ctx, next) => {
    const incoming = ctx.get('x-request-id');
    ctx.state.reqId = /^[\w-]{1,64}$/.test(incoming) ? incoming : crypto.randomUUID();
    ctx.state.log = services.log.child({ reqId: ctx.state.reqId });
    ctx.set('X-Request-Id', ctx.state.reqId);
    const started = Date.now();
    try {
      await next();
    } finally {
      ctx.state.log.info(
        { method: ctx.method, path: ctx.path, status: ctx.status, ms: Date.now() - started },
        'request',
      );
    }
  });
  app.use(securityHeaders(services));
  app.use(errorMiddleware());

  app.use(async (ctx, next) => {
    if (ctx.path !== '/healthz') {
      // While the driver knows the database is away, answer 503 at once instead of waiting.
      if (ctx.path.startsWith('/api/') && !databaseReachable()) throw new AppError('DB_UNAVAILABLE');
      return next();
    }
    const health = await checkHealth();
    ctx.status = health.ok ? 200 : 503;
    ctx.body = health.body;
  });

  for (const m of modules) {
    const mw = m.middleware?.(services);
    if (mw) app.use(mw as Koa.Middleware<AppState>);
  }

  const limit = `${services.config.BODY_LIMIT_KB}kb`;
  app.use(
    bodyParser({
      enableTypes: ['json', 'form'],
      jsonLimit: limit,
      formLimit: limit,
      encoding: 'utf-8',
    }),
  );

  for (const m of modules) m.routes?.(api);
  api.router.get('/api/openapi.json', (ctx) => {
    ctx.body = api.openApiDocument();
  });
  app.use(api.router.routes());
  // Not thrown: the router then sets `Allow`; the error middleware shapes the 405/501 answer.
  app.use(api.router.allowedMethods());
  return { app, api };
}
