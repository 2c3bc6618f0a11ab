import crypto from 'node:crypto';
import type Koa from 'koa';
import { Schema, model, type Types } from 'mongoose';
import { AppError } from '@yingji/shared';
import { isDuplicateKey, isWriteConflict } from '../db/duplicate';
import type { AppServices, AppState } from './context';
import type { Module } from './module';

/**
 * `Idempotency-Key` on create routes: a client that lost an answer repeats the request with the
 * same key and gets the first result (same status and body) instead of a second warning, transfer
 * or hazard. The record is inserted as `pending` before the handler runs; its unique index on
 * (town, caller, route, key) decides a race, so concurrent repeats run the handler once.
 */

/** How long a key is remembered: a repeat within this window answers the first result. */
export const IDEMPOTENCY_RETENTION_MS = 24 * 3600 * 1000;
/** A pending record older than this is taken to be left by a crashed request and may be taken over. */
export const IDEMPOTENCY_STALE_MS = 60_000;
/** How long a repeat waits for the first request to finish before answering IDEMPOTENCY_IN_PROGRESS. */
export const IDEMPOTENCY_WAIT_MS = 5_000;

/** Printable ASCII without spaces, as a UUID or any client-made token is. */
export const IDEMPOTENCY_KEY_PATTERN = /^[!-~]{1,255}$/;

const idempotencySchema = new Schema({
  town: { type: Schema.Types.ObjectId, ref: 'Town', required: true },
  caller: { type: Schema.Types.ObjectId, ref: 'User', required: true },
  /** Method and path, e.g. `POST /api/callouts`. */
  route: { type: String, required: true },
  key: { type: String, required: true },
  /** SHA-256 of the canonical request (body and query): a key reused for another request is refused. */
  fingerprint: { type: String, required: true },
  state: { type: String, enum: ['pending', 'done'], required: true },
  status: { type: Number },
  /** The answered body as JSON text (kept as text so any field name survives the engine). */
  response: { type: String },
  createdAt: { type: Date, required: true },
  lockedAt: { type: Date, required: true },
});
// Led by the key (a fresh value per action): a unique index led by `town` would get slower with
// every record of the town on this engine (see callouts/callout.model.ts).
idempotencySchema.index({ key: 1, caller: 1, route: 1, town: 1 }, { unique: true });
idempotencySchema.index({ createdAt: 1 });
export const IdempotencyModel = model('IdempotencyKey', idempotencySchema, 'idempotency_keys');

interface KeyId {
  town: Types.ObjectId;
  caller: Types.ObjectId;
  route: string;
  key: string;
}

type Claim = { kind: 'owner'; id: Types.ObjectId } | { kind: 'replay'; status: number; body: unknown };

/** JSON with object keys sorted, so `{a,b}` and `{b,a}` are the same request. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const entries = Object.keys(v as object)
      .sort()
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(v ?? null);
}

export function fingerprintOf(body: unknown, query: string): string {
  return crypto
    .createHash('sha256')
    .update(canonicalJson({ body: body ?? null, query }))
    .digest('hex');
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function claimKey(services: AppServices, id: KeyId, fingerprint: string): Promise<Claim> {
  const waitUntil = Date.now() + IDEMPOTENCY_WAIT_MS;
  for (;;) {
    const now = services.clock.now();
    try {
      const doc = await IdempotencyModel.create({
        ...id,
        fingerprint,
        state: 'pending',
        createdAt: now,
        lockedAt: now,
      });
      return { kind: 'owner', id: doc._id };
    } catch (e) {
      if (isWriteConflict(e)) {
        // Another request with this key was being stored at the same moment, and PostgreSQL ended
        // this insert in a deadlock: wait a random moment (so the two do not meet again), then retry.
        if (Date.now() >= waitUntil) throw new AppError('IDEMPOTENCY_IN_PROGRESS', { retryAfter: 1 });
        await sleep(10 + Math.random() * 50);
        continue;
      }
      if (!isDuplicateKey(e)) throw e;
    }
    const rec = await IdempotencyModel.findOne(id).lean();
    if (!rec) {
      // Released by a failed first attempt: try to claim it again.
      if (Date.now() >= waitUntil) throw new AppError('IDEMPOTENCY_IN_PROGRESS', { retryAfter: 1 });
      continue;
    }
    const expired = rec.createdAt.getTime() < now.getTime() - IDEMPOTENCY_RETENTION_MS;
    const stale = rec.state === 'pending' && rec.lockedAt.getTime() < now.getTime() - IDEMPOTENCY_STALE_MS;
    if (expired || (stale && rec.fingerprint === fingerprint)) {
      // Take the record over, conditional on what was read, so two takers cannot both win.
      const taken = await IdempotencyModel.findOneAndUpdate(
        { _id: rec._id, lockedAt: rec.lockedAt, state: rec.state },
        {
          $set: { fingerprint, state: 'pending', createdAt: expired ? now : rec.createdAt, lockedAt: now },
          $unset: { status: '', response: '' },
        },
        { returnDocument: 'after' },
      ).lean();
      if (taken) return { kind: 'owner', id: taken._id };
      continue;
    }
    if (rec.fingerprint !== fingerprint) throw new AppError('IDEMPOTENCY_KEY_REUSED');
    if (rec.state === 'done') {
      return { kind: 'replay', status: rec.status ?? 200, body: rec.response ? JSON.parse(rec.response) : undefined };
    }
    if (Date.now() >= waitUntil) throw new AppError('IDEMPOTENCY_IN_PROGRESS', { retryAfter: 1 });
    await sleep(100);
  }
}

/**
 * The route middleware (`api.route({ idempotent: true })`), placed after login and before
 * validation. Without the header the route runs as usual. A success is stored and answered to every
 * repeat; a failure releases the key, so the same action can be tried again with it.
 */
export function idempotencyMiddleware(services: AppServices): Koa.Middleware<AppState> {
  return async (ctx, next) => {
    const key = ctx.get('idempotency-key');
    if (!key) return next();
    if (!IDEMPOTENCY_KEY_PATTERN.test(key)) throw new AppError('IDEMPOTENCY_KEY_INVALID');
    const caller = ctx.state.caller;
    if (!caller) return next();
    const id: KeyId = { town: caller.town, caller: caller._id, route: `${ctx.method} ${ctx.path}`, key };
    const fingerprint = fingerprintOf((ctx.request as { body?: unknown }).body, ctx.querystring);
    const claim = await claimKey(services, id, fingerprint);
    if (claim.kind === 'replay') {
      ctx.status = claim.status;
      ctx.body = claim.body;
      ctx.set('Idempotent-Replayed', 'true');
      return;
    }
    try {
      await next();
    } catch (e) {
      await release(claim.id, ctx);
      throw e;
    }
    if (ctx.status >= 200 && ctx.status < 300) {
      await IdempotencyModel.updateOne(
        { _id: claim.id },
        { $set: { state: 'done', status: ctx.status, response: JSON.stringify(ctx.body ?? null) } },
      ).catch((e: unknown) => ctx.state.log.warn({ err: e }, 'idempotency record not completed'));
    } else {
      await release(claim.id, ctx);
    }
  };
}

async function release(id: Types.ObjectId, ctx: Koa.ParameterizedContext<AppState>) {
  await IdempotencyModel.deleteOne({ _id: id, state: 'pending' }).catch((e: unknown) =>
    ctx.state.log.warn({ err: e }, 'idempotency record not released'),
  );
}

/** Forget keys past the retention window (no TTL index on every engine: a job deletes them). */
export const idempotencyModule: Module = {
  name: 'idempotency',
  jobs: [
    {
      name: 'idempotency:cleanup',
      everyMs: 3600_000,
      run: (services) =>
        IdempotencyModel.deleteMany({
          createdAt: {
            $lt: new Date(services.clock.now().getTime() - IDEMPOTENCY_RETENTION_MS - IDEMPOTENCY_STALE_MS),
          },
        }),
    },
  ],
};
