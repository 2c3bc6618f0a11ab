import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Readable, Writable } from 'node:stream';
import { ApiClient } from '@yingji/shared';
import { createApp } from '../../../../server/src/app';
import type { AppServices } from '../../../../server/src/core/context';
import { sessionFor } from '../../../../server/src/chat/service';
import { ChatGroupModel, type ChatChannel } from '../../../../server/src/people/chat-group.model';
import { UserModel } from '../../../../server/src/people/user.model';
import { ChatEngine } from '../../engine';
import { TerminalChannel } from './channel';

/**
 * Talk to the engine as `username` (in the group named `groupName`, if given). The engine acts
 * through the HTTP API like every channel: through `apiBaseUrl` if given, otherwise through this
 * process's own copy of the app on a loopback port. The user is taken at their word, which is why
 * this needs the database itself (an operator's tool), not a bot token.
 */
export async function runTerminalChat(opts: {
  services: AppServices;
  username: string;
  groupName?: string;
  input: Readable;
  output: Writable;
  interactive?: boolean;
  apiBaseUrl?: string;
}): Promise<void> {
  const user = await UserModel.findOne({ username: opts.username, active: true })
    .select('town role name village grids username')
    .lean();
  if (!user) throw new Error(`找不到用户 ${opts.username}（或已停用）`);
  let group: { id: string; name: string } | undefined;
  let inGroup: { channel: ChatChannel; externalId: string } | undefined;
  if (opts.groupName) {
    const g = await ChatGroupModel.findOne({ town: user.town, name: opts.groupName }).lean();
    if (!g) throw new Error(`找不到群 ${opts.groupName}`);
    group = { id: String(g._id), name: g.name };
    // The session names the group (as a bot's would), so 收到 there answers that group's call-out.
    inGroup = { channel: g.channel, externalId: g.externalId };
  }

  let server: Server | undefined;
  let base = opts.apiBaseUrl;
  if (!base) {
    server = createApp(opts.services).app.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server!.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }
  try {
    const engine = new ChatEngine({
      api: new ApiClient({ baseUrl: base }),
      sessions: {
        open: ({ groupExternalId }) => sessionFor(opts.services, user, groupExternalId ? inGroup : undefined),
      },
      onError: (err) => opts.output.write(`（内部错误：${err instanceof Error ? err.message : String(err)}）\n`),
    });
    const channel = new TerminalChannel({
      engine,
      user: { username: user.username, name: user.name },
      group,
      output: opts.output,
    });
    await channel.run(opts.input, opts.interactive);
  } finally {
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server!.close(() => resolve()));
    }
  }
}
