import { types, type Contact, type Message, type Wechaty } from 'wechaty';
import type { ChatEngine, EngineInput } from '../../engine';
import type { Channel, ChannelTarget, OutgoingMessage } from '../channel';

/**
 * WeChat groups through Wechaty: rooms are the server's chat groups (channel wechaty, externalId =
 * room id), talkers are users through their bound contact ids. Replies to a line go straight back
 * to the room, @mentioning the sender; everything else comes from the outbox (see outbox-worker.ts).
 */
/** Messages older than this when they reach the bot are history, not commands. */
const MAX_AGE_SECONDS = 180;

export class WechatyChannel implements Channel<Message> {
  readonly name = 'wechaty' as const;

  constructor(
    private readonly bot: Wechaty,
    private readonly engine: ChatEngine,
    private readonly onError: (err: unknown) => void = (err) => bot.emitError(err),
  ) {}

  /** Listen to the bot's messages. */
  attach(): this {
    this.bot.on('message', (msg: Message) => {
      this.receive(msg).catch(this.onError);
    });
    return this;
  }

  /** Ids of recent messages, so a puppet's re-delivery after a reconnect is not acted on twice. */
  private readonly seen = new Set<string>();

  async receive(msg: Message): Promise<void> {
    if (msg.self()) return; // the bot sees its own sends
    // Old lines replayed after a reconnect must not confirm a newer warning or count people twice.
    if (msg.age() > MAX_AGE_SECONDS || this.seen.has(msg.id)) return;
    this.seen.add(msg.id);
    if (this.seen.size > 5000) this.seen.delete(this.seen.values().next().value!);
    const input = await this.toInput(msg);
    if (!input) return;
    const replies = await this.engine.handle(input);
    const room = msg.room();
    const talker = msg.talker();
    for (const r of replies) {
      if (room) await (r.mentionSender ? room.say(r.text, talker) : room.say(r.text));
      else await talker.say(r.text);
    }
  }

  private async toInput(msg: Message): Promise<EngineInput | undefined> {
    const talker = msg.talker();
    const room = msg.room();
    const base: Pick<EngineInput, 'channel' | 'sender' | 'group'> = {
      channel: 'wechaty',
      sender: { id: talker.id, name: talker.name() },
      group: room ? { id: room.id, name: await room.topic().catch(() => undefined) } : undefined,
    };
    switch (msg.type()) {
      case types.Message.Text:
        return { ...base, text: msg.text() };
      case types.Message.Image: {
        return {
          ...base,
          image: {
            fileName: `${msg.id}.jpg`,
            load: async () => (await msg.toFileBox()).toBuffer(),
          },
        };
      }
      case types.Message.Location: {
        // message.toLocation() is broken in wechaty 1.20.2; the puppet's payload is not.
        const loc = await this.bot.puppet.messageLocation(msg.id);
        return { ...base, location: { lat: loc.latitude, lng: loc.longitude, label: loc.name || loc.address } };
      }
      default:
        return undefined;
    }
  }

  /** Send to a room (with @mentions of contact ids) or to one contact. */
  async send(to: ChannelTarget, message: OutgoingMessage): Promise<void> {
    if (to.isGroup) {
      const room = await this.bot.Room.find({ id: to.id });
      if (!room) throw new Error(`room not found: ${to.id}`);
      const mentioned = (await Promise.all((message.mentions ?? []).map((id) => this.bot.Contact.find({ id })))).filter(
        (c): c is Contact => Boolean(c),
      );
      await room.say(message.text, ...mentioned);
      return;
    }
    const contact = await this.bot.Contact.find({ id: to.id });
    if (!contact) throw new Error(`contact not found: ${to.id}`);
    await contact.say(message.text);
  }
}
