import { WechatyBuilder, types, type payloads } from 'wechaty';
import { PuppetMock, mock } from 'wechaty-puppet-mock';
import type { FileBoxInterface } from 'file-box';

/** The stock mock answers a fake QR code for every image and nothing for locations; answer what was sent. */
export class TestPuppet extends PuppetMock {
  readonly locations = new Map<string, payloads.Location>();
  override async messageLocation(id: string) {
    return this.locations.get(id) ?? super.messageLocation(id);
  }
  override async messageImage(id: string, t: types.Image): Promise<FileBoxInterface> {
    return this.mocker.cacheFileBoxPayload.has(id) ? this.messageFile(id) : super.messageImage(id, t);
  }
}

export interface Sent {
  conversationId: string;
  text: string;
  mentionIdList: string[];
}

/**
 * Real Wechaty on the mock puppet (docs/wechaty.md): what the bot sends is seen at the puppet's
 * messageSendText, the only place that keeps the mention ids.
 */
export function mockWechaty() {
  const mocker = new mock.Mocker();
  const puppet = new TestPuppet({ mocker });
  const bot = WechatyBuilder.build({ puppet });
  const sent: Sent[] = [];
  const original = puppet.messageSendText.bind(puppet);
  puppet.messageSendText = async (conversationId: string, text: string, mentionIdList?: string[]) => {
    sent.push({ conversationId, text, mentionIdList: mentionIdList ?? [] });
    return original(conversationId, text);
  };
  let seq = 0;
  return {
    mocker,
    puppet,
    bot,
    sent,
    /** Log the bot's own account in (after bot.start()); the mock never emits ready by itself. */
    async login(name = '应急小助手') {
      const user = mocker.createContact({ name, id: 'wxid_bot' });
      const loggedIn = new Promise<void>((r) => bot.once('login', () => r()));
      mocker.login(user);
      await loggedIn;
      puppet.emit('ready', { data: 'mock ready' });
      return user;
    },
    /** A location message in a room (the mock cannot send one itself). */
    sendLocation(talker: mock.ContactMock, room: mock.RoomMock, loc: payloads.Location) {
      const id = `mock-loc-${++seq}`;
      mocker.MessageMock.create({
        id,
        talkerId: talker.id,
        roomId: room.id,
        mentionIdList: [],
        timestamp: Date.now(),
        type: types.Message.Location,
      } as payloads.Message);
      puppet.locations.set(id, loc);
      puppet.emit('message', { messageId: id });
    },
  };
}
export type MockWechaty = ReturnType<typeof mockWechaty>;
