/**
 * The offline queue of tips, as pure functions (no storage, no network; tested as tables in
 * test/web/tip-queue.test.ts). A tip is kept until the server has answered "created": on a weak
 * network it waits and is retried with growing pauses; if the server refuses it (bad input) it stays,
 * marked, for the resident to see, fix or delete. Nothing is dropped silently.
 */

export interface TipDraft {
  category: string;
  description: string;
  location: { lat: number; lng: number; address?: string };
  confidential: boolean;
}

export interface QueuedTip {
  localId: string;
  createdAt: number;
  draft: TipDraft;
  /** Compressed photos kept on the device (weapp saved files, or data: URLs in the browser). */
  photos: string[];
  /** The media id of each photo once uploaded, so a retry does not upload it again. */
  mediaIds: (string | null)[];
  attempts: number;
  nextAttemptAt: number;
  state: 'pending' | 'refused';
  lastError?: string;
}

export const FIRST_RETRY_MS = 15_000;
export const MAX_RETRY_MS = 30 * 60_000;

export function newQueuedTip(draft: TipDraft, photos: string[], now: number, localId: string): QueuedTip {
  return {
    localId,
    createdAt: now,
    draft,
    photos,
    mediaIds: photos.map(() => null),
    attempts: 0,
    nextAttemptAt: now,
    state: 'pending',
  };
}

/** Pause before the next attempt after `attempts` failures: 15 s, 30 s, 1 min … capped at 30 min. */
export function retryDelayMs(attempts: number): number {
  if (attempts <= 0) return 0;
  return Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** (attempts - 1));
}

/** The tips to send now: pending ones whose pause is over, oldest first. `force` ignores the pauses. */
export function dueTips(queue: QueuedTip[], now: number, force = false): QueuedTip[] {
  return queue
    .filter((t) => t.state === 'pending' && (force || t.nextAttemptAt <= now))
    .sort((a, b) => a.createdAt - b.createdAt);
}

/** The next photo still to upload, or -1 when all are uploaded. */
export function nextPhotoIndex(tip: QueuedTip): number {
  return tip.mediaIds.findIndex((id) => !id);
}

export function withMediaId(tip: QueuedTip, index: number, id: string): QueuedTip {
  const mediaIds = tip.mediaIds.slice();
  mediaIds[index] = id;
  return { ...tip, mediaIds };
}

/** After a failed attempt: wait and retry (network or server trouble), or keep it as refused. */
export function afterFailure(tip: QueuedTip, now: number, retryable: boolean, message: string): QueuedTip {
  const attempts = tip.attempts + 1;
  if (!retryable) return { ...tip, attempts, state: 'refused', lastError: message };
  return { ...tip, attempts, state: 'pending', nextAttemptAt: now + retryDelayMs(attempts), lastError: message };
}

/** The resident asked to try a refused or waiting tip again now. */
export function retryNow(tip: QueuedTip, now: number): QueuedTip {
  return { ...tip, state: 'pending', nextAttemptAt: now };
}

export function replace(queue: QueuedTip[], tip: QueuedTip): QueuedTip[] {
  return queue.map((t) => (t.localId === tip.localId ? tip : t));
}

export function without(queue: QueuedTip[], localId: string): QueuedTip[] {
  return queue.filter((t) => t.localId !== localId);
}
