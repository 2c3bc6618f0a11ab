import { Schema, model, type Types } from 'mongoose';
import { EVENT_NAMES, type EventName } from '@yingji/shared';

/** An outside receiver subscribed to some of the town's events; deliveries are signed with its secret. */
const webhookSchema = new Schema(
  {
    town: { type: Schema.Types.ObjectId, ref: 'Town', required: true },
    url: { type: String, required: true },
    events: { type: [{ type: String, enum: EVENT_NAMES }], required: true },
    /** HMAC key: kept as is, since every delivery is signed with it. */
    secret: { type: String, required: true },
    active: { type: Boolean, default: true },
    createdBy: { type: Schema.Types.ObjectId, ref: 'User' },
  },
  { timestamps: true },
);
webhookSchema.index({ town: 1, active: 1 });
export const WebhookModel = model('Webhook', webhookSchema, 'webhooks');

export interface WebhookLean {
  _id: Types.ObjectId;
  town: Types.ObjectId;
  url: string;
  events: EventName[];
  secret: string;
  active: boolean;
  createdAt: Date;
}
