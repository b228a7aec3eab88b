/**
 * Real PostgreSQL for tests: a fresh database per suite (`bi_agent_test_<time>_<random>`) on the
 * server at `BI_AGENT_TEST_POSTGRES_URL` (default `postgres://postgres@127.0.0.1:5432/postgres`),
 * migrated and seeded small, dropped afterwards. When no server answers, suites skip with a message
 * saying so (CI has one, so there they run).
 *
 * @example
 * ```ts
 * const available = await postgresAvailable();
 * describe.skipIf(!available)('on PostgreSQL', () => {
 *   let database: TestDatabase;
 *   beforeAll(async () => { database = await createTestDatabase(); });
 *   afterAll(async () => { await database.drop(); });
 * });
 * ```
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { GeneratorOptions } from '../../functions/warehouse/generator.ts';
import type { WarehouseMetadata } from '../../functions/warehouse/metadata.ts';
import { migrate } from '../../functions/warehouse/migrate.ts';
import { pgScript } from '../../functions/warehouse/script-executors.ts';
import { seedPostgres } from '../../functions/warehouse/seed-postgres.ts';

/** The server's maintenance database URL: where test databases are created from. */
export const TEST_POSTGRES_URL =
  process.env.BI_AGENT_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** What PostgreSQL suites seed when not told otherwise: a few seconds' worth. */
export const SMALL_SEED: Partial<GeneratorOptions> = { seed: 42, transactions: 5_000, customers: 200 };

const PREFIX = 'bi_agent_test_';
const LEFTOVER_AGE_MS = 60 * 60 * 1000;
let availability: Promise<boolean> | undefined;

export interface TestDatabase {
  readonly name: string;
  /** Connection URL of the new database. */
  readonly url: string;
  /** What the seed recorded (undefined when created unseeded). */
  readonly metadata: WarehouseMetadata | undefined;
  /** A client connected to the database, for convenience; closed by `drop()`. */
  connect(): Promise<pg.Client>;
  drop(): Promise<void>;
}

/** Whether a PostgreSQL server answers at `TEST_POSTGRES_URL`; warns once when it does not. */
export function postgresAvailable(): Promise<boolean> {
  availability ??= (async () => {
    const client = new pg.Client({ connectionString: TEST_POSTGRES_URL, connectionTimeoutMillis: 2_000 });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return true;
    } catch (error) {
      console.warn(
        `PostgreSQL tests skipped: no server answers at ${TEST_POSTGRES_URL} (${(error as Error).message}). ` +
          `Start one (pg_ctlcluster 15 main start) or set BI_AGENT_TEST_POSTGRES_URL.`,
      );
      return false;
    } finally {
      await client.end().catch(() => undefined);
    }
  })();
  return availability;
}

/**
 * Creates a fresh database, migrates it (unless `migrate: false`) and seeds it (unless
 * `seed: false`) with `seed` options (default `SMALL_SEED`). Also drops test databases that earlier, interrupted runs left behind.
 */
export async function createTestDatabase(
  options: { seed?: Partial<GeneratorOptions> | false; migrate?: boolean } = {},
): Promise<TestDatabase> {
  const name = `${PREFIX}${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  await withAdmin(async (admin) => {
    await dropLeftovers(admin);
    await admin.query(`CREATE DATABASE ${name}`);
  });
  const url = databaseUrl(name);
  const clients: pg.Client[] = [];
  let metadata: WarehouseMetadata | undefined;
  try {
    if (options.migrate === false) {
      // an empty database, as CREATE DATABASE left it
    } else if (options.seed === false) {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await migrate(pgScript(client));
      } finally {
        await client.end();
      }
    } else {
      metadata = await seedPostgres(url, options.seed ?? SMALL_SEED);
    }
  } catch (error) {
    await dropDatabase(name);
    throw error;
  }
  return {
    name,
    url,
    metadata,
    async connect() {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      clients.push(client);
      return client;
    },
    async drop() {
      await Promise.all(clients.map((client) => client.end().catch(() => undefined)));
      await dropDatabase(name);
    },
  };
}

function databaseUrl(name: string): string {
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

async function dropDatabase(name: string): Promise<void> {
  await withAdmin((admin) => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}

async function dropLeftovers(admin: pg.Client): Promise<void> {
  const { rows } = await admin.query<{ datname: string }>(
    `SELECT datname FROM pg_database WHERE datname LIKE '${PREFIX}%'`,
  );
  for (const { datname } of rows) {
    const created = parseInt(datname.slice(PREFIX.length).split('_')[0] ?? '', 36);
    if (Number.isFinite(created) && Date.now() - created > LEFTOVER_AGE_MS) {
      await admin.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`).catch(() => undefined);
    }
  }
}

async function withAdmin<T>(work: (admin: pg.Client) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
}
