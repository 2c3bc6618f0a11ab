import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import mongoose from 'mongoose';
import '../../server/src/modules'; // every capability's models, so the database has all of the app's collections
import { BackupError, backupDatabase, restoreDatabase } from '../../server/src/db/backup';
import { seedDemoTown } from '../../server/src/demo-seed';
import { HazardModel } from '../../server/src/hazards/hazard.model';
import { TownModel } from '../../server/src/people/town.model';
import { UserModel } from '../../server/src/people/user.model';
import { TipModel } from '../../server/src/tips/tip.model';
import { freshDbName, testMongoUri, useTestDatabase } from '../support/db';

const { EJSON, Decimal128, Long, Int32, Double, Binary, ObjectId } = mongoose.mongo.BSON;
type Db = mongoose.mongo.Db;

// A whole town backed up and restored several times, and two command-line runs: slower than most files.
jest.setTimeout(120_000);
const root = path.resolve(__dirname, '..', '..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'yingji-backup-'));
const others: string[] = [];
// Declared before useTestDatabase, so it runs while this file's connection is still open.
afterAll(async () => {
  for (const name of others) await mongoose.connection.getClient().db(name).dropDatabase();
  fs.rmSync(tmp, { recursive: true, force: true });
});
const source = useTestDatabase();

function otherDb(): Db {
  const name = freshDbName();
  others.push(name);
  return mongoose.connection.getClient().db(name);
}

/** Every collection's documents (canonical EJSON, by _id) and index specs, to compare two databases. */
async function snapshot(db: Db) {
  const out: Record<string, { docs: string[]; indexes: unknown[] }> = {};
  const names = (await db.listCollections().toArray()).map((c) => c.name).sort();
  for (const name of names) {
    const docs = await db.collection(name).find({}).sort({ _id: 1 }).toArray();
    const indexes = (await db.collection(name).listIndexes().toArray())
      .map(({ v: _v, ns: _ns, ...spec }) => spec)
      .sort((a, b) => String(a.name).localeCompare(String(b.name)));
    out[name] = { docs: docs.map((d) => EJSON.stringify(d, { relaxed: false })), indexes };
  }
  return out;
}

/** `npm run db:backup` / `db:restore`, as the office's IT person runs them, on a database of the test server. */
function cli(dbName: string, ...args: string[]) {
  return spawnSync(
    process.execPath,
    [path.join(root, 'node_modules/tsx/dist/cli.mjs'), 'server/src/db/backup-cli.ts', ...args],
    {
      cwd: root,
      env: {
        ...process.env,
        MONGODB_URI: `${testMongoUri().replace(/\/+$/, '')}/${dbName}`,
        DATA_DIR: tmp,
        LOG_LEVEL: 'silent',
      },
      encoding: 'utf8',
      timeout: 90_000,
    },
  );
}

beforeAll(async () => {
  await seedDemoTown();
  const town = (await TownModel.findOne().lean())!;
  const resident = (await UserModel.findOne({ town: town._id }).lean())!;
  const at = new Date('2026-07-14T02:30:00.000Z');
  const tips = await TipModel.insertMany(
    Array.from({ length: 30 }, (_, i) => ({
      town: town._id,
      code: `BK-T${i}`,
      reporter: resident._id,
      reporterRole: 'resident',
      category: 'flood_drought',
      description: `河堤渗水 ${i}`,
      location: { lat: 31.2 + i / 1000, lng: 121.4, address: '十直社区' },
      submittedAt: new Date(at.getTime() + i * 60_000),
      clientId: `client-${i}`,
    })),
  );
  await HazardModel.create({
    town: town._id,
    code: 'BK-H1',
    category: 'flood_drought',
    level: 'major',
    status: 'assigned',
    source: 'tip',
    description: '河堤渗水',
    location: { lat: 31.2, lng: 121.4 },
    department: '水利站',
    acceptedAt: at,
    discoveredAt: at,
    tips: [tips[0]!._id],
    history: [{ at, action: 'accept', to: 'assigned', note: '受理' }],
  });
  // Types JSON alone would lose, and a unique partial index with its options.
  const odd = mongoose.connection.db!.collection('backup_types');
  await odd.createIndex(
    { code: 1, 'when.at': -1 },
    { name: 'code_when', unique: true, partialFilterExpression: { kept: true } },
  );
  await odd.insertMany([
    {
      _id: new ObjectId(),
      code: 'a',
      kept: true,
      when: { at: new Date('2026-01-02T03:04:05.678Z') },
      money: Decimal128.fromString('12345.6789'),
      big: Long.fromString('9007199254740993'),
      small: new Int32(7),
      real: new Double(1),
      bytes: new Binary(Buffer.from([0, 1, 2, 255])),
      nothing: null,
      list: [1, '二', { three: new Date(0) }],
    },
    { _id: 'string-id', code: 'a', kept: false, text: '同一编码，未计入唯一索引' },
  ] as never[]);
});

describe('database backup and restore', () => {
  it('restores every collection, document and index into another database exactly as it was', async () => {
    const db = mongoose.connection.db!;
    const file = path.join(tmp, 'town.jsonl.gz');
    const lines: string[] = [];
    const made = await backupDatabase(db, file, (l) => lines.push(l));
    expect(made.documents).toBeGreaterThan(30);
    expect(lines.some((l) => l.includes('tips') && l.includes('30'))).toBe(true);

    // The file: a header, then per collection its options and indexes and its documents, then the count.
    const text = zlib.gunzipSync(fs.readFileSync(file)).toString('utf8').trimEnd().split('\n');
    expect(JSON.parse(text[0]!)).toMatchObject({
      $backup: 'header',
      format: 'yingji-backup',
      version: 1,
      db: source.name,
    });
    expect(JSON.parse(text[text.length - 1]!)).toEqual({
      $backup: 'end',
      collections: made.collections.length,
      documents: made.documents,
    });

    const target = otherDb();
    const restored = await restoreDatabase(target, file);
    expect(restored).toEqual(made);

    const before = await snapshot(db);
    const after = await snapshot(target);
    expect(Object.keys(after)).toEqual(Object.keys(before));
    expect(Object.keys(before)).toEqual(expect.arrayContaining(['tips', 'hazards', 'users', 'villages', 'grids']));
    expect(before.tips!.indexes.map((i) => (i as { name: string }).name)).toEqual(
      expect.arrayContaining(['code_1', 'reporter_1_clientId_1']),
    );
    for (const name of Object.keys(before)) {
      expect({ name, ...after[name] }).toEqual({ name, ...before[name] });
    }
    const odd = await target.collection('backup_types').findOne({ code: 'a', kept: true });
    expect(odd!.money).toBeInstanceOf(Decimal128);
    expect(odd!.when.at).toBeInstanceOf(Date);
    // The unique partial index still refuses a second kept 'a'.
    await expect(
      target.collection('backup_types').insertOne({ code: 'a', kept: true, when: odd!.when }),
    ).rejects.toMatchObject({ code: 11000 });
  });

  it('refuses to restore over a database that has data, and replaces it only with --force', async () => {
    const db = mongoose.connection.db!;
    const file = path.join(tmp, 'force.jsonl.gz');
    await backupDatabase(db, file);
    const target = otherDb();
    await target.collection('tips').insertOne({ code: 'kept-here' });

    await expect(restoreDatabase(target, file)).rejects.toMatchObject({ code: 'BACKUP_TARGET_NOT_EMPTY' });
    await expect(restoreDatabase(target, file)).rejects.toBeInstanceOf(BackupError);
    expect(await target.collection('tips').countDocuments()).toBe(1);
    expect(await target.listCollections().toArray()).toHaveLength(1);

    await restoreDatabase(target, file, { force: true });
    expect(await target.collection('tips').countDocuments({ code: 'kept-here' })).toBe(0);
    expect(await snapshot(target)).toEqual(await snapshot(db));
  });

  it('restores over a database whose collections exist but hold nothing (a server started on it)', async () => {
    const file = path.join(tmp, 'empty.jsonl.gz');
    await backupDatabase(mongoose.connection.db!, file);
    const target = otherDb();
    await target.collection('tips').createIndex({ stale: 1 }, { name: 'stale_1' });
    await restoreDatabase(target, file);
    const names = (await target.collection('tips').listIndexes().toArray()).map((i) => i.name);
    expect(names).not.toContain('stale_1');
    expect(await target.collection('tips').countDocuments()).toBe(30);
  });

  it('refuses a file cut short instead of restoring half of it', async () => {
    const file = path.join(tmp, 'whole.jsonl.gz');
    await backupDatabase(mongoose.connection.db!, file);
    const lines = zlib.gunzipSync(fs.readFileSync(file)).toString('utf8').trimEnd().split('\n');
    const cut = path.join(tmp, 'cut.jsonl.gz');
    fs.writeFileSync(cut, zlib.gzipSync(lines.slice(0, -1).join('\n') + '\n'));
    const target = otherDb();
    await target.collection('notes').insertOne({ text: '值班记录' });
    await expect(restoreDatabase(target, cut, { force: true })).rejects.toMatchObject({
      code: 'BACKUP_FILE_INVALID',
      message: expect.stringContaining('不完整'),
    });
    // Nothing was dropped or half written: the target is as it was.
    expect((await target.listCollections().toArray()).map((c) => c.name)).toEqual(['notes']);
    expect(await target.collection('notes').countDocuments()).toBe(1);
  });

  it('backs up and restores from the command line, refusing to overwrite without --force', async () => {
    const file = path.join(tmp, 'cli.jsonl.gz');
    const backup = cli(source.name, 'backup', '--out', file);
    expect(backup.status).toBe(0);
    expect(backup.stdout).toMatch(/已备份 \d+ 个集合、\d+ 条记录/);
    expect(backup.stderr).toContain('备份 tips: 共 30 条');

    const name = freshDbName();
    others.push(name);
    const restore = cli(name, 'restore', '--in', file);
    expect(restore.status).toBe(0);
    expect(restore.stdout).toMatch(/已从 .* 恢复 \d+ 个集合/);
    const target = mongoose.connection.getClient().db(name);
    expect(await snapshot(target)).toEqual(await snapshot(mongoose.connection.db!));

    const again = cli(name, 'restore', '--in', file);
    expect(again.status).toBe(2);
    expect(again.stderr).toContain('已有数据');
    expect(again.stderr).toContain('--force');
    expect(cli(name, 'restore', '--in', file, '--force').status).toBe(0);
  }, 240_000);
});
