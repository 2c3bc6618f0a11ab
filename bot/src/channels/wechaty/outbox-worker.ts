import type { ApiClient } from '@yingji/shared';
import type { Channel } from '../channel';

/** A delivery as the outbox's claim route answers it (the fields a channel needs; see OutboxClaimResponse). */
export interface ClaimedDelivery {
  id: string;
  /** A Wechaty room id (group) or contact id (direct). */
  address: string;
  kind: 'group' | 'direct';
  text: string;
  /** Contact ids to @mention in the room. */
  mentions?: string[];
}

/**
 * Sends the server's outbox deliveries of one channel from a bot process: claim a few
 * (`POST /api/outbox/claim`, leased to this worker), send each, report each result
 * (`POST /api/outbox/:id/result`). Retries and back-off are the outbox's business.
 */
export class OutboxWorker {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly opts: {
      client: ApiClient; // authenticated as the bot (Authorization: Bot …)
      channel: Channel;
      worker: string;
      limit?: number;
      intervalMs?: number;
      onError?: (err: unknown) => void;
    },
  ) {}

  /** Claim and send one batch; returns how many were claimed. */
  async runOnce(): Promise<number> {
    const answer = await this.opts.client.post<{ deliveries: ClaimedDelivery[] }>('/api/outbox/claim', {
      channel: this.opts.channel.name,
      limit: this.opts.limit ?? 10,
      worker: this.opts.worker,
    });
    const items = answer.deliveries ?? [];
    for (const d of items) {
      let result: { ok: true } | { ok: false; error: string };
      try {
        await this.opts.channel.send(
          { id: d.address, isGroup: d.kind === 'group' },
          { text: d.text, mentions: d.mentions ?? [] },
        );
        result = { ok: true };
      } catch (e) {
        result = { ok: false, error: e instanceof Error ? e.message : String(e) };
      }
      // A message that went out is reported as sent, never as failed (that would send it again);
      // the report itself is retried a few times before the lease decides.
      await this.report(d.id, result);
    }
    return items.length;
  }

  private async report(id: string, result: { ok: boolean; error?: string }): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.opts.client.post(`/api/outbox/${id}/result`, result);
        return;
      } catch (e) {
        if (attempt >= 2) return this.opts.onError?.(e);
        await new Promise((r) => setTimeout(r, 500 * 2 ** attempt));
      }
    }
  }

  start(): this {
    const every = this.opts.intervalMs ?? 2000;
    let wait = every;
    const tick = async () => {
      if (this.stopped) return;
      this.running = this.runOnce().then(
        () => {
          wait = every;
        },
        (e) => {
          wait = Math.min(wait * 2, 60_000); // the server is away: ask less often until it is back
          this.opts.onError?.(e);
        },
      );
      await this.running;
      if (!this.stopped) this.timer = setTimeout(tick, wait);
    };
    void tick();
    return this;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }
}
