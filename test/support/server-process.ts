import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');

/**
 * The server as its own process (`npm start`'s entry point), on an ephemeral port; resolves once
 * it prints its address. One process (no tsx wrapper in between), so SIGKILL really kills it.
 */
export function startServerProcess(env: Record<string, string>): Promise<{ base: string; proc: ChildProcess }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'test',
      PORT: '0',
      HOST: '127.0.0.1',
      SEED_DEMO: 'false',
      LOG_LEVEL: 'error',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}\n${err}`)), 60_000);
    proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /http:\/\/127\.0\.0\.1:(\d+)\//.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ base: `http://127.0.0.1:${m[1]}`, proc });
      }
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}):\n${out}\n${err}`));
    });
  });
}

/** Stop a server process with `signal` and wait for it to exit. */
export async function stopServerProcess(proc: ChildProcess, signal: NodeJS.Signals) {
  const exited = new Promise((r) => proc.once('exit', r));
  if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
  await exited;
  proc.stdout?.destroy();
  proc.stderr?.destroy();
}
