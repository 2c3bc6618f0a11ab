import type { ChatSession } from '@yingji/shared';

/** The channels that feed the engine. */
export type EngineChannel = 'wechaty' | 'wecom_app' | 'terminal';

/** A picture someone sent; loaded only when it is needed (attached to a hazard). */
export interface InboundImage {
  fileName: string;
  load(): Promise<Buffer>;
}

export interface InboundLocation {
  lat: number;
  lng: number;
  label?: string;
}

/** One inbound chat message, whatever the channel. Exactly one of text, image, location or event. */
export interface EngineInput {
  channel: EngineChannel;
  /** The sender's id on the channel (Wechaty contact id, WeCom user id, username in the terminal). */
  sender: { id: string; name?: string };
  /** The group it was written in, if any (Wechaty room id). */
  group?: { id: string; name?: string };
  text?: string;
  image?: InboundImage;
  location?: InboundLocation;
  /** A WeCom template card's 收到 button. */
  event?: { kind: 'card_ack'; calloutId: string };
}

/** What the engine answers; the channel sends it straight back (a reply is not a broadcast). */
export interface EngineReply {
  text: string;
  /** In a group, @mention the sender. */
  mentionSender: boolean;
}

/**
 * Who the sender is, as the server says: a short-lived token with the user's rights, or
 * undefined for a sender nobody has bound yet.
 */
export interface SessionProvider {
  open(input: {
    channel: EngineChannel;
    externalUserId: string;
    groupExternalId?: string;
  }): Promise<ChatSession | undefined>;
  /** `绑定 123456`: link this chat account to the user who asked for the code. */
  bind?(input: { channel: EngineChannel; externalUserId: string; code: string }): Promise<{ name: string }>;
  /** `绑定群 123456` in a room: bind that room to the grid or village of the console's code. */
  bindGroup?(input: {
    channel: 'wechaty' | 'wecom_app';
    externalUserId: string;
    groupExternalId: string;
    groupName?: string;
    code: string;
  }): Promise<{ placeName: string }>;
}
