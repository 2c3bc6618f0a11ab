import Taro from '@tarojs/taro';
import { tipsApi, type TipCreate, type TipCreated } from '@yingji/shared';
import { api, errorText, isRetryable } from './api';
import { forgetPhoto, uploadPhoto } from './media';
import { currentUser } from './session';
import {
  afterFailure,
  dueTips,
  newQueuedTip,
  nextPhotoIndex,
  replace,
  retryNow,
  withMediaId,
  without,
  type QueuedTip,
  type TipDraft,
} from './tip-queue';

/** The device side of the offline queue: storage, sending, and telling pages when it changes. */

const listeners = new Set<(q: QueuedTip[]) => void>();

/**
 * One queue per logged-in user: on a shared phone, one person's tips are never shown to, or sent
 * under the login of, the next person. No user, no queue.
 */
function queueKey(): string | undefined {
  const user = currentUser();
  return user ? `yj.tipQueue.${user.id}` : undefined;
}

export function loadQueue(key: string | undefined = queueKey()): QueuedTip[] {
  if (!key) return [];
  const q = Taro.getStorageSync(key) as QueuedTip[] | '';
  return Array.isArray(q) ? q : [];
}

function save(key: string, q: QueuedTip[]): void {
  Taro.setStorageSync(key, q);
  if (key === queueKey()) listeners.forEach((fn) => fn(q));
}

/** Read-modify-write on the stored queue (one JS thread: no interleaving within a call). */
function update(fn: (q: QueuedTip[]) => QueuedTip[], key: string | undefined = queueKey()): QueuedTip[] {
  if (!key) throw new Error('not logged in');
  const next = fn(loadQueue(key));
  save(key, next);
  return next;
}

export function onQueueChange(fn: (q: QueuedTip[]) => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export interface SendOutcome {
  delivered: Array<{ localId: string; created: TipCreated }>;
  waiting: number;
}

let running: Promise<SendOutcome> | undefined;

/** Send every tip that is due (all pending ones with `force`). Only one run at a time. */
export function flushQueue(force = false): Promise<SendOutcome> {
  if (!running) {
    running = sendDue(force).finally(() => {
      running = undefined;
    });
  }
  return running;
}

async function sendDue(force: boolean): Promise<SendOutcome> {
  const delivered: SendOutcome['delivered'] = [];
  const key = queueKey();
  if (!key) return { delivered, waiting: 0 }; // logged out: nothing is sent
  for (const queued of dueTips(loadQueue(key), Date.now(), force)) {
    // Logged out or switched user during the run: stop, the rest waits for its own user.
    if (queueKey() !== key) break;
    let tip: QueuedTip = queued;
    try {
      for (let i = nextPhotoIndex(tip); i >= 0; i = nextPhotoIndex(tip)) {
        const id = await uploadPhoto(tip.photos[i]);
        tip = withMediaId(tip, i, id);
        const saved = tip;
        update((q) => replace(q, saved), key); // an uploaded photo is not uploaded again on retry
      }
      const created = await tipsApi(api()).create({
        ...tip.draft,
        category: tip.draft.category as TipCreate['category'],
        mediaIds: tip.mediaIds as string[],
        clientId: tip.localId, // a retry after a lost answer is stored once
      });
      update((q) => without(q, tip.localId), key);
      tip.photos.forEach(forgetPhoto);
      delivered.push({ localId: tip.localId, created });
    } catch (e) {
      const failed = afterFailure(tip, Date.now(), isRetryable(e), errorText(e));
      update((q) => replace(q, failed), key);
    }
  }
  return { delivered, waiting: loadQueue(key).length };
}

/** Keep the tip on the device first, then try to send it: it is never lost to a weak signal. */
export async function submitTip(draft: TipDraft, photos: string[]): Promise<{ localId: string; outcome: SendOutcome }> {
  const localId = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  const tip = newQueuedTip(draft, photos, Date.now(), localId);
  update((q) => [...q, tip]);
  const outcome = await flushQueue();
  const untried = loadQueue().find((t) => t.localId === localId && t.attempts === 0);
  if (untried) {
    // Another run was already in progress when this tip was added, so it did not see it: send it now.
    return { localId, outcome: await flushQueue(true) };
  }
  return { localId, outcome };
}

export function retryQueued(localId: string): Promise<SendOutcome> {
  update((q) => q.map((t) => (t.localId === localId ? retryNow(t, Date.now()) : t)));
  return flushQueue(true);
}

export function deleteQueued(localId: string): void {
  const tip = loadQueue().find((t) => t.localId === localId);
  tip?.photos.forEach(forgetPhoto);
  update((q) => without(q, localId));
}

let started = false;
/** Retry in the background: when the network comes back, when the app comes to the front, every minute. */
export function startQueueWorker(): void {
  if (started) return;
  started = true;
  // The worker outlives a logout; the checks keep it from sending when no one is logged in.
  Taro.onNetworkStatusChange?.((res) => {
    if (res.isConnected && currentUser()) void flushQueue(true);
  });
  setInterval(() => {
    if (loadQueue().length) void flushQueue();
  }, 60_000);
  if (currentUser()) void flushQueue();
}
