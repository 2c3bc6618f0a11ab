import readline from 'node:readline';
import { parseChatCommand } from '@yingji/shared';

/**
 * `npm run --silent parse-chat`: one chat line per input line, one JSON object per output line
 * (`{"intent":"transfer","count":12}`), for trying the parser and for checks.
 */
const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
rl.on('line', (line) => {
  process.stdout.write(`${JSON.stringify(parseChatCommand(line))}\n`);
});
