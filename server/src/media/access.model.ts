import { Schema, model } from 'mongoose';

/**
 * Every download of a photo's original (with its EXIF, GPS included): who, when, which photo and
 * why. The office asks for it explicitly; everyone, the office included, is otherwise served the
 * copy without metadata.
 */
const originalAccessSchema = new Schema(
  {
    town: { type: Schema.Types.ObjectId, ref: 'Town', required: true },
    media: { type: Schema.Types.ObjectId, ref: 'Media', required: true },
    viewer: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    viewerName: { type: String, required: true },
    viewerRole: { type: String, required: true },
    purpose: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { timestamps: false },
);
originalAccessSchema.index({ town: 1, at: -1 });
originalAccessSchema.index({ media: 1, at: -1 });

export const OriginalAccessModel = model('MediaOriginalAccess', originalAccessSchema);
