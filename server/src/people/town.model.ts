import { Schema, model, type InferSchemaType, type HydratedDocument } from 'mongoose';

/**
 * The tenant. Every other document carries the town it belongs to, so one deployment can serve a
 * county. Per-town differences (categories, routing, deadlines, reward rules, escalation waits)
 * live in `config`, read through towns/config.ts, never as `if (town === …)` in code.
 */
const townSchema = new Schema(
  {
    code: { type: String, required: true, uppercase: true, trim: true }, // e.g. SZ, used in hazard codes
    name: { type: String, required: true, trim: true },
    county: { type: String, trim: true },
    center: { lat: Number, lng: Number },
    config: { type: Schema.Types.Mixed, default: {} },
    sample: { type: Boolean, default: false },
  },
  { timestamps: true, minimize: false },
);
townSchema.index({ code: 1 }, { unique: true });

export type Town = InferSchemaType<typeof townSchema>;
export type TownDoc = HydratedDocument<Town>;
export const TownModel = model('Town', townSchema);
