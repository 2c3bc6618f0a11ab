import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..', '..');
export const H5_DIST = path.join(ROOT, 'miniprogram', 'dist-h5');
export const WEAPP_DIST = path.join(ROOT, 'miniprogram', 'dist');
const SOURCES = ['miniprogram/src', 'miniprogram/config', 'miniprogram/.env', 'shared/src'].map((p) =>
  path.join(ROOT, p),
);

function newestMtime(p: string): number {
  if (!fs.existsSync(p)) return 0;
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const name of fs.readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, name)));
  return newest;
}

/** True when the build is missing or older than any source it is made from. */
export function isStale(marker: string): boolean {
  if (!fs.existsSync(marker)) return true;
  const builtAt = fs.statSync(marker).mtimeMs;
  return SOURCES.some((s) => newestMtime(s) > builtAt);
}

/**
 * Make sure a build exists and is current, building it if not (CI builds both before jest, so
 * this is then a no-op; `npm test` alone still works). Only this helper runs Taro builds in tests.
 */
export function ensureBuild(kind: 'h5' | 'weapp'): { built: boolean; seconds: number } {
  const marker = kind === 'h5' ? path.join(H5_DIST, 'index.html') : path.join(WEAPP_DIST, 'app.json');
  if (!isStale(marker)) return { built: false, seconds: 0 };
  const started = Date.now();
  // Jest sets NODE_ENV=test, which would make Taro skip minification (a 2 MB vendors.js).
  execFileSync('npm', ['run', `build:${kind}`], {
    cwd: ROOT,
    stdio: 'pipe',
    timeout: 20 * 60_000,
    env: { ...process.env, NODE_ENV: 'production' },
  });
  return { built: true, seconds: Math.round((Date.now() - started) / 1000) };
}
