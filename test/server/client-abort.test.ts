import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { startTestServer, type TestServer } from '../support/server';

/**
 * A phone that walks out of signal halfway through downloading the console's script closes the
 * connection. The server carries on and says nothing on stderr about it (Koa's default printed a
 * stack trace for each one, which also failed a whole CI run once: "Cannot log after tests are done").
 */
describe('a client that goes away mid-download', () => {
  let server: TestServer;
  let dist: string;

  beforeAll(async () => {
    dist = fs.mkdtempSync(path.join(os.tmpdir(), 'yingji-abort-'));
    fs.mkdirSync(path.join(dist, 'js'));
    fs.writeFileSync(path.join(dist, 'index.html'), '<html><body>console</body></html>');
    fs.writeFileSync(path.join(dist, 'js', 'big.js'), Buffer.alloc(32 * 1024 * 1024, 0x61));
    server = await startTestServer({ env: { WEB_DIST_DIR: dist } });
  });
  afterAll(async () => {
    await server.close();
    fs.rmSync(dist, { recursive: true, force: true });
  });

  it('is not reported as an error, and the next download works', async () => {
    const printed = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const logged = jest.spyOn(server.services.log, 'error');
    try {
      await new Promise<void>((resolve, reject) => {
        const req = http.get(`${server.base}/app/js/big.js`, (res) => {
          expect(res.statusCode).toBe(200);
          res.once('data', () => {
            req.destroy();
            resolve();
          });
        });
        req.on('error', (e: NodeJS.ErrnoException) => (e.code === 'ECONNRESET' ? undefined : reject(e)));
      });
      // Give the server's stream time to notice the closed socket.
      await new Promise((r) => setTimeout(r, 500));
      expect(printed).not.toHaveBeenCalled();
      expect(logged).not.toHaveBeenCalled();

      const again = await fetch(`${server.base}/app/`);
      expect(again.status).toBe(200);
      expect(await again.text()).toContain('console');
    } finally {
      printed.mockRestore();
      logged.mockRestore();
    }
  });
});
