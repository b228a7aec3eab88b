/**
 * Runs once per test run, before any test file: builds ONE small embedded warehouse into a
 * temporary folder and hands its path to the tests (`inject('warehouseDataDir')`, or simply
 * `openTestWarehouse()` from `./warehouse.ts`). Removed again when the run ends.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { openEmbeddedWarehouse } from '../../functions/warehouse/embedded.ts';
import { TEST_WAREHOUSE_OPTIONS } from './warehouse-options.ts';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dataDir = await mkdtemp(join(tmpdir(), 'bi-agent-test-warehouse-'));
  const db = await openEmbeddedWarehouse(dataDir, { seedOptions: TEST_WAREHOUSE_OPTIONS });
  await db.close();
  project.provide('warehouseDataDir', dataDir);
  return async () => {
    await rm(dataDir, { recursive: true, force: true });
  };
}
