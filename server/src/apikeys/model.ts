import { Schema, model, type Types } from 'mongoose';
import { API_KEY_SCOPES, type ApiKeyScope } from '@yingji/shared';

/**
 * An outside system's key (the county platform, a camera gateway). The key is shown once and only
 * its SHA-256 is kept; it acts in its town as its own service user (no password, cannot log in).
 */
const apiKeySchema = new Schema(
  {
    town: { type: Schema.Types.ObjectId, ref: 'Town', required: true },
    name: { type: String, required: true },
    scopes: { type: [{ type: String, enum: API_KEY_SCOPES }], required: true },
    /** The key's first characters, to recognise it in the console. */
    prefix: { type: String, required: true },
    hash: { type: String, required: true },
    ratePerMinute: { type: Number, required: true },
    serviceUser: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    createdBy: { type: Schema.Types.ObjectId, ref: 'User' },
    lastUsedAt: { type: Date },
    revokedAt: { type: Date },
  },
  { timestamps: true },
);
apiKeySchema.index({ hash: 1 }, { unique: true });
apiKeySchema.index({ town: 1, createdAt: -1 });
export const ApiKeyModel = model('ApiKey', apiKeySchema, 'api_keys');

export interface ApiKeyLean {
  _id: Types.ObjectId;
  town: Types.ObjectId;
  name: string;
  scopes: ApiKeyScope[];
  prefix: string;
  hash: string;
  ratePerMinute: number;
  serviceUser: Types.ObjectId;
  lastUsedAt?: Date;
  revokedAt?: Date;
  createdAt: Date;
}

/** Calls of a key in one minute (`<key>:<minute>`), counted with $inc: the rate limit across instances. */
const usageSchema = new Schema({
  _id: { type: String, required: true },
  n: { type: Number, default: 0 },
  at: { type: Date, required: true },
});
usageSchema.index({ at: 1 });
export const ApiKeyUsageModel = model('ApiKeyUsage', usageSchema, 'api_key_usage');

/** Every call made with a key: who, what, the answer. */
const auditSchema = new Schema({
  town: { type: Schema.Types.ObjectId, ref: 'Town', required: true },
  key: { type: Schema.Types.ObjectId, ref: 'ApiKey', required: true },
  keyName: { type: String },
  method: { type: String, required: true },
  path: { type: String, required: true },
  status: { type: Number, required: true },
  reqId: { type: String },
  at: { type: Date, required: true },
});
auditSchema.index({ town: 1, at: -1 });
auditSchema.index({ key: 1, at: -1 });
export const ApiKeyAuditModel = model('ApiKeyAudit', auditSchema, 'api_key_audit');
