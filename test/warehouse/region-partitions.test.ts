/**
 * Migration 006: sales.sales_transactions and sales.customers partitioned by region, one partition
 * per region (`<table>_r<region_id>`). An existing database upgrades with its rows, ids and names
 * intact; seeding fills and analyses every partition. Run on PGlite and on real PostgreSQL.
 */
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REGION_PARTITIONED_TABLES, WAREHOUSE_REGIONS, regionPartition } from '../../functions/core/guard/schema.ts';
import { REGIONS } from '../../functions/warehouse/dimensions.ts';
import { loadMigrations, migrate, type ExecuteScript } from '../../functions/warehouse/migrate.ts';
import { pgScript, pgliteScript } from '../../functions/warehouse/script-executors.ts';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../support/postgres.ts';
import { openTestWarehouse } from '../support/warehouse.ts';

const available = await postgresAvailable();

/** The partitions of a region table, in region order. */
const partitionsOf = (table: string): string[] => REGIONS.map((region) => `${table}_r${region.region_id}`);

/** Columns as the contract defines them: name, type, nullability, default, identity, position. */
const columnsSql = `SELECT table_name, column_name, ordinal_position, data_type, numeric_precision, numeric_scale,
    is_nullable, column_default, is_identity, identity_generation
  FROM information_schema.columns WHERE table_schema = 'sales' AND table_name IN ('customers', 'sales_transactions')
  ORDER BY table_name, ordinal_position`;

const rowsSql = {
  customers: 'SELECT * FROM sales.customers ORDER BY customer_id',
  transactions: 'SELECT * FROM sales.sales_transactions ORDER BY transaction_id',
};

function upgradeSuite(open: () => Promise<{ execute: ExecuteScript; close(): Promise<void> }>): void {
  let execute: ExecuteScript;
  let close: () => Promise<void>;
  let before: { columns: unknown[]; customers: unknown[]; transactions: unknown[] };
  let applied: readonly number[];

  beforeAll(async () => {
    ({ execute, close } = await open());
    // A database as the migrations before 006 left it, holding data (ids with gaps, every region).
    const migrations = await loadMigrations();
    await migrate(execute, { migrations: migrations.filter((migration) => migration.version <= 5) });
    await execute(`
      INSERT INTO sales.customers VALUES
        (10, 'Ada', 'ada@example.com', 1, 2, '2023-01-05'), (11, 'Bob', 'bob@example.com', 2, 1, '2023-02-05'),
        (12, 'Eve', 'eve@example.com', 3, 5, '2023-03-05');
      INSERT INTO sales.sales_transactions
          (transaction_id, sale_date, region_id, product_id, customer_id, segment_id, units, sales, cost, created_at)
        OVERRIDING SYSTEM VALUE VALUES
          (1, '2024-01-01', 2, 1, 10, 1, 1, 100.00, 60.00, '2024-01-01 10:00:00+00'),
          (2, '2024-01-02', 1, 2, 11, 2, 2, 200.00, 90.00, '2024-01-02 10:00:00+00'),
          (7, '2024-01-03', 5, 3, 12, 3, 3, 300.00, 10.50, '2024-01-03 10:00:00+00'),
          (9, '2024-01-04', 2, 4, 11, 2, 4, 400.00, 20.25, '2024-01-04 10:00:00+00');`);
    before = {
      columns: await execute(columnsSql),
      customers: await execute(rowsSql.customers),
      transactions: await execute(rowsSql.transactions),
    };
    ({ applied } = await migrate(execute));
  });
  afterAll(async () => close());

  it('applies the partitioning and the roles to a database of the earlier schema', async () => {
    const versions = (await loadMigrations()).map((migration) => migration.version).filter((version) => version > 5);
    expect(applied).toEqual(versions);
  });

  it('keeps every row, with its transaction id, and the contract columns as they were', async () => {
    expect(await execute(columnsSql)).toEqual(before.columns);
    expect(await execute(rowsSql.customers)).toEqual(before.customers);
    expect(await execute(rowsSql.transactions)).toEqual(before.transactions);
  });

  it('continues the transaction ids after the highest one copied', async () => {
    const [row] = await execute(`BEGIN;
      INSERT INTO sales.sales_transactions (sale_date, region_id, product_id, customer_id, segment_id, units, sales, cost)
        VALUES ('2024-02-01', 3, 1, 10, 1, 1, 1, 1) RETURNING transaction_id`);
    await execute('ROLLBACK');
    expect(Number(row?.transaction_id)).toBe(10);
  });

  it('partitions both tables by list of region_id, one partition per region, each holding its region only', async () => {
    for (const table of ['customers', 'sales_transactions']) {
      const [parent] = await execute(`SELECT c.relkind, pg_get_partkeydef(c.oid) AS key FROM pg_class c WHERE c.oid = 'sales.${table}'::regclass`);
      expect(parent).toEqual({ relkind: 'p', key: 'LIST (region_id)' });
      const children = await execute(`SELECT i.inhrelid::regclass::text AS partition, pg_get_expr(c.relpartbound, c.oid) AS bound
        FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'sales.${table}'::regclass ORDER BY 1`);
      expect(children).toEqual(
        REGIONS.map((region) => ({ partition: `sales.${table}_r${region.region_id}`, bound: `FOR VALUES IN ('${region.region_id}')` })),
      );
    }
    const europe = await execute('SELECT transaction_id FROM sales.sales_transactions_r2 ORDER BY 1');
    expect(europe.map((row) => Number(row.transaction_id))).toEqual([1, 9]);
    await expect(
      execute(`INSERT INTO sales.sales_transactions_r2 (transaction_id, sale_date, region_id, product_id, customer_id, segment_id, units, sales, cost)
        OVERRIDING SYSTEM VALUE VALUES (99, '2024-01-01', 3, 1, 10, 1, 1, 1, 1)`),
    ).rejects.toThrow(/partition constraint/);
  });

  it('keys both tables by (id, region_id), keeps the other foreign keys, and drops the one to customers', async () => {
    const constraints = await execute(`SELECT conrelid::regclass::text AS table_name, contype, pg_get_constraintdef(oid) AS definition
      FROM pg_constraint WHERE conrelid IN ('sales.customers'::regclass, 'sales.sales_transactions'::regclass) AND contype IN ('p', 'f')
      ORDER BY 1, 2, 3`);
    expect(constraints).toEqual([
      { table_name: 'sales.customers', contype: 'f', definition: 'FOREIGN KEY (region_id) REFERENCES sales.regions(region_id)' },
      { table_name: 'sales.customers', contype: 'f', definition: 'FOREIGN KEY (segment_id) REFERENCES sales.customer_segments(segment_id)' },
      { table_name: 'sales.customers', contype: 'p', definition: 'PRIMARY KEY (customer_id, region_id)' },
      { table_name: 'sales.sales_transactions', contype: 'f', definition: 'FOREIGN KEY (product_id) REFERENCES sales.products(product_id)' },
      { table_name: 'sales.sales_transactions', contype: 'f', definition: 'FOREIGN KEY (region_id) REFERENCES sales.regions(region_id)' },
      {
        table_name: 'sales.sales_transactions',
        contype: 'f',
        definition: 'FOREIGN KEY (segment_id) REFERENCES sales.customer_segments(segment_id)',
      },
      { table_name: 'sales.sales_transactions', contype: 'p', definition: 'PRIMARY KEY (transaction_id, region_id)' },
    ]);
  });

  it('keeps the three indexes of the fact table, under their names, on every partition', async () => {
    const indexes = await execute(`SELECT indexname FROM pg_indexes WHERE schemaname = 'sales' AND tablename = 'sales_transactions' ORDER BY 1`);
    expect(indexes.map((row) => row.indexname)).toEqual([
      'sales_transactions_customer',
      'sales_transactions_date_region',
      'sales_transactions_pkey',
      'sales_transactions_product',
    ]);
    for (const partition of partitionsOf('sales_transactions')) {
      const [row] = await execute(`SELECT count(*)::int AS n FROM pg_indexes WHERE schemaname = 'sales' AND tablename = '${partition}'`);
      expect(row?.n, partition).toBe(4);
    }
  });

  it('leaves nothing of the old tables behind, in schema bi_agent or elsewhere', async () => {
    const [row] = await execute(`SELECT to_regclass('bi_agent.sales_transactions') IS NULL AS transactions_gone,
      to_regclass('bi_agent.customers') IS NULL AS customers_gone,
      (SELECT count(*)::int FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'bi_agent' AND c.relkind = 'S') AS sequences`);
    expect(row).toEqual({ transactions_gone: true, customers_gone: true, sequences: 0 });
  });
}

describe('Migration 006: region partitions', () => {
  describe('upgrading a database with data, on PGlite', () => {
    upgradeSuite(async () => {
      const db = await PGlite.create();
      return { execute: pgliteScript(db), close: () => db.close() };
    });
  });

  describe.skipIf(!available)('upgrading a database with data, on PostgreSQL', () => {
    let database: TestDatabase;
    upgradeSuite(async () => {
      database = await createTestDatabase({ migrate: false });
      return { execute: pgScript(await database.connect()), close: () => database.drop() };
    });
  });

  describe('seeded (the shared test warehouse)', () => {
    let db: PGlite;
    beforeAll(async () => {
      db = await openTestWarehouse();
    });
    afterAll(async () => db?.close());

    it("matches the guard's model: the same regions and ids, and a partition where the guard reads one", async () => {
      const { rows: regions } = await db.query<{ id: number; name: string }>('SELECT region_id AS id, region_name AS name FROM sales.regions ORDER BY 1');
      expect(regions).toEqual(WAREHOUSE_REGIONS);
      const { rows: partitioned } = await db.query<{ parent: string; partition: string; bound: string }>(`SELECT p.relname AS parent,
          c.relname AS partition, pg_get_expr(c.relpartbound, c.oid) AS bound
        FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
        JOIN pg_namespace n ON n.oid = p.relnamespace WHERE n.nspname = 'sales' AND p.relkind = 'p' ORDER BY 1, 2`);
      expect(partitioned).toEqual(
        [...REGION_PARTITIONED_TABLES].sort().flatMap((parent) =>
          WAREHOUSE_REGIONS.map((region) => ({ parent, partition: regionPartition(parent, region.id), bound: `FOR VALUES IN ('${region.id}')` })),
        ),
      );
    });

    it('routes every generated row to the partition of its region', async () => {
      for (const table of ['customers', 'sales_transactions']) {
        const { rows } = await db.query<{ partition: string; regions: number[] }>(`SELECT tableoid::regclass::text AS partition,
          array_agg(DISTINCT region_id ORDER BY region_id) AS regions FROM sales.${table} GROUP BY 1 ORDER BY 1`);
        expect(rows).toEqual(REGIONS.map((region) => ({ partition: `sales.${table}_r${region.region_id}`, regions: [region.region_id] })));
      }
    });

    it('analyses the parents (every region) and each partition (its region)', async () => {
      for (const table of ['customers', 'sales_transactions']) {
        const { rows } = await db.query<{ tablename: string; inherited: boolean; n_distinct: number }>(`SELECT tablename, inherited, n_distinct::float8 AS n_distinct
          FROM pg_stats WHERE schemaname = 'sales' AND attname = 'region_id' AND tablename LIKE '${table}%' ORDER BY 1`);
        expect(rows).toEqual([
          { tablename: table, inherited: true, n_distinct: 5 },
          ...partitionsOf(table).map((tablename) => ({ tablename, inherited: false, n_distinct: 1 })),
        ]);
        for (const partition of partitionsOf(table)) {
          const { rows: counts } = await db.query<{ estimated: number; actual: number }>(`SELECT
            (SELECT reltuples::int FROM pg_class WHERE oid = 'sales.${partition}'::regclass) AS estimated,
            (SELECT count(*)::int FROM sales.${partition}) AS actual`);
          expect(counts[0]!.estimated, partition).toBe(counts[0]!.actual);
        }
      }
    });
  });
});
