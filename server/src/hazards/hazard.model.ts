import { Schema, model, type InferSchemaType, type HydratedDocument } from 'mongoose';
import { HAZARD_CATEGORY_CODES, HAZARD_LEVELS, HAZARD_SOURCES, HAZARD_STATUSES } from '@yingji/shared';

/** One change in a hazard's life: who, when, what, from which state to which, the note and photos. */
const historySchema = new Schema(
  {
    at: { type: Date, required: true },
    by: { type: Schema.Types.ObjectId, ref: 'User' },
    byName: { type: String },
    action: { type: String, required: true },
    from: { type: String },
    to: { type: String },
    note: { type: String },
    mediaIds: { type: [{ type: Schema.Types.ObjectId, ref: 'Media' }], default: [] },
  },
  { _id: false },
);

/**
 * An entry of the hazard list 隐患清单. History is appended with $push (never rewritten). Status
 * changes are conditional on the state read, so two people acting at once cannot both win.
 */
const hazardSchema = new Schema(
  {
    town: { type: Schema.Types.ObjectId, ref: 'Town', required: true },
    code: { type: String, required: true },
    category: { type: String, enum: HAZARD_CATEGORY_CODES, required: true },
    level: { type: String, enum: HAZARD_LEVELS, required: true },
    status: { type: String, enum: HAZARD_STATUSES, required: true },
    source: { type: String, enum: HAZARD_SOURCES, required: true },
    description: { type: String, required: true },
    location: {
      lat: { type: Number, required: true },
      lng: { type: Number, required: true },
      address: { type: String },
    },
    village: { type: Schema.Types.ObjectId, ref: 'Village' },
    grid: { type: Schema.Types.ObjectId, ref: 'Grid' },
    /** Routed by category through the town's table. */
    department: { type: String, required: true },
    responsibleUnit: { type: String },
    responsibleUser: { type: Schema.Types.ObjectId, ref: 'User' },
    acceptedAt: { type: Date, required: true },
    deadline: { type: Date },
    overdue: { type: Boolean, default: false },
    /** Reminders sent for the current deadline: 0 none, 1 the responsible person, 2 the superior. */
    overdueStep: { type: Number, default: 0 },
    discoveredAt: { type: Date, required: true },
    closedAt: { type: Date },
    closedOnTime: { type: Boolean },
    fineAmount: { type: Number },
    /** The staff member who registered it (the triaging officer for a tip). */
    reportedBy: { type: Schema.Types.ObjectId, ref: 'User' },
    tips: { type: [{ type: Schema.Types.ObjectId, ref: 'Tip' }], default: [] },
    /** Every photo of the hazard (tips, rectification, re-inspection): who can see the hazard can see them. */
    mediaIds: { type: [{ type: Schema.Types.ObjectId, ref: 'Media' }], default: [] },
    history: { type: [historySchema], default: [] },
  },
  { timestamps: true },
);
// Codes carry the town's code (SZ-2024-0001), so unique on its own; a compound unique index
// led by `town` would get slower with every hazard of the town (see callout.model.ts).
hazardSchema.index({ code: 1 }, { unique: true });
hazardSchema.index({ town: 1, status: 1, discoveredAt: -1 });
// The list's newest-first page, read through windows of discoveredAt (service.ts: pageNewestFirst).
hazardSchema.index({ town: 1, discoveredAt: -1, _id: -1 });
hazardSchema.index({ town: 1, village: 1 });
hazardSchema.index({ town: 1, grid: 1 });
hazardSchema.index({ status: 1, deadline: 1 });
hazardSchema.index({ mediaIds: 1 });
// A reporter always reads their own hazards (hazards/scope.ts).
hazardSchema.index({ town: 1, reportedBy: 1 });

export type Hazard = InferSchemaType<typeof hazardSchema>;
export type HazardDoc = HydratedDocument<Hazard>;
export const HazardModel = model('Hazard', hazardSchema);

/** Sequence numbers for readable codes, one document per town, kind and year, moved with $inc. */
const codeCounterSchema = new Schema({ _id: { type: String, required: true }, seq: { type: Number, default: 0 } });
export const CodeCounterModel = model('CodeCounter', codeCounterSchema, 'code_counters');

export async function nextSeq(key: string): Promise<number> {
  const doc = await CodeCounterModel.findOneAndUpdate(
    { _id: key },
    { $inc: { seq: 1 } },
    { upsert: true, returnDocument: 'after' },
  ).lean();
  return doc!.seq;
}

/** Dashboard counters per town (see rules.counterDelta); read by /api/hazards/stats without scanning. */
const hazardStatSchema = new Schema(
  {
    town: { type: Schema.Types.ObjectId, ref: 'Town', required: true },
    open: { type: Schema.Types.Mixed, default: {} },
    closed: { type: Schema.Types.Mixed, default: {} },
  },
  { minimize: false },
);
hazardStatSchema.index({ town: 1 }, { unique: true });
export const HazardStatModel = model('HazardStat', hazardStatSchema, 'hazard_stats');
