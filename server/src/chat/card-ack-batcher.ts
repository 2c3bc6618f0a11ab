import { acknowledgeCardClicks, type CardClick } from '../callouts/service';
import type { AppServices } from '../core/context';

/**
 * Card clicks wait here after WeCom got its answer, and are acknowledged a batch at a time: one
 * batch is written while the next gathers (group commit), so the database sees a few writes per
 * batch instead of six per click. A batch that fails (the database away a moment) is tried again:
 * each click was answered 200, so WeCom will not send it again.
 */
export class CardAckBatcher {
  private waiting: { click: CardClick; done: () => void }[] = [];
  private running = false;

  constructor(
    private readonly services: AppServices,
    private readonly capacity = 20_000,
    private readonly maxBatch = 500,
  ) {}

  /** Full (a flood): the callback answers 503 so that WeCom retries later. */
  get full(): boolean {
    return this.waiting.length >= this.capacity;
  }

  /** Resolves when the click is recorded (or given up on, logged). */
  add(click: CardClick): Promise<void> {
    return new Promise((done) => {
      this.waiting.push({ click, done });
      if (!this.running) void this.run();
    });
  }

  private async run(): Promise<void> {
    this.running = true;
    try {
      await new Promise<void>((resolve) => setImmediate(resolve)); // after the answer is written
      while (this.waiting.length > 0) {
        const batch = this.waiting.splice(0, this.maxBatch);
        await this.write(batch.map((b) => b.click));
        for (const b of batch) b.done();
      }
    } finally {
      this.running = false;
    }
  }

  private async write(clicks: CardClick[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await acknowledgeCardClicks(this.services, clicks);
        return;
      } catch (err) {
        if (attempt >= 5) {
          this.services.log.error({ err, clicks: clicks.length }, 'wecom card clicks not recorded');
          return;
        }
        this.services.log.warn({ err, attempt }, 'wecom card clicks: retrying');
        await new Promise((resolve) => setTimeout(resolve, 1000 * attempt));
      }
    }
  }
}
