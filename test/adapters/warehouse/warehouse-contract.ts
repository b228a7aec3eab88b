/**
 * The contract every `Warehouse` adapter must keep, as one suite run against each of them (the
 * shape of drizzle's pg-common suite): same sample data, same statements, same answers. A new
 * adapter is done when this suite passes against it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidRequestError, QueryFailedError, QueryTimeoutError } from '../../../functions/core/errors.ts';
import type { QueryOptions, Warehouse } from '../../../functions/core/ports.ts';
import type { Role } from '../../../functions/core/principal.ts';

export interface ContractSubject {
  /** The adapter as the question path builds it: every statement as its product role's database role. */
  readonly warehouse: Warehouse;
  /** False only for an adapter that documents it cannot stop a statement (in-thread PGlite). */
  readonly enforcesTimeout: boolean;
  /** Tear-down beyond `warehouse.close()` (databases, endpoints). */
  readonly dispose?: () => Promise<void>;
}

const options: QueryOptions = { timeoutMs: 5_000, maxRows: 100 };

/** Registers the contract suite for one adapter; `create` runs once, before the suite. */
export function describeWarehouseContract(name: string, create: () => Promise<ContractSubject>): void {
  describe(`Contract: Warehouse (${name})`, () => {
    let subject: ContractSubject;
    let warehouse: Warehouse;

    beforeAll(async () => {
      subject = await create();
      warehouse = subject.warehouse;
    });

    afterAll(async () => {
      await subject?.warehouse.close();
      await subject?.dispose?.();
    });

    async function failure(sql: string, queryOptions: QueryOptions = options): Promise<unknown> {
      return warehouse.query(sql, queryOptions).then(
        () => expect.unreachable(`expected ${sql} to fail`),
        (error: unknown) => error,
      );
    }

    describe('Method: query — decoding', () => {
      it('returns numeric, bigint and integer aggregates as JS numbers', async () => {
        const result = await warehouse.query(
          `SELECT r.region_name, sum(t.sales) AS total, count(*) AS lines, sum(t.units::bigint) AS units,
                  avg(t.units)::float8 AS average_units, sum(t.transaction_id) AS id_sum
             FROM sales.sales_transactions t JOIN sales.regions r USING (region_id)
            GROUP BY r.region_name ORDER BY r.region_name`,
          options,
        );
        expect(result.columns).toEqual([
          { name: 'region_name', type: 'text' },
          { name: 'total', type: 'number' },
          { name: 'lines', type: 'number' },
          { name: 'units', type: 'number' },
          { name: 'average_units', type: 'number' },
          { name: 'id_sum', type: 'number' },
        ]);
        expect(result.rows.map((row) => row.slice(0, 5))).toEqual([
          ['Europe', 2577.9, 3, 13, 13 / 3],
          ['North America', 5725.1, 2, 4, 2],
        ]);
        expect(typeof result.rows[0]![5]).toBe('number');
        expect(result.truncated).toBe(false);
      });

      it('returns dates as YYYY-MM-DD, unshifted, at year and day boundaries', async () => {
        const result = await warehouse.query(
          "SELECT sale_date, date '2024-12-31' AS new_years_eve FROM sales.sales_transactions ORDER BY sale_date",
          options,
        );
        expect(result.columns).toEqual([
          { name: 'sale_date', type: 'date' },
          { name: 'new_years_eve', type: 'date' },
        ]);
        expect(result.rows.map((row) => row[0])).toEqual(['2024-01-01', '2024-06-30', '2024-12-31', '2025-03-15', '2025-03-16']);
        expect(result.rows[0]![1]).toBe('2024-12-31');
      });

      it('returns timestamps as ISO strings, booleans as booleans and NULL as null', async () => {
        const result = await warehouse.query(
          `SELECT created_at, timestamp '2024-05-06 07:08:09' AS local_time, units > 5 AS bulk, NULL::text AS nothing,
                  NULL::numeric AS no_number
             FROM sales.sales_transactions WHERE sale_date = '2024-06-30'`,
          options,
        );
        expect(result.columns.map((column) => column.type)).toEqual(['timestamp', 'timestamp', 'boolean', 'text', 'number']);
        expect(result.rows).toEqual([['2024-06-30T23:59:59.123456Z', '2024-05-06T07:08:09', true, null, null]]);
      });

      it('keeps the column order and names of the statement, repeated names included', async () => {
        const result = await warehouse.query('SELECT 1 AS b, 2 AS a, 3 AS a', options);
        expect(result.columns.map((column) => column.name)).toEqual(['b', 'a', 'a']);
        expect(result.rows).toEqual([[1, 2, 3]]);
      });
    });

    describe('Method: query — row cap', () => {
      it('returns maxRows rows and truncated=true when there are more', async () => {
        const result = await warehouse.query('SELECT n FROM generate_series(1, 25) AS n ORDER BY n', { ...options, maxRows: 10 });
        expect(result.rows).toEqual(Array.from({ length: 10 }, (_, index) => [index + 1]));
        expect(result.truncated).toBe(true);
      });

      it('returns every row and truncated=false when the result fits exactly', async () => {
        const result = await warehouse.query('SELECT n FROM generate_series(1, 25) AS n', { ...options, maxRows: 25 });
        expect(result.rows).toHaveLength(25);
        expect(result.truncated).toBe(false);
      });

      it('does not let a trailing semicolon or comment escape the cap', async () => {
        const result = await warehouse.query('SELECT n FROM generate_series(1, 25) AS n; -- all of them', { ...options, maxRows: 3 });
        expect(result.rows).toHaveLength(3);
        expect(result.truncated).toBe(true);
      });
    });

    describe('Method: query — read-only walls (no guard in front)', () => {
      it.each([
        ["INSERT INTO sales.regions VALUES (9, 'Atlantis')"],
        ['UPDATE sales.sales_transactions SET sales = 0'],
        ['DELETE FROM sales.sales_transactions'],
        ['CREATE TABLE sales.scratch (id int)'],
        ['DROP TABLE sales.sales_transactions'],
        ['TRUNCATE sales.sales_transactions'],
        ['WITH gone AS (DELETE FROM sales.regions RETURNING *) SELECT * FROM gone'],
        ["SELECT nextval('sales.sales_transactions_transaction_id_seq')"],
        ['SELECT 1; DELETE FROM sales.sales_transactions'],
        ['COMMIT'],
        ["SELECT set_config('transaction_read_only', 'off', true)"],
      ])('refuses %s with QueryFailedError', async (sql) => {
        const error = await failure(sql);
        expect(error).toBeInstanceOf(QueryFailedError);
        expect((error as QueryFailedError).details.sqlState).toMatch(/^[0-9A-Z]{5}$/);
      });

      it('leaves the data as it was', async () => {
        const result = await warehouse.query(
          'SELECT (SELECT count(*) FROM sales.regions), (SELECT count(*) FROM sales.sales_transactions), (SELECT sum(sales) FROM sales.sales_transactions)',
          options,
        );
        expect(result.rows).toEqual([[5, 5, 8303]]);
      });

      it('runs inside a read-only transaction', async () => {
        const result = await warehouse.query("SELECT current_setting('transaction_read_only') AS read_only", options);
        expect(result.rows).toEqual([['on']]);
      });

      it("runs as the database role of the statement's product role, and as bi_viewer when it names none", async () => {
        const who = async (role?: Role) => (await warehouse.query('SELECT current_user AS who', { ...options, ...(role ? { role } : {}) })).rows;
        expect(await who('viewer')).toEqual([['bi_viewer']]);
        expect(await who('analyst')).toEqual([['bi_analyst']]);
        expect(await who('admin')).toEqual([['bi_admin']]);
        expect(await who()).toEqual([['bi_viewer']]);
      });

      it('refuses a role that is not one of the contract, before reaching the database', async () => {
        const error = await failure('SELECT 1', { ...options, role: 'superuser' as Role });
        expect(error).toBeInstanceOf(InvalidRequestError);
      });
    });

    describe('Method: query — column rules of the database roles (no guard in front)', () => {
      const as = (role: Role): QueryOptions => ({ ...options, role });

      async function permissionDenied(sql: string, role: Role): Promise<void> {
        const error = await failure(sql, as(role));
        expect(error, `${role}: ${sql}`).toBeInstanceOf(QueryFailedError);
        expect((error as QueryFailedError).details.sqlState, `${role}: ${sql}`).toBe('42501');
      }

      /** Every way a statement can read a column, for a table (or one of its partitions) and a column. */
      const readsOf = (table: string, column: string): string[] => [
        `SELECT ${column} FROM ${table}`,
        `SELECT count(*) FROM ${table} WHERE ${column} IS NOT NULL`,
        `SELECT * FROM ${table}`,
        `SELECT x FROM ${table} AS x`,
        `SELECT count(*) FROM (SELECT * FROM ${table}) AS v`,
        `SELECT v.c FROM (SELECT ${column} AS c FROM ${table}) AS v`,
        `SELECT count(${column}) FROM ${table}`,
        `SELECT 1 FROM ${table} ORDER BY ${column} LIMIT 1`,
        `WITH w AS (SELECT ${column} FROM ${table}) SELECT count(*) FROM w`,
      ];

      it.each([['sales.sales_transactions'], ['sales.sales_transactions_r2']])(
        "does not let a viewer read cost of %s, whichever way the statement reads it",
        async (table) => {
          for (const sql of readsOf(table, 'cost')) await permissionDenied(sql, 'viewer');
        },
      );

      it.each([
        ['sales.customers', 'email'],
        ['sales.customers', 'customer_name'],
        ['sales.customers_r2', 'email'],
        ['sales.customers_r1', 'customer_name'],
      ])('does not let a viewer or an analyst read %s.%s, whichever way the statement reads it', async (table, column) => {
        for (const role of ['viewer', 'analyst'] as const) {
          for (const sql of readsOf(table, column)) await permissionDenied(sql, role);
        }
      });

      it('lets a viewer count rows and read every other column of the fact table and of customers', async () => {
        const lines = await warehouse.query(
          `SELECT count(*), sum(sales), sum(units), min(sale_date)::text, count(DISTINCT customer_id), max(created_at) IS NOT NULL
             FROM sales.sales_transactions`,
          as('viewer'),
        );
        expect(lines.rows).toEqual([[5, 8303, 17, '2024-01-01', 2, true]]);
        const customers = await warehouse.query(
          'SELECT count(*), min(customer_id), min(signup_date)::text, count(DISTINCT segment_id) FROM sales.customers',
          as('viewer'),
        );
        expect(customers.rows).toEqual([[2, 1, '2022-12-31', 2]]);
        expect((await warehouse.query('SELECT count(*) FROM sales.customers_r2', as('viewer'))).rows).toEqual([[1]]);
      });

      it('lets an analyst read cost, and an admin read names and e-mails too', async () => {
        const cost = await warehouse.query('SELECT sum(cost) FROM sales.sales_transactions', as('analyst'));
        expect(cost.rows).toEqual([[6150.5]]);
        const people = await warehouse.query('SELECT customer_name, email FROM sales.customers ORDER BY customer_id', as('admin'));
        expect(people.rows).toEqual([
          ['Ada Example', 'ada@example.com'],
          ['Bob Example', 'bob@example.com'],
        ]);
        const everything = await warehouse.query('SELECT t::text, c::text FROM sales.sales_transactions_r2 t JOIN sales.customers_r2 c USING (customer_id)', as('admin'));
        expect(everything.rows).toHaveLength(3);
      });

      it.each([['viewer'], ['analyst'], ['admin']] as const)('keeps the region scope for %s, on the tables and on their partitions', async (role) => {
        const counts = async (regions: string[]) =>
          (
            await warehouse.query(
              `SELECT (SELECT count(*) FROM sales.sales_transactions), (SELECT count(*) FROM sales.sales_transactions_r2),
                      (SELECT count(*) FROM sales.customers), (SELECT count(*) FROM sales.customers_r1),
                      (SELECT count(*) FROM sales.regions)`,
              { ...as(role), regions },
            )
          ).rows;
        expect(await counts(['Europe'])).toEqual([[3, 3, 1, 0, 1]]);
        expect(await counts(['North America'])).toEqual([[2, 0, 1, 1, 1]]);
        expect(await counts(['Asia Pacific'])).toEqual([[0, 0, 0, 0, 1]]);
        expect(await counts([])).toEqual([[5, 3, 2, 1, 5]]);
      });

      it('plans as the same role: EXPLAIN of a hidden column fails like running it', async () => {
        const error = await warehouse.explain!('SELECT cost FROM sales.sales_transactions', { timeoutMs: 5_000, role: 'viewer' }).catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(QueryFailedError);
        expect((error as QueryFailedError).details.sqlState).toBe('42501');
        await expect(warehouse.explain!('SELECT cost FROM sales.sales_transactions', { timeoutMs: 5_000, role: 'analyst' })).resolves.toMatchObject({
          planRows: expect.any(Number),
        });
        await expect(warehouse.explain!('SELECT cost FROM sales.sales_transactions', { timeoutMs: 5_000 })).rejects.toBeInstanceOf(QueryFailedError);
      });
    });

    describe('Method: query — region scope', () => {
      it('sets bi_agent.regions inside the transaction, comma-separated', async () => {
        const result = await warehouse.query("SELECT current_setting('bi_agent.regions', true) AS scope", {
          ...options,
          regions: ['Europe', 'Middle East & Africa'],
        });
        expect(result.rows).toEqual([['Europe,Middle East & Africa']]);
      });

      it('sets it to an empty string for all regions, and keeps no scope from an earlier statement', async () => {
        await warehouse.query('SELECT 1', { ...options, regions: ['Europe'] });
        const result = await warehouse.query("SELECT current_setting('bi_agent.regions', true) AS scope", options);
        expect(result.rows).toEqual([['']]);
      });
    });

    describe('Method: query — errors', () => {
      it('maps a syntax error to QueryFailedError with SQLSTATE and PostgreSQL message, no stack', async () => {
        const error = (await failure('SELEC 1')) as QueryFailedError;
        expect(error).toBeInstanceOf(QueryFailedError);
        expect(error.details).toMatchObject({ sqlState: '42601', postgresMessage: expect.stringContaining('syntax error') });
        expect(error.message).not.toMatch(/\n\s+at /);
      });

      it.each([
        ['SELECT * FROM sales.no_such_table', '42P01'],
        ['SELECT 1 / (units - units) FROM sales.sales_transactions', '22012'],
      ])('maps %s to QueryFailedError %s', async (sql, sqlState) => {
        const error = (await failure(sql)) as QueryFailedError;
        expect(error).toBeInstanceOf(QueryFailedError);
        expect(error.details.sqlState).toBe(sqlState);
      });

      it.each([['viewer'], ['analyst'], ['admin']] as const)('refuses a catalog only a superuser may read, as %s', async (role) => {
        const error = (await failure('SELECT rolpassword FROM pg_catalog.pg_authid', { ...options, role })) as QueryFailedError;
        expect(error).toBeInstanceOf(QueryFailedError);
        expect(error.details.sqlState).toBe('42501');
      });

      it('refuses an empty statement and meaningless options before reaching the database', async () => {
        await expect(warehouse.query('  ', options)).rejects.toBeInstanceOf(InvalidRequestError);
        await expect(warehouse.query('SELECT 1', { timeoutMs: 0, maxRows: 1 })).rejects.toBeInstanceOf(InvalidRequestError);
      });

      it('still answers after a failed statement', async () => {
        await failure('SELECT * FROM sales.no_such_table');
        const result = await warehouse.query('SELECT count(*) AS n FROM sales.regions', options);
        expect(result.rows).toEqual([[5]]);
      });
    });

    describe('Method: query — timeout', () => {
      it('stops a statement that overruns with QueryTimeoutError, and answers afterwards', async (context) => {
        if (!subject.enforcesTimeout) context.skip();
        const started = performance.now();
        const error = await failure('SELECT 1 AS slept FROM pg_sleep(10)', { timeoutMs: 500, maxRows: 1 });
        expect(error).toBeInstanceOf(QueryTimeoutError);
        expect(performance.now() - started).toBeLessThan(4_000);
        const result = await warehouse.query('SELECT count(*) AS n FROM sales.regions', options);
        expect(result.rows).toEqual([[5]]);
      });
    });

    describe('Method: explain', () => {
      const explainOptions = { timeoutMs: 5_000 };

      it('returns the top plan node estimate as numbers', async () => {
        const estimate = await warehouse.explain!('SELECT region_name FROM sales.regions', explainOptions);
        expect(estimate.totalCost).toBeGreaterThan(0);
        expect(estimate.planRows).toBeGreaterThanOrEqual(1);
      });

      it('never runs the statement', async () => {
        const started = performance.now();
        await warehouse.explain!('SELECT pg_sleep(10)', explainOptions);
        // A statement that fails on every row when run plans fine.
        await warehouse.explain!('SELECT 1 / (units - units) FROM sales.sales_transactions', explainOptions);
        expect(performance.now() - started).toBeLessThan(5_000);
      });

      it('estimates generate_series from constant arguments (PostgreSQL 12+), so the cost ceiling sees its size', async () => {
        const numbers = await warehouse.explain!('SELECT g FROM generate_series(1, 1000000) g', explainOptions);
        expect(numbers.planRows).toBe(1_000_000);
        const spine = await warehouse.explain!(
          "SELECT m FROM generate_series(date '2024-01-01', date '2024-12-01', interval '1 month') m",
          explainOptions,
        );
        // Date and timestamp series are estimated from their arguments from PostgreSQL 17 (PGlite is
        // 18); PostgreSQL 15 and 16 assume 1,000 rows. The guard bounds their length itself (limits.ts).
        expect([12, 1_000]).toContain(spine.planRows);
        const trillion = await warehouse.explain!('SELECT count(*) FROM generate_series(1, 1000000000000) g', explainOptions);
        expect(trillion.totalCost).toBeGreaterThan(1e10);
      });

      it('prices a cartesian product of the fact table far above a join on keys', async () => {
        const join = await warehouse.explain!(
          'SELECT count(*) FROM sales.sales_transactions t JOIN sales.regions r USING (region_id)',
          explainOptions,
        );
        const cartesian = await warehouse.explain!(
          'SELECT count(*) FROM sales.sales_transactions a, sales.sales_transactions b, sales.sales_transactions c, sales.sales_transactions d',
          explainOptions,
        );
        // Five lines a side (625 rows in all) against five: the estimate grows with the product.
        expect(cartesian.totalCost).toBeGreaterThan(join.totalCost * 10);
      });

      it('resolves unqualified table names in schema sales, when planning and when running', async () => {
        await expect(warehouse.explain!('SELECT count(*) FROM regions', explainOptions)).resolves.toMatchObject({ planRows: 1 });
        const result = await warehouse.query('SELECT count(*) AS n FROM regions', options);
        expect(result.rows).toEqual([[5]]);
      });

      it('maps a statement the database cannot plan to QueryFailedError with SQLSTATE', async () => {
        const error = await warehouse.explain!('SELECT * FROM sales.no_such_table', explainOptions).catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(QueryFailedError);
        expect((error as QueryFailedError).details.sqlState).toBe('42P01');
      });

      it('plans as the database role, not the login', async () => {
        const error = await warehouse.explain!('SELECT rolpassword FROM pg_catalog.pg_authid', { ...explainOptions, role: 'admin' }).catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(QueryFailedError);
        expect((error as QueryFailedError).details.sqlState).toBe('42501');
      });

      it('takes the region scope inside its own transaction, and leaves nothing behind', async () => {
        await warehouse.explain!('SELECT count(*) FROM sales.customers', { ...explainOptions, regions: ['Europe'] });
        const result = await warehouse.query("SELECT current_setting('bi_agent.regions', true) AS scope, current_setting('transaction_read_only') AS ro", options);
        expect(result.rows).toEqual([['', 'on']]);
      });

      it('refuses an empty statement and a missing time limit before reaching the database', async () => {
        await expect(warehouse.explain!('  ', explainOptions)).rejects.toBeInstanceOf(InvalidRequestError);
        await expect(warehouse.explain!('SELECT 1', { timeoutMs: 0 })).rejects.toBeInstanceOf(InvalidRequestError);
      });
    });

    describe('Method: ping', () => {
      it('resolves when the warehouse holds the sample schema', async () => {
        await expect(warehouse.ping()).resolves.toBeUndefined();
      });
    });
  });
}
