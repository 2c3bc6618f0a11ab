import { Schema, model, type InferSchemaType } from 'mongoose';

/** A village 村 or community 社区 of the town. */
const villageSchema = new Schema(
  {
    town: { type: Schema.Types.ObjectId, ref: 'Town', required: true },
    code: { type: String, required: true, trim: true },
    name: { type: String, required: true, trim: true },
    kind: { type: String, enum: ['village', 'community'], default: 'village' },
    center: { lat: Number, lng: Number },
    /** A retired village keeps its history but takes no new people, grids or tips. */
    active: { type: Boolean, default: true },
    sample: { type: Boolean, default: false },
  },
  { timestamps: true },
);
villageSchema.index({ town: 1, code: 1 }, { unique: true });
villageSchema.index({ town: 1, name: 1 }, { unique: true });

export type Village = InferSchemaType<typeof villageSchema>;
export const VillageModel = model('Village', villageSchema);
