import crypto from 'node:crypto';
import mongoose from 'mongoose';
import { connectMongoose } from '../../server/src/db/connection';

/** The database server of this run (global-setup.ts). */
export function testMongoUri(): string {
  const uri = process.env.TEST_MONGODB_URI;
  if (!uri) throw new Error('TEST_MONGODB_URI is not set: run the tests through jest (global-setup.ts)');
  return uri.replace(/\/+$/, ''); // callers append /<database>
}

/** A fresh database name (Latin letters and digits only, as FerretDB requires). */
export function freshDbName(): string {
  return `t${crypto.randomBytes(6).toString('hex')}`;
}

/** Connect this test file's Mongoose to its own fresh database; drop it afterwards. */
export function useTestDatabase(): { name: string } {
  const state = { name: freshDbName() };
  beforeAll(async () => {
    await connectMongoose(testMongoUri(), state.name);
  });
  afterAll(async () => {
    await mongoose.connection.dropDatabase().catch(() => undefined);
    await mongoose.disconnect();
  });
  return state;
}
