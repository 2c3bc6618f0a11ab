import type { AppServices } from './context';
import type { Job } from './module';

/**
 * Runs background jobs on their interval, one run of a job at a time; stops cleanly. A job can
 * also be woken (the outbox, when something was enqueued): woken while it runs, it runs once more
 * right after, so nothing waits for the next interval.
 */
export class Scheduler {
  private timers: NodeJS.Timeout[] = [];
  private unsubscribes: (() => void)[] = [];
  private running = new Set<Promise<unknown>>();
  private stopped = false;

  constructor(private readonly services: AppServices) {}

  start(jobs: Job[]): void {
    for (const job of jobs) {
      let busy = false;
      let again = false;
      const tick = () => {
        if (this.stopped) return;
        if (busy) {
          again = true;
          return;
        }
        busy = true;
        again = false;
        const p = job
          .run(this.services)
          .catch((err) => this.services.log.error({ err, job: job.name }, 'job failed'))
          .finally(() => {
            busy = false;
            this.running.delete(p);
            if (again) setImmediate(tick);
          });
        this.running.add(p);
      };
      this.timers.push(setInterval(tick, job.everyMs));
      if (job.wakeOn) this.unsubscribes.push(job.wakeOn(tick));
      setImmediate(tick);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    for (const off of this.unsubscribes) off();
    await Promise.allSettled([...this.running]);
  }
}
