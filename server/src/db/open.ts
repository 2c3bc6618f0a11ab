import type { Config } from '../config';
import type { Logger } from '../logger';
import { connectMongoose, disconnectMongoose } from './connection';
import { locateDatabase, type DatabaseLocation } from './embedded';
import { watchEngine } from './health';

/** Find (or start) the database for this configuration and connect Mongoose to it. */
export async function openDatabase(
  config: Pick<Config, 'MONGODB_URI' | 'dataDir' | 'FERRETDB_BIN'>,
  log?: Logger,
): Promise<{ location: DatabaseLocation; close(): Promise<void> }> {
  const location = await locateDatabase({
    mongodbUri: config.MONGODB_URI,
    dataDir: config.dataDir,
    ferretDbBin: config.FERRETDB_BIN,
  });
  log?.info({ source: location.source, db: location.dbName }, 'database located');
  watchEngine(location.engine);
  try {
    await connectMongoose(location.uri, location.dbName);
  } catch (e) {
    await location.release();
    throw e;
  }
  return {
    location,
    async close() {
      await disconnectMongoose();
      await location.release();
    },
  };
}
