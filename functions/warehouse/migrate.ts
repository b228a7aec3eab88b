/**
 * The migrations runner: applies `migrations/NNN_name.sql` in order, once each, and records them in
 * `bi_agent.schema_migrations` (the application's schema, which the read-only role cannot see).
 *
 * It talks to the database only through an `ExecuteScript` function, so the same files and the same
 * runner serve PGlite, real PostgreSQL and (through an adapter) Aurora's Data API.
 *
 * @example
 * ```ts
 * const report = await migrate(pgliteScript(db));
 * report.schemaVersion; // 4
 * ```
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { WarehouseUnavailableError } from '../core/errors.ts';
import { packageRoot } from '../platform/paths.ts';

/**
 * Runs a script of one or more SQL statements (simple-query semantics, no parameters) and resolves
 * to the rows of its last statement. The one thing a backend must offer the runner and the seeder.
 */
export type ExecuteScript = (sql: string) => Promise<Record<string, unknown>[]>;

/** One migration file. */
export interface Migration {
  readonly version: number;
  /** File name without `.sql`, e.g. `001_sales_schema`. */
  readonly name: string;
  readonly sql: string;
  /** sha256 of the file with line endings normalised: an applied migration must not change. */
  readonly checksum: string;
}

export interface MigrationReport {
  /** Versions applied by this run, in order (empty when the database was up to date). */
  readonly applied: readonly number[];
  /** The highest version now applied. */
  readonly schemaVersion: number;
}

const FILE_NAME = /^(\d{3,})_[a-z0-9_]+\.sql$/;
const MIGRATION_LOCK = 4_216_042; // pg_advisory_xact_lock key: one migrating session at a time

/**
 * Takes the migrations' transaction-level advisory lock. The lock function returns `void`, which the
 * RDS Data API refuses to return (UnsupportedResultException), so it is called in FROM and the
 * statement returns a boolean instead: every statement the runner sends must return only types the
 * Data API can return, as well as PGlite and node-postgres.
 */
export const TAKE_MIGRATION_LOCK = `SELECT true AS locked FROM pg_catalog.pg_advisory_xact_lock(${MIGRATION_LOCK})`;

/** Where the migration files live: inside the package, found from `packageRoot()`. */
export function migrationsDirectory(): string {
  return join(packageRoot(), 'functions', 'warehouse', 'migrations');
}

/** Reads the migration files of `directory`, in version order; rejects gaps and duplicates. */
export async function loadMigrations(directory = migrationsDirectory()): Promise<Migration[]> {
  const files = (await readdir(directory)).filter((file) => file.endsWith('.sql')).sort();
  const migrations: Migration[] = [];
  for (const file of files) {
    const match = FILE_NAME.exec(file);
    if (!match) throw new Error(`Migration file ${file} in ${directory} is not named NNN_lower_snake.sql`);
    const sql = (await readFile(join(directory, file), 'utf8')).replace(/\r\n/g, '\n');
    migrations.push({
      version: Number(match[1]),
      name: file.slice(0, -'.sql'.length),
      sql,
      checksum: createHash('sha256').update(sql).digest('hex'),
    });
  }
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new Error(`Migrations in ${directory} must be numbered 001, 002, … without gaps; found ${migration.name}`);
    }
  });
  return migrations;
}

/**
 * Applies every migration not yet recorded, each in its own transaction together with its record,
 * so a failed migration leaves nothing half-applied. Safe to call on every start: when the database
 * is up to date it runs one short query. Throws when an applied migration's file has changed since.
 */
export async function migrate(
  execute: ExecuteScript,
  options: { migrations?: readonly Migration[] } = {},
): Promise<MigrationReport> {
  const migrations = options.migrations ?? (await loadMigrations());
  // Under the same lock as the migrations: CREATE … IF NOT EXISTS is not safe against a concurrent twin.
  const recorded = await execute(`
    BEGIN;
    ${TAKE_MIGRATION_LOCK};
    CREATE SCHEMA IF NOT EXISTS bi_agent;
    REVOKE ALL ON SCHEMA bi_agent FROM PUBLIC;
    CREATE TABLE IF NOT EXISTS bi_agent.schema_migrations (
      version    integer PRIMARY KEY,
      name       text NOT NULL,
      checksum   text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    );
    COMMIT;
    SELECT version, name, checksum FROM bi_agent.schema_migrations ORDER BY version;`).catch(async (error: unknown) => {
    await execute('ROLLBACK').catch(() => undefined);
    throw new WarehouseUnavailableError(
      `Cannot prepare schema bi_agent for migrations: ${(error as Error).message}. The database user needs the ` +
        `right to create schemas in this database.`,
      undefined,
      { cause: error },
    );
  });
  const applied = new Map(recorded.map((row) => [Number(row.version), row]));

  for (const migration of migrations) {
    const row = applied.get(migration.version);
    if (row && row.checksum !== migration.checksum) {
      throw new WarehouseUnavailableError(
        `Migration ${migration.name} was changed after it was applied to this database. Migrations are ` +
          `append-only: put the change in a new NNN_*.sql file, or rebuild the warehouse from scratch.`,
        undefined,
        { details: { version: migration.version } },
      );
    }
  }

  const done: number[] = [];
  for (const migration of migrations) {
    if (applied.has(migration.version)) continue;
    try {
      // Consecutive calls share one session (one connection, or one Data API transaction), so the
      // lock taken here holds until COMMIT: a second migrating process waits, then sees the record.
      const [already] = await execute(
        `BEGIN;
${TAKE_MIGRATION_LOCK};
SELECT count(*)::int AS n FROM bi_agent.schema_migrations WHERE version = ${migration.version};`,
      );
      if (Number(already?.n) > 0) {
        await execute('ROLLBACK');
        continue;
      }
      await execute(
        `${migration.sql}
;
INSERT INTO bi_agent.schema_migrations (version, name, checksum)
  VALUES (${migration.version}, ${quoteLiteral(migration.name)}, ${quoteLiteral(migration.checksum)});
COMMIT;`,
      );
    } catch (error) {
      await execute('ROLLBACK').catch(() => undefined);
      throw new WarehouseUnavailableError(
        `Migration ${migration.name} failed: ${(error as Error).message}. Nothing of it was applied; fix the ` +
          `cause and run again.`,
        undefined,
        { cause: error, details: { version: migration.version } },
      );
    }
    done.push(migration.version);
  }
  return { applied: done, schemaVersion: Math.max(0, ...applied.keys(), ...migrations.map((m) => m.version)) };
}

/** The version the code's migrations bring a database to. */
export function latestVersion(migrations: readonly Migration[]): number {
  return migrations.reduce((max, migration) => Math.max(max, migration.version), 0);
}

/** A SQL string literal (standard_conforming_strings on, as in every supported server). */
export function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
