// Runs before `npm start`: on a fresh checkout the H5 console has not been built yet. Building it
// takes 1–4 minutes on a 2-core machine, and the API, the WeCom callback and the outbox must not wait
// for it: so the build runs in the background and the server starts at once. Until the build is done
// /app/ answers a page that says the console is being built (and reloads itself); then it serves the
// console, no restart needed. The build's own output (webpack's progress bar redrawn ~130 times, its
// warnings) goes to a log file; the terminal gets one line when it starts and one when it ends.
//
// `node scripts/ensure-console.js --run-build` is the background part (it is this file, re-run).
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const dist = path.resolve(process.env.WEB_DIST_DIR || path.join(root, 'miniprogram', 'dist-h5'));
// Beside the build directory (the build empties its own directory); the server reads it too
// (server/src/web/routes.ts, consoleBuildMarker).
const marker = `${dist}.building.json`;
const logFile = path.join(os.tmpdir(), 'yingji-console-build.log');

function buildRunning() {
  try {
    const { pid } = JSON.parse(fs.readFileSync(marker, 'utf8'));
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function runBuild() {
  const started = Date.now();
  const log = fs.openSync(logFile, 'w');
  const child = spawn('npm', ['run', 'build:h5'], {
    cwd: root,
    stdio: ['ignore', log, log],
    env: { ...process.env, NODE_ENV: 'production' },
  });
  child.on('close', (code) => {
    fs.rmSync(marker, { force: true });
    const seconds = Math.round((Date.now() - started) / 1000);
    if (code === 0) {
      process.stderr.write(`管理后台网页已构建（${seconds} 秒），刷新 /app/ 即可使用。\n`);
      return;
    }
    const tail = fs.readFileSync(logFile, 'utf8').split('\n').slice(-30).join('\n');
    process.stderr.write(
      `${tail}\n管理后台网页构建失败（完整输出见 ${logFile}）；接口照常运行。可稍后运行 npm run build:h5 再试。\n`,
    );
  });
}

if (process.argv.includes('--run-build')) {
  runBuild();
} else if (process.env.SKIP_CONSOLE_BUILD !== 'true' && !fs.existsSync(path.join(dist, 'index.html'))) {
  if (buildRunning()) {
    process.stderr.write('管理后台网页仍在后台构建中（上次启动开始的），完成前 /app/ 显示构建进度。\n');
  } else {
    // Its own process group, so stopping the server (Ctrl-C) does not kill a build half-way;
    // stderr stays the terminal's, for the one line at the end.
    const child = spawn(process.execPath, [__filename, '--run-build'], {
      cwd: root,
      detached: true,
      stdio: ['ignore', 'ignore', 'inherit'],
      env: process.env,
    });
    child.unref();
    // Written here, not by the child, so the server never sees neither the build nor the marker.
    fs.writeFileSync(marker, JSON.stringify({ pid: child.pid, startedAt: new Date().toISOString() }));
    process.stderr.write(
      `首次启动：管理后台网页在后台构建（只需一次，约 1–4 分钟，输出见 ${logFile}）；接口马上可用，构建完成前 /app/ 显示进度。\n`,
    );
  }
}
