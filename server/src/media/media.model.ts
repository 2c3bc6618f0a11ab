import { Schema, model, type InferSchemaType, type HydratedDocument } from 'mongoose';

/**
 * An uploaded photo. The original (with its EXIF, GPS included) is kept for the office; every
 * other viewer gets `shared`, re-encoded without metadata, and the thumbnail. The files live in
 * the media storage under `keys`; this document says who may see them (see service.canView).
 */
const mediaSchema = new Schema(
  {
    town: { type: Schema.Types.ObjectId, ref: 'Town', required: true },
    uploader: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    mime: { type: String, required: true },
    size: { type: Number, required: true },
    width: { type: Number },
    height: { type: Number },
    /** Whether the original carried EXIF metadata (possibly GPS), removed from shared copies. */
    hadExif: { type: Boolean, default: false },
    keys: {
      original: { type: String, required: true },
      shared: { type: String, required: true },
      thumbnail: { type: String, required: true },
    },
    uploadedAt: { type: Date, required: true },
  },
  { timestamps: true },
);
mediaSchema.index({ town: 1, uploader: 1 });

export type Media = InferSchemaType<typeof mediaSchema>;
export type MediaDoc = HydratedDocument<Media>;
export const MediaModel = model('Media', mediaSchema);
