import mongoose from 'mongoose';

// Fail fast instead of queueing queries while the database is away: a request then answers
// 503 at once, and the driver reconnects by itself when the server returns.
mongoose.set('bufferCommands', false);
mongoose.set('autoIndex', false);
mongoose.set('strictQuery', true);

export async function connectMongoose(uri: string, dbName: string): Promise<typeof mongoose> {
  await mongoose.connect(uri, {
    dbName,
    serverSelectionTimeoutMS: 5000,
    heartbeatFrequencyMS: 2000,
    autoIndex: false,
    // FerretDB 1.x on SQLite runs an update as read-then-write outside a transaction, so two
    // concurrent $inc or findOneAndUpdate on one document can lose one (measured: 30 parallel
    // $inc ended at 7). One connection makes this process's operations reach it one at a time,
    // which keeps counters and claims atomic; MongoDB keeps its normal pool.
    maxPoolSize: (await isFerretDb(uri)) ? 1 : 100,
  });
  await ensureIndexes();
  return mongoose;
}

/** True when the server at `uri` is FerretDB (its buildInfo carries `ferretdbVersion`). */
export async function isFerretDb(uri: string): Promise<boolean> {
  const client = new mongoose.mongo.MongoClient(uri, { serverSelectionTimeoutMS: 5000 });
  try {
    const info = await client.db('admin').command({ buildInfo: 1 });
    return typeof info.ferretdbVersion === 'string';
  } finally {
    await client.close();
  }
}

/** Create every registered model's indexes (explicitly, so an unsupported index fails loudly). */
export async function ensureIndexes(): Promise<void> {
  for (const model of Object.values(mongoose.models)) {
    await model.createCollection().catch((e: { code?: number }) => {
      if (e?.code !== 48) throw e; // 48: NamespaceExists
    });
    await model.createIndexes();
  }
}

export async function disconnectMongoose(): Promise<void> {
  await mongoose.disconnect();
}

/** Ping with a deadline; false while the database is unreachable. */
export async function pingDatabase(timeoutMs = 1500): Promise<boolean> {
  const db = mongoose.connection.db;
  if (!db || mongoose.connection.readyState !== 1) return false;
  const timeout = new Promise<boolean>((r) => setTimeout(() => r(false), timeoutMs).unref());
  return Promise.race([
    db
      .admin()
      .command({ ping: 1 })
      .then(() => true)
      .catch(() => false),
    timeout,
  ]);
}

const UNAVAILABLE = new Set([
  'MongoServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'MongooseServerSelectionError',
  'PoolClearedError',
  'MongoPoolClearedError',
]);

/** True for errors that mean "the database is unreachable", not "the query is wrong". */
export function isDbUnavailable(e: unknown): boolean {
  const name = (e as { name?: string })?.name;
  return !!name && UNAVAILABLE.has(name);
}
