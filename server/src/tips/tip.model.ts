import { Schema, model, type InferSchemaType, type HydratedDocument } from 'mongoose';
import { HAZARD_CATEGORY_CODES, TIP_SOURCES, TIP_STATUSES } from '@yingji/shared';

/** A resident's tip in the reservoir 蓄水池, until the office accepts, rejects or links it. */
const tipSchema = new Schema(
  {
    town: { type: Schema.Types.ObjectId, ref: 'Town', required: true },
    code: { type: String, required: true },
    reporter: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    /** The reporter's role when reporting (rewards go to residents by default). */
    reporterRole: { type: String, required: true },
    confidential: { type: Boolean, default: false },
    category: { type: String, enum: HAZARD_CATEGORY_CODES, required: true },
    description: { type: String, required: true },
    location: {
      lat: { type: Number, required: true },
      lng: { type: Number, required: true },
      address: { type: String },
    },
    village: { type: Schema.Types.ObjectId, ref: 'Village' },
    grid: { type: Schema.Types.ObjectId, ref: 'Grid' },
    mediaIds: { type: [{ type: Schema.Types.ObjectId, ref: 'Media' }], default: [] },
    status: { type: String, enum: TIP_STATUSES, default: 'submitted' },
    /** The hazard it became (accepted) or repeats (duplicate). */
    hazard: { type: Schema.Types.ObjectId, ref: 'Hazard' },
    rejectReason: { type: String },
    triage: {
      by: { type: Schema.Types.ObjectId, ref: 'User' },
      byName: { type: String },
      at: { type: Date },
    },
    submittedAt: { type: Date, required: true },
    /** The submitting device's id for it (or a server one): the same clientId is stored once. */
    clientId: { type: String, required: true },
    /** Where it came in (the mini-program, a video alarm, Open311); tips stored before: `app`. */
    source: { type: String, enum: TIP_SOURCES, default: 'app' },
    /**
     * `tip.created` not published yet: it waits for the content check, so what outside systems are
     * sent is the checked text (tips/events.ts). Unset once published.
     */
    announcePending: { type: Boolean },
  },
  { timestamps: true },
);
// Codes carry the town's code (SZ-JB-2024-0001): unique on their own (see hazard.model.ts).
tipSchema.index({ code: 1 }, { unique: true });
tipSchema.index({ town: 1, status: 1, submittedAt: -1 });
tipSchema.index({ reporter: 1, submittedAt: -1 });
tipSchema.index({ reporter: 1, clientId: 1 }, { unique: true });
tipSchema.index({ town: 1, category: 1, submittedAt: -1 });
tipSchema.index(
  { announcePending: 1, submittedAt: 1 },
  { name: 'announcePending_1', partialFilterExpression: { announcePending: true } },
);

export type Tip = InferSchemaType<typeof tipSchema>;
export type TipDoc = HydratedDocument<Tip>;
export const TipModel = model('Tip', tipSchema);
