/**
 * The embedded default's adapters. PGlite boots a whole PostgreSQL in WebAssembly (seconds,
 * ≈ 700 MB), so the file builds one small warehouse and shares it: a data folder for the worker
 * adapter, an in-memory copy for the in-thread adapter, a dump for the `dump` source.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueryTimeoutError, WarehouseUnavailableError } from '../../../functions/core/errors.ts';
import { PgliteInThreadWarehouse, PgliteWarehouse, defaultWorkerLocation } from '../../../functions/adapters/warehouse/pglite.ts';
import { sampleWarehouseSql } from './sample-warehouse.ts';
import { describeWarehouseContract } from './warehouse-contract.ts';

const options = { timeoutMs: 5_000, maxRows: 100 };
const folder = mkdtempSync(join(tmpdir(), 'bi-exec-pglite-'));
const dataDir = join(folder, 'pgdata');
const dumpFile = join(folder, 'warehouse.tar');
let inMemory: PGlite;

beforeAll(async () => {
  // One boot builds the sample warehouse in memory; its dump seeds the data folder and the dump source.
  inMemory = await PGlite.create();
  await inMemory.exec(sampleWarehouseSql());
  const dump = await inMemory.dumpDataDir('none');
  writeFileSync(dumpFile, Buffer.from(await dump.arrayBuffer()));
  const onDisk = await PGlite.create({ dataDir, loadDataDir: new Blob([await dump.arrayBuffer()]) });
  await onDisk.close();
});

afterAll(async () => {
  await inMemory?.close();
  rmSync(folder, { recursive: true, force: true });
});

describeWarehouseContract('pglite, worker thread', async () => ({
  warehouse: new PgliteWarehouse({ source: { kind: 'data-dir', dataDir } }),
  enforcesTimeout: true,
}));

describeWarehouseContract('pglite, in thread', async () => ({
  warehouse: new PgliteInThreadWarehouse(inMemory),
  // Documented: nothing can interrupt PGlite on the caller's thread.
  enforcesTimeout: false,
}));

describe('Class: PgliteWarehouse', () => {
  let warehouse: PgliteWarehouse;

  beforeAll(async () => {
    warehouse = new PgliteWarehouse({ source: { kind: 'dump', file: dumpFile } });
    await warehouse.start();
  });

  afterAll(async () => {
    await warehouse?.close();
  });

  describe('Method: query', () => {
    it('terminates an overrunning worker, restarts it, and keeps the event loop free meanwhile', async () => {
      const restartsBefore = warehouse.restarts;
      let ticks = 0;
      const ticker = setInterval(() => ticks++, 50);
      try {
        await expect(warehouse.query("SELECT count(*) FROM generate_series(1, 1e10)", { timeoutMs: 1_000, maxRows: 1 })).rejects.toBeInstanceOf(
          QueryTimeoutError,
        );
      } finally {
        clearInterval(ticker);
      }
      expect(ticks).toBeGreaterThanOrEqual(10); // ≈ 20 expected: the main thread never blocked
      expect(warehouse.restarts).toBe(restartsBefore + 1);
      const result = await warehouse.query('SELECT count(*) FROM sales.sales_transactions', options);
      expect(result.rows).toEqual([[5]]);
    });

    it('runs statements one at a time, in order, when called side by side', async () => {
      const results = await Promise.all(
        ['Europe', 'Asia Pacific', 'North America', ''].map((scope) =>
          warehouse.query("SELECT current_setting('bi_agent.regions', true)", { ...options, regions: scope ? [scope] : [] }),
        ),
      );
      expect(results.map((result) => result.rows[0]![0])).toEqual(['Europe', 'Asia Pacific', 'North America', '']);
    });

    it('fails only the statement that overran when others wait behind it', async () => {
      const slow = warehouse.query('SELECT pg_sleep(5)', { timeoutMs: 300, maxRows: 1 });
      const next = warehouse.query('SELECT 42 AS answer', options);
      await expect(slow).rejects.toBeInstanceOf(QueryTimeoutError);
      await expect(next).resolves.toMatchObject({ rows: [[42]] });
    });

    it('costs little per statement for the hop to the worker (measured, logged)', async () => {
      const inThread = new PgliteInThreadWarehouse(inMemory);
      const sql = 'SELECT region_id, region_name FROM sales.regions';
      const time = async (target: { query: PgliteWarehouse['query'] }): Promise<number> => {
        const samples: number[] = [];
        for (let index = 0; index < 200; index++) {
          const started = performance.now();
          await target.query(sql, options);
          samples.push(performance.now() - started);
        }
        samples.sort((a, b) => a - b);
        return samples[Math.floor(samples.length / 2)]!;
      };
      await time(warehouse);
      await time(inThread);
      const viaWorker = await time(warehouse);
      const direct = await time(inThread);
      console.log(`pglite median per statement: worker ${viaWorker.toFixed(3)} ms, in thread ${direct.toFixed(3)} ms, hop ${(viaWorker - direct).toFixed(3)} ms`);
      expect(viaWorker - direct).toBeLessThan(5);
    });
  });

  describe('Method: ping', () => {
    it('throws WarehouseUnavailableError when the source cannot be opened', async () => {
      const broken = new PgliteWarehouse({ source: { kind: 'dump', file: join(folder, 'missing.tar') } });
      try {
        const error = await broken.ping().catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(WarehouseUnavailableError);
        expect((error as Error).message).toContain('could not be opened');
      } finally {
        await broken.close();
      }
    });
  });

  describe('Function: defaultWorkerLocation', () => {
    it('finds dist/pglite-worker.mjs beside the bundle', () => {
      const location = defaultWorkerLocation('file:///opt/app/dist/bi-agent.mjs');
      expect(location.url.href).toBe('file:///opt/app/dist/pglite-worker.mjs');
    });

    it('loads the .ts worker through tsx from source', () => {
      const location = defaultWorkerLocation(new URL('../../../functions/adapters/warehouse/pglite.ts', import.meta.url).href);
      expect(location.url.protocol).toBe('data:');
      expect(decodeURIComponent(location.url.href)).toContain('pglite-worker.ts');
    });
  });
});

describe('Class: PgliteWarehouse (embedded source)', () => {
  it('builds and opens the embedded default of a data folder through openEmbeddedWarehouse', async () => {
    const embeddedData = join(folder, 'embedded');
    const phases = new Set<string>();
    const warehouse = new PgliteWarehouse({
      source: { kind: 'embedded', dataDir: embeddedData, seedOptions: { transactions: 500, customers: 50 } },
      onProgress: (progress) => phases.add(progress.phase),
    });
    try {
      const result = await warehouse.query('SELECT count(*) AS lines, min(sale_date) AS first FROM sales.sales_transactions', options);
      expect(result.rows[0]![0]).toBe(500);
      expect(result.columns[1]).toEqual({ name: 'first', type: 'date' });
      expect(phases.size).toBeGreaterThan(0);
    } finally {
      await warehouse.close();
    }
  });
});
