import { Schema, model, type Types } from 'mongoose';

/**
 * Warnings and call-outs (预警叫应). Built for ten thousand recipients on FerretDB, where every
 * document write is costly: the escalation ladder lives on the call-out (one `step` for all its
 * silent recipients, since they all share its clock), a recipient document is written only when
 * that person answers, and the office's summary comes from counters kept with $inc.
 */
export const LEVELS = ['red', 'orange', 'yellow', 'blue'] as const;
export type Level = (typeof LEVELS)[number];

const calloutSchema = new Schema(
  {
    town: { type: Schema.Types.ObjectId, ref: 'Town', required: true },
    title: { type: String, required: true, trim: true },
    level: { type: String, enum: LEVELS, required: true },
    body: { type: String, default: '' },
    event: { type: String, trim: true },
    area: {
      villages: { type: [{ type: Schema.Types.ObjectId, ref: 'Village' }], default: [] },
      grids: { type: [{ type: Schema.Types.ObjectId, ref: 'Grid' }], default: [] },
    },
    /** The office's request as given (area, named recipients): a creation cut short is finished from it. */
    request: { type: Schema.Types.Mixed },
    exercise: { type: Boolean, default: false },
    /** preparing: recipients being written; active: the ladder runs; closed: finished by the office. */
    status: { type: String, enum: ['preparing', 'active', 'closed'], default: 'preparing' },
    createdBy: { type: Schema.Types.ObjectId, ref: 'User' },
    issuedAt: { type: Date, required: true },
    expiresAt: { type: Date },
    ackMinutes: { type: Number, required: true },
    waitMinutes: { type: Number, required: true },
    /** The last ladder step carried out: -1 none yet, 0 notify, 1 remind … 5 phone list. */
    step: { type: Number, default: -1 },
    nextStepAt: { type: Date },
    /** How many WeCom batches direct messages are spread over (stable per call-out, see ladder.ts). */
    buckets: { type: Number, default: 1 },
    groups: { type: [{ type: Schema.Types.ObjectId, ref: 'ChatGroup' }], default: [] },
    summary: {
      total: { type: Number, default: 0 },
      acked: { type: Number, default: 0 },
    },
    oneToOne: {
      total: { type: Number, default: 0 },
      contacted: { type: Number, default: 0 },
      transferred: { type: Number, default: 0 },
    },
    stages: {
      atPost: { type: Number, default: 0 },
      transferDone: { type: Number, default: 0 },
      transferred: { type: Number, default: 0 },
    },
    /** Where an imported CAP alert came from (sender + identifier are unique). */
    cap: { sender: String, identifier: String, sent: String },
  },
  { timestamps: true },
);
calloutSchema.index({ town: 1, status: 1, nextStepAt: 1 });
calloutSchema.index({ status: 1, nextStepAt: 1 });
calloutSchema.index({ town: 1, issuedAt: -1 });
calloutSchema.index({ status: 1, issuedAt: 1 });

export const CalloutModel = model('Callout', calloutSchema);

/**
 * One recipient of a call-out. `_id` is `<calloutId>:<userId>`: unique per (call-out, user) by
 * construction, and an acknowledgement finds it by primary key.
 */
const recipientSchema = new Schema(
  {
    _id: { type: String, required: true },
    callout: { type: Schema.Types.ObjectId, ref: 'Callout', required: true },
    town: { type: Schema.Types.ObjectId, ref: 'Town', required: true },
    user: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    name: { type: String, required: true },
    role: { type: String },
    village: { type: Schema.Types.ObjectId, ref: 'Village' },
    grids: { type: [{ type: Schema.Types.ObjectId, ref: 'Grid' }], default: [] },
    superior: { type: Schema.Types.ObjectId, ref: 'User' },
    wecomUserId: { type: String },
    wechatyContactId: { type: String },
    /** The call-out's chat groups this person is in (by grid or village). */
    groups: { type: [{ type: Schema.Types.ObjectId, ref: 'ChatGroup' }], default: [] },
    /** No channel reaches this person: on the phone list from the start. */
    noChannel: { type: Boolean, default: false },
    acked: { type: Boolean, default: false },
    ackAt: { type: Date },
    ackChannel: { type: String },
    /** The ladder step the call-out was at when this person answered. */
    ackStep: { type: Number },
    /** One-to-one: vulnerable residents this person must confirm contact with. */
    contactsTotal: { type: Number, default: 0 },
    contactsPending: { type: Number, default: 0 },
    /** Still owes something (an answer or contacts); the ladder reads only these. */
    open: { type: Boolean, default: true },
    stages: {
      atPostAt: { type: Date },
      transferDoneAt: { type: Date },
      transferCount: { type: Number },
    },
  },
  { timestamps: true },
);
// The _id (`<callout>:<user>`) makes a recipient unique, finds one by primary key, and finds all
// of a call-out's recipients as one range of the primary key (recipientsOf). No secondary index:
// DocumentDB's indexes are slow to fill with thousands of equal keys. A compound unique index is
// enforced as an exclusion constraint whose check grows with the rows sharing its first key
// (10,000 recipients of one call-out took 17 s to insert instead of 0.3 s), and a plain
// { callout, open } index still made the insert four times slower (0.7 s → 2.9 s).
export const CalloutRecipientModel = model('CalloutRecipient', recipientSchema);

/** The filter for every recipient of the call-out: the `<callout>:` range of the primary key. */
export function recipientsOf(calloutId: unknown): { _id: { $gte: string; $lt: string } } {
  return { _id: { $gte: `${String(calloutId)}:`, $lt: `${String(calloutId)};` } };
}

/** The same for several call-outs. */
export function recipientsOfAny(calloutIds: unknown[]): Record<string, unknown> {
  if (calloutIds.length === 1) return recipientsOf(calloutIds[0]);
  return { $or: calloutIds.map((id) => recipientsOf(id)) };
}

export interface RecipientLean {
  _id: string;
  callout: Types.ObjectId;
  town: Types.ObjectId;
  user: Types.ObjectId;
  name: string;
  role?: string;
  village?: Types.ObjectId;
  grids: Types.ObjectId[];
  superior?: Types.ObjectId;
  wecomUserId?: string;
  wechatyContactId?: string;
  groups: Types.ObjectId[];
  noChannel: boolean;
  acked: boolean;
  ackAt?: Date;
  ackChannel?: string;
  ackStep?: number;
  contactsTotal: number;
  contactsPending: number;
  open: boolean;
  stages?: { atPostAt?: Date; transferDoneAt?: Date; transferCount?: number };
}

export const RESIDENT_KINDS = [
  'living_alone',
  'disabled',
  'bedridden',
  'elderly',
  'left_behind_child',
  'pregnant',
  'other',
] as const;

/**
 * A vulnerable resident (特殊群体) and the person responsible for them (包保责任人). Their phone,
 * address and location are shown only to the office and to that person.
 */
const residentSchema = new Schema(
  {
    town: { type: Schema.Types.ObjectId, ref: 'Town', required: true },
    kind: { type: String, enum: RESIDENT_KINDS, required: true },
    name: { type: String, required: true, trim: true },
    phone: { type: String, trim: true },
    address: { type: String, trim: true },
    location: { lat: Number, lng: Number },
    village: { type: Schema.Types.ObjectId, ref: 'Village' },
    grid: { type: Schema.Types.ObjectId, ref: 'Grid' },
    responsible: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    note: { type: String, trim: true },
    active: { type: Boolean, default: true },
  },
  { timestamps: true },
);
residentSchema.index({ town: 1, grid: 1 });
residentSchema.index({ town: 1, responsible: 1 });

export const VulnerableResidentModel = model('VulnerableResident', residentSchema);

/** One-to-one confirmation for one resident in one call-out; `_id` is `<calloutId>:<residentId>`. */
const contactSchema = new Schema(
  {
    _id: { type: String, required: true },
    callout: { type: Schema.Types.ObjectId, ref: 'Callout', required: true },
    town: { type: Schema.Types.ObjectId, ref: 'Town', required: true },
    resident: { type: Schema.Types.ObjectId, ref: 'VulnerableResident', required: true },
    residentName: { type: String, required: true },
    kind: { type: String },
    responsible: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    state: { type: String, enum: ['pending', 'contacted', 'transferred'], default: 'pending' },
    at: { type: Date },
  },
  { timestamps: true },
);
contactSchema.index({ callout: 1, responsible: 1 });

export const CalloutContactModel = model('CalloutContact', contactSchema);
