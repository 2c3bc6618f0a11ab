import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { locateDatabase, runtimeFilePath } from '../../server/src/db/embedded';
import { pingOnce } from '../../server/src/db/ferretdb';

describe('embedded database', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'yingji-embedded-'));
  fs.chmodSync(dataDir, 0o755); // reachable by the postgres user when the tests run as root
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('starts PostgreSQL + DocumentDB + FerretDB under DATA_DIR, stores and reads documents through Mongoose, and stops', async () => {
    const db = await locateDatabase({ dataDir, progress: () => undefined });
    expect(db.source).toBe('started');
    expect(db.uri).toMatch(/^mongodb:\/\/127\.0\.0\.1:\d+\/$/);
    expect(fs.existsSync(path.join(dataDir, 'pg', 'PG_VERSION'))).toBe(true);
    expect(JSON.parse(fs.readFileSync(runtimeFilePath(dataDir), 'utf8')).uri).toBe(db.uri);

    const conn = await mongoose.createConnection(db.uri, { dbName: 'crud' }).asPromise();
    const Note = conn.model('Note', new mongoose.Schema({ title: String, count: Number }));
    const created = await Note.create({ title: '汛期值班', count: 1 });
    await Note.updateOne({ _id: created._id }, { $inc: { count: 2 } });
    expect((await Note.findById(created._id).lean())?.count).toBe(3);
    await Note.deleteOne({ _id: created._id });
    expect(await Note.countDocuments()).toBe(0);

    // A second command on the same DATA_DIR uses the running server instead of starting another.
    const again = await locateDatabase({ dataDir, progress: () => undefined });
    expect(again.source).toBe('shared');
    expect(again.uri).toBe(db.uri);

    await conn.close();
    await db.release();
    expect(await pingOnce(db.uri, 500)).toBe(false);
    expect(fs.existsSync(runtimeFilePath(dataDir))).toBe(false);
  });

  it('keeps the data across a restart of the embedded server', async () => {
    const first = await locateDatabase({ dataDir, progress: () => undefined });
    const c1 = await mongoose.createConnection(first.uri, { dbName: 'keep' }).asPromise();
    await c1.collection('things').insertOne({ name: '避难场所' });
    await c1.close();
    await first.release();

    const second = await locateDatabase({ dataDir, progress: () => undefined });
    expect(second.source).toBe('started');
    const c2 = await mongoose.createConnection(second.uri, { dbName: 'keep' }).asPromise();
    expect(await c2.collection('things').findOne({ name: '避难场所' })).not.toBeNull();
    await c2.close();
    await second.release();
  });

  it('uses MONGODB_URI and nothing else when it is set', async () => {
    const other = fs.mkdtempSync(path.join(os.tmpdir(), 'yingji-env-'));
    const uri = process.env.TEST_MONGODB_URI!.replace(/\/?$/, '/fromenv');
    const db = await locateDatabase({ dataDir: other, mongodbUri: uri });
    expect(db).toMatchObject({ source: 'env', uri, dbName: 'fromenv' });
    expect(fs.readdirSync(other)).toEqual([]); // no embedded server started, nothing written
    await db.release();
  });

  it('starts cleanly on a DATA_DIR left by a killed server, with its data', async () => {
    const script = path.join(dataDir, 'hold.ts');
    const embedded = path.resolve(__dirname, '../../server/src/db/embedded');
    fs.writeFileSync(
      script,
      `import { locateDatabase } from ${JSON.stringify(embedded)};
import mongoose from ${JSON.stringify(require.resolve('mongoose'))};
locateDatabase({ dataDir: ${JSON.stringify(dataDir)}, progress: () => undefined }).then(async (db) => {
  const c = await mongoose.createConnection(db.uri, { dbName: 'crashed' }).asPromise();
  await c.collection('things').insertOne({ name: '应急物资' });
  process.stdout.write('READY\\n');
  setInterval(() => undefined, 1000);
});`,
    );
    const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: path.resolve(__dirname, '../..') });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => d.toString().includes('READY') && resolve());
      child.once('exit', (code) => reject(new Error(`holder exited ${code}`)));
    });
    child.kill('SIGKILL'); // its PostgreSQL and FerretDB stay behind, holding the files
    await new Promise((r) => child.once('exit', r));

    const next = await locateDatabase({ dataDir, progress: () => undefined });
    expect(next.source).toBe('started');
    const c = await mongoose.createConnection(next.uri, { dbName: 'crashed' }).asPromise();
    expect(await c.collection('things').findOne({ name: '应急物资' })).not.toBeNull();
    await c.close();
    await next.release();
  });
});
