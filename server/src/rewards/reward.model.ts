import { Schema, model, type InferSchemaType, type HydratedDocument } from 'mongoose';
import { REWARD_STATUSES } from '@yingji/shared';

const decisionSchema = new Schema(
  {
    at: { type: Date, required: true },
    by: { type: Schema.Types.ObjectId, ref: 'User' },
    byName: { type: String },
    decision: { type: String, required: true }, // propose, approve, change, refuse, pay
    amount: { type: Number },
    reason: { type: String },
    reference: { type: String },
  },
  { _id: false },
);

/**
 * The reward for a verified tip. One per hazard (unique index): the first valid reporter of a
 * matter is rewarded, later duplicates are not. Every decision records who and when.
 */
const rewardSchema = new Schema(
  {
    town: { type: Schema.Types.ObjectId, ref: 'Town', required: true },
    hazard: { type: Schema.Types.ObjectId, ref: 'Hazard', required: true },
    tip: { type: Schema.Types.ObjectId, ref: 'Tip', required: true },
    reporter: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    confidential: { type: Boolean, default: false },
    proposedAmount: { type: Number, required: true },
    amount: { type: Number, required: true },
    rule: { type: String, required: true },
    status: { type: String, enum: REWARD_STATUSES, default: 'proposed' },
    decisions: { type: [decisionSchema], default: [] },
    paidAt: { type: Date },
    reference: { type: String },
  },
  { timestamps: true },
);
rewardSchema.index({ hazard: 1 }, { unique: true });
rewardSchema.index({ town: 1, status: 1, createdAt: -1 });
rewardSchema.index({ reporter: 1 });
rewardSchema.index({ tip: 1 });

export type Reward = InferSchemaType<typeof rewardSchema>;
export type RewardDoc = HydratedDocument<Reward>;
export const RewardModel = model('Reward', rewardSchema);

/** Every view of a confidential reporter's identity (PIPL; 《安全生产领域举报奖励办法》). */
const reporterAccessSchema = new Schema({
  town: { type: Schema.Types.ObjectId, ref: 'Town', required: true },
  viewer: { type: Schema.Types.ObjectId, ref: 'User', required: true },
  viewerName: { type: String, required: true },
  viewerRole: { type: String, required: true },
  tip: { type: Schema.Types.ObjectId, ref: 'Tip', required: true },
  tipCode: { type: String, required: true },
  reporter: { type: Schema.Types.ObjectId, ref: 'User', required: true },
  purpose: { type: String, required: true },
  at: { type: Date, required: true },
});
reporterAccessSchema.index({ town: 1, at: -1 });
export const ReporterAccessModel = model('ReporterAccess', reporterAccessSchema, 'reporter_access_log');
