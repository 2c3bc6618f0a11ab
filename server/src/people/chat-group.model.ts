import { Schema, model, type InferSchemaType } from 'mongoose';

export const CHAT_CHANNELS = ['wechaty', 'wecom_app', 'wecom_robot'] as const;
export type ChatChannel = (typeof CHAT_CHANNELS)[number];

/**
 * A group chat the bot is in: a WeChat room (Wechaty), a WeCom app chat, or a WeCom group robot.
 * `externalId` is the room id, the appchat chatid, or the robot's webhook key.
 */
const chatGroupSchema = new Schema(
  {
    town: { type: Schema.Types.ObjectId, ref: 'Town', required: true },
    channel: { type: String, enum: CHAT_CHANNELS, required: true },
    externalId: { type: String, required: true, trim: true },
    name: { type: String, required: true, trim: true },
    grid: { type: Schema.Types.ObjectId, ref: 'Grid' },
    village: { type: Schema.Types.ObjectId, ref: 'Village' },
    sample: { type: Boolean, default: false },
  },
  { timestamps: true },
);
chatGroupSchema.index({ channel: 1, externalId: 1 }, { unique: true });
chatGroupSchema.index({ town: 1, grid: 1 });
chatGroupSchema.index({ town: 1, village: 1 });

export type ChatGroup = InferSchemaType<typeof chatGroupSchema>;
export const ChatGroupModel = model('ChatGroup', chatGroupSchema);
