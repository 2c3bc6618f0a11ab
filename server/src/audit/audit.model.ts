import { Schema, model, type InferSchemaType } from 'mongoose';

/**
 * One change an administrator made to a town (settings, places, people): who, when, what it was
 * before and after. Written once, never edited; the town's admin reads it in the console.
 */
const auditSchema = new Schema({
  town: { type: Schema.Types.ObjectId, ref: 'Town', required: true },
  at: { type: Date, required: true },
  actor: {
    id: { type: Schema.Types.ObjectId, ref: 'User' },
    name: { type: String, required: true },
    role: { type: String, required: true },
  },
  /** e.g. `town.config`, `grid.create`, `grid.boundary`, `user.deactivate`. */
  action: { type: String, required: true },
  target: { type: String },
  before: { type: Schema.Types.Mixed },
  after: { type: Schema.Types.Mixed },
});
auditSchema.index({ town: 1, at: -1 });

export type AuditRecord = InferSchemaType<typeof auditSchema>;
export const AuditModel = model('AuditRecord', auditSchema);
