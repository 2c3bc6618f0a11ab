import { Schema, model, type Types } from 'mongoose';
import { EVENT_NAMES, type EventEnvelope, type EventName } from '@yingji/shared';

/**
 * The domain event feed: one document per event, published once by the service that changed
 * something, right after its single-document write. The id is chosen by the publisher from what
 * changed (e.g. `hazard.closed:<hazard>:<history entry>`), so publishing again after a crash or
 * a retry stores nothing new.
 */
const eventSchema = new Schema(
  {
    _id: { type: String, required: true },
    event: { type: String, enum: EVENT_NAMES, required: true },
    town: { type: Schema.Types.ObjectId, ref: 'Town', required: true },
    occurredAt: { type: Date, required: true },
    /** What the event is about (e.g. { kind: 'hazard', id }). */
    subject: { kind: { type: String, required: true }, id: { type: String, required: true } },
    /** The outside view of the change: no confidential reporter, no unmasked phone. */
    data: { type: Schema.Types.Mixed, default: {} },
    /** Some subscriber has not processed it yet; looked at again from `nextCheckAt`. */
    open: { type: Boolean, default: true },
    nextCheckAt: { type: Date, required: true },
  },
  { timestamps: true, minimize: false },
);
eventSchema.index({ open: 1, nextCheckAt: 1 });
eventSchema.index({ town: 1, createdAt: 1, _id: 1 });
eventSchema.index({ 'subject.kind': 1, 'subject.id': 1 });
export const EventModel = model('DomainEvent', eventSchema, 'events');

/**
 * One subscriber's processing of one event (unique by `<subscriber>:<event id>`): claimed with a
 * lease by a conditional update, so each subscriber runs each event once even with several
 * server instances; a crash mid-way leaves a lease that runs out and is taken over.
 */
const receiptSchema = new Schema(
  {
    _id: { type: String, required: true },
    subscriber: { type: String, required: true },
    eventId: { type: String, required: true },
    state: { type: String, enum: ['processing', 'failed', 'done', 'parked'], required: true },
    attempts: { type: Number, default: 0 },
    /** While processing: the lease; after a failure: when it may be tried again. */
    leaseUntil: { type: Date },
    lastError: { type: String },
    doneAt: { type: Date },
  },
  { timestamps: true },
);
receiptSchema.index({ eventId: 1 });
receiptSchema.index({ state: 1, leaseUntil: 1 });
export const EventReceiptModel = model('EventReceipt', receiptSchema, 'event_receipts');

export interface DomainEvent {
  _id: string;
  event: EventName;
  town: Types.ObjectId;
  occurredAt: Date;
  subject: { kind: string; id: string };
  data: Record<string, unknown>;
}

/** An event as an outside system sees it (the webhook body, the feed's items). */
export function envelopeOf(e: DomainEvent): EventEnvelope {
  return {
    id: e._id,
    event: e.event,
    town: String(e.town),
    occurredAt: new Date(e.occurredAt).toISOString(),
    data: e.data,
  };
}
