import { Schema, model, type InferSchemaType } from 'mongoose';

/**
 * Tips a reporter has sent in one clock hour (UTC): one document per (reporter, hour), claimed
 * with `$inc` under `count < limit` before a tip is stored, so concurrent submissions cannot
 * overshoot the town's tipsPerHour. Old hours are never matched again and are deleted as the
 * reporter's next hour starts.
 */
const tipQuotaSchema = new Schema(
  {
    reporter: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    /** Start of the hour this counts. */
    window: { type: Date, required: true },
    count: { type: Number, required: true },
  },
  { versionKey: false },
);
tipQuotaSchema.index({ reporter: 1, window: 1 }, { unique: true });

export type TipQuota = InferSchemaType<typeof tipQuotaSchema>;
export const TipQuotaModel = model('TipQuota', tipQuotaSchema, 'tip_quotas');
