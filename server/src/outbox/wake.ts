import { EventEmitter } from 'node:events';
import type { DeliveryChannel } from './delivery.model';

/**
 * Enqueued now, sent now: a channel's worker in this process is woken when something is put in
 * the outbox for it, instead of finding it at its next poll (up to OUTBOX_POLL_MS later — a second
 * of a 临灾叫应). Workers in other processes still find it by polling.
 */
const wakes = new EventEmitter();
wakes.setMaxListeners(0);

export function wakeOutbox(channels: Iterable<DeliveryChannel>): void {
  for (const ch of new Set(channels)) wakes.emit(ch);
}

/** Call `wake` whenever something is enqueued for `channel` here; returns the unsubscribe. */
export function onOutboxWake(channel: DeliveryChannel, wake: () => void): () => void {
  wakes.on(channel, wake);
  return () => wakes.off(channel, wake);
}
