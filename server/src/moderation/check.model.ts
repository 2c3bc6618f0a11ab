import { Schema, model, type Types } from 'mongoose';

/**
 * The content check of one resident text (a tip's description, a chat hazard report): `_id` is
 * `<kind>:<id>`, so each is checked once however many instances run the job. `flagged` texts are
 * kept and shown to the office with the reason, hidden from everyone else and never passed on.
 */
const textCheckSchema = new Schema(
  {
    _id: { type: String, required: true },
    town: { type: Schema.Types.ObjectId, ref: 'Town', required: true },
    subject: { kind: { type: String, required: true }, id: { type: Schema.Types.ObjectId, required: true } },
    /** wechat: msgSecCheck v2; local: the word list (WeChat unreachable or not configured). */
    by: { type: String, enum: ['wechat', 'local'], required: true },
    suggest: { type: String, enum: ['pass', 'review', 'risky'], required: true },
    flagged: { type: Boolean, required: true },
    reason: { type: String },
    label: { type: String },
    keyword: { type: String },
    traceId: { type: String },
    /** Why WeChat was not used, when the local list decided. */
    fallback: { type: String },
    checkedAt: { type: Date, required: true },
  },
  { timestamps: true },
);
textCheckSchema.index({ town: 1, flagged: 1, checkedAt: -1 });

export const TextCheckModel = model('TextCheck', textCheckSchema);

export interface TextCheckLean {
  _id: string;
  town: Types.ObjectId;
  subject: { kind: string; id: Types.ObjectId };
  by: 'wechat' | 'local';
  suggest: 'pass' | 'review' | 'risky';
  flagged: boolean;
  reason?: string;
  label?: string;
  keyword?: string;
  traceId?: string;
  fallback?: string;
  checkedAt: Date;
}

/**
 * The check of one photo (`_id` = the media id). `pending` until WeChat's wxa_media_check event
 * arrives with its trace id; `unchecked` when WeChat cannot be asked (not configured, no public
 * address): shown, with the office told so. Pending and flagged photos are served to the office only.
 */
export const MEDIA_CHECK_STATES = ['pending', 'pass', 'review', 'risky', 'unchecked'] as const;
export type MediaCheckState = (typeof MEDIA_CHECK_STATES)[number];

const mediaCheckSchema = new Schema(
  {
    _id: { type: Schema.Types.ObjectId, required: true },
    town: { type: Schema.Types.ObjectId, ref: 'Town', required: true },
    state: { type: String, enum: MEDIA_CHECK_STATES, required: true },
    traceId: { type: String },
    label: { type: String },
    reason: { type: String },
    requestedAt: { type: Date },
    resultAt: { type: Date },
  },
  { timestamps: true },
);
mediaCheckSchema.index({ traceId: 1 });

export const MediaCheckModel = model('MediaCheck', mediaCheckSchema);

export interface MediaCheckLean {
  _id: Types.ObjectId;
  town: Types.ObjectId;
  state: MediaCheckState;
  traceId?: string;
  label?: string;
  reason?: string;
}

export const textCheckId = (kind: string, id: Types.ObjectId | string) => `${kind}:${String(id)}`;
/** Photos others may see: checked and passed, or not checkable at all. */
export const SHOWN_MEDIA_STATES: readonly MediaCheckState[] = ['pass', 'unchecked'];
