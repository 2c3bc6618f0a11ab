/**
 * Channel rate limits, enforced in our code because WeCom drops excess messages silently.
 * Pure functions (no I/O): the worker feeds them the send times it read from the outbox itself
 * (`claimedAt` of deliveries being sent or sent), so the limits hold across restarts and, up to
 * a race between two instances reading at the same moment, across instances.
 */
export interface Limit {
  limit: number;
  windowMs: number;
}

const MINUTE = 60_000;
const HOUR = 3_600_000;

/** WeCom's published limits (reference A4). */
export const LIMITS = {
  /** message/send per app to one member: 30 a minute and 1000 an hour. */
  member: [
    { limit: 30, windowMs: MINUTE },
    { limit: 1000, windowMs: HOUR },
  ] as Limit[],
  /** A group robot: 20 messages a minute. */
  robot: [{ limit: 20, windowMs: MINUTE }] as Limit[],
  /** Per corp, any single API: 10,000 calls a minute. */
  corpCalls: [{ limit: 10_000, windowMs: MINUTE }] as Limit[],
};

/**
 * The earliest time (ms) at which one more send fits under every limit, given the times of the
 * earlier sends (any order). Returns `now` when it fits now. Sliding windows: a send at time t
 * occupies the window (t, t + windowMs].
 */
export function nextAllowedAt(times: readonly number[], now: number, limits: readonly Limit[], n = 1): number {
  let at = now;
  for (const { limit, windowMs } of limits) {
    if (n > limit) return Number.POSITIVE_INFINITY;
    // Fewer sends than the limit in all: it fits, whatever their times (a pass plans thousands).
    if (times.length + n <= limit) continue;
    const inWindow = times.filter((t) => t > now - windowMs).sort((a, b) => a - b);
    const excess = inWindow.length + n - limit;
    if (excess > 0) at = Math.max(at, inWindow[excess - 1]! + windowMs);
  }
  return at;
}

/**
 * Split a batch of member addresses into those that may be sent now and those that must wait,
 * with the time the first deferred one may go. `usage` gives each member's earlier send times.
 */
export function splitByBudget(
  addresses: readonly string[],
  usage: ReadonlyMap<string, readonly number[]>,
  now: number,
  limits: readonly Limit[] = LIMITS.member,
): { now: string[]; later: string[]; retryAt?: number } {
  const out = { now: [] as string[], later: [] as string[], retryAt: undefined as number | undefined };
  for (const a of addresses) {
    const at = nextAllowedAt(usage.get(a) ?? [], now, limits);
    if (at <= now) out.now.push(a);
    else {
      out.later.push(a);
      out.retryAt = Math.min(out.retryAt ?? at, at);
    }
  }
  return out;
}

/** Retry back-off: exponential from `baseMs`, capped, with jitter in [50%, 100%]. */
export function backoffMs(attempts: number, baseMs: number, maxMs = 15 * MINUTE, rand: () => number = Math.random) {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(ceiling * (0.5 + rand() / 2));
}
