import type { AppServices } from './context';
import type { Job } from './module';

/** Runs background jobs on their interval, one run of a job at a time; stops cleanly. */
export class Scheduler {
  private timers: NodeJS.Timeout[] = [];
  private running = new Set<Promise<unknown>>();
  private stopped = false;

  constructor(private readonly services: AppServices) {}

  start(jobs: Job[]): void {
    for (const job of jobs) {
      let busy = false;
      const tick = () => {
        if (busy || this.stopped) return;
        busy = true;
        const p = job
          .run(this.services)
          .catch((err) => this.services.log.error({ err, job: job.name }, 'job failed'))
          .finally(() => {
            busy = false;
            this.running.delete(p);
          });
        this.running.add(p);
      };
      this.timers.push(setInterval(tick, job.everyMs));
      setImmediate(tick);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    await Promise.allSettled([...this.running]);
  }
}
