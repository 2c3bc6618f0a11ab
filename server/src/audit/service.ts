import type { AuditEntry } from '@yingji/shared';
import type { Types } from 'mongoose';
import type { AppServices } from '../core/context';
import { AuditModel } from './audit.model';

export interface Actor {
  _id?: Types.ObjectId;
  name: string;
  role: string;
}

/** Record one change; `before`/`after` are plain JSON (secrets already masked by the caller). */
export async function audit(
  services: Pick<AppServices, 'clock'>,
  town: Types.ObjectId,
  actor: Actor,
  action: string,
  change: { target?: string; before?: unknown; after?: unknown },
): Promise<void> {
  await AuditModel.create({
    town,
    at: services.clock.now(),
    actor: { id: actor._id, name: actor.name, role: actor.role },
    action,
    target: change.target,
    before: change.before ?? null,
    after: change.after ?? null,
  });
}

export async function auditLog(town: Types.ObjectId, limit = 200): Promise<AuditEntry[]> {
  const rows = await AuditModel.find({ town }).sort({ at: -1 }).limit(limit).lean();
  return rows.map((r) => ({
    id: String(r._id),
    at: r.at.toISOString(),
    actor: { id: r.actor?.id ? String(r.actor.id) : '', name: r.actor?.name ?? '', role: r.actor?.role ?? '' },
    action: r.action,
    target: r.target ?? undefined,
    before: r.before ?? null,
    after: r.after ?? null,
  }));
}
