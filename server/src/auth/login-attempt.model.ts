import { Schema, model, type InferSchemaType } from 'mongoose';

/**
 * Failed logins, one document per (username, address): `username: ''` is the address's own
 * record, counting failures for every name tried from it. Counters move with `$inc`, so every
 * server instance shares them and they survive a restart. Old records are not matched again
 * (queries compare `lastFailureAt` / `lockedUntil` with now) and are deleted after a week.
 */
const loginAttemptSchema = new Schema(
  {
    username: { type: String, default: '' },
    ip: { type: String, required: true },
    /** The account's town when the username exists (the office sees its own town's lock-outs). */
    town: { type: Schema.Types.ObjectId, ref: 'Town' },
    failures: { type: Number, required: true },
    lastFailureAt: { type: Date, required: true },
    /** While in the future, logins for this (username, address), or from this address, wait. */
    lockedUntil: { type: Date },
    /** When the latest lock began. */
    lockedAt: { type: Date },
  },
  { versionKey: false },
);
loginAttemptSchema.index({ username: 1, ip: 1 }, { unique: true });
loginAttemptSchema.index({ ip: 1, lockedUntil: -1 });
loginAttemptSchema.index({ lockedAt: -1 });
loginAttemptSchema.index({ lastFailureAt: 1 });

export type LoginAttempt = InferSchemaType<typeof loginAttemptSchema>;
export const LoginAttemptModel = model('LoginAttempt', loginAttemptSchema, 'login_attempts');
