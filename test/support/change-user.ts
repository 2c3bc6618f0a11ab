/**
 * Another process writing to users (like `npm run admin` beside a running server):
 * `node --import tsx test/support/change-user.ts <mongo uri> <database> <username> '<json $set>'`.
 */
import mongoose from 'mongoose';
import { connectMongoose } from '../../server/src/db/connection';
import { UserModel } from '../../server/src/people/user.model';

async function main() {
  const [uri, db, username, set] = process.argv.slice(2);
  await connectMongoose(uri!, db!);
  const r = await UserModel.updateOne({ username }, { $set: JSON.parse(set!) as Record<string, unknown> });
  if (r.matchedCount !== 1) throw new Error(`no user ${username}`);
  await mongoose.disconnect();
}

main().catch((e) => {
  process.stderr.write(`${String(e)}\n`);
  process.exit(1);
});
