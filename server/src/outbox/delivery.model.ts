import { Schema, model, type InferSchemaType, type HydratedDocument } from 'mongoose';

/**
 * The durable outbox. Every outbound message (warning, reminder, escalation, a reply that can wait)
 * is a Delivery first; channel workers claim deliveries atomically with a lease, send, and record
 * the result. The idempotency key (one per recipient per message and step) is unique, so enqueuing
 * the same step twice, after a crash or a retry, stores it once and sends it once.
 */
export const DELIVERY_CHANNELS = ['wecom_app', 'wecom_robot', 'wechaty', 'wechat_subscribe', 'phone_list'] as const;
export type DeliveryChannel = (typeof DELIVERY_CHANNELS)[number];

export const DELIVERY_STATES = ['pending', 'sending', 'sent', 'failed', 'parked'] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

const deliverySchema = new Schema(
  {
    town: { type: Schema.Types.ObjectId, ref: 'Town', required: true },
    channel: { type: String, enum: DELIVERY_CHANNELS, required: true },
    /** Who receives it: a user (direct message) or a chat group; `address` is the channel's id. */
    recipient: {
      user: { type: Schema.Types.ObjectId, ref: 'User' },
      group: { type: Schema.Types.ObjectId, ref: 'ChatGroup' },
      address: { type: String, required: true },
    },
    content: {
      kind: { type: String, enum: ['text', 'markdown', 'template_card'], default: 'text' },
      text: { type: String },
      markdown: { type: String },
      card: { type: Schema.Types.Mixed },
      /** Users to @mention in a group (channel ids: WeCom user ids, Wechaty contact ids). */
      mentions: { type: [String], default: [] },
      mentionMobiles: { type: [String], default: [] },
    },
    /** What caused it, for reports and for the office's view of parked deliveries. */
    source: {
      kind: { type: String, required: true }, // e.g. callout, hazard, drill, incident, chat_reply
      id: { type: String },
      step: { type: String },
    },
    exercise: { type: Boolean, default: false },
    idempotencyKey: { type: String, required: true },
    state: { type: String, enum: DELIVERY_STATES, default: 'pending' },
    attempts: { type: Number, default: 0 },
    nextAttemptAt: { type: Date, required: true },
    leaseOwner: { type: String },
    leaseUntil: { type: Date },
    lastError: { type: String },
    sentAt: { type: Date },
    /** What the channel answered (e.g. WeCom msgid, invalid users). */
    result: { type: Schema.Types.Mixed },
  },
  { timestamps: true },
);
deliverySchema.index({ idempotencyKey: 1 }, { unique: true });
deliverySchema.index({ channel: 1, state: 1, nextAttemptAt: 1 });
deliverySchema.index({ town: 1, state: 1 });
deliverySchema.index({ 'source.kind': 1, 'source.id': 1 });

export type Delivery = InferSchemaType<typeof deliverySchema>;
export type DeliveryDoc = HydratedDocument<Delivery>;
export const DeliveryModel = model('Delivery', deliverySchema);
