import type { Types } from 'mongoose';
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
  const docs = messages.map((m) => ({ ...m, state: 'pending', attempts: 0, nextAttemptAt: m.notBefore ?? now }));
  const due = messages.filter((m) => !m.notBefore || m.notBefore <= now).map((m) => m.channel);
  try {
    const res = await DeliveryModel.insertMany(docs, { ordered: false, rawResult: true });
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
