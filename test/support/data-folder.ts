/**
 * A private data folder holding a copy of the shared test warehouse: commands and servers under
 * test write their retrieval index into their data folder, and must not write into the shared one.
 */
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { embeddedWarehouseDirectory } from '../../functions/warehouse/embedded.ts';
import { testWarehouseDataDir } from './warehouse.ts';

export interface DataFolder {
  readonly path: string;
  remove(): Promise<void>;
}

export async function copyOfTestDataFolder(): Promise<DataFolder> {
  const path = await mkdtemp(join(tmpdir(), 'bi-agent-e2e-'));
  await cp(embeddedWarehouseDirectory(testWarehouseDataDir()), embeddedWarehouseDirectory(path), { recursive: true });
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}
