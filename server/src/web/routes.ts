import fs from 'node:fs';
import path from 'node:path';
import type Koa from 'koa';
import serve from 'koa-static';
import type { Module } from '../core/module';

/** The tab icon: 应 in white on the app's red (SVG; every current browser takes it for /favicon.ico). */
const FAVICON =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" rx="14" fill="#c0392b"/>' +
  '<text x="32" y="46" font-size="40" text-anchor="middle" fill="#fff" font-family="sans-serif">应</text></svg>';

/** Where the console is mounted. The H5 build is made with publicPath '/app/' (miniprogram/config). */
export const WEB_PREFIX = '/app';

export const DEFAULT_WEB_DIST = path.resolve(__dirname, '..', '..', '..', 'miniprogram', 'dist-h5');

/** Written by scripts/ensure-console.js while it builds the console in the background. */
export function consoleBuildMarker(root: string): string {
  return `${root}.building.json`;
}

/** When a background build of the console is running, since when (else undefined). */
function buildUnderway(root: string): Date | undefined {
  try {
    const { pid, startedAt } = JSON.parse(fs.readFileSync(consoleBuildMarker(root), 'utf8')) as {
      pid: number;
      startedAt: string;
    };
    process.kill(pid, 0);
    return new Date(startedAt);
  } catch {
    return undefined;
  }
}

/** The page /app/ shows while the first build runs: it reloads itself until the console is there. */
function buildingPage(since: Date): string {
  const seconds = Math.max(0, Math.round((Date.now() - since.getTime()) / 1000));
  return (
    '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    '<meta http-equiv="refresh" content="10"><title>管理后台正在构建</title></head>' +
    '<body style="font-family:sans-serif;max-width:36em;margin:4em auto;padding:0 1em;line-height:1.7;font-size:18px">' +
    '<h1 style="color:#c0392b;font-size:24px">管理后台正在首次构建</h1>' +
    `<p id="console-building">已用 ${seconds} 秒，通常需要 1–4 分钟。构建完成后本页会自动打开管理后台，无需任何操作。</p>` +
    '<p>接口、企业微信回调和消息发送已经在运行。</p></body></html>'
  );
}

/**
 * Serve the H5 build of the mini-program (the office's console) under /app/: its files with
 * koa-static, and index.html for any other path under /app/ (SPA fallback, so a deep link or a
 * reload never answers 404). `/` redirects to /app/. Hashed assets are cached for a long time;
 * index.html never, so a new build is picked up at once.
 */
export function webMiddleware(root: string): Koa.Middleware {
  const files = serve(root, {
    index: 'index.html',
    gzip: false,
    brotli: false,
    setHeaders(res, filePath) {
      const immutable = /[\\/](js|css|static)[\\/]/.test(filePath);
      res.setHeader('Cache-Control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  const indexFile = path.join(root, 'index.html');

  return async (ctx, next) => {
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return next();
    if (ctx.path === '/favicon.ico') {
      ctx.type = 'image/svg+xml';
      ctx.set('Cache-Control', 'public, max-age=86400');
      ctx.body = FAVICON;
      return;
    }
    if (ctx.path === '/' || ctx.path === WEB_PREFIX) {
      ctx.redirect(`${WEB_PREFIX}/`);
      return;
    }
    if (!ctx.path.startsWith(`${WEB_PREFIX}/`)) return next();

    const original = ctx.path;
    ctx.path = original.slice(WEB_PREFIX.length);
    try {
      await files(ctx, async () => undefined);
    } finally {
      ctx.path = original;
    }
    if (ctx.body != null || ctx.status === 304) return;

    // A missing asset is a real 404; any other path is a page of the app.
    if (/\.[a-z0-9]{1,8}$/i.test(original)) {
      ctx.status = 404;
      ctx.body = { error: { code: 'NOT_FOUND', message: '文件不存在' } };
      return;
    }
    if (!fs.existsSync(indexFile)) {
      ctx.status = 503;
      ctx.set('Cache-Control', 'no-store');
      const since = buildUnderway(root);
      if (since) {
        ctx.set('Retry-After', '10');
        ctx.type = 'text/html; charset=utf-8';
        ctx.body = buildingPage(since);
        return;
      }
      ctx.type = 'text/plain; charset=utf-8';
      ctx.body = '控制台页面尚未构建：请先运行 npm run build:h5';
      return;
    }
    ctx.type = 'text/html; charset=utf-8';
    ctx.set('Cache-Control', 'no-cache');
    ctx.body = await fs.promises.readFile(indexFile);
  };
}

/** The web capability: the console in the browser. */
export const webModule: Module = {
  name: 'web',
  middleware: (services) => webMiddleware(path.resolve(services.config.WEB_DIST_DIR ?? DEFAULT_WEB_DIST)),
};
