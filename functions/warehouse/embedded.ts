/**
 * The embedded default's warehouse: PGlite, built once into the data folder, loaded by every
 * process that needs it.
 *
 * Why a dump file and an in-memory copy per process, rather than opening a PGlite data directory:
 * a long-running `bi-agent serve` and short `bi-agent ask` / `sql` commands may use the same folder
 * at the same time, and PGlite is a single-process PostgreSQL — two processes on one data directory
 * would corrupt it. So the first process builds the warehouse in memory and publishes it as a
 * gzipped dump (`db.dumpDataDir()`); every process then loads its own copy
 * (`new PGlite({ loadDataDir })`, under a second for the 100k default) and nothing ever writes the
 * shared folder again. The question path never writes, so private copies cannot drift.
 *
 * Folder layout (`<dataDir>/warehouse/`):
 * - `warehouse.json` — the manifest: metadata (seed options, row counts, date range, schema
 *   version, data hash) and the name of the dump. Replacing it (atomic rename) publishes a build.
 * - `warehouse-<build id>.tar.gz` — the dump, written to a temporary name and renamed before the
 *   manifest points at it; a reader never sees half a file.
 * - `build.lock` — held while a process builds, so that others wait instead of building too.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, readdir, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { WarehouseUnavailableError } from '../core/errors.ts';
import { breakIfStale, isLocked, tryLock } from './build-lock.ts';
import { GENERATOR_VERSION, resolveGeneratorOptions, type GeneratorOptions } from './generator.ts';
import type { WarehouseDateRange, WarehouseMetadata } from './metadata.ts';
import { latestVersion, loadMigrations } from './migrate.ts';
import type { OnWarehouseProgress } from './progress-event.ts';
import { pgliteSeedTarget } from './seed-targets.ts';
import { seedWarehouse } from './seed.ts';

/** `warehouse.json`: the metadata of the published build, and where its dump is. */
export interface EmbeddedWarehouseManifest extends WarehouseMetadata {
  /** File name of the dump, in the same folder. */
  readonly dump: string;
  readonly dumpBytes: number;
}

export interface OpenEmbeddedWarehouseOptions {
  readonly onProgress?: OnWarehouseProgress;
  /**
   * Generator options for a build. Absent: use what the folder holds, or the defaults when it is
   * empty. Present and different from what the folder holds: the folder is rebuilt with them.
   */
  readonly seedOptions?: Partial<GeneratorOptions>;
  /** How long to wait for another process's build before giving up; default 30 minutes. */
  readonly waitTimeoutMs?: number;
}

const MANIFEST = 'warehouse.json';
const LOCK = 'build.lock';
const DUMP_PATTERN = /^warehouse-[a-z0-9-]+\.tar\.gz$/;
const POLL_MS = 200;
const TEMP_MAX_AGE_MS = 60 * 60 * 1000;

/** The folder inside a data folder that holds the embedded warehouse. */
export function embeddedWarehouseDirectory(dataDir: string): string {
  return join(dataDir, 'warehouse');
}

/**
 * A ready PGlite holding the migrated, seeded sample warehouse of `dataDir` — this process's own
 * in-memory copy. The first call on an empty folder builds it (seconds; progress through
 * `onProgress`); later calls, from any process, load what was built (under a second). Safe when
 * several processes open, or build, the same folder at once. Close it when done.
 *
 * @example
 * ```ts
 * const db = await openEmbeddedWarehouse(resolveDataDir(flags.data), { onProgress: bar.onProgress });
 * ```
 */
export async function openEmbeddedWarehouse(
  dataDir: string,
  options: OpenEmbeddedWarehouseOptions = {},
): Promise<PGlite> {
  const onProgress = options.onProgress ?? (() => undefined);
  const directory = embeddedWarehouseDirectory(dataDir);
  const lockPath = join(directory, LOCK);
  const wanted = options.seedOptions ? resolveGeneratorOptions(options.seedOptions) : undefined;
  const schemaVersion = latestVersion(await loadMigrations());
  const waitStarted = Date.now();
  const deadline = waitStarted + (options.waitTimeoutMs ?? 30 * 60 * 1000);

  try {
    await mkdir(directory, { recursive: true });
  } catch (error) {
    throw new WarehouseUnavailableError(
      `Cannot create the warehouse folder ${directory}: ${(error as Error).message}. Choose a writable --data folder.`,
      undefined,
      { cause: error },
    );
  }

  let unusable: string | undefined; // a dump that failed to load: rebuild instead of retrying it
  for (;;) {
    const manifest = await readEmbeddedWarehouseManifest(dataDir);
    if (manifest && isCurrent(manifest, wanted, schemaVersion) && manifest.dump !== unusable) {
      try {
        return await loadDump(directory, manifest, onProgress);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue; // replaced meanwhile: read again
        unusable = manifest.dump;
      }
    }

    const lock = await tryLock(lockPath);
    if (lock) {
      try {
        const latest = await readEmbeddedWarehouseManifest(dataDir);
        if (latest && latest.dump !== manifest?.dump && isCurrent(latest, wanted, schemaVersion)) continue;
        const generator = wanted ?? manifest?.generator ?? resolveGeneratorOptions();
        return await build(directory, generator, onProgress);
      } finally {
        await lock.release();
      }
    }

    // Another process is building: wait for it to publish (or to die, and then build ourselves).
    while ((await isLocked(lockPath)) && !(await breakIfStale(lockPath))) {
      if (Date.now() > deadline) {
        throw new WarehouseUnavailableError(
          `Another process has been building the warehouse in ${directory} for too long. If no bi-agent ` +
            `process is running, delete ${lockPath} and try again.`,
          60,
        );
      }
      onProgress({ phase: 'wait', done: Math.round((Date.now() - waitStarted) / 1000), total: 0 });
      await sleep(POLL_MS);
    }
  }
}

/**
 * The manifest of the warehouse published in `dataDir`, or `undefined` when none was built yet
 * (or the file is unreadable). Cheap: reads one small file, starts no database.
 */
export async function readEmbeddedWarehouseManifest(dataDir: string): Promise<EmbeddedWarehouseManifest | undefined> {
  try {
    const manifest = JSON.parse(
      await readFile(join(embeddedWarehouseDirectory(dataDir), MANIFEST), 'utf8'),
    ) as EmbeddedWarehouseManifest;
    return manifest.formatVersion === 1 && typeof manifest.dump === 'string' ? manifest : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The first and last day of the embedded warehouse's data, so the app can default "as of" to the
 * last day. Throws `WarehouseUnavailableError` when the folder holds no warehouse yet.
 */
export async function warehouseDateRange(dataDir: string): Promise<WarehouseDateRange> {
  const manifest = await readEmbeddedWarehouseManifest(dataDir);
  if (!manifest) {
    throw new WarehouseUnavailableError(
      `No warehouse has been built in ${embeddedWarehouseDirectory(dataDir)} yet; open it once (any bi-agent ` +
        `command does) to build it.`,
      undefined,
    );
  }
  return manifest.dateRange;
}

// ---------------------------------------------------------------------------------------------
// Internals

function isCurrent(manifest: EmbeddedWarehouseManifest, wanted: GeneratorOptions | undefined, schemaVersion: number): boolean {
  return (
    manifest.generatorVersion === GENERATOR_VERSION &&
    manifest.schemaVersion === schemaVersion &&
    (wanted === undefined || sameOptions(wanted, manifest.generator))
  );
}

function sameOptions(a: GeneratorOptions, b: GeneratorOptions): boolean {
  return (
    a.seed === b.seed && a.transactions === b.transactions && a.customers === b.customers && a.from === b.from && a.to === b.to
  );
}

async function loadDump(directory: string, manifest: EmbeddedWarehouseManifest, onProgress: OnWarehouseProgress): Promise<PGlite> {
  onProgress({ phase: 'load', done: 0, total: 1 });
  const bytes = await readFile(join(directory, manifest.dump));
  const db = new PGlite({ loadDataDir: new Blob([bytes]) });
  try {
    await db.waitReady;
    await db.query('SELECT 1 FROM sales.regions LIMIT 1');
  } catch (error) {
    await db.close().catch(() => undefined);
    throw error;
  }
  onProgress({ phase: 'load', done: 1, total: 1 });
  return db;
}

/** Builds in memory, publishes dump then manifest (each by atomic rename), returns the live copy. */
async function build(directory: string, generator: GeneratorOptions, onProgress: OnWarehouseProgress): Promise<PGlite> {
  const started = performance.now();
  onProgress({ phase: 'boot', done: 0, total: 1 });
  const db = new PGlite();
  try {
    await db.waitReady;
    onProgress({ phase: 'boot', done: 1, total: 1 });
    const metadata = await seedWarehouse(pgliteSeedTarget(db), generator, onProgress);

    onProgress({ phase: 'dump', done: 0, total: 1 });
    const dump = new Uint8Array(await (await db.dumpDataDir('gzip')).arrayBuffer());
    const buildId = `${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
    const dumpName = `warehouse-${buildId}.tar.gz`;
    await writeAtomically(join(directory, dumpName), dump);
    const manifest: EmbeddedWarehouseManifest = {
      ...metadata,
      buildMs: Math.round(performance.now() - started),
      dump: dumpName,
      dumpBytes: dump.byteLength,
    };
    await writeAtomically(join(directory, MANIFEST), new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`));
    await removeLeftovers(directory, dumpName);
    onProgress({ phase: 'dump', done: 1, total: 1 });
    return db;
  } catch (error) {
    await db.close().catch(() => undefined);
    throw new WarehouseUnavailableError(
      `Building the embedded warehouse in ${directory} failed: ${(error as Error).message}`,
      undefined,
      { cause: error },
    );
  }
}

/** Writes to a unique temporary name in the same folder, flushes, then renames over `path`. */
async function writeAtomically(path: string, bytes: Uint8Array): Promise<void> {
  const temporary = `${path}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  const handle = await open(temporary, 'w');
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temporary, path);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
}

/**
 * Deletes dumps of earlier builds (a reader that still had the old manifest gets ENOENT and reads
 * the new one) and temporary files of builds that died more than an hour ago.
 */
async function removeLeftovers(directory: string, keep: string): Promise<void> {
  for (const name of await readdir(directory)) {
    const path = join(directory, name);
    if (DUMP_PATTERN.test(name) && name !== keep) {
      await unlink(path).catch(() => undefined);
    } else if (name.endsWith('.tmp')) {
      const age = Date.now() - (await stat(path).catch(() => ({ mtimeMs: Date.now() }))).mtimeMs;
      if (age > TEMP_MAX_AGE_MS) await unlink(path).catch(() => undefined);
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
