import { Schema, model, type InferSchemaType, type HydratedDocument, type Types } from 'mongoose';

/**
 * The durable outbox. Every outbound message (warning, reminder, escalation, a reply that can wait)
 * is a Delivery first; channel workers claim deliveries atomically with a lease, send, and record
 * the result. The idempotency key (one per recipient per message and step) is unique, so enqueuing
 * the same step twice, after a crash or a retry, stores it once and sends it once.
 */
export const DELIVERY_CHANNELS = [
  'wecom_app',
  'wecom_robot',
  'wechaty',
  'wechat_subscribe',
  'phone_list',
  'webhook', // signed event POSTs (webhooks/)
  'broadcast', // village loudspeakers (broadcast/)
  'sms', // SMS and voice notifications (sms/)
] as const;
export type DeliveryChannel = (typeof DELIVERY_CHANNELS)[number];

export const DELIVERY_STATES = ['pending', 'sending', 'sent', 'failed', 'parked'] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

/** Why a delivery waits for the office (state `parked`). */
export const PARKED_REASONS = [
  'max_attempts', // kept failing
  'outcome_unknown', // a send whose result is unknown on a channel that cannot drop a duplicate
  'invalid_recipient', // the channel does not know the recipient (WeCom invaliduser, 81013)
  'rejected', // the channel refused the request for good (bad parameters, no subscription)
  'not_configured', // the channel is not configured on this server
] as const;
export type ParkedReason = (typeof PARKED_REASONS)[number];

export const CONTENT_KINDS = ['text', 'markdown', 'template_card', 'card_update', 'subscribe'] as const;

const deliverySchema = new Schema(
  {
    town: { type: Schema.Types.ObjectId, ref: 'Town', required: true },
    channel: { type: String, enum: DELIVERY_CHANNELS, required: true },
    /** Who receives it: a user (direct message) or a chat group; `address` is the channel's id. */
    recipient: {
      user: { type: Schema.Types.ObjectId, ref: 'User' },
      group: { type: Schema.Types.ObjectId, ref: 'ChatGroup' },
      /**
       * A batch of WeCom users (one message/send call, at most 1000) has their user ids joined by
       * `|`, the form of WeCom's `touser`; `users` then lists their user documents.
       */
      address: { type: String, required: true },
      users: { type: [{ type: Schema.Types.ObjectId, ref: 'User' }], default: undefined },
    },
    content: {
      /**
       * `card_update`: card = { responseCode, replaceName } for update_template_card;
       * `subscribe`: card = { template_id, page?, data } for a mini-program subscription message.
       */
      kind: { type: String, enum: CONTENT_KINDS, default: 'text' },
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
    /** Set by a batch claim: tells the claiming worker which of the batch it won. */
    claimToken: { type: String },
    leaseUntil: { type: Date },
    /** When the current send attempt started: the per-member and per-robot limits count these. */
    claimedAt: { type: Date },
    /** First time a send ended with an unknown outcome (time-out, crash); resends stop after WeCom's 4 h check. */
    uncertainSince: { type: Date },
    /** Batch members moved to a later delivery by a rate limit at claim time (see worker.ts). */
    deferred: { type: [String], default: undefined },
    lastError: { type: String },
    parkedReason: { type: String, enum: PARKED_REASONS },
    sentAt: { type: Date },
    /** What the channel answered (e.g. WeCom msgid, invalid users). */
    result: { type: Schema.Types.Mixed },
  },
  { timestamps: true },
);
deliverySchema.index({ idempotencyKey: 1 }, { unique: true });
deliverySchema.index({ channel: 1, state: 1, nextAttemptAt: 1 });
deliverySchema.index({ channel: 1, state: 1, leaseUntil: 1 });
deliverySchema.index({ channel: 1, claimedAt: 1 });
deliverySchema.index({ town: 1, state: 1 });
deliverySchema.index({ 'source.kind': 1, 'source.id': 1 });

export type Delivery = InferSchemaType<typeof deliverySchema>;
export type DeliveryDoc = HydratedDocument<Delivery>;
export const DeliveryModel = model('Delivery', deliverySchema);

/** A delivery as read with `.lean<DeliveryLean>()` (Mongoose's inferred type makes every subpath optional). */
export interface DeliveryLean {
  _id: Types.ObjectId;
  town: Types.ObjectId;
  channel: DeliveryChannel;
  recipient: { user?: Types.ObjectId; group?: Types.ObjectId; address: string; users?: Types.ObjectId[] };
  content: {
    kind?: (typeof CONTENT_KINDS)[number];
    text?: string;
    markdown?: string;
    card?: unknown;
    mentions?: string[];
    mentionMobiles?: string[];
  };
  source: { kind: string; id?: string; step?: string };
  exercise?: boolean;
  idempotencyKey: string;
  state: DeliveryState;
  attempts: number;
  nextAttemptAt: Date;
  leaseOwner?: string;
  claimToken?: string;
  leaseUntil?: Date;
  claimedAt?: Date;
  uncertainSince?: Date;
  deferred?: string[];
  lastError?: string;
  parkedReason?: ParkedReason;
  sentAt?: Date;
  result?: Record<string, unknown>;
  createdAt?: Date;
  updatedAt?: Date;
}
