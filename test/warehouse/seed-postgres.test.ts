import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WarehouseUnavailableError } from '../../functions/core/errors.ts';
import { readWarehouseMetadata } from '../../functions/warehouse/metadata.ts';
import { pgScript } from '../../functions/warehouse/script-executors.ts';
import { seedPostgres } from '../../functions/warehouse/seed-postgres.ts';
import type { WarehouseProgress } from '../../functions/warehouse/progress-event.ts';
import { createTestDatabase, postgresAvailable, SMALL_SEED, type TestDatabase } from '../support/postgres.ts';
import { openTestWarehouse, TEST_WAREHOUSE_OPTIONS } from '../support/warehouse.ts';
import { readEmbeddedWarehouseManifest } from '../../functions/warehouse/embedded.ts';
import { testWarehouseDataDir } from '../support/warehouse.ts';

const available = await postgresAvailable();

describe.skipIf(!available)('Function: seedPostgres', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase({ seed: false });
  });
  afterAll(async () => database.drop());

  it('loads the generated rows with COPY, reporting progress, and records what it loaded', async () => {
    const progress: WarehouseProgress[] = [];
    const metadata = await seedPostgres(database.url, SMALL_SEED, (p) => progress.push(p));
    expect(metadata.rowCounts).toEqual({
      regions: 5,
      customer_segments: 4,
      products: 20,
      customers: SMALL_SEED.customers,
      sales_transactions: SMALL_SEED.transactions,
    });
    expect(metadata.dateRange).toEqual({ from: '2023-01-01', to: '2025-12-31' });
    // Three indexes, then five foreign keys (customers: segment, region; sales: region, product, segment).
    expect(progress.at(-1)).toEqual({ phase: 'index', done: 8, total: 8 });
    expect(progress).toContainEqual({ phase: 'transactions', done: SMALL_SEED.transactions, total: SMALL_SEED.transactions });
    const client = await database.connect();
    expect(await readWarehouseMetadata(pgScript(client))).toEqual(metadata);
  });

  it('replaces the data when seeded again: same rows, ids from 1, indexes and keys back on the tables and every partition', async () => {
    const client = await database.connect();
    const before = await client.query('SELECT sum(sales)::text AS total FROM sales.sales_transactions');
    const metadata = await seedPostgres(database.url, SMALL_SEED);
    const after = await client.query(`SELECT sum(sales)::text AS total, min(transaction_id)::int AS first,
      max(transaction_id)::int AS last FROM sales.sales_transactions`);
    expect(after.rows[0]).toEqual({ total: before.rows[0].total, first: 1, last: SMALL_SEED.transactions });
    const structures = await client.query(`SELECT
      (SELECT count(*)::int FROM pg_indexes WHERE schemaname = 'sales' AND tablename = 'sales_transactions') AS indexes,
      (SELECT count(*)::int FROM pg_constraint WHERE contype = 'f'
         AND conrelid IN ('sales.sales_transactions'::regclass, 'sales.customers'::regclass)) AS foreign_keys`);
    expect(structures.rows[0]).toEqual({ indexes: 4, foreign_keys: 5 });
    const partitions = await client.query(`SELECT c.relname AS partition,
        (SELECT count(*)::int FROM pg_index i WHERE i.indrelid = c.oid AND i.indisvalid) AS indexes,
        (SELECT count(*)::int FROM pg_constraint k WHERE k.conrelid = c.oid AND k.contype = 'f') AS foreign_keys,
        c.reltuples::int AS estimated_rows
      FROM pg_inherits h JOIN pg_class c ON c.oid = h.inhrelid
      WHERE h.inhparent = 'sales.sales_transactions'::regclass ORDER BY 1`);
    expect(partitions.rows.map((row) => [row.partition, row.indexes, row.foreign_keys])).toEqual(
      [1, 2, 3, 4, 5].map((id) => [`sales_transactions_r${id}`, 4, 3]),
    );
    // Analysed after the load: the partitions' row estimates add up to the lines loaded.
    expect(partitions.rows.reduce((sum, row) => sum + row.estimated_rows, 0)).toBe(SMALL_SEED.transactions);
    expect(metadata.rowCounts.sales_transactions).toBe(SMALL_SEED.transactions);
  });

  it('loads byte-for-byte the data the embedded warehouse holds for the same options', async () => {
    const manifest = await readEmbeddedWarehouseManifest(testWarehouseDataDir());
    const metadata = await seedPostgres(database.url, TEST_WAREHOUSE_OPTIONS);
    expect(metadata.dataSha256).toBe(manifest?.dataSha256);
    const client = await database.connect();
    const db = await openTestWarehouse();
    try {
      const query = `SELECT region_id, sum(sales)::text AS sales, sum(cost)::text AS cost, count(*)::int AS n
        FROM sales.sales_transactions GROUP BY region_id ORDER BY region_id`;
      const embedded = await db.query(query);
      const postgres = await client.query(query);
      expect(postgres.rows).toEqual(embedded.rows);
    } finally {
      await db.close();
    }
  });

  it('fails with an actionable message, without the password, when the server cannot be reached', async () => {
    const attempt = seedPostgres('postgres://someone:secret@127.0.0.1:1/nowhere', SMALL_SEED);
    await expect(attempt).rejects.toBeInstanceOf(WarehouseUnavailableError);
    await expect(seedPostgres('postgres://someone:secret@127.0.0.1:1/nowhere')).rejects.toThrow(
      /Cannot connect to PostgreSQL at postgres:\/\/someone:\*\*\*@127\.0\.0\.1:1\/nowhere.*Check DATABASE_URL/,
    );
  });
});
