import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  embeddedWarehouseDirectory,
  openEmbeddedWarehouse,
  readEmbeddedWarehouseManifest,
  warehouseDateRange,
} from '../../functions/warehouse/embedded.ts';
import { WarehouseUnavailableError } from '../../functions/core/errors.ts';
import { latestVersion, loadMigrations } from '../../functions/warehouse/migrate.ts';
import type { WarehousePhase } from '../../functions/warehouse/progress-event.ts';
import { packageRoot } from '../../functions/platform/paths.ts';
import { TEST_WAREHOUSE_OPTIONS, openTestWarehouse, testWarehouseDataDir } from '../support/warehouse.ts';

const run = promisify(execFile);
const TINY = { transactions: 2_000, customers: 50 } as const;

async function open(dataDir: string, seedOptions?: object) {
  const phases = new Set<WarehousePhase>();
  const started = performance.now();
  const db = await openEmbeddedWarehouse(dataDir, {
    ...(seedOptions ? { seedOptions } : {}),
    onProgress: (progress) => phases.add(progress.phase),
  });
  return { db, phases, ms: performance.now() - started };
}

async function totalSales(db: Awaited<ReturnType<typeof open>>['db']): Promise<string> {
  const { rows } = await db.query<{ total: string }>('SELECT sum(sales)::text AS total FROM sales.sales_transactions');
  return rows[0]!.total;
}

describe('Function: openEmbeddedWarehouse', () => {
  const folders: string[] = [];
  const emptyFolder = async (): Promise<string> => {
    const folder = await mkdtemp(join(tmpdir(), 'bi-agent-embedded-'));
    folders.push(folder);
    return folder;
  };
  afterAll(async () => {
    await Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true })));
  });

  describe('on an empty folder, then again', () => {
    let dataDir: string;
    let first: Awaited<ReturnType<typeof open>>;
    let second: Awaited<ReturnType<typeof open>>;
    beforeAll(async () => {
      dataDir = await emptyFolder();
      first = await open(dataDir, TINY);
      second = await open(dataDir, TINY);
    });
    afterAll(async () => {
      await first.db.close();
      await second.db.close();
    });

    it('builds the first time, with progress through every build phase', () => {
      expect([...first.phases]).toEqual(['boot', 'migrate', 'customers', 'transactions', 'index', 'dump']);
    });

    it('loads what was built the second time, without building', () => {
      expect([...second.phases]).toEqual(['load']);
    });

    it('gives both the same data', async () => {
      expect(await totalSales(second.db)).toBe(await totalSales(first.db));
    });

    it('records the metadata in warehouse.json, next to exactly one dump', async () => {
      const manifest = await readEmbeddedWarehouseManifest(dataDir);
      expect(manifest).toMatchObject({
        generator: { seed: 42, ...TINY, from: '2023-01-01', to: '2025-12-31' },
        schemaVersion: latestVersion(await loadMigrations()),
        dateRange: { from: '2023-01-01', to: '2025-12-31' },
        rowCounts: { regions: 5, customer_segments: 4, products: 20, ...{ customers: 50, sales_transactions: 2_000 } },
      });
      const files = (await readdir(embeddedWarehouseDirectory(dataDir))).sort();
      expect(files).toEqual([manifest!.dump, 'warehouse.json'].sort());
    });

    it('tells the date range without starting a database', async () => {
      expect(await warehouseDateRange(dataDir)).toEqual({ from: '2023-01-01', to: '2025-12-31' });
    });

    it('reuses the folder whatever the seed options when none are given', async () => {
      const again = await open(dataDir);
      await again.db.close();
      expect([...again.phases]).toEqual(['load']);
    });

    it('rebuilds when asked for different seed options, and removes the old dump', async () => {
      const old = (await readEmbeddedWarehouseManifest(dataDir))!.dump;
      const other = await open(dataDir, { ...TINY, seed: 7 });
      await other.db.close();
      expect(other.phases.has('boot')).toBe(true);
      const manifest = await readEmbeddedWarehouseManifest(dataDir);
      expect(manifest?.generator.seed).toBe(7);
      expect(await readdir(embeddedWarehouseDirectory(dataDir))).not.toContain(old);
    });
  });

  it('says so when no warehouse was built yet', async () => {
    await expect(warehouseDateRange(await emptyFolder())).rejects.toBeInstanceOf(WarehouseUnavailableError);
  });

  it('rebuilds a folder built by an earlier schema version, which then holds the current schema', async () => {
    // Prepare: a folder as an older release left it (its manifest names the schema it was built with).
    const dataDir = await emptyFolder();
    await (await open(dataDir, TINY)).db.close();
    const manifestPath = join(embeddedWarehouseDirectory(dataDir), 'warehouse.json');
    const current = latestVersion(await loadMigrations());
    const manifest = (await readEmbeddedWarehouseManifest(dataDir))!;
    await writeFile(manifestPath, JSON.stringify({ ...manifest, schemaVersion: current - 2 }));
    // Act
    const reopened = await open(dataDir, TINY);
    // Assess
    expect(reopened.phases.has('boot')).toBe(true);
    expect((await readEmbeddedWarehouseManifest(dataDir))?.schemaVersion).toBe(current);
    const { rows } = await reopened.db.query<{ version: number }>('SELECT max(version)::int AS version FROM bi_agent.schema_migrations');
    expect(rows[0]!.version).toBe(current);
    await reopened.db.close();
  });

  it('rebuilds a folder whose dump is damaged', async () => {
    const dataDir = await emptyFolder();
    await (await open(dataDir, TINY)).db.close();
    const manifest = (await readEmbeddedWarehouseManifest(dataDir))!;
    await writeFile(join(embeddedWarehouseDirectory(dataDir), manifest.dump), 'not a tarball');
    const repaired = await open(dataDir, TINY);
    expect(repaired.phases.has('boot')).toBe(true);
    expect(await totalSales(repaired.db)).toMatch(/^\d+\.\d\d$/);
    await repaired.db.close();
  });

  it('breaks the lock of a build whose process died', async () => {
    const dataDir = await emptyFolder();
    const lock = join(embeddedWarehouseDirectory(dataDir), 'build.lock');
    await mkdir(embeddedWarehouseDirectory(dataDir), { recursive: true });
    const dead = { pid: 2 ** 22 + 12_345, host: hostname(), token: 'x', startedAt: '' }; // above Linux's pid_max
    await writeFile(lock, JSON.stringify(dead));
    const opened = await open(dataDir, TINY);
    await opened.db.close();
    expect(opened.phases.has('boot')).toBe(true);
  });

  it('builds once when two opens in one process race on an empty folder', async () => {
    const dataDir = await emptyFolder();
    const [a, b] = await Promise.all([open(dataDir, TINY), open(dataDir, TINY)]);
    const builders = [a, b].filter((opened) => opened.phases.has('boot'));
    expect(builders).toHaveLength(1);
    expect(await totalSales(a.db)).toBe(await totalSales(b.db));
    await Promise.all([a.db.close(), b.db.close()]);
  });

  it('is safe when two processes open an empty folder at the same time', async () => {
    const dataDir = await emptyFolder();
    const child = join(packageRoot(), 'test', 'support', 'open-embedded-child.ts');
    const start = () =>
      run(process.execPath, ['--import', 'tsx', child, dataDir, String(TINY.transactions), String(TINY.customers)], {
        cwd: packageRoot(),
        timeout: 120_000,
      });
    const results = (await Promise.all([start(), start()])).map(
      (result) => JSON.parse(result.stdout.trim().split('\n').at(-1)!) as { phases: string[]; lines: number },
    );
    expect(results.map((result) => result.lines)).toEqual([TINY.transactions, TINY.transactions]);
    expect(results.filter((result) => result.phases.includes('boot'))).toHaveLength(1);
    const manifest = await readEmbeddedWarehouseManifest(dataDir);
    expect((await readdir(embeddedWarehouseDirectory(dataDir))).sort()).toEqual([manifest!.dump, 'warehouse.json'].sort());
  });
});

describe('Fixture: the shared test warehouse', () => {
  it('is built once for the run, with the test options, and loads in a second or two', async () => {
    const manifest = await readEmbeddedWarehouseManifest(testWarehouseDataDir());
    expect(manifest?.generator).toEqual(TEST_WAREHOUSE_OPTIONS);
    const started = performance.now();
    const db = await openTestWarehouse();
    const ms = performance.now() - started;
    const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM sales.sales_transactions');
    await db.close();
    expect(rows[0]!.n).toBe(TEST_WAREHOUSE_OPTIONS.transactions);
    expect(ms).toBeLessThan(5_000);
  });
});
