import { Schema, model, type InferSchemaType } from 'mongoose';

/**
 * A grid 网格: a small area of a village with its grid members. The area is a polygon stored as
 * a list of {lat, lng} points (no nested arrays: FerretDB 1.x cannot store them); point-in-area
 * and nearest-grid are computed in the service.
 */
const pointSchema = new Schema(
  { lat: { type: Number, required: true }, lng: { type: Number, required: true } },
  { _id: false },
);

const gridSchema = new Schema(
  {
    town: { type: Schema.Types.ObjectId, ref: 'Town', required: true },
    village: { type: Schema.Types.ObjectId, ref: 'Village', required: true },
    code: { type: String, required: true, trim: true },
    name: { type: String, required: true, trim: true },
    area: { type: [pointSchema], default: [] },
    center: { lat: Number, lng: Number },
    /** A retired grid routes nothing new; hazards already on it keep it. */
    active: { type: Boolean, default: true },
    sample: { type: Boolean, default: false },
  },
  { timestamps: true },
);
gridSchema.index({ town: 1, code: 1 }, { unique: true });
gridSchema.index({ town: 1, village: 1 });

export type Grid = InferSchemaType<typeof gridSchema>;
export const GridModel = model('Grid', gridSchema);
