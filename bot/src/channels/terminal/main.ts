import { Command } from 'commander';
import { systemClock } from '../../../../server/src/core/clock';
import { withDatabase } from '../../../../server/src/core/cli';
import { createLogger } from '../../../../server/src/logger';
import { TownModel } from '../../../../server/src/people/town.model';
import { seedDemo } from '../../../../server/src/people/seed';
import { runTerminalChat } from './session';

/** `npm run chat -- --as <username> [--group <群名>]`: the terminal simulator. */
const program = new Command()
  .name('chat')
  .description('在终端里以某个用户的身份和应急机器人对话')
  .requiredOption('--as <username>', '用户名，例如 grid.sq-01')
  .option('--group <name>', '群名，例如 十直社区第一网格群')
  .parse();

const opts = program.opts<{ as: string; group?: string }>();

void withDatabase(async (config) => {
  const services = { config, clock: systemClock, log: createLogger('error') };
  // Like `npm start`: an empty embedded database gets the sample town, so there is someone to be.
  const seed = config.SEED_DEMO === 'true' || (config.SEED_DEMO === 'auto' && !config.MONGODB_URI);
  if (seed && !(await TownModel.exists({}))) {
    await seedDemo();
    process.stdout.write('（空数据库，已载入示例乡镇 十直镇）\n');
  }
  await runTerminalChat({
    services,
    username: opts.as,
    groupName: opts.group,
    input: process.stdin,
    output: process.stdout,
    interactive: Boolean(process.stdin.isTTY),
  });
});
