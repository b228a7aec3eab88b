/**
 * Where a PGlite warehouse comes from, as plain data: the adapter sends it to its worker thread
 * (which cannot receive a live database) and the worker opens it again after every restart.
 */
import { readFile } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { openEmbeddedWarehouse } from '../../warehouse/embedded.ts';
import type { GeneratorOptions } from '../../warehouse/generator.ts';
import type { OnWarehouseProgress } from '../../warehouse/progress-event.ts';

export type PgliteSource =
  /**
   * The embedded default of a `--data` folder, through `openEmbeddedWarehouse`: built on first use
   * (seconds to minutes), then loaded as this worker's own in-memory copy (under a second).
   */
  | { readonly kind: 'embedded'; readonly dataDir: string; readonly seedOptions?: Partial<GeneratorOptions> }
  /**
   * An existing PGlite data folder, opened in place (≈ 1 s). PGlite is a single-process PostgreSQL:
   * only one process may have a folder open, so the embedded default uses `embedded` instead.
   */
  | { readonly kind: 'data-dir'; readonly dataDir: string }
  /** A tarball written by `dumpDataDir()`, loaded into memory: no folder is touched. */
  | { readonly kind: 'dump'; readonly file: string };

/** Opens the database a source describes. Runs in whichever thread will use the database. */
export async function openPglite(source: PgliteSource, onProgress?: OnWarehouseProgress): Promise<PGlite> {
  switch (source.kind) {
    case 'embedded':
      return openEmbeddedWarehouse(source.dataDir, {
        ...(source.seedOptions ? { seedOptions: source.seedOptions } : {}),
        ...(onProgress ? { onProgress } : {}),
      });
    case 'data-dir':
      return PGlite.create({ dataDir: source.dataDir });
    case 'dump': {
      const bytes = await readFile(source.file);
      return PGlite.create({ loadDataDir: new Blob([bytes]) });
    }
  }
}
