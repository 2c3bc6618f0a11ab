import { Schema, model, type InferSchemaType } from 'mongoose';

/**
 * A one-time code a logged-in user asks for (mini-program or console) and sends to the bot as
 * `绑定 123456`, proving that the WeChat account writing it is theirs. Only an HMAC of the code is
 * stored; a code is used once (deleted atomically) and expires after a few minutes.
 */
const bindCodeSchema = new Schema({
  town: { type: Schema.Types.ObjectId, ref: 'Town', required: true },
  user: { type: Schema.Types.ObjectId, ref: 'User', required: true },
  codeHash: { type: String, required: true },
  expiresAt: { type: Date, required: true },
});
bindCodeSchema.index({ codeHash: 1 }, { unique: true });
bindCodeSchema.index({ user: 1 });
export type ChatBindCodeDoc = InferSchemaType<typeof bindCodeSchema>;
export const ChatBindCodeModel = model('ChatBindCode', bindCodeSchema);

/**
 * Inbound chat messages already taken in, by a key per message (WeCom MsgId, or the event key).
 * WeCom retries a callback up to three times; the unique index makes the second insert fail, so
 * each message is acted on once however often it arrives.
 */
const processedMessageSchema = new Schema({
  key: { type: String, required: true },
  channel: { type: String, required: true },
  receivedAt: { type: Date, required: true },
});
processedMessageSchema.index({ key: 1 }, { unique: true });
processedMessageSchema.index({ receivedAt: 1 });
export type ProcessedMessage = InferSchemaType<typeof processedMessageSchema>;
export const ProcessedMessageModel = model('ChatProcessedMessage', processedMessageSchema);
