import fs from 'node:fs';
import type { FerretDbProcess } from '../../server/src/db/ferretdb';

export default async function globalTeardown() {
  const held = (globalThis as Record<string, unknown>).__yingjiTestDb as
    { db: FerretDbProcess; dir: string } | undefined;
  if (!held) return;
  await held.db.stop();
  fs.rmSync(held.dir, { recursive: true, force: true });
}
