import { randomUUID } from 'node:crypto';
import type { ChatEngine, EngineInput } from '../../engine';
import type { Channel, ChannelTarget, OutgoingMessage } from '../channel';
import { dedupeKey, type WecomInbound } from './protocol';

const MAX_IMAGE_BYTES = 10 * 1024 * 1024;

/** Download a picture a member sent (PicUrl; WeCom keeps it for 3 days). */
export async function fetchPicture(url: string): Promise<Buffer> {
  const res = await fetch(url, { signal: AbortSignal.timeout(15_000) });
  if (!res.ok) throw new Error(`picture download failed: HTTP ${res.status}`);
  const buf = Buffer.from(await res.arrayBuffer());
  if (buf.length > MAX_IMAGE_BYTES) throw new Error('picture too large');
  return buf;
}

/** The call-out a warning card's 收到 click answers (its button key `ack:<calloutId>`), if it is one. */
export function cardAckOf(m: WecomInbound): string | undefined {
  if (m.msgType !== 'event' || m.event !== 'template_card_event') return undefined;
  return /^ack:([\w-]{1,64})$/.exec(m.eventKey ?? '')?.[1];
}

/** A WeCom app message or event as the engine's input; undefined for what the engine does not handle. */
export function toEngineInput(
  m: WecomInbound,
  load: (url: string) => Promise<Buffer> = fetchPicture,
): EngineInput | undefined {
  const base = { channel: 'wecom_app' as const, sender: { id: m.fromUserName } };
  switch (m.msgType) {
    case 'text':
      return m.content ? { ...base, text: m.content } : undefined;
    case 'image':
      return m.picUrl
        ? { ...base, image: { fileName: `${m.msgId ?? m.mediaId ?? 'wecom'}.jpg`, load: () => load(m.picUrl!) } }
        : undefined;
    case 'location':
      return m.latitude !== undefined && m.longitude !== undefined
        ? { ...base, location: { lat: m.latitude, lng: m.longitude, label: m.label } }
        : undefined;
    case 'event': {
      // A template card's button: the key `ack:<calloutId>` is the 收到 button of a warning card.
      const calloutId = cardAckOf(m);
      return calloutId ? { ...base, event: { kind: 'card_ack', calloutId } } : undefined;
    }
    default:
      return undefined;
  }
}

/**
 * The WeCom self-built app as a channel. WeCom only delivers members' one-to-one messages to the
 * app, so every reply goes to the sender; `deliver` puts it in the server's outbox (a wecom_app
 * delivery), because the callback must be answered within a second and sending can wait.
 */
export class WecomAppChannel implements Channel<WecomInbound> {
  readonly name = 'wecom_app' as const;

  constructor(
    private readonly opts: {
      engine: ChatEngine;
      /** Put a message for a member in the outbox; the key makes a repeated call store it once. */
      deliver: (to: ChannelTarget, message: OutgoingMessage, idempotencyKey: string) => Promise<void>;
      loadPicture?: (url: string) => Promise<Buffer>;
      /**
       * A card's 收到 button, handled where the card lives (the server updates the card with the
       * click's ResponseCode); without it the engine acknowledges through the API.
       */
      onCardAck?: (m: WecomInbound, calloutId: string) => Promise<void>;
    },
  ) {}

  async receive(m: WecomInbound): Promise<void> {
    const input = toEngineInput(m, this.opts.loadPicture);
    if (!input) return;
    if (input.event?.kind === 'card_ack' && this.opts.onCardAck) {
      await this.opts.onCardAck(m, input.event.calloutId);
      return;
    }
    const replies = await this.opts.engine.handle(input);
    const key = dedupeKey(m);
    let i = 0;
    for (const r of replies) {
      await this.opts.deliver({ id: m.fromUserName, isGroup: false }, { text: r.text }, `${key}:${i++}`);
    }
  }

  send(to: ChannelTarget, message: OutgoingMessage): Promise<void> {
    return this.opts.deliver(to, message, `direct:${randomUUID()}`);
  }
}
