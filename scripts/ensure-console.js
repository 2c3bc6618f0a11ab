// Runs before `npm start`: on a fresh checkout the H5 console has not been built yet, so build it
// once (1–4 minutes) and the server then serves a working console at /app/. Later starts skip this.
// A failed build does not stop the start: the API still runs and /app/ explains what is missing.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const dist = process.env.WEB_DIST_DIR || path.join(root, 'miniprogram', 'dist-h5');
if (process.env.SKIP_CONSOLE_BUILD === 'true' || fs.existsSync(path.join(dist, 'index.html'))) process.exit(0);

process.stderr.write('首次启动：正在构建管理后台网页（约 1–4 分钟，只需一次）…\n');
const started = Date.now();
const res = spawnSync('npm', ['run', 'build:h5'], {
  cwd: root,
  stdio: ['ignore', 'inherit', 'inherit'],
  env: { ...process.env, NODE_ENV: 'production' },
});
if (res.status === 0) {
  process.stderr.write(`管理后台网页已构建（${Math.round((Date.now() - started) / 1000)} 秒）。\n`);
} else {
  process.stderr.write('管理后台网页构建失败；接口照常启动。可稍后运行 npm run build:h5 再试。\n');
}
