import { ensureFerretDbBinary } from './ferretdb';

// npm run db:build: build (or find) the embedded database binary ahead of time, e.g. in CI.
ensureFerretDbBinary()
  .then((bin) => process.stdout.write(`FerretDB ready: ${bin}\n`))
  .catch((e) => {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  });
