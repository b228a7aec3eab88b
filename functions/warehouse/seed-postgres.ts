/**
 * Seeding a real PostgreSQL (a developer's server, CI, or a copy of Aurora reachable directly).
 */
import pg from 'pg';
import { WarehouseUnavailableError } from '../core/errors.ts';
import type { GeneratorOptions } from './generator.ts';
import type { WarehouseMetadata } from './metadata.ts';
import type { OnWarehouseProgress } from './progress-event.ts';
import { postgresSeedTarget } from './seed-targets.ts';
import { seedWarehouse } from './seed.ts';

/**
 * Migrates the database at `url` (a `DATABASE_URL`) and loads generated data into it with COPY.
 *
 * What it does to existing data: applies missing migrations; then, in one transaction, empties
 * `sales.customers` and `sales.sales_transactions` (TRUNCATE … RESTART IDENTITY, so transaction ids
 * start at 1 again) and loads the new rows. Regions, segments and products (reference data) and
 * every other schema are left as they are. While it runs, queries on the two tables wait (TRUNCATE
 * locks them); if it fails, the previous data stays.
 *
 * @example
 * ```ts
 * await seedPostgres(process.env.DATABASE_URL!, { transactions: 10_000_000 }, bar.onProgress);
 * ```
 */
export async function seedPostgres(
  url: string,
  options: Partial<GeneratorOptions> = {},
  onProgress?: OnWarehouseProgress,
): Promise<WarehouseMetadata> {
  const client = new pg.Client({ connectionString: url, application_name: 'bi-agent seed' });
  try {
    await client.connect();
  } catch (error) {
    throw new WarehouseUnavailableError(
      `Cannot connect to PostgreSQL at ${redactUrl(url)}: ${(error as Error).message}. Check DATABASE_URL and ` +
        `that the server is running.`,
      undefined,
      { cause: error },
    );
  }
  try {
    return await seedWarehouse(postgresSeedTarget(client), options, onProgress);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The URL without its password, fit for a message or a log. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(an unparsable DATABASE_URL)';
  }
}
