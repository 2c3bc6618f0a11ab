import type { EngineChannel } from '../engine';

/** Where a message goes on a channel: a group (room) or one person. */
export interface ChannelTarget {
  id: string;
  isGroup: boolean;
}

export interface OutgoingMessage {
  text: string;
  /** Channel ids of people to @mention (in a group). */
  mentions?: string[];
}

/**
 * One interface for every chat platform, as Wechaty puts one Puppet under many platforms: an
 * adapter converts a platform message into the engine's input (`receive`), and sends the engine's
 * replies and the outbox's messages out (`send`). The rules live in the engine, never here.
 */
export interface Channel<Inbound = unknown> {
  readonly name: EngineChannel;
  receive(message: Inbound): Promise<void>;
  send(to: ChannelTarget, message: OutgoingMessage): Promise<void>;
}
