import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import net from 'node:net';

export type Progress = (line: string) => void;

export class EmbeddedDbError extends Error {
  override name = 'EmbeddedDbError';
}

export interface SupervisedSpec {
  name: string;
  command: string;
  args: string[];
  options?: SpawnOptions;
  /** Resolves once the process serves (e.g. its port answers); rejects or returns false otherwise. */
  ready(child: ChildProcess): Promise<boolean>;
  /** The signal that asks for a clean, quick stop (PostgreSQL: SIGINT = fast shutdown). */
  stopSignal?: NodeJS.Signals;
  /** Runs before every start, a restart included (e.g. clearing a stale pid file). */
  beforeStart?(): Promise<void> | void;
}

/**
 * A child process that is started again when it dies, on the same arguments (and so the same
 * port): the driver's connection string stays valid and reconnects by itself. Restarts back off
 * from 200 ms to 5 s while the process keeps failing, and reset once it has served a while.
 */
export class Supervised {
  private child?: ChildProcess;
  private stopping = false;
  private restarts = 0;
  private tail = '';
  private timer?: NodeJS.Timeout;
  private exited?: Promise<void>;

  constructor(
    private readonly spec: SupervisedSpec,
    private readonly log: Progress,
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** The last lines the process wrote to stderr (for error messages). */
  get output(): string {
    return this.tail;
  }

  /** Starts the process and waits until it is ready; throws if it cannot start. */
  async start(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const ok = await this.spawnOnce();
      if (ok) return;
      if (Date.now() > deadline || this.stopping)
        throw new EmbeddedDbError(`${this.spec.name} did not start:\n${this.tail.slice(-3000)}`);
      await sleep(300);
    }
  }

  private async spawnOnce(): Promise<boolean> {
    await this.spec.beforeStart?.();
    const child = spawn(this.spec.command, this.spec.args, {
      stdio: ['ignore', 'ignore', 'pipe'],
      ...this.spec.options,
    });
    this.child = child;
    child.stderr?.on('data', (d: Buffer) => (this.tail = (this.tail + d.toString()).slice(-8000)));
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    let alive = true;
    void this.exited.then(() => {
      alive = false;
      if (this.child === child) this.onExit(child);
    });
    child.once('error', (e) => (this.tail += `\n${e.message}`));
    const ready = await Promise.race([this.spec.ready(child).catch(() => false), this.exited.then(() => false)]);
    if (!ready && alive) {
      child.kill('SIGKILL');
      await this.exited;
    }
    if (ready) {
      // Served long enough: later failures start the back-off from the beginning again.
      setTimeout(() => {
        if (this.child === child && alive) this.restarts = 0;
      }, 30_000).unref();
    }
    return ready;
  }

  private onExit(child: ChildProcess) {
    if (this.stopping) return;
    const wait = Math.min(5000, 200 * 2 ** this.restarts++);
    this.log(`${this.spec.name} exited (${child.signalCode ?? `code ${child.exitCode}`}); restarting in ${wait} ms`);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.stopping) return;
      this.spawnOnce()
        .then((ok) => {
          if (ok) this.log(`${this.spec.name} is back`);
          else if (!this.stopping && this.child?.exitCode === null) this.onExit(this.child);
        })
        .catch((e) => this.log(`${this.spec.name} restart failed: ${(e as Error).message}`));
    }, wait);
  }

  /** Stops the process for good: the stop signal, then SIGKILL after `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill(this.spec.stopSignal ?? 'SIGTERM');
    const grace = new Promise<false>((r) => setTimeout(() => r(false), graceMs).unref());
    const done = await Promise.race([this.exited!.then(() => true as const), grace]);
    if (!done) {
      child.kill('SIGKILL');
      await this.exited;
    }
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** True once something accepts TCP connections on 127.0.0.1:port (false after `timeoutMs`). */
export async function waitForPort(port: number, timeoutMs: number, alive: () => boolean = () => true) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && alive()) {
    const ok = await new Promise<boolean>((resolve) => {
      const sock = net.connect({ host: '127.0.0.1', port });
      sock.once('connect', () => {
        sock.destroy();
        resolve(true);
      });
      sock.once('error', () => resolve(false));
    });
    if (ok) return true;
    await sleep(100);
  }
  return false;
}

export function sleep(ms: number) {
  return new Promise<void>((r) => setTimeout(r, ms));
}
