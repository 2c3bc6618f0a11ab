import { Schema, model } from 'mongoose';
import { ALARM_TYPES } from '@yingji/shared';

/**
 * The open fold window of one camera and alarm type (`<town>:<camera>:<type>`): repeats within it
 * are counted on it and fold into its tip. Opened by one conditional upsert, so of two alarms at
 * once only one opens it (the other hits the unique id and folds).
 */
const windowSchema = new Schema(
  {
    _id: { type: String, required: true },
    town: { type: Schema.Types.ObjectId, ref: 'Town', required: true },
    until: { type: Date, required: true },
    /** Who opened it (until its tip is set). */
    token: { type: String },
    tip: { type: Schema.Types.ObjectId, ref: 'Tip' },
    tipCode: { type: String },
    hazard: { type: Schema.Types.ObjectId, ref: 'Hazard' },
    count: { type: Number, default: 0 },
    lastAt: { type: Date },
  },
  { timestamps: true },
);
export const AlarmWindowModel = model('AlarmWindow', windowSchema, 'alarm_windows');

/** Every alarm received, as sent (without the key), with the tip it became or folded into. */
const alarmSchema = new Schema(
  {
    town: { type: Schema.Types.ObjectId, ref: 'Town', required: true },
    apiKey: { type: Schema.Types.ObjectId, ref: 'ApiKey' },
    cameraId: { type: String, required: true },
    type: { type: String, enum: ALARM_TYPES, required: true },
    occurredAt: { type: Date, required: true },
    confidence: { type: Number },
    location: { lat: Number, lng: Number },
    snapshotUrl: { type: String },
    media: { type: Schema.Types.ObjectId, ref: 'Media' },
    tip: { type: Schema.Types.ObjectId, ref: 'Tip' },
    folded: { type: Boolean, default: false },
    receivedAt: { type: Date, required: true },
  },
  { timestamps: false },
);
alarmSchema.index({ town: 1, receivedAt: -1 });
alarmSchema.index({ tip: 1 });
export const AlarmModel = model('CameraAlarm', alarmSchema, 'camera_alarms');

/** A town's intake settings: fold window and the rules that make a hazard at once. */
const rulesSchema = new Schema(
  {
    town: { type: Schema.Types.ObjectId, ref: 'Town', required: true },
    foldMinutes: { type: Number, default: 10 },
    rules: {
      type: [
        {
          _id: false,
          type: { type: String, enum: ALARM_TYPES, required: true },
          minConfidence: { type: Number, required: true },
          level: { type: String, enum: ['general', 'major'], default: 'major' },
          calloutDraft: { type: Boolean, default: true },
        },
      ],
      default: [],
    },
  },
  { timestamps: true },
);
rulesSchema.index({ town: 1 }, { unique: true });
export const IntakeRulesModel = model('IntakeRules', rulesSchema, 'intake_rules');

/** A warning prepared from a high-confidence alarm's hazard, for the office to issue. */
const draftSchema = new Schema(
  {
    town: { type: Schema.Types.ObjectId, ref: 'Town', required: true },
    hazard: { type: Schema.Types.ObjectId, ref: 'Hazard', required: true },
    title: { type: String, required: true },
    level: { type: String, required: true },
    body: { type: String, default: '' },
    villages: { type: [{ type: Schema.Types.ObjectId, ref: 'Village' }], default: [] },
  },
  { timestamps: true },
);
draftSchema.index({ hazard: 1 }, { unique: true });
draftSchema.index({ town: 1, createdAt: -1 });
export const CalloutDraftModel = model('CalloutDraft', draftSchema, 'callout_drafts');
