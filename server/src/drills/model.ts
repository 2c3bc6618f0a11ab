import { Schema, model, type InferSchemaType, type HydratedDocument } from 'mongoose';
import { CHECKIN_CHANNELS, DRILL_STATUSES } from '@yingji/shared';

const pointSchema = new Schema(
  { lat: { type: Number, required: true }, lng: { type: Number, required: true } },
  { _id: false },
);

/**
 * A drill 演练 (announced or unannounced 双盲). Participants are fixed at creation, so the report
 * always compares against the list that was called. Every record of a drill is an exercise record.
 */
const drillSchema = new Schema(
  {
    town: { type: Schema.Types.ObjectId, ref: 'Town', required: true },
    title: { type: String, required: true, trim: true },
    unannounced: { type: Boolean, default: false },
    status: { type: String, enum: DRILL_STATUSES, default: 'planned' },
    participants: { type: [{ type: Schema.Types.ObjectId, ref: 'User' }], default: [] },
    area: {
      villages: { type: [{ type: Schema.Types.ObjectId, ref: 'Village' }], default: undefined },
      grids: { type: [{ type: Schema.Types.ObjectId, ref: 'Grid' }], default: undefined },
      polygon: { type: [pointSchema], default: undefined },
    },
    assemblyPoint: {
      type: new Schema(
        { lat: Number, lng: Number, radiusM: Number, name: { type: String, trim: true } },
        { _id: false },
      ),
      default: undefined,
    },
    message: { type: String, trim: true },
    startedAt: { type: Date },
    endedAt: { type: Date },
    createdBy: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    exercise: { type: Boolean, default: true },
  },
  { timestamps: true },
);
drillSchema.index({ town: 1, status: 1, startedAt: -1 });
drillSchema.index({ town: 1, participants: 1, status: 1 });

export type Drill = InferSchemaType<typeof drillSchema>;
export type DrillDoc = HydratedDocument<Drill>;
export const DrillModel = model('Drill', drillSchema);

/** One participant's check-in 签到. Unique per drill and user: checking in twice counts once. */
const checkinSchema = new Schema(
  {
    town: { type: Schema.Types.ObjectId, ref: 'Town', required: true },
    drill: { type: Schema.Types.ObjectId, ref: 'Drill', required: true },
    user: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    village: { type: Schema.Types.ObjectId, ref: 'Village' },
    checkedInAt: { type: Date, required: true },
    /** Assembly time: seconds from the drill's start. */
    seconds: { type: Number, required: true },
    channel: { type: String, required: true, trim: true },
    location: { type: pointSchema, default: undefined },
    outsideArea: { type: Boolean, default: false },
    late: { type: Boolean, default: false },
    exercise: { type: Boolean, default: true },
  },
  { timestamps: true },
);
checkinSchema.index({ drill: 1, user: 1 }, { unique: true });
checkinSchema.index({ town: 1, checkedInAt: 1 });

export type DrillCheckinRecord = InferSchemaType<typeof checkinSchema>;
export const DrillCheckinModel = model('DrillCheckin', checkinSchema);

export const CHECKIN_CHANNEL_LABELS: Record<(typeof CHECKIN_CHANNELS)[number] | string, string> = {
  api: '接口',
  miniprogram: '小程序',
  wechaty: '微信群',
  wecom_app: '企业微信',
  wecom_robot: '企业微信群',
  terminal: '终端',
  chat: '聊天',
};
