/**
 * Benchmarks of the sample warehouse, for `npm run bench`: how long the first start of the embedded
 * default takes (build of the 100k-line warehouse) and how long every later start takes (load).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEmbeddedWarehouse, readEmbeddedWarehouseManifest } from './embedded.ts';
import type { GeneratorOptions } from './generator.ts';

export interface WarehouseBuildMeasurement {
  /** Build of an empty data folder: boot, migrate, generate, COPY, index, dump. */
  readonly buildMs: number;
  /** Median load of the built folder into a fresh in-memory PGlite. */
  readonly loadMs: number;
  readonly dumpBytes: number;
  readonly transactions: number;
}

/**
 * Builds the embedded warehouse (default 100k lines) in a temporary folder, then loads it `loads`
 * times; prints one line per figure to `log` and returns them. Leaves nothing behind.
 */
export async function measureWarehouseBuild(
  options: { seedOptions?: Partial<GeneratorOptions>; loads?: number; log?: (line: string) => void } = {},
): Promise<WarehouseBuildMeasurement> {
  const log = options.log ?? ((line: string) => console.log(line));
  const dataDir = await mkdtemp(join(tmpdir(), 'bi-agent-bench-'));
  try {
    let started = performance.now();
    const built = await openEmbeddedWarehouse(dataDir, options.seedOptions ? { seedOptions: options.seedOptions } : {});
    const buildMs = performance.now() - started;
    await built.close();

    const loads: number[] = [];
    for (let i = 0; i < (options.loads ?? 3); i += 1) {
      started = performance.now();
      const db = await openEmbeddedWarehouse(dataDir);
      loads.push(performance.now() - started);
      await db.close();
    }
    loads.sort((a, b) => a - b);
    const manifest = await readEmbeddedWarehouseManifest(dataDir);
    const result: WarehouseBuildMeasurement = {
      buildMs: Math.round(buildMs),
      loadMs: Math.round(loads[Math.floor(loads.length / 2)] ?? NaN),
      dumpBytes: manifest?.dumpBytes ?? 0,
      transactions: manifest?.rowCounts.sales_transactions ?? 0,
    };
    log(`warehouse: build of ${result.transactions} lines (embedded, PGlite): ${(result.buildMs / 1000).toFixed(1)} s`);
    log(`warehouse: load of the built warehouse (median of ${loads.length}): ${result.loadMs} ms`);
    log(`warehouse: dump size: ${(result.dumpBytes / 1e6).toFixed(1)} MB`);
    return result;
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}
