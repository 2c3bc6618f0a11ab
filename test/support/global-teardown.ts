import fs from 'node:fs';
import type { EmbeddedEngine } from '../../server/src/db/embedded';

export default async function globalTeardown() {
  const held = (globalThis as Record<string, unknown>).__yingjiTestDb as
    { engine: EmbeddedEngine; dir: string } | undefined;
  if (!held) return;
  await held.engine.stop();
  fs.rmSync(held.dir, { recursive: true, force: true });
}
