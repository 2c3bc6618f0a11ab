import { LRUCache } from 'lru-cache';
import type { Types } from 'mongoose';
import type { Role } from '@yingji/shared';
import { usersGeneration, userWrites } from '../people/user.model';
import type { Caller } from './context';

/**
 * Who the callers are, kept between requests. During a 临灾叫应 thousands of people answer within
 * minutes and reading the caller was one of an acknowledgement's three round trips.
 *
 * Never stale for long: a write to users in this process empties the cache at once; a write in
 * another process (a second server, `npm run admin`) bumps a shared counter that is read at most
 * once a second; and no entry lives longer than ENTRY_TTL_MS in any case.
 */
const ENTRY_TTL_MS = 10 * 60_000;
const SHARED_CHECK_MS = 1000;
const callers = new LRUCache<string, Caller>({ max: 50_000, ttl: ENTRY_TTL_MS });

let seenLocal = userWrites.local;
let seenShared: number | undefined;
let checkedAt = 0;
let checking: Promise<void> | undefined;

function dropIfChanged(shared?: number): void {
  if (seenLocal !== userWrites.local || (shared !== undefined && shared !== seenShared)) callers.clear();
  seenLocal = userWrites.local;
  if (shared !== undefined) seenShared = shared;
}

/** Bring the cache up to date with every process's writes (one read a second, shared by all callers). */
async function sync(): Promise<void> {
  dropIfChanged();
  if (Date.now() - checkedAt < SHARED_CHECK_MS) return;
  checking ??= usersGeneration()
    .then((n) => {
      checkedAt = Date.now();
      dropIfChanged(n);
    })
    .finally(() => (checking = undefined));
  await checking;
}

/** A mark to take before reading users whose result will be remembered. */
export function cacheMark(): number {
  return userWrites.local;
}

export async function cachedCaller(userId: string): Promise<Caller | undefined> {
  await sync();
  const hit = callers.get(userId);
  // A copy: the county's X-Town rules (county/access.ts) change the caller of their request.
  return hit && { ...hit, gridIds: [...hit.gridIds] };
}

export interface CallerFields {
  _id: Types.ObjectId;
  town: Types.ObjectId;
  role: string;
  name: string;
  village?: Types.ObjectId | null;
  grids?: Types.ObjectId[] | null;
}

export function toCaller(u: CallerFields): Caller {
  return {
    id: String(u._id),
    _id: u._id,
    role: u.role as Role,
    name: u.name,
    town: u.town,
    townId: String(u.town),
    villageId: u.village ? String(u.village) : undefined,
    gridIds: (u.grids ?? []).map(String),
  };
}

/**
 * Remember active users read at `mark` (cacheMark()): the caller read itself, or a call-out's
 * recipients, who are about to answer. Nothing is kept if users were written meanwhile.
 */
export function rememberCallers(mark: number, users: CallerFields[]): void {
  if (mark !== userWrites.local) return;
  for (const u of users) callers.set(String(u._id), toCaller(u));
}
