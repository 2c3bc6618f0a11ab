/** What a pass of the outbox worker sends with: its slots for calls in flight, and the writer of its results. */
import { DeliveryModel } from './delivery.model';

/** A tiny promise pool: at most `size` tasks in flight, and the work they left behind (`after`). */
export class Pool {
  private running = new Set<Promise<void>>();
  private behind = new Set<Promise<void>>();
  constructor(private readonly size: number) {}
  /** Work that does not hold a slot (recording a result), waited for by drain(). */
  after(work: Promise<void>): void {
    const p: Promise<void> = work.catch(() => undefined).finally(() => this.behind.delete(p));
    this.behind.add(p);
  }
  async run(task: () => Promise<void>): Promise<void> {
    while (this.running.size >= this.size) await Promise.race(this.running);
    const p: Promise<void> = task()
      .catch(() => undefined)
      .finally(() => this.running.delete(p));
    this.running.add(p);
  }
  async drain(): Promise<void> {
    await Promise.allSettled([...this.running]);
    await Promise.allSettled([...this.behind]);
  }
}

type SentWrite = Parameters<typeof DeliveryModel.bulkWrite>[0][number];

/**
 * Sent results, written in as few round trips as the database's pace allows: while one write is
 * in flight, the results that come in meanwhile wait and go together in the next (unordered)
 * write. Under a fan-out of hundreds of sends the database writes one update command per round
 * instead of one per send; a single send is written at once. Each caller resolves when its own
 * result is stored (or rejects with the write's error: its lease then runs out as for a crash).
 */
export class SentResults {
  private queue: { op: SentWrite; done: (e?: unknown) => void }[] = [];
  private writing = false;
  constructor(private readonly report: { sent: number }) {}

  add(op: SentWrite): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ op, done: (e) => (e ? reject(e) : resolve()) });
      if (!this.writing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.writing = true;
    while (this.queue.length) {
      const batch = this.queue.splice(0, 500);
      try {
        const res = await DeliveryModel.bulkWrite(
          batch.map((b) => b.op),
          { ordered: false },
        );
        this.report.sent += res.modifiedCount;
        for (const b of batch) b.done();
      } catch (e) {
        // Unordered: the others of the batch are stored; only the count is told by the error.
        this.report.sent += (e as { result?: { modifiedCount?: number } }).result?.modifiedCount ?? 0;
        for (const b of batch) b.done(e);
      }
    }
    this.writing = false;
  }
}
