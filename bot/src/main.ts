import os from 'node:os';
import { WechatyBuilder, type Wechaty } from 'wechaty';
import { ApiClient, botTransport } from '@yingji/shared';
import { WechatyChannel, OutboxWorker } from './channels/wechaty';
import { ChatEngine, apiSessionProvider } from './engine';

/**
 * `npm run bot`: the Wechaty bot process. The puppet comes from the usual Wechaty environment
 * (WECHATY_PUPPET, WECHATY_PUPPET_SERVICE_TOKEN, …); the server from API_BASE_URL and BOT_TOKEN.
 * It can run on another machine than the server: it only speaks the HTTP API.
 */
export interface BotProcess {
  bot: Wechaty;
  channel: WechatyChannel;
  outbox: OutboxWorker;
  stop(): Promise<void>;
}

export async function startBot(opts: {
  apiBaseUrl: string;
  botToken: string;
  /** A Wechaty built by the caller (tests pass one on the mock puppet); otherwise WECHATY_PUPPET decides. */
  wechaty?: Wechaty;
  outboxIntervalMs?: number;
  log?: (line: string) => void;
}): Promise<BotProcess> {
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const botClient = new ApiClient({ baseUrl: opts.apiBaseUrl, transport: botTransport(opts.botToken) });
  const engine = new ChatEngine({
    api: new ApiClient({ baseUrl: opts.apiBaseUrl }),
    sessions: apiSessionProvider(botClient),
    onError: (err) => log(`engine error: ${err instanceof Error ? err.message : String(err)}`),
  });
  const bot = opts.wechaty ?? WechatyBuilder.build();
  bot.on('error', (err) => log(`wechaty error: ${err.message}`)); // without a listener an error kills the process
  bot.on('scan', (qrcode, status) =>
    log(`请用微信扫码登录 (${status}): https://wechaty.js.org/qrcode/${encodeURIComponent(qrcode)}`),
  );
  bot.on('login', (user) => log(`已登录: ${user.name()}`));
  const channel = new WechatyChannel(bot, engine).attach();
  const outbox = new OutboxWorker({
    client: botClient,
    channel,
    worker: `wechaty@${os.hostname()}:${process.pid}`,
    intervalMs: opts.outboxIntervalMs,
    onError: (err) => log(`outbox error: ${err instanceof Error ? err.message : String(err)}`),
  });
  await bot.start();
  outbox.start();
  return {
    bot,
    channel,
    outbox,
    async stop() {
      await outbox.stop();
      await bot.stop();
    },
  };
}

async function main() {
  const botToken = process.env.BOT_TOKEN;
  if (!botToken) {
    process.stderr.write('需要设置 BOT_TOKEN（与服务器相同）。See the configuration table in README.md.\n');
    process.exit(1);
  }
  const running = await startBot({ apiBaseUrl: process.env.API_BASE_URL || 'http://127.0.0.1:3000', botToken });
  process.stderr.write('微信机器人已启动，按 Ctrl+C 退出。\n');
  const stop = async () => {
    await running.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

if (require.main === module) {
  main().catch((e) => {
    process.stderr.write(`启动失败: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  });
}
