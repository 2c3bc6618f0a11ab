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
  /** How often each early click was tried. */
  private early = new WeakMap<CardClick, number>();
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

  /**
   * Clicks that came before their recipient was written (the call-out still `preparing`, its
   * first step sent while recipients are written): tried again shortly, for up to 10 seconds.
   */
  private later(clicks: CardClick[]): void {
    const again = clicks.filter((c) => {
      const tries = (this.early.get(c) ?? 0) + 1;
      this.early.set(c, tries);
      if (tries > 50) this.services.log.warn({ callout: c.calloutId }, 'card click before its recipient: given up');
      return tries <= 50;
    });
    if (again.length) setTimeout(() => again.forEach((c) => void this.add(c)), 200).unref();
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
        const { early } = await acknowledgeCardClicks(this.services, clicks);
        this.later(early);
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
