import { Schema, model, type InferSchemaType, type HydratedDocument } from 'mongoose';
import { ROLES } from '@yingji/shared';

/**
 * A person: resident, grid member, cadre, office staff or admin. `username` is always set and
 * globally unique (staff log in with it; residents get `wx_<openid>`), because a unique index on
 * an optional field behaves differently on MongoDB and FerretDB.
 */
const userSchema = new Schema(
  {
    town: { type: Schema.Types.ObjectId, ref: 'Town', required: true },
    username: { type: String, required: true, trim: true },
    passwordHash: { type: String },
    role: { type: String, enum: ROLES, required: true },
    name: { type: String, required: true, trim: true },
    phone: { type: String, trim: true },
    village: { type: Schema.Types.ObjectId, ref: 'Village' },
    grids: { type: [{ type: Schema.Types.ObjectId, ref: 'Grid' }], default: [] },
    superior: { type: Schema.Types.ObjectId, ref: 'User' },
    department: { type: String, trim: true },
    wecomUserId: { type: String, trim: true },
    wechatOpenId: { type: String, trim: true },
    /** Wechaty contact ids bound to this user (a person may have more than one WeChat account). */
    wechatyContactIds: { type: [String], default: [] },
    active: { type: Boolean, default: true },
    lastLoginAt: { type: Date },
    sample: { type: Boolean, default: false },
  },
  { timestamps: true },
);
userSchema.index({ username: 1 }, { unique: true });
userSchema.index({ town: 1, role: 1 });
userSchema.index({ town: 1, grids: 1 });
// Chat identities, looked up on every message and card click. A WeCom userid is one person inside
// its corp, and a county may run one corp per town: unique per town here, and across the towns of
// one corp by people/wecom-ids.ts. The unique indexes are partial (only where the field is set); a
// plain index beside each serves the lookups, which a partial index would not.
// The userid comes first: DocumentDB checks a compound unique key among the rows sharing its
// first field, which would be the whole town.
userSchema.index(
  { wecomUserId: 1, town: 1 },
  { unique: true, name: 'wecomUserId_town_unique', partialFilterExpression: { wecomUserId: { $type: 'string' } } },
);
userSchema.index({ wecomUserId: 1 });
userSchema.index(
  { wechatOpenId: 1 },
  { unique: true, name: 'wechatOpenId_unique', partialFilterExpression: { wechatOpenId: { $type: 'string' } } },
);
userSchema.index({ wechatOpenId: 1, town: 1 });
userSchema.index(
  { wechatyContactIds: 1 },
  {
    unique: true,
    name: 'wechatyContactIds_unique',
    partialFilterExpression: { 'wechatyContactIds.0': { $exists: true } },
  },
);
userSchema.index({ wechatyContactIds: 1, town: 1 });

export type User = InferSchemaType<typeof userSchema>;
export type UserDoc = HydratedDocument<User>;
/**
 * Writes to users are counted, so that caches of users (core/caller-cache.ts) drop what they hold:
 * a disabled account or a changed role takes effect on the next request. `local` counts this
 * process's writes (seen at once); the `usergenerations` document counts every process's (a cache
 * reads it at most once a second). Raw collection writes bypass these hooks: there are none.
 */
export const userWrites = { local: 0 };
const UserGenerationModel = model(
  'UserGeneration',
  new Schema({ _id: { type: String, required: true }, n: { type: Number, default: 0 } }, { versionKey: false }),
);
async function bump(): Promise<void> {
  userWrites.local++;
  // The user's write is done: a failure here must not make it look failed (other processes then
  // see the change when their cache entries expire).
  await UserGenerationModel.updateOne({ _id: 'users' }, { $inc: { n: 1 } }, { upsert: true })
    .exec()
    .catch(() => undefined);
}
/** Every process's count of writes to users (0 before the first). */
export async function usersGeneration(): Promise<number> {
  return (await UserGenerationModel.findById('users').lean())?.n ?? 0;
}
userSchema.post(
  ['updateOne', 'updateMany', 'findOneAndUpdate', 'replaceOne', 'deleteOne', 'deleteMany', 'findOneAndDelete'],
  bump,
);
userSchema.post('save', bump);
userSchema.post('insertMany', bump);

export const UserModel = model('User', userSchema);
