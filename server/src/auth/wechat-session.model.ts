import { Schema, model } from 'mongoose';

/**
 * The WeChat session key of a mini-program user. Kept apart from the user document so that no
 * query that returns users can ever carry it out of the server.
 */
const wechatSessionSchema = new Schema(
  {
    user: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    sessionKey: { type: String, required: true },
    unionid: { type: String },
  },
  { timestamps: true },
);
wechatSessionSchema.index({ user: 1 }, { unique: true });

export const WechatSessionModel = model('WechatSession', wechatSessionSchema);
