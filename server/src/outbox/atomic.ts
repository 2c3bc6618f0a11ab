import mongoose from 'mongoose';

/**
 * FerretDB 1.24 (SQLite) carries out findAndModify and update as a query followed by a write,
 * not in one transaction (internal/handler/msg_findandmodify.go): two concurrent conditional
 * updates of one document can both "win", and concurrent $inc lose increments (measured here:
 * ten parallel $inc of one field added 1). MongoDB does each single-document update atomically.
 *
 * So on FerretDB, every write whose outcome depends on the document's current state (claims,
 * conditional transitions, counters) runs through `atomic()`, which runs them one at a time in
 * this process. That makes the embedded, single-instance set-up correct; running several server
 * instances needs MongoDB (MONGODB_URI), where `atomic()` adds nothing.
 *
 * Keep each `atomic()` to one database operation: a nested call would wait for itself.
 */
let tail: Promise<unknown> = Promise.resolve();
const detected = new WeakMap<object, Promise<boolean>>();

export function onFerretDb(): Promise<boolean> {
  const db = mongoose.connection.db;
  if (!db) return Promise.resolve(false);
  let p = detected.get(db);
  if (!p) {
    p = db
      .admin()
      .command({ buildInfo: 1 })
      .then((info) => typeof info.ferretdbVersion === 'string')
      .catch(() => false);
    detected.set(db, p);
  }
  return p;
}

export async function atomic<T>(op: () => Promise<T>): Promise<T> {
  if (!(await onFerretDb())) return op();
  const run = tail.then(op, op);
  tail = run.catch(() => undefined);
  return run;
}
