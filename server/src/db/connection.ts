import mongoose from 'mongoose';

// Fail fast instead of queueing queries while the database is away: a request then answers
// 503 at once, and the driver reconnects by itself when the server returns.
mongoose.set('bufferCommands', false);
mongoose.set('autoIndex', false);
mongoose.set('strictQuery', true);

export async function connectMongoose(uri: string, dbName: string): Promise<typeof mongoose> {
  await mongoose.connect(uri, {
    dbName,
    // Fail fast while the database is away (a request answers 503 within seconds) and keep the
    // wait for a pooled connection bounded, instead of an unbounded queue.
    serverSelectionTimeoutMS: 3000,
    connectTimeoutMS: 3000,
    socketTimeoutMS: 20_000,
    waitQueueTimeoutMS: 5000,
    heartbeatFrequencyMS: 1000,
    maxPoolSize: 50,
    autoIndex: false,
  });
  await ensureIndexes();
  return mongoose;
}

/**
 * Indexes an earlier version created that now only cost writes: dropped at start when present.
 * (`callout_1_open_1` made inserting a call-out's 10,000 recipients four times slower; the
 * recipients are found by a range of their primary key instead.)
 */
const RETIRED_INDEXES: { collection: string; name: string }[] = [
  { collection: 'calloutrecipients', name: 'callout_1_open_1' },
  // A WeCom userid is unique per corp, not per deployment (people/wecom-ids.ts).
  { collection: 'users', name: 'wecomUserId_unique' },
  { collection: 'users', name: 'wecomUserId_1_town_1' },
  { collection: 'users', name: 'town_wecomUserId_unique' },
];

async function dropRetiredIndexes(): Promise<void> {
  for (const { collection, name } of RETIRED_INDEXES) {
    await mongoose.connection
      .collection(collection)
      .dropIndex(name)
      .catch((e: { code?: number; codeName?: string }) => {
        // 27 IndexNotFound, 26 NamespaceNotFound: nothing to drop.
        if (e?.code !== 27 && e?.code !== 26 && e?.codeName !== 'IndexNotFound') throw e;
      });
  }
}

/**
 * Create every registered model's indexes (explicitly, so an unsupported index fails loudly).
 * Two processes starting at once (a second server, a command) can make PostgreSQL report a
 * deadlock between their DDL: that is retried, everything else stops the start.
 */
export async function ensureIndexes(): Promise<void> {
  await dropRetiredIndexes();
  for (const model of Object.values(mongoose.models)) {
    for (let attempt = 1; ; attempt++) {
      try {
        await model.createCollection().catch((e: { code?: number }) => {
          if (e?.code !== 48) throw e; // 48: NamespaceExists
        });
        await model.createIndexes().catch((e: Error) => {
          if (!/existing index has the same name/i.test(e.message ?? '')) throw e;
          return createMissingIndexes(model);
        });
        break;
      } catch (e) {
        const transient = /deadlock|could not serialize|tuple concurrently|already exists/i.test(
          (e as Error).message ?? '',
        );
        if (!transient || attempt >= 8) throw e;
        await new Promise((r) => setTimeout(r, 100 * attempt + Math.random() * 200));
      }
    }
  }
}

/**
 * A database made before the embedded engine's indexes were of the composite kind (postgres.ts):
 * the engine refuses to make an index again under the same name with the new kind, so the
 * indexes already there are kept as they are and only the missing ones are made.
 */
async function createMissingIndexes(model: mongoose.Model<unknown>): Promise<void> {
  const have = new Set((await model.collection.indexes()).map((i) => JSON.stringify(i.key)));
  for (const [fields, options] of model.schema.indexes()) {
    if (have.has(JSON.stringify(fields))) continue;
    await model.collection.createIndex(
      fields as mongoose.mongo.IndexSpecification,
      options as mongoose.mongo.CreateIndexesOptions,
    );
  }
}

export async function disconnectMongoose(): Promise<void> {
  await mongoose.disconnect();
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

/**
 * FerretDB answers InternalError (1) with PostgreSQL's own words while PostgreSQL is away or
 * starting again (the supervisor restarts it within seconds).
 */
const BACKEND_AWAY =
  /postmaster|connection refused|failed to connect|server closed the connection|starting up|recovery mode|shutting down|pool closed|broken pipe|connection reset/i;

/** True for errors that mean "the database is unreachable", not "the query is wrong". */
export function isDbUnavailable(e: unknown): boolean {
  const err = e as { name?: string; code?: number; message?: string };
  if (err?.name && UNAVAILABLE.has(err.name)) return true;
  return err?.name === 'MongoServerError' && err.code === 1 && BACKEND_AWAY.test(err.message ?? '');
}
