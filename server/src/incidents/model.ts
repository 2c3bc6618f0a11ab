import { Schema, model, type InferSchemaType, type HydratedDocument } from 'mongoose';

/**
 * An incident report 事件信息. It keeps when the incident happened (occurredAt, as reported) and
 * when the town learned of it (reportedAt, the server's clock). The town must pass it on upward
 * (to the county) by dueAt = occurredAt + the town's limit (one hour by default), fixed when the
 * report is made. An incident not passed on by then is flagged late and escalated to the leaders.
 */
const incidentSchema = new Schema(
  {
    town: { type: Schema.Types.ObjectId, ref: 'Town', required: true },
    kind: { type: String, required: true, trim: true },
    occurredAt: { type: Date, required: true },
    reportedAt: { type: Date, required: true },
    location: {
      lat: { type: Number },
      lng: { type: Number },
      address: { type: String, trim: true },
    },
    casualties: {
      deaths: { type: Number, default: 0 },
      injuries: { type: Number, default: 0 },
      missing: { type: Number, default: 0 },
    },
    description: { type: String, required: true, trim: true },
    village: { type: Schema.Types.ObjectId, ref: 'Village' },
    reportedBy: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    reporterName: { type: String, trim: true },
    dueAt: { type: Date, required: true },
    /** pending: not yet passed on upward; reported_up: passed on (see reportedUp). */
    status: { type: String, enum: ['pending', 'reported_up'], default: 'pending' },
    reportedUpAt: { type: Date },
    reportedUp: {
      type: new Schema(
        {
          by: { type: Schema.Types.ObjectId, ref: 'User' },
          byName: { type: String },
          to: { type: String },
          method: { type: String },
          note: { type: String },
        },
        { _id: false },
      ),
      default: undefined,
    },
    withinLimit: { type: Boolean },
    late: { type: Boolean, default: false },
    /** `incident.late` is published (set right after publishing; the job publishes what is late and not set). */
    lateAnnounced: { type: Boolean },
    escalatedAt: { type: Date },
  },
  { timestamps: true },
);
incidentSchema.index({ status: 1, late: 1, dueAt: 1 });
incidentSchema.index({ town: 1, occurredAt: -1 });

export type Incident = InferSchemaType<typeof incidentSchema>;
export type IncidentDoc = HydratedDocument<Incident>;
export const IncidentModel = model('Incident', incidentSchema);
