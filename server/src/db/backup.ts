import fs from 'node:fs';
import readline from 'node:readline';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import mongoose from 'mongoose';

/**
 * A logical backup through the driver, not pg_dump: the engine's catalog tables belong to the
 * DocumentDB extension, and the same file must restore into a MongoDB replica set too.
 *
 * The file is gzip'd JSON lines. The first line is the header; then each collection's own line
 * (options and index specs as `listIndexes` gives them) followed by its documents, one per line
 * as canonical Extended JSON (ObjectId, Date, Decimal128, Int32/Int64/Double kept exactly); the
 * last line counts what was written, so a truncated file is refused instead of half restored.
 * Marker lines carry a `$backup` key, which no stored document can have at its top level.
 */
type Db = mongoose.mongo.Db;
type Document = mongoose.mongo.Document;
const { EJSON } = mongoose.mongo.BSON;

export const BACKUP_FORMAT = 'yingji-backup';
export const BACKUP_VERSION = 1;

interface HeaderLine {
  $backup: 'header';
  format: string;
  version: number;
  db: string;
  createdAt: string;
}
interface CollectionLine {
  $backup: 'collection';
  name: string;
  options: Document;
  indexes: Document[];
}
interface EndLine {
  $backup: 'end';
  collections: number;
  documents: number;
}

export type BackupProgress = (line: string) => void;
export interface BackupSummary {
  collections: { name: string; documents: number; indexes: number }[];
  documents: number;
}

/** Refused restores and unreadable files: the message is for the person at the terminal. */
export class BackupError extends Error {
  constructor(
    readonly code: 'BACKUP_TARGET_NOT_EMPTY' | 'BACKUP_FILE_INVALID',
    message: string,
  ) {
    super(message);
    this.name = 'BackupError';
  }
}

const PROGRESS_EVERY = 5000;

/** The database's own collections (not views, not the engine's system ones), by name. */
async function collectionsOf(db: Db) {
  const infos = await db.listCollections({}, { nameOnly: false }).toArray();
  return infos
    .filter((c) => (c.type ?? 'collection') === 'collection' && !c.name.startsWith('system.'))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Write every collection of `db` to `file`, streamed: one document in memory at a time. */
export async function backupDatabase(
  db: Db,
  file: string,
  progress: BackupProgress = () => {},
): Promise<BackupSummary> {
  const summary: BackupSummary = { collections: [], documents: 0 };
  async function* lines(): AsyncGenerator<string> {
    const header: HeaderLine = {
      $backup: 'header',
      format: BACKUP_FORMAT,
      version: BACKUP_VERSION,
      db: db.databaseName,
      createdAt: new Date().toISOString(),
    };
    yield JSON.stringify(header) + '\n';
    for (const info of await collectionsOf(db)) {
      const coll = db.collection(info.name);
      const indexes = await coll.listIndexes().toArray();
      const line: CollectionLine = {
        $backup: 'collection',
        name: info.name,
        options: (info as { options?: Document }).options ?? {},
        indexes,
      };
      yield EJSON.stringify(line, { relaxed: false }) + '\n';
      let n = 0;
      for await (const doc of coll.find({}, { sort: { _id: 1 }, batchSize: 1000 })) {
        yield EJSON.stringify(doc, { relaxed: false }) + '\n';
        if (++n % PROGRESS_EVERY === 0) progress(`备份 ${info.name}: ${n} 条`);
      }
      progress(`备份 ${info.name}: 共 ${n} 条, 索引 ${indexes.length} 个`);
      summary.collections.push({ name: info.name, documents: n, indexes: indexes.length });
      summary.documents += n;
    }
    const end: EndLine = { $backup: 'end', collections: summary.collections.length, documents: summary.documents };
    yield JSON.stringify(end) + '\n';
  }
  const tmp = `${file}.partial`;
  await pipeline(Readable.from(lines()), zlib.createGzip(), fs.createWriteStream(tmp));
  fs.renameSync(tmp, file); // a backup cut short never looks like a finished one
  return summary;
}

/** How many documents `db` holds, per collection that holds any. */
async function nonEmpty(db: Db): Promise<{ name: string; documents: number }[]> {
  const out: { name: string; documents: number }[] = [];
  for (const c of await collectionsOf(db)) {
    const documents = await db.collection(c.name).countDocuments({}, { limit: 1 });
    if (documents > 0) out.push({ name: c.name, documents });
  }
  return out;
}

const invalid = (why: string) => new BackupError('BACKUP_FILE_INVALID', `备份文件无法恢复: ${why}`);

/** Streamed lines of a backup file; a damaged gzip stream or line is a BACKUP_FILE_INVALID. */
async function* backupLines(file: string): AsyncGenerator<string> {
  const input = fs.createReadStream(file).pipe(zlib.createGunzip());
  const rl = readline.createInterface({ input, crlfDelay: Infinity });
  try {
    for await (const raw of rl) if (raw) yield raw;
  } catch (e) {
    if ((e as { code?: string }).code?.startsWith('Z_')) throw invalid('文件不完整或已损坏');
    throw e;
  }
}

/**
 * Read the whole file once before touching the database: a file cut short or of another kind is
 * refused while the target is still as it was. Documents are counted, not parsed.
 */
async function verifyBackup(file: string): Promise<void> {
  let first = true;
  let collections = 0;
  let documents = 0;
  let end: Document | undefined;
  for await (const raw of backupLines(file)) {
    if (end) throw invalid('结束标记之后还有内容');
    if (first) {
      first = false;
      let h: Partial<HeaderLine>;
      try {
        h = JSON.parse(raw) as Partial<HeaderLine>;
      } catch {
        throw invalid('不是本系统的备份文件');
      }
      if (h.$backup !== 'header' || h.format !== BACKUP_FORMAT) throw invalid('不是本系统的备份文件');
      if (h.version !== BACKUP_VERSION) throw invalid(`不支持的备份格式版本 ${String(h.version)}`);
    } else if (raw.startsWith('{"$backup":"collection"')) collections++;
    else if (raw.startsWith('{"$backup":"end"')) end = JSON.parse(raw) as Document;
    else documents++;
  }
  if (first) throw invalid('文件为空');
  if (!end) throw invalid('文件不完整（缺少结束标记）');
  if (end.documents !== documents || end.collections !== collections)
    throw invalid(`条数不符（应有 ${end.documents} 条，文件中有 ${documents} 条）`);
}

/** An index spec as createIndexes takes it: the same name, keys and options, without the engine's own fields. */
function indexSpec(ix: Document): mongoose.mongo.IndexDescription {
  const { v: _v, ns: _ns, key, ...options } = ix;
  return { key, ...options } as mongoose.mongo.IndexDescription;
}

/**
 * Restore `file` into `db`. A database with any document in it is refused unless `force`, which
 * drops it first. Collections are created with their options, documents inserted in batches,
 * then the indexes built (same names, keys, unique and partial options).
 */
export async function restoreDatabase(
  db: Db,
  file: string,
  opts: { force?: boolean; progress?: BackupProgress; batchSize?: number } = {},
): Promise<BackupSummary> {
  const progress = opts.progress ?? (() => {});
  const batchSize = opts.batchSize ?? 1000;
  if (!fs.existsSync(file)) throw new BackupError('BACKUP_FILE_INVALID', `找不到备份文件 ${file}`);
  await verifyBackup(file);
  const filled = await nonEmpty(db);
  if (filled.length && !opts.force) {
    throw new BackupError(
      'BACKUP_TARGET_NOT_EMPTY',
      `数据库 ${db.databaseName} 已有数据（${filled.map((c) => c.name).join('、')}），未恢复；` +
        '确认要用备份覆盖时加 --force（会先删除该数据库的全部数据）',
    );
  }
  // Also empty collections go: the backup's own options and indexes are recreated as they were.
  await db.dropDatabase();

  const summary: BackupSummary = { collections: [], documents: 0 };
  let current: { line: CollectionLine; batch: Document[]; bytes: number; n: number } | undefined;
  let sawHeader = false;

  const flush = async () => {
    if (!current || current.batch.length === 0) return;
    await db.collection(current.line.name).insertMany(current.batch, { ordered: true });
    current.batch = [];
    current.bytes = 0;
  };
  const finish = async () => {
    if (!current) return;
    await flush();
    const specs = current.line.indexes.filter((ix) => ix.name !== '_id_').map(indexSpec);
    if (specs.length) await db.collection(current.line.name).createIndexes(specs);
    progress(`恢复 ${current.line.name}: 共 ${current.n} 条, 索引 ${current.line.indexes.length} 个`);
    summary.collections.push({ name: current.line.name, documents: current.n, indexes: current.line.indexes.length });
    summary.documents += current.n;
    current = undefined;
  };

  for await (const raw of backupLines(file)) {
    if (!sawHeader) {
      const h = JSON.parse(raw) as HeaderLine; // checked by verifyBackup
      progress(`备份来自数据库 ${h.db}，时间 ${h.createdAt}`);
      sawHeader = true;
      continue;
    }
    const parsed = EJSON.parse(raw, { relaxed: false }) as Document;
    if (parsed.$backup === 'collection') {
      await finish();
      const line = parsed as CollectionLine;
      await db.createCollection(line.name, line.options);
      current = { line, batch: [], bytes: 0, n: 0 };
    } else if (parsed.$backup === 'end') {
      await finish();
    } else {
      if (!current) throw invalid('文档出现在集合之前');
      current.batch.push(parsed);
      current.bytes += raw.length;
      if (++current.n % PROGRESS_EVERY === 0) progress(`恢复 ${current.line.name}: ${current.n} 条`);
      // Batches bounded by count and size, so a collection of large documents stays in memory bounds.
      if (current.batch.length >= batchSize || current.bytes >= 8 * 1024 * 1024) await flush();
    }
  }
  return summary;
}
