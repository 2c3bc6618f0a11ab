import { Types } from 'mongoose';
import type { Clock } from '../core/clock';
import { isDuplicateKey } from '../db/duplicate';
import { DeliveryModel, type DeliveryChannel } from './delivery.model';
import { wakeOutbox } from './wake';

export interface OutboundMessage {
  town: Types.ObjectId | string;
  channel: DeliveryChannel;
  recipient: {
    user?: Types.ObjectId | string;
    group?: Types.ObjectId | string;
    address: string;
    /** For a batch of WeCom users (address = their ids joined by `|`). */
    users?: (Types.ObjectId | string)[];
  };
  content: {
    kind?: 'text' | 'markdown' | 'template_card' | 'card_update' | 'subscribe';
    text?: string;
    markdown?: string;
    card?: unknown;
    mentions?: string[];
    mentionMobiles?: string[];
  };
  source: { kind: string; id?: string; step?: string };
  /** Unique per recipient per message and step: enqueuing it again changes nothing. */
  idempotencyKey: string;
  exercise?: boolean;
  /** Not before this time (default: now). */
  notBefore?: Date;
}

/**
 * Put messages in the durable outbox. The only way anything leaves the server: request handlers
 * and schedulers call this, channel workers send. Returns how many were new.
 */
export async function enqueue(clock: Clock, messages: OutboundMessage[]): Promise<number> {
  if (messages.length === 0) return 0;
  const now = clock.now();
  const docs = messages.map((m) => deliveryDoc(m, now));
  const due = messages.filter((m) => !m.notBefore || m.notBefore <= now).map((m) => m.channel);
  try {
    // Built typed above, so inserted without Mongoose's casting (a call-out's first step is 200
    // messages, some with a thousand user ids each, and every moment before the send counts).
    const res = await DeliveryModel.insertMany(docs, { ordered: false, lean: true, rawResult: true });
    return res.insertedCount;
  } catch (e) {
    // Duplicate idempotency keys are expected on retries; anything else is a real failure.
    const err = e as {
      code?: number;
      writeErrors?: { code?: number; err?: { code?: number } }[];
      insertedDocs?: unknown[];
      result?: { insertedCount?: number };
    };
    const writeErrors = err.writeErrors ?? [];
    const onlyDuplicates =
      (isDuplicateKey(err) || writeErrors.length > 0) &&
      writeErrors.every((w) => isDuplicateKey(w) || isDuplicateKey(w.err));
    if (!onlyDuplicates) throw e;
    return err.insertedDocs?.length ?? err.result?.insertedCount ?? 0;
  } finally {
    wakeOutbox(due);
  }
}

const oid = (id: Types.ObjectId | string) => (typeof id === 'string' ? new Types.ObjectId(id) : id);

/** The stored delivery, with the schema's defaults and casts written out (and no undefined fields). */
function deliveryDoc(m: OutboundMessage, now: Date) {
  const { user, group, address, users } = m.recipient;
  const { kind, text, markdown, card, mentions, mentionMobiles } = m.content;
  return {
    town: oid(m.town),
    channel: m.channel,
    recipient: {
      address,
      ...(user !== undefined && { user: oid(user) }),
      ...(group !== undefined && { group: oid(group) }),
      ...(users !== undefined && { users: users.map(oid) }),
    },
    content: {
      kind: kind ?? 'text',
      ...(text !== undefined && { text }),
      ...(markdown !== undefined && { markdown }),
      ...(card !== undefined && { card }),
      mentions: mentions ?? [],
      mentionMobiles: mentionMobiles ?? [],
    },
    source: Object.fromEntries(
      Object.entries(m.source).filter(([, v]) => v !== undefined),
    ) as OutboundMessage['source'],
    exercise: m.exercise ?? false,
    idempotencyKey: m.idempotencyKey,
    state: 'pending' as const,
    attempts: 0,
    nextAttemptAt: m.notBefore ?? now,
    createdAt: now,
    updatedAt: now,
  };
}
