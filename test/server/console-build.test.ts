import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from '../web/support/h5-build';
import { startTestServer, type TestServer } from '../support/server';

/**
 * The first `npm start` on a fresh clone: the console is built in the background, so the API is up
 * at once, and /app/ says the console is being built until it is there. Only the Taro build itself
 * is replaced (an `npm` on PATH that waits for the test's go-ahead, then writes index.html).
 */
/**
 * Run the prestart step and resolve when it exits (not when its stderr closes: the background build
 * keeps the terminal's stderr for its last line).
 */
function prestart(env: NodeJS.ProcessEnv): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'scripts', 'ensure-console.js')], { env });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (status) => setTimeout(() => resolve({ status, stderr }), 100));
  });
}

describe('first start without a built console', () => {
  let tmp: string;
  let dist: string;
  let release: string;
  let server: TestServer;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'yingji-console-'));
    dist = path.join(tmp, 'dist-h5');
    release = path.join(tmp, 'go');
    const bin = path.join(tmp, 'bin');
    fs.mkdirSync(bin);
    fs.writeFileSync(
      path.join(bin, 'npm'),
      '#!/bin/sh\nwhile [ ! -f "$RELEASE" ]; do sleep 0.1; done\n' +
        'mkdir -p "$WEB_DIST_DIR" && echo "<html><body>console</body></html>" > "$WEB_DIST_DIR/index.html"\n',
      { mode: 0o755 },
    );
    env = { ...process.env, PATH: `${bin}:${process.env.PATH}`, WEB_DIST_DIR: dist, RELEASE: release, TMPDIR: tmp };
    delete env.SKIP_CONSOLE_BUILD;
    server = await startTestServer({ env: { WEB_DIST_DIR: dist } });
  });

  afterAll(async () => {
    fs.writeFileSync(release, '');
    await server.close();
  });

  it('without a build or a build under way, /app/ says how to build it', async () => {
    const res = await fetch(`${server.base}/app/`);
    expect(res.status).toBe(503);
    expect(await res.text()).toContain('npm run build:h5');
  });

  it('starts the build in the background, shows its progress on /app/, then serves the console', async () => {
    // The prestart step returns while the build is still waiting for its go-ahead.
    const run = await prestart(env);
    expect(run.status).toBe(0);
    expect(run.stderr).toContain('后台构建');
    expect(fs.existsSync(path.join(dist, 'index.html'))).toBe(false);

    const building = await fetch(`${server.base}/app/pages/index/index`);
    expect(building.status).toBe(503);
    expect(building.headers.get('retry-after')).toBe('10');
    const page = await building.text();
    expect(page).toContain('管理后台正在首次构建');
    expect(page).toContain('http-equiv="refresh"');

    // A second start meanwhile does not start a second build.
    const again = await prestart(env);
    expect(again.stderr).toContain('仍在后台构建');

    fs.writeFileSync(release, '');
    const deadline = Date.now() + 20_000;
    while (fs.existsSync(`${dist}.building.json`) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    const ready = await fetch(`${server.base}/app/`);
    expect(ready.status).toBe(200);
    expect(await ready.text()).toContain('console');
  });
});
