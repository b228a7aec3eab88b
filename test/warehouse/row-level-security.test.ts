/**
 * The database walls hold on their own: with the guard switched off, statements go straight to the
 * warehouse adapters, and row-level security (migration 007, on the tables and every partition of
 * migration 006) still limits each database role to the region scope the adapter sets. Run on
 * PGlite (the embedded default) and on real PostgreSQL.
 *
 * What row-level security alone does not stop is written down here as tests too: it does not bind
 * the login role (the table owner), and a session that could send SET as a database role could
 * widen its own scope — the adapters never let it, because a statement only ever runs as a
 * cursor's query.
 */
import type { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgliteInThreadWarehouse } from '../../functions/adapters/warehouse/pglite.ts';
import { PostgresWarehouse } from '../../functions/adapters/warehouse/postgres.ts';
import { QueryFailedError } from '../../functions/core/errors.ts';
import type { Warehouse } from '../../functions/core/ports.ts';
import { ROLES, type Role } from '../../functions/core/principal.ts';
import { REGIONS } from '../../functions/warehouse/dimensions.ts';
import { loadMigrations, migrate, type ExecuteScript } from '../../functions/warehouse/migrate.ts';
import { pgScript, pgliteScript } from '../../functions/warehouse/script-executors.ts';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../support/postgres.ts';
import { openTestWarehouse } from '../support/warehouse.ts';

const available = await postgresAvailable();

interface Subject {
  /** The adapter as the question path uses it: every statement as its product role's database role. */
  readonly reader: Warehouse;
  /** The same adapter keeping the login role (the tables' owner). */
  readonly login: Warehouse;
  /** Scripts as the login role, outside the adapter (ground truth, set-up, raw sessions). */
  readonly execute: ExecuteScript;
  close(): Promise<void>;
}

const options = { timeoutMs: 30_000, maxRows: 1_000 };
const regionId = new Map<string, number>(REGIONS.map((region) => [region.region_name, region.region_id]));
const partitions = (table: string): string[] => [1, 2, 3, 4, 5].map((id) => `${table}_r${id}`);
const scopedTables = ['sales_transactions', 'customers', 'regions', ...partitions('sales_transactions'), ...partitions('customers')];

function rowLevelSecuritySuite(open: () => Promise<Subject>): void {
  let subject: Subject;
  /** The customer (in North America) of a sale booked in Europe, added for these tests. */
  let crossRegionCustomer: number;

  beforeAll(async () => {
    subject = await open();
    // Written as the owner, with row-level security on: the seeding path is untouched by it.
    const [row] = await subject.execute(`
      INSERT INTO sales.sales_transactions (sale_date, region_id, product_id, customer_id, segment_id, units, sales, cost)
      SELECT DATE '2025-06-01', 2, 1, customer_id, segment_id, 1, 1000, 500
      FROM sales.customers WHERE region_id = 1 ORDER BY customer_id LIMIT 1
      RETURNING customer_id`);
    crossRegionCustomer = Number(row?.customer_id);
  });

  afterAll(async () => {
    await subject?.close();
  });

  /** Rows per region_id of `table`, as the owner sees them: every row. */
  async function truth(table: string): Promise<Map<number, number>> {
    const rows = await subject.execute(`SELECT region_id, count(*)::int AS n FROM sales.${table} GROUP BY 1`);
    return new Map(rows.map((row) => [Number(row.region_id), Number(row.n)]));
  }

  /** Rows per region_id of `table`, as `role`'s database role sees them with `regions` as its scope. */
  async function seen(warehouse: Warehouse, table: string, regions?: readonly string[], role: Role = 'viewer'): Promise<Map<number, number>> {
    const result = await warehouse.query(`SELECT region_id, count(*)::int AS n FROM sales.${table} GROUP BY 1`, { ...options, regions, role });
    return new Map(result.rows.map(([id, n]) => [Number(id), Number(n)]));
  }

  async function failure(sql: string, regions: readonly string[] = ['Europe']): Promise<QueryFailedError> {
    const error = await subject.reader.query(sql, { ...options, regions }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error, sql).toBeInstanceOf(QueryFailedError);
    return error as QueryFailedError;
  }

  describe('what it stops', () => {
    it.each(ROLES.flatMap((role) => [[role, ['Europe']], [role, ['Asia Pacific', 'Latin America']], [role, ['Middle East & Africa']]] as const))(
      'shows %s only the rows of its scope %j, in every region table and partition, each by its own region',
      async (role, regions) => {
        const ids = new Set(regions.map((name) => regionId.get(name)));
        for (const table of scopedTables) {
          const all = await truth(table);
          const expected = new Map([...all].filter(([id]) => ids.has(id)));
          expect(await seen(subject.reader, table, regions, role), table).toEqual(expected);
          // A partition holds one region: in scope it shows all of it, else nothing.
          expect(expected.size, table).toBe(/_r\d$/.test(table) ? Number(ids.has(Number(table.slice(-1)))) : regions.length);
        }
      },
    );

    it.each(ROLES)('shows %s every row when the principal has no scope', async (role) => {
      for (const table of scopedTables) {
        expect(await seen(subject.reader, table, undefined, role), table).toEqual(await truth(table));
        expect((await truth(table)).size, table).toBe(/_r\d$/.test(table) ? 1 : 5);
      }
    });

    it('shows no row for a scope naming no region of the warehouse', async () => {
      for (const table of scopedTables) expect(await seen(subject.reader, table, ['Atlantis']), table).toEqual(new Map());
    });

    it('keeps a sale of a join with customers only when both the sale and the customer are in scope', async () => {
      const europe = { ...options, regions: ['Europe'] };
      const sales = await subject.reader.query(`SELECT count(*)::int FROM sales.sales_transactions WHERE customer_id = ${crossRegionCustomer}`, europe);
      const joined = await subject.reader.query(
        `SELECT count(*)::int FROM sales.sales_transactions t JOIN sales.customers c USING (customer_id) WHERE t.customer_id = ${crossRegionCustomer}`,
        europe,
      );
      expect(sales.rows).toEqual([[1]]); // the European sale is visible on its own...
      expect(joined.rows).toEqual([[0]]); // ...but not joined to its North American customer
    });

    it.each([
      ['in the select list', "SELECT set_config('bi_agent.regions', '', true), count(*) FROM sales.regions"],
      ['in WHERE, evaluated row by row', "SELECT count(*) FROM sales.sales_transactions WHERE set_config('bi_agent.regions', '', true) = ''"],
      ['in a CTE evaluated first', "WITH s AS MATERIALIZED (SELECT set_config('bi_agent.regions', '', true) AS x) SELECT count(*) FROM s, sales.customers"],
      ['in an init plan', "SELECT count(*) FROM sales.regions WHERE (SELECT set_config('bi_agent.regions', 'Europe,Asia Pacific', true)) IS NOT NULL"],
      ['schema-qualified', "SELECT pg_catalog.set_config('bi_agent.regions', '', true)"],
    ])('refuses a statement widening its own scope with set_config %s', async (_label, sql) => {
      const error = await failure(sql);
      expect(error.details.sqlState).toBe('42501');
      expect(error.message).toMatch(/permission denied for function set_config/);
    });

    it('lets only the login role, not a database role, call set_config', async () => {
      const [row] = await subject.execute(`SELECT
        has_function_privilege('bi_viewer', 'pg_catalog.set_config(text, text, boolean)', 'EXECUTE') AS viewer,
        has_function_privilege('bi_analyst', 'pg_catalog.set_config(text, text, boolean)', 'EXECUTE') AS analyst,
        has_function_privilege('bi_admin', 'pg_catalog.set_config(text, text, boolean)', 'EXECUTE') AS admin,
        has_function_privilege(current_user, 'pg_catalog.set_config(text, text, boolean)', 'EXECUTE') AS login`);
      expect(row).toEqual({ viewer: false, analyst: false, admin: false, login: true });
    });

    it('still scopes the next statement after a refused one', async () => {
      await failure("SELECT set_config('bi_agent.regions', '', true)");
      expect((await seen(subject.reader, 'regions', ['Europe'])).size).toBe(1);
    });

    it('refuses a SET statement, which only a cursor-less session could send', async () => {
      await failure("SET bi_agent.regions = ''");
      await failure("SELECT 1; SET LOCAL bi_agent.regions = ''");
    });

    it('cannot be switched off or rewritten by a database role', async () => {
      const asReader = async (sql: string) => {
        try {
          await subject.execute("BEGIN; SELECT set_config('bi_agent.regions', 'Europe', true); SET LOCAL ROLE bi_admin;");
          return await subject.execute(sql);
        } finally {
          await subject.execute('ROLLBACK');
        }
      };
      await expect(asReader('ALTER TABLE sales.regions DISABLE ROW LEVEL SECURITY')).rejects.toThrow(/must be (the )?owner/);
      await expect(asReader('DROP POLICY regions_in_scope ON sales.regions')).rejects.toThrow(/must be (the )?owner/);
      await expect(asReader('ALTER TABLE sales.sales_transactions_r2 DISABLE ROW LEVEL SECURITY')).rejects.toThrow(/must be (the )?owner/);
      await expect(asReader('SET LOCAL row_security = off; SELECT count(*) FROM sales.regions')).rejects.toThrow(/row-level security/);
    });

    it('cannot write, whatever the scope', async () => {
      for (const sql of [
        "INSERT INTO sales.regions VALUES (9, 'Atlantis')",
        'UPDATE sales.customers SET region_id = 2',
        'DELETE FROM sales.sales_transactions',
      ]) {
        await failure(sql);
      }
      expect((await truth('regions')).size).toBe(5);
    });

    it("hides the planner's statistics of the region tables and their partitions from a scoped reader", async () => {
      await subject.execute('ANALYZE sales.sales_transactions');
      const statistics =
        "SELECT count(*)::int FROM pg_catalog.pg_stats WHERE schemaname = 'sales' AND tablename LIKE 'sales\\_transactions%'";
      expect((await subject.login.query(statistics, options)).rows[0]![0]).toBeGreaterThan(0);
      for (const role of ROLES) expect((await subject.reader.query(statistics, { ...options, regions: ['Europe'], role })).rows).toEqual([[0]]);
    });
  });

  describe('what it does not stop (the other walls do)', () => {
    it('does not bind the login role: the tables owner reads every row whatever the scope', async () => {
      expect(await seen(subject.login, 'regions', ['Europe'])).toEqual(await truth('regions'));
    });

    it('does not stop a session that can send SET as a database role: adapters only ever run a cursor query', async () => {
      try {
        await subject.execute("BEGIN; SELECT set_config('bi_agent.regions', 'Europe', true); SET LOCAL ROLE bi_viewer;");
        const [scoped] = await subject.execute('SELECT count(*)::int AS n FROM sales.regions');
        const [widened] = await subject.execute("SET LOCAL bi_agent.regions = ''; SELECT count(*)::int AS n FROM sales.regions");
        expect([scoped?.n, widened?.n]).toEqual([1, 5]);
      } finally {
        await subject.execute('ROLLBACK');
      }
    });

    it("does not hide the catalog's size estimate of the whole table (the guard refuses pg_catalog)", async () => {
      await subject.execute('ANALYZE sales.sales_transactions');
      const estimate = "SELECT reltuples::bigint FROM pg_catalog.pg_class WHERE oid = 'sales.sales_transactions'::regclass";
      const total = [...(await truth('sales_transactions')).values()].reduce((sum, n) => sum + n, 0);
      expect((await subject.reader.query(estimate, { ...options, regions: ['Europe'] })).rows).toEqual([[total]]);
    });
  });

  describe('the migration', () => {
    it('puts one SELECT policy for the three database roles on each region table and partition, and nothing else', async () => {
      const rows = await subject.execute(`
        SELECT c.relname AS table_name, c.relrowsecurity AS enabled, c.relforcerowsecurity AS forced,
               p.polcmd AS command, (SELECT array_agg(r::regrole::text ORDER BY r::regrole::text) FROM unnest(p.polroles) AS r) AS roles
        FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        LEFT JOIN pg_catalog.pg_policy p ON p.polrelid = c.oid
        WHERE n.nspname = 'sales' AND c.relkind IN ('r', 'p') ORDER BY 1`);
      expect(rows.filter((row) => row.enabled).map((row) => [row.table_name, row.forced, row.command, row.roles])).toEqual(
        [...scopedTables].sort().map((table) => [table, false, 'r', ['bi_admin', 'bi_analyst', 'bi_viewer']]),
      );
      expect(rows.filter((row) => !row.enabled).map((row) => row.table_name)).toEqual(['customer_segments', 'products']);
    });

    it('can be run again without harm, and the runner finds nothing left to apply', async () => {
      const migration = (await loadMigrations()).find((candidate) => candidate.version === 7)!;
      await subject.execute(`BEGIN; ${migration.sql}; COMMIT;`);
      const report = await migrate(subject.execute);
      expect(report.applied).toEqual([]);
      expect(report.schemaVersion).toBeGreaterThanOrEqual(7);
      expect((await seen(subject.reader, 'regions', ['Europe'])).size).toBe(1);
    });
  });
}

describe('Row-level security: the region scope inside the database', () => {
  describe('on PGlite (the embedded default)', () => {
    rowLevelSecuritySuite(async () => {
      const db: PGlite = await openTestWarehouse();
      return {
        reader: new PgliteInThreadWarehouse(db),
        login: new PgliteInThreadWarehouse(db, { role: null }),
        execute: pgliteScript(db),
        close: () => db.close(),
      };
    });
  });

  describe.skipIf(!available)('on PostgreSQL', () => {
    rowLevelSecuritySuite(async () => {
      const database: TestDatabase = await createTestDatabase({ seed: { transactions: 2_000, customers: 100 } });
      const reader = new PostgresWarehouse({ connectionString: database.url });
      const login = new PostgresWarehouse({ connectionString: database.url, role: null });
      return {
        reader,
        login,
        execute: pgScript(await database.connect()),
        async close() {
          await Promise.all([reader.close(), login.close()]);
          await database.drop();
        },
      };
    });
  });
});
