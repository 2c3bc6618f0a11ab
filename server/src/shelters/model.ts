import { Schema, model, type InferSchemaType, type HydratedDocument } from 'mongoose';

const pointSchema = new Schema(
  { lat: { type: Number, required: true }, lng: { type: Number, required: true } },
  { _id: false },
);
const contactSchema = new Schema(
  { name: { type: String, trim: true }, phone: { type: String, trim: true } },
  { _id: false },
);

/**
 * A shelter 避难场所. Its occupancy is the sum of the active transfer reports to it (see Transfer);
 * nearest-shelter search is computed in the service from `location` (no geo indexes on FerretDB).
 */
const shelterSchema = new Schema(
  {
    town: { type: Schema.Types.ObjectId, ref: 'Town', required: true },
    code: { type: String, trim: true },
    name: { type: String, required: true, trim: true },
    address: { type: String, trim: true },
    location: { type: pointSchema, required: true },
    capacity: { type: Number, required: true, min: 0 },
    contact: { type: contactSchema, default: undefined },
    facilities: { type: [String], default: [] },
    open: { type: Boolean, default: true },
    village: { type: Schema.Types.ObjectId, ref: 'Village' },
    sample: { type: Boolean, default: false },
  },
  { timestamps: true },
);
shelterSchema.index({ town: 1, name: 1 });
shelterSchema.index({ town: 1, code: 1 });

export type Shelter = InferSchemaType<typeof shelterSchema>;
export type ShelterDoc = HydratedDocument<Shelter>;
export const ShelterModel = model('Shelter', shelterSchema);

/**
 * A hazard point 隐患点 (a slope, a riverside row of houses…) with its transfer plan: when to move
 * (trigger), whom (residents, households), who organises, where to (shelter), how it is managed.
 * People moved (已转移 N 人) is the sum of its active transfer reports.
 */
const hazardPointSchema = new Schema(
  {
    town: { type: Schema.Types.ObjectId, ref: 'Town', required: true },
    code: { type: String, trim: true },
    name: { type: String, required: true, trim: true },
    kind: { type: String, trim: true },
    location: { type: pointSchema, default: undefined },
    village: { type: Schema.Types.ObjectId, ref: 'Village' },
    grid: { type: Schema.Types.ObjectId, ref: 'Grid' },
    trigger: { type: String, trim: true },
    residents: { type: Number, required: true, min: 0 },
    households: { type: Number, min: 0 },
    organiser: { type: contactSchema, default: undefined },
    shelter: { type: Schema.Types.ObjectId, ref: 'Shelter' },
    management: { type: String, trim: true },
    sample: { type: Boolean, default: false },
  },
  { timestamps: true },
);
hazardPointSchema.index({ town: 1, grid: 1 });
hazardPointSchema.index({ town: 1, village: 1 });
hazardPointSchema.index({ town: 1, code: 1 });

export type HazardPoint = InferSchemaType<typeof hazardPointSchema>;
export type HazardPointDoc = HydratedDocument<HazardPoint>;
export const HazardPointModel = model('HazardPoint', hazardPointSchema);

/**
 * One report of people moved (已转移 N 人). Planned-versus-moved and shelter occupancy are sums of
 * the active reports ($group with $sum), not $inc counters: FerretDB 1.24's SQLite backend applies
 * an update as read-modify-write outside a transaction, so concurrent $inc on one document lose
 * increments, while inserts never do. Closing an evacuation marks its reports inactive.
 */
const transferSchema = new Schema(
  {
    town: { type: Schema.Types.ObjectId, ref: 'Town', required: true },
    hazardPoint: { type: Schema.Types.ObjectId, ref: 'HazardPoint', required: true },
    shelter: { type: Schema.Types.ObjectId, ref: 'Shelter' },
    count: { type: Number, required: true, min: 1 },
    reportedBy: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    channel: { type: String, trim: true, default: 'api' },
    reportedAt: { type: Date, required: true },
    active: { type: Boolean, default: true },
    closedAt: { type: Date },
  },
  { timestamps: true },
);
transferSchema.index({ town: 1, reportedAt: -1 });
transferSchema.index({ town: 1, active: 1 });

export const TransferModel = model('Transfer', transferSchema);
