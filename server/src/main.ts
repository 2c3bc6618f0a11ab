import crypto from 'node:crypto';
import type { Server } from 'node:http';
import { createApp } from './app';
import { ConfigError, loadConfig, type Config } from './config';
import { systemClock } from './core/clock';
import type { AppServices } from './core/context';
import { Scheduler } from './core/scheduler';
import { openDatabase } from './db/open';
import { createLogger } from './logger';
import { modules } from './modules';
import { TownModel } from './people/town.model';
import { seedDemoTown } from './demo-seed';

/**
 * `npm start`: the whole product in one process on one port: the API, the console, the WeCom
 * callback, the outbox workers and schedulers. Stops cleanly on SIGINT/SIGTERM.
 */
async function main() {
  let config: Config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\nSee the configuration table in README.md.\n`);
      process.exit(1);
    }
    throw e;
  }
  const log = createLogger(config.LOG_LEVEL);
  const db = await openDatabase(config, log);
  const services: AppServices = { config, clock: systemClock, log };

  const shouldSeed =
    config.SEED_DEMO === 'true' ||
    (config.SEED_DEMO === 'auto' && db.location.source !== 'env' && !(await TownModel.exists({})));
  if (shouldSeed) log.info({ report: await seedDemoTown() }, 'sample town loaded (sample data, marked as such)');

  const { app } = createApp(services);
  const server: Server = app.listen(config.PORT, config.HOST);
  await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : config.PORT;
  log.info({ port, host: config.HOST }, 'listening');
  process.stdout.write(
    `应急管理前台已启动: http://127.0.0.1:${port}/  (健康检查 /healthz, 接口文档 /api/openapi.json)\n`,
  );

  // The Wechaty bot runs in this process when a puppet is configured (it can also run elsewhere
  // with `npm run bot`); in-process it needs no BOT_TOKEN from the operator.
  let bot: { stop(): Promise<void> } | undefined;
  if (process.env.WECHATY_PUPPET) {
    config.BOT_TOKEN ??= crypto.randomBytes(24).toString('hex');
    const { startBot } = await import('@yingji/bot');
    bot = await startBot({ apiBaseUrl: `http://127.0.0.1:${port}`, botToken: config.BOT_TOKEN });
    log.info({ puppet: process.env.WECHATY_PUPPET }, 'wechaty bot started');
  }

  const scheduler = new Scheduler(services);
  scheduler.start(modules.flatMap((m) => m.jobs ?? []));

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 15_000).unref();
    await bot?.stop().catch((err) => log.error({ err }, 'bot stop failed'));
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await scheduler.stop();
    await Promise.all(modules.map((m) => m.drain?.()));
    await db.close();
    clearTimeout(force);
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err) => {
  process.stderr.write(`启动失败 / failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
