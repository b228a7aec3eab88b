import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WarehouseUnavailableError } from '../../functions/core/errors.ts';
import { latestVersion, loadMigrations, migrate, type ExecuteScript, type Migration } from '../../functions/warehouse/migrate.ts';
import { pgScript, pgliteScript } from '../../functions/warehouse/script-executors.ts';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../support/postgres.ts';

/** One specification, run against every backend (as drizzle runs one suite against every driver). */
function migrationSuite(open: () => Promise<{ execute: ExecuteScript; close(): Promise<void> }>): void {
  let execute: ExecuteScript;
  let close: () => Promise<void>;
  let migrations: Migration[];
  beforeAll(async () => {
    ({ execute, close } = await open());
    migrations = await loadMigrations();
  });
  afterAll(async () => close());

  it('applies every migration in order on an empty database', async () => {
    const report = await migrate(execute);
    expect(report.applied).toEqual(migrations.map((m) => m.version));
    expect(report.schemaVersion).toBe(latestVersion(migrations));
    const rows = await execute('SELECT version, name FROM bi_agent.schema_migrations ORDER BY version');
    expect(rows.map((row) => row.name)).toEqual(migrations.map((m) => m.name));
  });

  it('applies nothing the second time', async () => {
    const report = await migrate(execute);
    expect(report.applied).toEqual([]);
    expect(report.schemaVersion).toBe(latestVersion(migrations));
  });

  it('records versions in schema bi_agent, not in sales or public', async () => {
    const rows = await execute(
      `SELECT table_schema FROM information_schema.tables WHERE table_name = 'schema_migrations'`,
    );
    expect(rows.map((row) => row.table_schema)).toEqual(['bi_agent']);
  });

  it('inserts the reference rows of the contract', async () => {
    const [counts] = await execute(`SELECT (SELECT count(*) FROM sales.regions)::int AS regions,
      (SELECT count(*) FROM sales.customer_segments)::int AS segments, (SELECT count(*) FROM sales.products)::int AS products`);
    expect(counts).toEqual({ regions: 5, segments: 4, products: 20 });
  });

  it('refuses to run when an applied migration was edited', async () => {
    const edited = migrations.map((m) => (m.version === 1 ? { ...m, checksum: 'edited' } : m));
    await expect(migrate(execute, { migrations: edited })).rejects.toThrow(/was changed after it was applied/);
  });

  it('rolls back a failing migration completely, and says which one failed', async () => {
    const broken: Migration = {
      version: migrations.length + 1,
      name: `${String(migrations.length + 1).padStart(3, '0')}_broken`,
      sql: 'CREATE TABLE sales.half_done (id int); SELECT no_such_function();',
      checksum: 'x',
    };
    const attempt = migrate(execute, { migrations: [...migrations, broken] });
    await expect(attempt).rejects.toBeInstanceOf(WarehouseUnavailableError);
    await expect(migrate(execute, { migrations: [...migrations, broken] })).rejects.toThrow(/_broken failed/);
    const [left] = await execute(`SELECT to_regclass('sales.half_done') IS NULL AS gone,
      (SELECT count(*) FROM bi_agent.schema_migrations)::int AS recorded`);
    expect(left).toEqual({ gone: true, recorded: migrations.length });
  });
}

const available = await postgresAvailable();

describe('Function: migrate', () => {
  describe('on PGlite', () => {
    migrationSuite(async () => {
      const db = new PGlite();
      await db.waitReady;
      return { execute: pgliteScript(db), close: () => db.close() };
    });
  });

  describe.skipIf(!available)('on PostgreSQL', () => {
    let database: TestDatabase;
    migrationSuite(async () => {
      database = await createTestDatabase({ migrate: false });
      const client = await database.connect();
      return { execute: pgScript(client), close: () => database.drop() };
    });

    it('lets two processes migrate one empty database at the same time', async () => {
      const fresh = await createTestDatabase({ migrate: false });
      try {
        const setup = await fresh.connect();
        const clients = await Promise.all([fresh.connect(), fresh.connect()]);
        const versions = (await loadMigrations()).map((migration) => migration.version);
        const reports = await Promise.all(clients.map((client) => migrate(pgScript(client))));
        expect(reports.flatMap((report) => report.applied).sort((a, b) => a - b)).toEqual(versions);
        const { rows } = await setup.query('SELECT count(*)::int AS n FROM bi_agent.schema_migrations');
        expect(rows[0].n).toBe(versions.length);
      } finally {
        await fresh.drop();
      }
    });
  });
});
