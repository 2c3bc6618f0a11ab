import fs from 'node:fs/promises';
import path from 'node:path';

/**
 * Where photo bytes live. The file-system store keeps them under DATA_DIR/media; an object store
 * (S3, COS, OSS) can implement the same three calls.
 */
export interface MediaStorage {
  put(key: string, data: Buffer): Promise<void>;
  get(key: string): Promise<Buffer | undefined>;
  delete(key: string): Promise<void>;
}

const SAFE_KEY = /^[\w-]+(\/[\w-]+)*\.[a-z]+$/;

export class FileSystemStorage implements MediaStorage {
  constructor(private readonly root: string) {}

  private file(key: string): string {
    if (!SAFE_KEY.test(key)) throw new Error(`unsafe media key: ${key}`);
    return path.join(this.root, ...key.split('/'));
  }

  async put(key: string, data: Buffer): Promise<void> {
    const file = this.file(key);
    await fs.mkdir(path.dirname(file), { recursive: true });
    // Write then rename, so a reader never sees half a file.
    const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
    await fs.writeFile(tmp, data);
    await fs.rename(tmp, file);
  }

  async get(key: string): Promise<Buffer | undefined> {
    try {
      return await fs.readFile(this.file(key));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
  }

  async delete(key: string): Promise<void> {
    await fs.rm(this.file(key), { force: true });
  }
}

const stores = new Map<string, MediaStorage>();

/** The storage of a data directory (one instance per directory). */
export function mediaStorage(dataDir: string): MediaStorage {
  let s = stores.get(dataDir);
  if (!s) {
    s = new FileSystemStorage(path.join(dataDir, 'media'));
    stores.set(dataDir, s);
  }
  return s;
}
