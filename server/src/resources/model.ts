import { Schema, model, type InferSchemaType } from 'mongoose';

const pointSchema = new Schema(
  { lat: { type: Number, required: true }, lng: { type: Number, required: true } },
  { _id: false },
);
const contactSchema = new Schema(
  { name: { type: String, trim: true }, phone: { type: String, trim: true } },
  { _id: false },
);

/** A rescue team 应急救援队伍: its leader, members and where it is based. */
const rescueTeamSchema = new Schema(
  {
    town: { type: Schema.Types.ObjectId, ref: 'Town', required: true },
    name: { type: String, required: true, trim: true },
    kind: { type: String, trim: true },
    leader: { type: contactSchema, default: undefined },
    members: { type: [contactSchema], default: [] },
    memberCount: { type: Number, min: 0 },
    location: { type: pointSchema, required: true },
    village: { type: Schema.Types.ObjectId, ref: 'Village' },
    sample: { type: Boolean, default: false },
  },
  { timestamps: true },
);
rescueTeamSchema.index({ town: 1, name: 1 });

export type RescueTeam = InferSchemaType<typeof rescueTeamSchema>;
export const RescueTeamModel = model('RescueTeam', rescueTeamSchema);

/** Equipment 装备: what, how many, where it is kept and who keeps it. */
const equipmentSchema = new Schema(
  {
    town: { type: Schema.Types.ObjectId, ref: 'Town', required: true },
    name: { type: String, required: true, trim: true },
    kind: { type: String, trim: true },
    count: { type: Number, required: true, min: 0 },
    unit: { type: String, trim: true },
    keptAt: { type: String, trim: true },
    keeper: { type: contactSchema, default: undefined },
    location: { type: pointSchema, required: true },
    village: { type: Schema.Types.ObjectId, ref: 'Village' },
    sample: { type: Boolean, default: false },
  },
  { timestamps: true },
);
equipmentSchema.index({ town: 1, name: 1 });

export type Equipment = InferSchemaType<typeof equipmentSchema>;
export const EquipmentModel = model('Equipment', equipmentSchema);
