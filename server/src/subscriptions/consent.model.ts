import { Schema, model, type Types } from 'mongoose';

/**
 * A resident's one-time subscriptions to one template (一次性订阅): each `accept` in
 * requestSubscribeMessage allows exactly one message, so `remaining` counts them up with $inc and
 * every send spends one with a conditional decrement. `_id` is `<userId>:<templateId>`, unique per
 * (user, template) by construction, so a send addresses it by primary key.
 */
const consentSchema = new Schema(
  {
    _id: { type: String, required: true },
    town: { type: Schema.Types.ObjectId, ref: 'Town', required: true },
    user: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    /** The user's village when last asked: the office counts reach per village from it. */
    village: { type: Schema.Types.ObjectId, ref: 'Village', default: null },
    templateId: { type: String, required: true },
    kind: { type: String, required: true },
    remaining: { type: Number, default: 0 },
    accepted: { type: Number, default: 0 },
    lastResult: { type: String },
    lastAt: { type: Date },
  },
  { timestamps: true },
);
consentSchema.index({ town: 1, templateId: 1, village: 1, remaining: 1 });
consentSchema.index({ town: 1, kind: 1, remaining: 1 });
consentSchema.index({ user: 1 });

export const ConsentModel = model('SubscribeConsent', consentSchema);

export interface ConsentLean {
  _id: string;
  town: Types.ObjectId;
  user: Types.ObjectId;
  village?: Types.ObjectId | null;
  templateId: string;
  kind: string;
  remaining: number;
  accepted: number;
  lastResult?: string;
  lastAt?: Date;
}

export const consentId = (user: Types.ObjectId | string, templateId: string) => `${String(user)}:${templateId}`;
