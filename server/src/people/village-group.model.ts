import { Schema, model, type InferSchemaType } from 'mongoose';

/** A 村民小组 (villagers' group) of a village: a place people belong to, below the village. */
const villageGroupSchema = new Schema(
  {
    town: { type: Schema.Types.ObjectId, ref: 'Town', required: true },
    village: { type: Schema.Types.ObjectId, ref: 'Village', required: true },
    name: { type: String, required: true, trim: true },
    active: { type: Boolean, default: true },
  },
  { timestamps: true },
);
villageGroupSchema.index({ village: 1, name: 1 }, { unique: true });
villageGroupSchema.index({ town: 1, village: 1 });

export type VillageGroup = InferSchemaType<typeof villageGroupSchema>;
export const VillageGroupModel = model('VillageGroup', villageGroupSchema);
