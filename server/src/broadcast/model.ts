import { Schema, model, type Types } from 'mongoose';

/** A loudspeaker system of some villages, reached by POSTing a signed JSON command to its URL. */
const endpointSchema = new Schema(
  {
    town: { type: Schema.Types.ObjectId, ref: 'Town', required: true },
    name: { type: String, required: true },
    url: { type: String, required: true },
    secret: { type: String, required: true },
    villages: { type: [{ type: Schema.Types.ObjectId, ref: 'Village' }], default: [] },
    repeat: { type: Number, default: 3 },
    active: { type: Boolean, default: true },
  },
  { timestamps: true },
);
endpointSchema.index({ town: 1, active: 1 });
export const BroadcastEndpointModel = model('BroadcastEndpoint', endpointSchema, 'broadcast_endpoints');

export interface EndpointLean {
  _id: Types.ObjectId;
  town: Types.ObjectId;
  name: string;
  url: string;
  secret: string;
  villages: Types.ObjectId[];
  repeat: number;
  active: boolean;
}

/** A call-out that asked for a broadcast (`broadcast: true` when it was issued). */
const requestSchema = new Schema(
  {
    _id: { type: String, required: true }, // the call-out id
    town: { type: Schema.Types.ObjectId, ref: 'Town', required: true },
    by: { type: Schema.Types.ObjectId, ref: 'User' },
  },
  { timestamps: true },
);
export const BroadcastRequestModel = model('BroadcastRequest', requestSchema, 'broadcast_requests');

const settingsSchema = new Schema(
  {
    town: { type: Schema.Types.ObjectId, ref: 'Town', required: true },
    levels: { type: [String], default: [] },
  },
  { timestamps: true },
);
settingsSchema.index({ town: 1 }, { unique: true });
export const BroadcastSettingsModel = model('BroadcastSettings', settingsSchema, 'broadcast_settings');
