/**
 * The shared test warehouse, for every team's tests: built once per run by `global-setup.ts`,
 * loaded here as a private in-memory PGlite per caller (so a test may even write to its copy).
 *
 * @example
 * ```ts
 * let db: PGlite;
 * beforeAll(async () => { db = await openTestWarehouse(); });
 * afterAll(async () => { await db.close(); });
 * ```
 */
import type { PGlite } from '@electric-sql/pglite';
import { inject } from 'vitest';
import { openEmbeddedWarehouse } from '../../functions/warehouse/embedded.ts';
import { TEST_WAREHOUSE_OPTIONS } from './warehouse-options.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Data folder holding the shared test warehouse (see `global-setup.ts`). */
    warehouseDataDir: string;
  }
}

export { TEST_WAREHOUSE_OPTIONS };

/** The data folder of the shared test warehouse (read it; don't build into it). */
export function testWarehouseDataDir(): string {
  return inject('warehouseDataDir');
}

/** A fresh in-memory PGlite loaded with the shared test warehouse (≈ 0.5 s). Close it after use. */
export function openTestWarehouse(): Promise<PGlite> {
  return openEmbeddedWarehouse(testWarehouseDataDir(), { seedOptions: TEST_WAREHOUSE_OPTIONS });
}
