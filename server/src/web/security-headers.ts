import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type Koa from 'koa';
import helmet from 'koa-helmet';
import type { AppServices } from '../core/context';
import { DEFAULT_WEB_DIST } from './routes';

/**
 * The CSP hashes of the inline scripts of the console's index.html. Taro's H5 build puts one
 * inline script there (the rem sizing of pxtransform); every other script is a file under /app/js.
 * Read again when the file changes, so a new build served without a restart still runs. Its time
 * is looked at once a second at most: a stat per request was 2 % of an acknowledgement's CPU.
 */
const RECHECK_MS = 1000;
function inlineScriptHashes(indexFile: string): () => string {
  let seen: { mtimeMs: number; hashes: string } | undefined;
  let checkedAt = -Infinity;
  return () => {
    const now = performance.now();
    if (now - checkedAt < RECHECK_MS) return seen?.hashes ?? '';
    checkedAt = now;
    let mtimeMs: number;
    try {
      mtimeMs = fs.statSync(indexFile).mtimeMs;
    } catch {
      return '';
    }
    if (seen?.mtimeMs !== mtimeMs) {
      const html = fs.readFileSync(indexFile, 'utf8');
      const hashes = [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/gi)]
        .filter((m) => m[1].trim() !== '')
        .map((m) => `'sha256-${crypto.createHash('sha256').update(m[1], 'utf8').digest('base64')}'`);
      seen = { mtimeMs, hashes: [...new Set(hashes)].join(' ') };
    }
    return seen.hashes;
  };
}

/**
 * Security headers on every answer (console pages, API, media) with helmet: a CSP that allows only
 * our own files (plus the inline styles the Taro components set and the hashed inline sizing
 * script), no framing at all (clickjacking on the office console), no referrer to other sites.
 * No upgrade-insecure-requests: a town may serve the console over plain HTTP on its own network.
 */
export function securityHeaders(services: Pick<AppServices, 'config'>): Koa.Middleware {
  const root = path.resolve(services.config.WEB_DIST_DIR ?? DEFAULT_WEB_DIST);
  const scriptHashes = inlineScriptHashes(path.join(root, 'index.html'));
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        objectSrc: ["'none'"],
        scriptSrc: ["'self'", () => scriptHashes()],
        scriptSrcAttr: ["'none'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        // 天地图's tiles, only when its key is configured (the town map draws them under our layers).
        imgSrc: ["'self'", 'data:', 'blob:', ...(services.config.TIANDITU_KEY ? ['https://*.tianditu.gov.cn'] : [])],
        fontSrc: ["'self'", 'data:'],
        // blob:/data:: Taro's H5 uploadFile reads the picked (and compressed) photo by its blob URL.
        connectSrc: ["'self'", 'blob:', 'data:'],
      },
    },
    xFrameOptions: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
  });
}
