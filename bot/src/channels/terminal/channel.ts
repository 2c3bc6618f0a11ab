import fs from 'node:fs/promises';
import path from 'node:path';
import readline from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { ChatEngine, EngineInput } from '../../engine';
import type { Channel, ChannelTarget, OutgoingMessage } from '../channel';

export const BOT_NAME = '应急小助手';

/**
 * The terminal simulator: a person talks to the engine as one user, in a group or one-to-one, to
 * try the product without WeChat. Lines are text; `/位置 纬度 经度 [名称]` sends a location,
 * `/图片 文件` a picture, `/退出` ends.
 */
export class TerminalChannel implements Channel<string> {
  readonly name = 'terminal' as const;

  constructor(
    private readonly opts: {
      engine: ChatEngine;
      user: { username: string; name: string };
      group?: { id: string; name: string };
      output: Writable;
    },
  ) {}

  private write(line: string) {
    this.opts.output.write(`${line}\n`);
  }

  /** One line typed by the user: to the engine, and its replies printed. */
  async receive(line: string): Promise<void> {
    const input = await this.toInput(line.trim());
    if (!input) return;
    for (const r of await this.opts.engine.handle(input)) {
      await this.send(
        { id: this.opts.group?.id ?? this.opts.user.username, isGroup: Boolean(this.opts.group) },
        {
          text: r.mentionSender ? `@${this.opts.user.name} ${r.text}` : r.text,
        },
      );
    }
  }

  async send(_to: ChannelTarget, message: OutgoingMessage): Promise<void> {
    this.write(`${BOT_NAME}: ${message.text}`);
  }

  private async toInput(line: string): Promise<EngineInput | undefined> {
    const base = {
      channel: 'terminal' as const,
      sender: { id: this.opts.user.username, name: this.opts.user.name },
      group: this.opts.group,
    };
    const loc = /^\/位置\s+(-?\d+(?:\.\d+)?)[\s,，]+(-?\d+(?:\.\d+)?)(?:\s+(.+))?$/.exec(line);
    if (loc) return { ...base, location: { lat: Number(loc[1]), lng: Number(loc[2]), label: loc[3] } };
    if (line.startsWith('/位置')) {
      this.write('用法：/位置 纬度 经度 [名称]，例如 /位置 29.785 107.86 十直社区广场');
      return undefined;
    }
    const img = /^\/图片\s+(.+)$/.exec(line);
    if (img) {
      const file = path.resolve(img[1]!.trim());
      try {
        await fs.access(file);
      } catch {
        this.write(`找不到图片文件：${file}`);
        return undefined;
      }
      return { ...base, image: { fileName: path.basename(file), load: () => fs.readFile(file) } };
    }
    return line ? { ...base, text: line } : undefined;
  }

  /** Read lines until the input ends or the user types /退出; resolves then. */
  async run(input: Readable, interactive = false): Promise<void> {
    const where = this.opts.group ? `群“${this.opts.group.name}”` : '与机器人私聊';
    this.write(`以 ${this.opts.user.name}（${this.opts.user.username}）的身份对话，${where}。`);
    this.write('输入“帮助”查看指令；“/位置 纬度 经度”发送位置，“/图片 文件路径”发送图片，“/退出”结束。');
    const rl = readline.createInterface({
      input,
      output: interactive ? this.opts.output : undefined,
      terminal: interactive,
    });
    const prompt = () => interactive && rl.prompt();
    rl.setPrompt(`${this.opts.user.name}> `);
    prompt();
    for await (const line of rl) {
      if (/^\/(退出|quit|exit)$/.test(line.trim())) break;
      await this.receive(line);
      prompt();
    }
    rl.close();
    this.write('再见。');
  }
}
