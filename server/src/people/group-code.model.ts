import { Schema, model, type InferSchemaType } from 'mongoose';

/**
 * A short code the console shows to bind a chat group to a grid or village: a member posts
 * `绑定群 123456` in the room. Only an HMAC of the code is stored; it is used once and expires.
 */
const groupCodeSchema = new Schema({
  town: { type: Schema.Types.ObjectId, ref: 'Town', required: true },
  grid: { type: Schema.Types.ObjectId, ref: 'Grid' },
  village: { type: Schema.Types.ObjectId, ref: 'Village' },
  createdBy: { type: Schema.Types.ObjectId, ref: 'User', required: true },
  codeHash: { type: String, required: true },
  expiresAt: { type: Date, required: true },
});
groupCodeSchema.index({ codeHash: 1 }, { unique: true });
groupCodeSchema.index({ expiresAt: 1 });

export type GroupCode = InferSchemaType<typeof groupCodeSchema>;
export const GroupCodeModel = model('ChatGroupCode', groupCodeSchema);
