import { LIMITS, backoffMs, nextAllowedAt, splitByBudget } from '../../server/src/outbox/limits';

const S = 1000;
const now = 10_000 * S;
const times = (n: number, start: number, step = S) => Array.from({ length: n }, (_, i) => start + i * step);

describe('channel limits (pure)', () => {
  it.each([
    ['nothing sent yet', [], LIMITS.member, now],
    ['29 in the last minute', times(29, now - 50 * S), LIMITS.member, now],
    ['30 in the last minute: wait until the oldest leaves', times(30, now - 50 * S), LIMITS.member, now + 10 * S],
    ['30 sent over a minute ago', times(30, now - 120 * S), LIMITS.member, now],
    ['1000 in the last hour, spread out', times(1000, now - 3000 * S, 3 * S), LIMITS.member, now - 3000 * S + 3600 * S],
    ['a robot with 20 in the last minute', times(20, now - 30 * S), LIMITS.robot, now + 30 * S],
    ['a robot with 19 in the last minute', times(19, now - 30 * S), LIMITS.robot, now],
  ] as const)('%s', (_what, sent, limits, expected) => {
    expect(nextAllowedAt(sent, now, limits)).toBe(expected);
  });

  it('splits a batch into members who may receive now and those who must wait', () => {
    const usage = new Map([
      ['busy', times(30, now - 40 * S)],
      ['quiet', times(3, now - 40 * S)],
    ]);
    expect(splitByBudget(['quiet', 'busy', 'new'], usage, now)).toEqual({
      now: ['quiet', 'new'],
      later: ['busy'],
      retryAt: now + 20 * S,
    });
  });

  it.each([
    [1, 1000, 500, 1000],
    [2, 1000, 1000, 2000],
    [5, 1000, 8000, 16000],
    [30, 1000, 450_000, 900_000],
  ])('backs off after attempt %i from %i ms between %i and %i ms', (attempts, base, lo, hi) => {
    expect(backoffMs(attempts, base, undefined, () => 0)).toBe(lo);
    expect(backoffMs(attempts, base, undefined, () => 1)).toBe(hi);
  });
});
