import type Koa from 'koa';
import type { Api } from './api';
import type { AppServices } from './context';

/** A background job (outbox worker, escalation, deadlines) run every `everyMs` by the scheduler. */
export interface Job {
  name: string;
  everyMs: number;
  run(services: AppServices): Promise<unknown>;
  /** Run also whenever this fires (e.g. something was enqueued for the job); returns the unsubscribe. */
  wakeOn?(wake: () => void): () => void;
}

/**
 * A capability plugs into the app through this: its routes on the shared Api (so they are
 * validated and documented alike), optional raw Koa middleware (e.g. the WeCom callback, which
 * is not JSON), and its background jobs.
 */
export interface Module {
  name: string;
  routes?(api: Api): void;
  middleware?(services: AppServices): Koa.Middleware;
  jobs?: Job[];
  /** Finish what it still holds in memory (e.g. answers not yet counted), before the database closes. */
  drain?(): Promise<void>;
}
