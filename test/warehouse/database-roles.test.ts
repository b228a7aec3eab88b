/**
 * The database roles of migration 007, one per product role, read from the catalog and tried as a
 * session would use them: their column grants are exactly the contract's column rules (taken from
 * functions/core/catalog/access.ts, the project's source of truth), on every table and partition;
 * they read schema `sales` and nothing else, write nowhere, and cannot become one another.
 * bi_reader, the single role of migration 002, is retired. Run on PGlite and on real PostgreSQL.
 */
import type { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseRoles } from '../../functions/adapters/warehouse/read-only-statement.ts';
import { HIDDEN_COLUMNS } from '../../functions/core/catalog/access.ts';
import { ROLES, type Role } from '../../functions/core/principal.ts';
import type { ExecuteScript } from '../../functions/warehouse/migrate.ts';
import { pgScript, pgliteScript } from '../../functions/warehouse/script-executors.ts';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../support/postgres.ts';
import { openTestWarehouse } from '../support/warehouse.ts';

const available = await postgresAvailable();
const databaseRoleNames = ROLES.map((role) => databaseRoles[role]);

/** The contract table a relation of schema sales holds rows of: a partition `<table>_r<id>` belongs to `<table>`. */
const contractTable = (relation: string): string => relation.replace(/_r\d+$/, '');

function databaseRolesSuite(open: () => Promise<{ execute: ExecuteScript; close(): Promise<void> }>): void {
  let execute: ExecuteScript;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ execute, close } = await open());
  });
  afterAll(async () => close());

  /** Runs `sql` as `role` in a transaction that is always rolled back. */
  async function as(role: string, sql: string): Promise<Record<string, unknown>[]> {
    try {
      await execute(`BEGIN; SET LOCAL ROLE ${role};`);
      return await execute(sql);
    } finally {
      await execute('ROLLBACK');
    }
  }

  it('maps each product role to its own database role', () => {
    expect(databaseRoles).toEqual({ viewer: 'bi_viewer', analyst: 'bi_analyst', admin: 'bi_admin' });
  });

  it.each(ROLES.map((role) => [role, databaseRoles[role]] as const))(
    'grants %s (%s) SELECT on exactly the columns the contract lets it read, on every table and partition',
    async (role: Role, databaseRole) => {
      const columns = await execute(`
        SELECT c.relname AS relation, a.attname AS column_name,
               has_column_privilege('${databaseRole}', c.oid, a.attnum, 'SELECT') AS readable
        FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
        WHERE n.nspname = 'sales' AND c.relkind IN ('r', 'p') ORDER BY 1, 2`);
      const relations = new Set(columns.map((row) => String(row.relation)));
      // Five contract tables and five partitions of each region table.
      expect(relations.size).toBe(15);
      for (const row of columns) {
        const hidden = HIDDEN_COLUMNS[role][contractTable(String(row.relation))] ?? [];
        expect(row.readable, `${databaseRole} on ${String(row.relation)}.${String(row.column_name)}`).toBe(!hidden.includes(String(row.column_name)));
      }
    },
  );

  it.each(databaseRoleNames)('gives %s no other privilege: no write, no sequence, no other schema', async (databaseRole) => {
    const [privileges] = await execute(`
      SELECT
        bool_or(has_table_privilege('${databaseRole}', c.oid, 'INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER')) AS table_writes,
        bool_or(has_any_column_privilege('${databaseRole}', c.oid, 'INSERT, UPDATE, REFERENCES')) AS column_writes
      FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'sales' AND c.relkind IN ('r', 'p')`);
    expect(privileges).toEqual({ table_writes: false, column_writes: false });
    const [other] = await execute(`SELECT
        has_schema_privilege('${databaseRole}', 'sales', 'USAGE') AS sales_usage,
        has_schema_privilege('${databaseRole}', 'sales', 'CREATE') AS sales_create,
        has_schema_privilege('${databaseRole}', 'bi_agent', 'USAGE') AS app_usage,
        has_schema_privilege('${databaseRole}', 'public', 'CREATE') AS public_create,
        has_sequence_privilege('${databaseRole}', 'sales.sales_transactions_transaction_id_seq', 'USAGE, SELECT, UPDATE') AS sequence,
        has_function_privilege('${databaseRole}', 'pg_catalog.set_config(text, text, boolean)', 'EXECUTE') AS set_config`);
    expect(other).toEqual({
      sales_usage: true,
      sales_create: false,
      app_usage: false,
      public_create: false,
      sequence: false,
      set_config: false,
    });
  });

  it('makes the roles NOLOGIN and NOINHERIT, no superuser, and members of no role', async () => {
    const rows = await execute(`
      SELECT r.rolname, r.rolcanlogin, r.rolinherit, r.rolsuper, r.rolcreaterole, r.rolcreatedb, r.rolbypassrls,
             (SELECT count(*)::int FROM pg_catalog.pg_auth_members m WHERE m.member = r.oid) AS memberships
      FROM pg_catalog.pg_roles r WHERE r.rolname IN ('bi_viewer', 'bi_analyst', 'bi_admin') ORDER BY 1`);
    expect(rows).toEqual(
      ['bi_admin', 'bi_analyst', 'bi_viewer'].map((rolname) => ({
        rolname,
        rolcanlogin: false,
        rolinherit: false,
        rolsuper: false,
        rolcreaterole: false,
        rolcreatedb: false,
        rolbypassrls: false,
        memberships: 0,
      })),
    );
  });

  it('cannot switch from one role to a wider one from inside a statement', async () => {
    // SET ROLE is a utility statement, which a cursor cannot run; set_config is the only way left.
    for (const databaseRole of ['bi_viewer', 'bi_analyst']) {
      await expect(as(databaseRole, "SELECT set_config('role', 'bi_admin', true)")).rejects.toThrow(/permission denied for function set_config/);
    }
  });

  it.each([
    ['INSERT', `INSERT INTO sales.regions VALUES (9, 'Antarctica')`],
    ['UPDATE', `UPDATE sales.products SET list_price = 1`],
    ['UPDATE a partition', `UPDATE sales.sales_transactions_r2 SET units = 1`],
    ['DELETE', `DELETE FROM sales.sales_transactions`],
    ['TRUNCATE', `TRUNCATE sales.customers CASCADE`],
    ['CREATE in sales', `CREATE TABLE sales.stolen (id int)`],
    ['CREATE in public', `CREATE TABLE public.stolen (id int)`],
    ['CREATE SCHEMA', `CREATE SCHEMA stolen`],
    ['ALTER', `ALTER TABLE sales.regions ADD COLUMN x int`],
    ['DETACH a partition', `ALTER TABLE sales.sales_transactions DETACH PARTITION sales.sales_transactions_r1`],
    ['DROP', `DROP TABLE sales.regions`],
  ])('cannot %s, whichever role', async (_, sql) => {
    for (const databaseRole of databaseRoleNames) {
      await expect(as(databaseRole, sql), `${databaseRole}: ${sql}`).rejects.toThrow(/permission denied|must be (the )?owner/);
    }
  });

  it('cannot read the application schema bi_agent, whichever role', async () => {
    for (const databaseRole of databaseRoleNames) {
      await expect(as(databaseRole, 'SELECT * FROM bi_agent.schema_migrations')).rejects.toThrow(/permission denied/);
      await expect(as(databaseRole, 'SELECT * FROM bi_agent.warehouse_metadata')).rejects.toThrow(/permission denied/);
    }
  });

  it('reads every table of schema sales as the admin, each hidden column refused to the others', async () => {
    for (const table of ['regions', 'customer_segments', 'products', 'customers', 'sales_transactions']) {
      const [row] = await as('bi_admin', `SELECT count(*)::int AS n FROM (SELECT * FROM sales.${table}) AS whole`);
      expect(Number(row?.n)).toBeGreaterThan(0);
    }
    await expect(as('bi_viewer', 'SELECT sum(cost) FROM sales.sales_transactions')).rejects.toThrow(/permission denied for table sales_transactions/);
    await expect(as('bi_analyst', 'SELECT max(email) FROM sales.customers_r3')).rejects.toThrow(/permission denied for table customers_r3/);
    expect(await as('bi_analyst', 'SELECT sum(cost) > 0 AS some FROM sales.sales_transactions')).toEqual([{ some: true }]);
  });

  it('retires bi_reader: it reads nothing in schema sales and no policy names it', async () => {
    const [reader] = await execute(`SELECT
        has_schema_privilege('bi_reader', 'sales', 'USAGE') AS usage,
        (SELECT bool_or(has_any_column_privilege('bi_reader', c.oid, 'SELECT'))
           FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = 'sales' AND c.relkind IN ('r', 'p')) AS reads,
        (SELECT count(*)::int FROM pg_catalog.pg_policy p WHERE 'bi_reader'::regrole = ANY (p.polroles)) AS policies,
        (SELECT count(*)::int FROM pg_catalog.pg_default_acl d WHERE d.defaclacl::text LIKE '%bi_reader%') AS default_grants`);
    expect(reader).toEqual({ usage: false, reads: false, policies: 0, default_grants: 0 });
  });
}

describe('Database roles: bi_viewer, bi_analyst, bi_admin', () => {
  describe('on PGlite (the shared test warehouse)', () => {
    databaseRolesSuite(async () => {
      const db: PGlite = await openTestWarehouse();
      return { execute: pgliteScript(db), close: () => db.close() };
    });
  });

  describe.skipIf(!available)('on PostgreSQL', () => {
    let database: TestDatabase;
    databaseRolesSuite(async () => {
      database = await createTestDatabase({ seed: { transactions: 500, customers: 50 } });
      return { execute: pgScript(await database.connect()), close: () => database.drop() };
    });
  });
});
