import mongoose from 'mongoose';
import type { EmbeddedEngine } from './embedded';

/**
 * What /healthz reports: the database as this process reaches it (a real read with a deadline),
 * and, when this process runs the embedded engine, which of its two processes is down.
 */
let engine: EmbeddedEngine | undefined;

export function watchEngine(e: EmbeddedEngine | undefined) {
  engine = e;
}

export interface Health {
  ok: boolean;
  body: { status: 'ok' | 'degraded'; db: 'up' | 'down'; engine?: { postgres: 'up' | 'down'; ferretdb: 'up' | 'down' } };
}

export async function checkHealth(timeoutMs = 1500): Promise<Health> {
  const up = await readsWithin(timeoutMs);
  const body: Health['body'] = { status: up ? 'ok' : 'degraded', db: up ? 'up' : 'down' };
  if (engine) {
    body.engine = {
      postgres: alive(engine.pg.pid()) ? 'up' : 'down',
      ferretdb: alive(engine.ferret.pid()) ? 'up' : 'down',
    };
  }
  return { ok: up, body };
}

/** A small real read (not only ping: FerretDB answers ping while PostgreSQL is away). */
async function readsWithin(timeoutMs: number): Promise<boolean> {
  const db = mongoose.connection.db;
  if (!db || mongoose.connection.readyState !== 1) return false;
  const timeout = new Promise<boolean>((r) => setTimeout(() => r(false), timeoutMs).unref());
  const read = db
    .collection('towns')
    .findOne({}, { projection: { _id: 1 }, maxTimeMS: timeoutMs })
    .then(() => true)
    .catch(() => false);
  return Promise.race([read, timeout]);
}

/** False while the driver knows the server is unreachable: requests then answer 503 at once. */
export function databaseReachable(): boolean {
  return mongoose.connection.readyState === 1;
}

function alive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
