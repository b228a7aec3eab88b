import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueryTimeoutError, WarehouseUnavailableError } from '../../../functions/core/errors.ts';
import { PostgresWarehouse } from '../../../functions/adapters/warehouse/postgres.ts';
import { createTestDatabase } from './postgres-database.ts';
import type { TestDatabase } from './postgres-database.ts';
import { describeWarehouseContract } from './warehouse-contract.ts';

const options = { timeoutMs: 5_000, maxRows: 100 };

describeWarehouseContract('postgres', async () => {
  const database = await createTestDatabase();
  return {
    warehouse: new PostgresWarehouse({ connectionString: database.connectionString }),
      enforcesTimeout: true,
    dispose: () => database.drop(),
  };
});

describe('Class: PostgresWarehouse', () => {
  let database: TestDatabase;
  let empty: TestDatabase;

  beforeAll(async () => {
    [database, empty] = await Promise.all([createTestDatabase(), createTestDatabase(false)]);
  });

  afterAll(async () => {
    await Promise.all([database?.drop(), empty?.drop()]);
  });

  describe('Method: query', () => {
    it('runs statements side by side on the pool, each with its own scope', async () => {
      const warehouse = new PostgresWarehouse({ connectionString: database.connectionString, maxConnections: 3 });
      try {
        const scopes = ['Europe', 'Asia Pacific', 'North America', 'Latin America', 'Middle East & Africa', ''];
        const results = await Promise.all(
          scopes.map((scope) =>
            warehouse.query("SELECT current_setting('bi_agent.regions', true), pg_sleep(0.05)::text", {
              ...options,
              regions: scope ? [scope] : [],
            }),
          ),
        );
        expect(results.map((result) => result.rows[0]![0])).toEqual(scopes);
      } finally {
        await warehouse.close();
      }
    });

    it('keeps the login role when role switching is off (role: null)', async () => {
      const warehouse = new PostgresWarehouse({ connectionString: database.connectionString, role: null });
      try {
        const result = await warehouse.query('SELECT current_user', options);
        expect(result.rows).toEqual([['postgres']]);
      } finally {
        await warehouse.close();
      }
    });

    it('gives up on a server that does not answer, client-side, and drops that connection', async () => {
      // A negative grace puts the client guard (500 ms) before the server's statement_timeout (5 s),
      // as if the server had stopped answering.
      const warehouse = new PostgresWarehouse({ connectionString: database.connectionString, clientGraceMs: -4_500 });
      try {
        const started = performance.now();
        await expect(warehouse.query('SELECT pg_sleep(3)', { timeoutMs: 5_000, maxRows: 1 })).rejects.toBeInstanceOf(QueryTimeoutError);
        expect(performance.now() - started).toBeLessThan(2_000);
        const result = await warehouse.query('SELECT 1 AS one', options);
        expect(result.rows).toEqual([[1]]);
      } finally {
        await warehouse.close();
      }
    });

    it('does not change the global pg type parsers', async () => {
      const pg = await import('pg');
      const warehouse = new PostgresWarehouse({ connectionString: database.connectionString });
      try {
        await warehouse.query('SELECT 1', options);
        expect(pg.default.types.getTypeParser(1082, 'text')('2024-01-01')).toBeInstanceOf(Date);
      } finally {
        await warehouse.close();
      }
    });
  });

  describe('Method: ping', () => {
    it('throws WarehouseUnavailableError when nothing listens', async () => {
      const warehouse = new PostgresWarehouse({ connectionString: 'postgres://postgres@127.0.0.1:1/test', connectTimeoutMs: 1_000 });
      try {
        const error = await warehouse.ping().catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(WarehouseUnavailableError);
        expect((error as WarehouseUnavailableError).retryAfterSeconds).toBeGreaterThan(0);
        expect((error as Error).message).not.toMatch(/\n\s+at /);
      } finally {
        await warehouse.close();
      }
    });

    it('throws WarehouseUnavailableError when the database lacks the sample schema', async () => {
      const warehouse = new PostgresWarehouse({ connectionString: empty.connectionString, role: null });
      try {
        await expect(warehouse.ping()).rejects.toBeInstanceOf(WarehouseUnavailableError);
      } finally {
        await warehouse.close();
      }
    });
  });
});
