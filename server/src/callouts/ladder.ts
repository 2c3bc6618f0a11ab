import crypto from 'node:crypto';

/**
 * The escalation ladder for silence (pure: no I/O). Step 0 notifies everyone at issue time;
 * step 1 comes `ackMinutes` later for whoever has not answered; each later step comes one
 * `waitMinutes` after the previous one. All recipients of a call-out share this clock.
 */
export const STEPS = ['notify', 'remind', 'mention', 'direct', 'superior', 'phone'] as const;
export type StepName = (typeof STEPS)[number];
export const LAST_STEP = STEPS.length - 1;

export function stepDueAt(issuedAt: Date, step: number, ackMinutes: number, waitMinutes: number): Date {
  const min = 60_000;
  if (step <= 0) return issuedAt;
  return new Date(issuedAt.getTime() + ackMinutes * min + (step - 1) * waitMinutes * min);
}

/** What a recipient looks like on the office's screen. */
export function recipientState(r: { acked: boolean }, calloutStep: number): 'pending' | 'acked' | 'escalated' {
  if (r.acked) return 'acked';
  return calloutStep >= 1 ? 'escalated' : 'pending';
}

/** The ladder step shown for a recipient: where they answered, or where the call-out is now. */
export function recipientStep(r: { acked: boolean; ackStep?: number | null }, calloutStep: number): StepName {
  const s = r.acked && r.ackStep !== undefined && r.ackStep !== null ? r.ackStep : calloutStep;
  return STEPS[Math.max(0, Math.min(LAST_STEP, s))]!;
}

/**
 * Direct WeCom messages go out in batches of at most 1000 user ids (WeCom's `touser` limit).
 * Each person's batch is fixed for the whole call-out by a hash of their id, so a step carried
 * out again after a crash, with fewer people left, puts everyone in the batch (and idempotency
 * key) they had the first time: nobody lands in a new batch and gets the step twice.
 */
export function bucketCount(total: number): number {
  return Math.max(1, Math.ceil(total / 800));
}

export function bucketOf(id: string, buckets: number): number {
  // (The one-shot hash: the same digest as createHash's, at half its cost for ten thousand ids.)
  return crypto.hash('sha1', id, 'buffer').readUInt32BE(0) % buckets;
}

/** Split ids into the call-out's batches; a batch over 1000 (rare hash imbalance) is cut in sorted order. */
export function batches(ids: { key: string; address: string }[], buckets: number): Map<string, string[]> {
  const byBucket = new Map<number, string[]>();
  for (const { key, address } of ids) {
    const b = bucketOf(key, buckets);
    const list = byBucket.get(b);
    if (list) list.push(address);
    else byBucket.set(b, [address]);
  }
  const out = new Map<string, string[]>();
  for (const [b, list] of [...byBucket].sort((x, y) => x[0] - y[0])) {
    list.sort();
    for (let i = 0; i * 1000 < list.length; i++)
      out.set(i === 0 ? `b${b}` : `b${b}.${i}`, list.slice(i * 1000, (i + 1) * 1000));
  }
  return out;
}

/** Town-config acknowledgement window and step wait for a level, unless the call-out says otherwise. */
export function windowsFor(
  level: 'red' | 'orange' | 'yellow' | 'blue',
  cfg: { ackMinutes: Record<string, number>; escalationWaitMinutes: Record<string, number> },
  override?: number,
): { ackMinutes: number; waitMinutes: number } {
  return { ackMinutes: override ?? cfg.ackMinutes[level]!, waitMinutes: cfg.escalationWaitMinutes[level]! };
}
