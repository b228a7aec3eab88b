import type { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExecuteScript } from '../../functions/warehouse/migrate.ts';
import { pgScript, pgliteScript } from '../../functions/warehouse/script-executors.ts';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../support/postgres.ts';
import { openTestWarehouse } from '../support/warehouse.ts';

const available = await postgresAvailable();

/** The role the question path runs as: reads schema sales, writes nothing, sees nothing else. */
function readOnlyRoleSuite(open: () => Promise<{ execute: ExecuteScript; close(): Promise<void> }>): void {
  let execute: ExecuteScript;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ execute, close } = await open());
  });
  afterAll(async () => close());

  /** Runs `sql` as bi_reader in a transaction that is always rolled back. */
  async function asReader(sql: string): Promise<Record<string, unknown>[]> {
    try {
      await execute('BEGIN; SET LOCAL ROLE bi_reader;');
      return await execute(sql);
    } finally {
      await execute('ROLLBACK');
    }
  }

  it('reads every table of schema sales', async () => {
    for (const table of ['regions', 'customer_segments', 'products', 'customers', 'sales_transactions']) {
      const [row] = await asReader(`SELECT count(*)::int AS n FROM sales.${table}`);
      expect(Number(row?.n)).toBeGreaterThan(0);
    }
  });

  it.each([
    ['INSERT', `INSERT INTO sales.regions VALUES (9, 'Antarctica')`],
    ['UPDATE', `UPDATE sales.products SET list_price = 1`],
    ['DELETE', `DELETE FROM sales.sales_transactions`],
    ['TRUNCATE', `TRUNCATE sales.customers CASCADE`],
    ['CREATE in sales', `CREATE TABLE sales.stolen (id int)`],
    ['CREATE in public', `CREATE TABLE public.stolen (id int)`],
    ['CREATE SCHEMA', `CREATE SCHEMA stolen`],
    ['ALTER', `ALTER TABLE sales.regions ADD COLUMN x int`],
    ['DROP', `DROP TABLE sales.regions`],
  ])('cannot %s', async (_, sql) => {
    await expect(asReader(sql)).rejects.toThrow(/permission denied|must be owner/);
  });

  it('cannot read the application schema bi_agent', async () => {
    await expect(asReader('SELECT * FROM bi_agent.schema_migrations')).rejects.toThrow(/permission denied/);
    await expect(asReader('SELECT * FROM bi_agent.warehouse_metadata')).rejects.toThrow(/permission denied/);
  });
}

describe('Role: bi_reader', () => {
  describe('on PGlite (the shared test warehouse)', () => {
    readOnlyRoleSuite(async () => {
      const db: PGlite = await openTestWarehouse();
      return { execute: pgliteScript(db), close: () => db.close() };
    });
  });

  describe.skipIf(!available)('on PostgreSQL', () => {
    let database: TestDatabase;
    readOnlyRoleSuite(async () => {
      database = await createTestDatabase({ seed: { transactions: 500, customers: 50 } });
      return { execute: pgScript(await database.connect()), close: () => database.drop() };
    });
  });
});
