/**
 * The RDS Data API adapter with the real `@aws-sdk/client-rds-data` client, against a local
 * endpoint that speaks the Data API's protocol and runs the statements on the machine's real
 * PostgreSQL (see fake-rds-data-endpoint.ts for what this proves and what it does not: no IAM, no
 * Secrets Manager, not the real service's limits, timings or exact messages, no network).
 */
import { RDSDataClient } from '@aws-sdk/client-rds-data';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueryFailedError, WarehouseUnavailableError } from '../../../functions/core/errors.ts';
import { RdsDataWarehouse } from '../../../functions/adapters/warehouse/rds-data.ts';
import { startFakeRdsDataEndpoint } from './fake-rds-data-endpoint.ts';
import type { FakeRdsDataEndpoint } from './fake-rds-data-endpoint.ts';
import { createTestDatabase } from './postgres-database.ts';
import type { TestDatabase } from './postgres-database.ts';
import { describeWarehouseContract } from './warehouse-contract.ts';

const resourceArn = 'arn:aws:rds:eu-west-1:123456789012:cluster:bi-warehouse';
const secretArn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:bi-reader';
const options = { timeoutMs: 5_000, maxRows: 100 };

function clientFor(endpoint: FakeRdsDataEndpoint, maxAttempts = 1): RDSDataClient {
  return new RDSDataClient({
    endpoint: endpoint.url,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'example' },
    maxAttempts,
  });
}

describeWarehouseContract('rds-data', async () => {
  const database = await createTestDatabase();
  const endpoint = await startFakeRdsDataEndpoint({ connectionString: database.connectionString, database: database.name });
  // The fake logs in as a superuser; the adapter switches to each statement's database role as it
  // does with the deployed secret, whose login is a member of bi_viewer, bi_analyst and bi_admin.
  const warehouse = new RdsDataWarehouse({ client: clientFor(endpoint), resourceArn, secretArn, database: database.name });
  return {
    warehouse,
      enforcesTimeout: true,
    dispose: async () => {
      await endpoint.close();
      await database.drop();
    },
  };
});

describe('Class: RdsDataWarehouse', () => {
  let database: TestDatabase;
  let endpoint: FakeRdsDataEndpoint;

  beforeAll(async () => {
    database = await createTestDatabase();
    endpoint = await startFakeRdsDataEndpoint({ connectionString: database.connectionString, database: database.name });
  });

  afterAll(async () => {
    await endpoint?.close();
    await database?.drop();
  });

  function warehouseWith(overrides: Partial<ConstructorParameters<typeof RdsDataWarehouse>[0]> = {}): RdsDataWarehouse {
    return new RdsDataWarehouse({ client: clientFor(endpoint), resourceArn, secretArn, database: database.name, ...overrides });
  }

  describe('Method: query', () => {
    it('begins a transaction, runs every statement in it and rolls it back, never commits', async () => {
      endpoint.calls.length = 0;
      await warehouseWith().query('SELECT region_name FROM sales.regions', options);
      // Executes: the settings, the statement's description, its (measuring) cursor, one FETCH.
      expect(endpoint.calls.map((call) => call.operation)).toEqual(['BeginTransaction', 'Execute', 'Execute', 'Execute', 'Execute', 'RollbackTransaction']);
      const transactionId = endpoint.calls[1]!.body.transactionId;
      expect(transactionId).toEqual(expect.any(String));
      for (const call of endpoint.calls.slice(1)) expect(call.body.transactionId).toBe(transactionId);
      expect(endpoint.calls[0]!.body).toMatchObject({ resourceArn, secretArn, database: database.name });
      expect(endpoint.openTransactions()).toBe(0);
    });

    it('sends the region scope and the role as parameters, never inside the SQL text', async () => {
      endpoint.calls.length = 0;
      const result = await warehouseWith().query("SELECT current_setting('bi_agent.regions', true)", { ...options, regions: ["O'Brien land"] });
      expect(result.rows).toEqual([["O'Brien land"]]);
      const settings = endpoint.calls[1]!.body;
      expect(settings.sql).not.toContain('Brien');
      expect(settings.parameters).toContainEqual({ name: 'regions', value: { stringValue: "O'Brien land" } });
    });

    it('switches to the database role by default, and keeps the login user only when told to (role: null)', async () => {
      expect((await warehouseWith().query('SELECT current_user', { ...options, role: 'analyst' })).rows).toEqual([['bi_analyst']]);
      expect((await warehouseWith({ role: null }).query('SELECT current_user', options)).rows).toEqual([['postgres']]);
    });

    it('rolls back after a failed statement too', async () => {
      await expect(warehouseWith().query('SELECT * FROM sales.nothing_here', options)).rejects.toBeInstanceOf(QueryFailedError);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(endpoint.openTransactions()).toBe(0);
    });

    it('fails a batch over the 1 MiB response cap with an actionable QueryFailedError', async () => {
      // The first batch is 100 rows (budgeted-fetch.ts): 100 rows of 12 kB cannot fit one response.
      const error = await warehouseWith()
        .query("SELECT n, repeat('x', 12000) AS padding FROM generate_series(1, 1000) AS n", { timeoutMs: 5_000, maxRows: 1_000 })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(QueryFailedError);
      expect((error as Error).message).toMatch(/1 MiB.*aggregate/);
    });

    it('retries while a paused cluster resumes, with growing waits', async () => {
      const waits: number[] = [];
      endpoint.failNext({ operation: 'BeginTransaction', errorType: 'DatabaseResumingException', times: 2 });
      const warehouse = warehouseWith({ resumeBackoffMs: 10, sleep: async (ms) => void waits.push(ms) });
      const result = await warehouse.query('SELECT count(*) FROM sales.regions', options);
      expect(result.rows).toEqual([[5]]);
      expect(waits).toEqual([10, 20]);
    });

    it('gives up after a bounded number of resume retries with WarehouseUnavailableError and retryAfterSeconds', async () => {
      const waits: number[] = [];
      endpoint.failNext({ operation: 'BeginTransaction', errorType: 'DatabaseResumingException', times: 4 });
      const warehouse = warehouseWith({ resumeRetries: 3, resumeBackoffMs: 10, sleep: async (ms) => void waits.push(ms) });
      const error = await warehouse.query('SELECT 1', options).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(WarehouseUnavailableError);
      expect((error as WarehouseUnavailableError).retryAfterSeconds).toBe(15);
      expect(waits).toEqual([10, 20, 40]);
    });

    it('maps throttling that outlasts the client’s retries to WarehouseUnavailableError', async () => {
      endpoint.failNext({ operation: 'Execute', errorType: 'ThrottlingException', status: 429 });
      const error = await warehouseWith().query('SELECT 1', options).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(WarehouseUnavailableError);
      expect((error as WarehouseUnavailableError).retryAfterSeconds).toBe(2);
    });

    it('lets the SDK’s own retry policy absorb a short burst of throttling', async () => {
      endpoint.failNext({ operation: 'Execute', errorType: 'ThrottlingException', status: 429 });
      const warehouse = warehouseWith({ client: clientFor(endpoint, 3) });
      const result = await warehouse.query('SELECT 1 AS one', options);
      expect(result.rows).toEqual([[1]]);
    });
  });

  describe('Method: ping', () => {
    it('throws WarehouseUnavailableError when nothing listens', async () => {
      const client = new RDSDataClient({
        endpoint: 'http://127.0.0.1:1',
        region: 'eu-west-1',
        credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'example' },
        maxAttempts: 1,
      });
      const warehouse = new RdsDataWarehouse({ client, resourceArn, secretArn, database: database.name });
      await expect(warehouse.ping()).rejects.toBeInstanceOf(WarehouseUnavailableError);
    });

    it('throws WarehouseUnavailableError for a database the cluster does not have', async () => {
      await expect(warehouseWith({ database: 'nope' }).ping()).rejects.toBeInstanceOf(WarehouseUnavailableError);
    });
  });
});
