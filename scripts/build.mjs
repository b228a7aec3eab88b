// Bundles the `bi-agent` command into dist/ with esbuild: our code only, dependencies stay in
// node_modules (PGlite and the PostgreSQL parser load WebAssembly from their own folders).
import { build } from 'esbuild';
import { chmodSync } from 'node:fs';

await build({
  entryPoints: {
    'bi-agent': 'bin/bi-agent.ts',
    // The embedded warehouse's worker thread: PgliteWarehouse looks for it beside the bundle.
    'pglite-worker': 'functions/adapters/warehouse/pglite-worker.ts',
  },
  outdir: 'dist',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});
chmodSync('dist/bi-agent.mjs', 0o755);
