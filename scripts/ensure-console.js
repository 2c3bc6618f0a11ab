// Runs before `npm start`: on a fresh checkout the H5 console has not been built yet, so build it
// once (1–4 minutes) and the server then serves a working console at /app/. Later starts skip this.
// A failed build does not stop the start: the API still runs and /app/ explains what is missing.
// The build's own output (webpack's progress bar redrawn ~130 times, its warnings) goes to a log
// file; the terminal shows one line that counts the seconds, and the log's end only if it fails.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const dist = process.env.WEB_DIST_DIR || path.join(root, 'miniprogram', 'dist-h5');
if (process.env.SKIP_CONSOLE_BUILD === 'true' || fs.existsSync(path.join(dist, 'index.html'))) process.exit(0);

const logFile = path.join(os.tmpdir(), 'yingji-console-build.log');
const log = fs.openSync(logFile, 'w');
const started = Date.now();
const label = '首次启动：正在构建管理后台网页（只需一次，约 1–4 分钟）';
const tty = process.stderr.isTTY;
const seconds = () => Math.round((Date.now() - started) / 1000);
process.stderr.write(tty ? `${label}… 0 秒` : `${label}…\n`);
const timer = tty ? setInterval(() => process.stderr.write(`\r${label}… ${seconds()} 秒`), 1000) : undefined;

const child = spawn('npm', ['run', 'build:h5'], {
  cwd: root,
  stdio: ['ignore', log, log],
  env: { ...process.env, NODE_ENV: 'production' },
});
child.on('close', (code) => {
  if (timer) clearInterval(timer);
  if (tty) process.stderr.write('\n');
  if (code === 0) {
    process.stderr.write(`管理后台网页已构建（${seconds()} 秒）。\n`);
    return;
  }
  const tail = fs.readFileSync(logFile, 'utf8').split('\n').slice(-30).join('\n');
  process.stderr.write(
    `${tail}\n管理后台网页构建失败（完整输出见 ${logFile}）；接口照常启动。可稍后运行 npm run build:h5 再试。\n`,
  );
});
