import { runBuild } from './ferretdb';

// npm run db:build: build (or find) the embedded database ahead of time: Debian's PostgreSQL 15
// packages, the DocumentDB extension and FerretDB (see engine/build.sh). Idempotent.
runBuild((line) => process.stdout.write(`[db:build] ${line}\n`)).catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
