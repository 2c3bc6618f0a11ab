import type { ApiClient } from '@yingji/shared';
import type { Channel } from '../channel';

/** A delivery as the outbox's claim route answers it (only the fields a channel needs). */
export interface ClaimedDelivery {
  id: string;
  recipient: { address: string; group?: string; user?: string };
  content: { kind?: string; text?: string; markdown?: string; mentions?: string[] };
}

/** Room ids of WeChat end in @chatroom; a delivery to a chat group says so itself. */
export function isGroupAddress(d: ClaimedDelivery): boolean {
  return Boolean(d.recipient.group) || /@chatroom$/.test(d.recipient.address);
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
    const answer = await this.opts.client.post<{ items: ClaimedDelivery[] } | ClaimedDelivery[]>('/api/outbox/claim', {
      channel: this.opts.channel.name,
      limit: this.opts.limit ?? 10,
      worker: this.opts.worker,
    });
    const items = Array.isArray(answer) ? answer : (answer.items ?? []);
    for (const d of items) {
      const text = d.content.text ?? d.content.markdown ?? '';
      try {
        await this.opts.channel.send(
          { id: d.recipient.address, isGroup: isGroupAddress(d) },
          { text, mentions: d.content.mentions ?? [] },
        );
        await this.opts.client.post(`/api/outbox/${d.id}/result`, { ok: true });
      } catch (e) {
        const error = e instanceof Error ? e.message : String(e);
        await this.opts.client.post(`/api/outbox/${d.id}/result`, { ok: false, error }).catch(this.opts.onError);
      }
    }
    return items.length;
  }

  start(): this {
    const tick = async () => {
      if (this.stopped) return;
      this.running = this.runOnce()
        .then(() => undefined)
        .catch((e) => this.opts.onError?.(e));
      await this.running;
      if (!this.stopped) this.timer = setTimeout(tick, this.opts.intervalMs ?? 2000);
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
