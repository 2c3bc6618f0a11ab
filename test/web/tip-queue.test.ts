import {
  FIRST_RETRY_MS,
  MAX_RETRY_MS,
  afterFailure,
  dueTips,
  newQueuedTip,
  nextPhotoIndex,
  replace,
  retryDelayMs,
  retryNow,
  withMediaId,
  without,
  type QueuedTip,
} from '../../miniprogram/src/services/tip-queue';

const draft = {
  category: 'flood_drought',
  description: '河堤裂缝',
  location: { lat: 29.785, lng: 107.88 },
  confidential: false,
};
const T0 = 1_700_000_000_000;

describe('the offline queue of tips', () => {
  it.each([
    [0, 0],
    [1, FIRST_RETRY_MS],
    [2, 2 * FIRST_RETRY_MS],
    [3, 4 * FIRST_RETRY_MS],
    [10, MAX_RETRY_MS],
    [50, MAX_RETRY_MS],
  ])('waits, after %i failed attempts, %i ms before the next', (attempts, ms) => {
    expect(retryDelayMs(attempts)).toBe(ms);
  });

  it.each([
    ['no signal', true, 'pending', T0 + FIRST_RETRY_MS],
    ['the server refused the input', false, 'refused', T0],
  ] as const)('after a failure (%s) keeps the tip, as %s', (_why, retryable, state, next) => {
    const tip = newQueuedTip(draft, ['a.jpg'], T0, 'x');
    const failed = afterFailure(tip, T0, retryable, '网络不好');
    expect(failed).toMatchObject({ state, attempts: 1, nextAttemptAt: next, lastError: '网络不好', draft });
  });

  it('sends due tips oldest first, skips those still waiting, and all of them when forced', () => {
    const a = newQueuedTip(draft, [], T0 + 2, 'a');
    const b = newQueuedTip(draft, [], T0 + 1, 'b');
    const waiting = afterFailure(newQueuedTip(draft, [], T0, 'c'), T0, true, 'x');
    const refused = afterFailure(newQueuedTip(draft, [], T0, 'd'), T0, false, 'x');
    const q = [a, b, waiting, refused];
    expect(dueTips(q, T0 + 10).map((t) => t.localId)).toEqual(['b', 'a']);
    expect(dueTips(q, T0 + 10, true).map((t) => t.localId)).toEqual(['c', 'b', 'a']);
    expect(dueTips(q, T0 + FIRST_RETRY_MS).map((t) => t.localId)).toEqual(['c', 'b', 'a']);
  });

  it('remembers uploaded photos, so a retry uploads only the rest', () => {
    let tip = newQueuedTip(draft, ['1.jpg', '2.jpg'], T0, 'x');
    expect(nextPhotoIndex(tip)).toBe(0);
    tip = withMediaId(tip, 0, 'm1');
    expect(nextPhotoIndex(tip)).toBe(1);
    tip = withMediaId(tip, 1, 'm2');
    expect(nextPhotoIndex(tip)).toBe(-1);
    expect(tip.mediaIds).toEqual(['m1', 'm2']);
  });

  it('lets the resident retry a refused tip now, and deletes only the one asked', () => {
    const refused = afterFailure(newQueuedTip(draft, [], T0, 'x'), T0, false, 'bad');
    expect(retryNow(refused, T0 + 5)).toMatchObject({ state: 'pending', nextAttemptAt: T0 + 5 });
    const other: QueuedTip = newQueuedTip(draft, [], T0, 'y');
    expect(without([refused, other], 'x')).toEqual([other]);
    expect(replace([refused, other], { ...other, attempts: 3 })[1].attempts).toBe(3);
  });
});
