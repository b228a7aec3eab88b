/**
 * The byte budgets of an answer and of a cell (QueryOptions.maxResultBytes, maxCellBytes), on every
 * adapter, with no guard in front: PGlite in its worker thread and on the caller's thread,
 * node-postgres on the machine's PostgreSQL 15, and the RDS Data API through the local fake (real
 * PostgreSQL behind, the service's 1 MiB response cap in front).
 */
import { PGlite } from '@electric-sql/pglite';
import { RDSDataClient } from '@aws-sdk/client-rds-data';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidRequestError, QueryFailedError } from '../../../functions/core/errors.ts';
import type { QueryOptions, QueryResult, Warehouse } from '../../../functions/core/ports.ts';
import { PgliteInThreadWarehouse, PgliteWarehouse } from '../../../functions/adapters/warehouse/pglite.ts';
import { PostgresWarehouse } from '../../../functions/adapters/warehouse/postgres.ts';
import { RdsDataWarehouse } from '../../../functions/adapters/warehouse/rds-data.ts';
import { CELL_OVERHEAD_BYTES, DEFAULT_MAX_RESULT_BYTES } from '../../../functions/adapters/warehouse/result-budget.ts';
import { startFakeRdsDataEndpoint, type FakeRdsDataEndpoint } from './fake-rds-data-endpoint.ts';
import { createTestDatabase, type TestDatabase } from './postgres-database.ts';
import { sampleWarehouseSql } from './sample-warehouse.ts';

const options: QueryOptions = { timeoutMs: 20_000, maxRows: 5_000 };
const MiB = 1024 * 1024;

/** The bytes a row of text cells counts for, by the rule of result-budget.ts. */
const rowBytes = (cells: readonly string[]) => cells.reduce((sum, cell) => sum + CELL_OVERHEAD_BYTES + Buffer.byteLength(cell), 0);

interface Subject {
  readonly warehouse: Warehouse;
  /** Whether the adapter's fetched rows live in this process (not behind a service's response cap). */
  readonly holdsRows: boolean;
  readonly dispose?: () => Promise<void>;
}

function describeResultBudget(name: string, create: () => Promise<Subject>): void {
  describe(`Budget: answer and cell bytes (${name})`, () => {
    let subject: Subject;
    let warehouse: Warehouse;

    beforeAll(async () => {
      subject = await create();
      warehouse = subject.warehouse;
    });

    afterAll(async () => {
      await subject?.warehouse.close();
      await subject?.dispose?.();
    });

    const failure = (sql: string, queryOptions: QueryOptions = options) =>
      warehouse.query(sql, queryOptions).then(
        (result) => expect.unreachable(`expected a failure, got ${result.rows.length} rows`),
        (error: unknown) => error,
      );

    describe('cells over the cell budget', () => {
      it('fails a statement whose rows hold several MB each, naming the column, without fetching them', async () => {
        const started = performance.now();
        const error = await failure("SELECT g AS n, repeat('x', 5000000) AS filler FROM generate_series(1, 3) AS g");
        expect(error).toBeInstanceOf(QueryFailedError);
        expect((error as QueryFailedError).message).toMatch(/column "filler" in row 1 is 5,000,000 bytes long; a cell may hold at most 65,536 bytes/);
        expect((error as QueryFailedError).details).toMatchObject({ rule: 'cell_bytes', column: 'filler', row: 1, bytes: 5_000_000 });
        expect(performance.now() - started).toBeLessThan(10_000);
      });

      it('keeps a cell of exactly the budget and refuses one byte more', async () => {
        const fits = await warehouse.query("SELECT repeat('é', 150) AS accents", { ...options, maxCellBytes: 300 });
        expect(fits.rows).toEqual([['é'.repeat(150)]]);
        const error = await failure("SELECT repeat('é', 150) || '!' AS accents", { ...options, maxCellBytes: 300 });
        expect((error as QueryFailedError).details).toMatchObject({ column: 'accents', bytes: 301 });
      });

      it.each([
        ['numeric', "SELECT (repeat('9', 400))::numeric AS big_number"],
        ['char(n), padding included', "SELECT 'x'::char(400) AS padded"],
        ['json', "SELECT json_build_object('k', repeat('v', 400)) AS document"],
        ['an array', 'SELECT array_agg(g) AS many FROM generate_series(1, 200) AS g'],
      ])('measures %s by the text that would be sent', async (_kind, sql) => {
        const error = await failure(sql, { ...options, maxCellBytes: 256 });
        expect(error).toBeInstanceOf(QueryFailedError);
        expect((error as QueryFailedError).details.rule).toBe('cell_bytes');
      });

      it('judges only rows that are part of the answer: an oversized cell past the byte cut is not an error', async () => {
        const result = await warehouse.query(
          "SELECT g, CASE WHEN g = 50 THEN repeat('x', 100000) ELSE 'y' END AS note FROM generate_series(1, 100) AS g ORDER BY g",
          { ...options, maxResultBytes: 200 },
        );
        expect(result).toMatchObject({ truncated: true, truncatedBy: 'bytes' });
        expect(result.rows.length).toBeLessThan(50);
      });

      it('keeps names, repeated names, types and the row order of the statement when it measures', async () => {
        const result = await warehouse.query(
          "SELECT 'x' || g AS a, g AS a, (g * 1.5)::numeric AS a, date '2024-01-01' + g AS day FROM generate_series(1, 3) AS g ORDER BY g DESC",
          options,
        );
        expect(result.columns).toEqual([
          { name: 'a', type: 'text' },
          { name: 'a', type: 'number' },
          { name: 'a', type: 'number' },
          { name: 'day', type: 'date' },
        ]);
        expect(result.rows).toEqual([
          ['x3', 3, 4.5, '2024-01-04'],
          ['x2', 2, 3, '2024-01-03'],
          ['x1', 1, 1.5, '2024-01-02'],
        ]);
        expect(result.truncated).toBe(false);
      });

      it('refuses a statement that would close the parentheses wrapped around it, before running anything', async () => {
        const error = await failure("SELECT 'x' AS a) AS s, (SELECT repeat('x', 100000) AS b");
        expect(error).toBeInstanceOf(QueryFailedError);
        expect((error as QueryFailedError).details.sqlState).toBe('42601');
      });

      it('is not fooled by a trailing semicolon, a comment or a semicolon inside a string', async () => {
        const result = await warehouse.query("SELECT 'a;b' AS t, $$ -- $$ AS d; -- a comment; with ; and ' in it", options);
        expect(result.rows).toEqual([['a;b', ' -- ']]);
      });
    });

    describe('the answer over the byte budget', () => {
      it('returns the rows that fit, in order, with truncatedBy: bytes, when many small rows exceed it', async () => {
        const budget = 10_000;
        const result = await warehouse.query("SELECT g, 'row ' || g AS label FROM generate_series(1, 3000) AS g ORDER BY g", {
          ...options,
          maxResultBytes: budget,
        });
        let fitting = 0;
        for (let used = 0, n = 1; used + rowBytes([String(n), `row ${n}`]) <= budget; n++) {
          used += rowBytes([String(n), `row ${n}`]);
          fitting = n;
        }
        expect(result).toMatchObject({ truncated: true, truncatedBy: 'bytes' });
        expect(result.rows).toHaveLength(fitting);
        expect(result.rows.at(-1)).toEqual([fitting, `row ${fitting}`]);
      });

      it('returns no rows, truncated by bytes, when the first row alone is larger than the answer budget', async () => {
        const result = await warehouse.query("SELECT repeat('x', 1000) AS a, repeat('y', 1000) AS b", { ...options, maxResultBytes: 1_500 });
        expect(result).toMatchObject({ rows: [], truncated: true, truncatedBy: 'bytes' });
      });

      it('says truncatedBy: rows when the row cap cuts first, and nothing when all fits', async () => {
        const capped = await warehouse.query("SELECT g, 'r' || g AS label FROM generate_series(1, 50) AS g", { ...options, maxRows: 10 });
        expect(capped).toMatchObject({ truncated: true, truncatedBy: 'rows' });
        expect(capped.rows).toHaveLength(10);
        const whole = await warehouse.query("SELECT g, 'r' || g AS label FROM generate_series(1, 50) AS g", { ...options, maxRows: 50 });
        expect(whole.truncated).toBe(false);
        expect(whole).not.toHaveProperty('truncatedBy');
      });

      it('reads a 200 MB result under the default 8 MiB budget without holding it', async (context) => {
        if (!subject.holdsRows) context.skip();
        await warehouse.query("SELECT repeat('x', 40000) AS wide FROM generate_series(1, 300)", options); // warm the same path
        const before = process.memoryUsage().rss;
        const started = performance.now();
        const result: QueryResult = await warehouse.query("SELECT repeat('x', 40000) AS wide FROM generate_series(1, 5000)", options);
        const grown = process.memoryUsage().rss - before;
        expect(result).toMatchObject({ truncated: true, truncatedBy: 'bytes' });
        expect(result.rows).toHaveLength(Math.floor(DEFAULT_MAX_RESULT_BYTES / rowBytes(['x'.repeat(40000)])));
        // The whole result is 200 MB; holding it (or posting it from the worker) would grow by more.
        expect(grown).toBeLessThan(100 * MiB);
        expect(performance.now() - started).toBeLessThan(10_000);
      });

      it('answers the next statement after a statement the budget failed', async () => {
        await failure("SELECT repeat('x', 100000) AS filler");
        expect((await warehouse.query('SELECT 1 AS one', options)).rows).toEqual([[1]]);
      });
    });

    describe('meaningless budgets', () => {
      it.each([
        [{ maxResultBytes: 0 }],
        [{ maxResultBytes: 1.5 }],
        [{ maxCellBytes: 100 }],
      ])('refuses %o before reaching the database', async (budget) => {
        await expect(warehouse.query('SELECT 1', { ...options, ...budget })).rejects.toBeInstanceOf(InvalidRequestError);
      });
    });
  });
}

// ── the adapters ─────────────────────────────────────────────────────────────────────────────

const folder = mkdtempSync(join(tmpdir(), 'bi-budget-pglite-'));
const dumpFile = join(folder, 'warehouse.tar');
let inMemory: PGlite;

beforeAll(async () => {
  inMemory = await PGlite.create();
  await inMemory.exec(sampleWarehouseSql());
  const dump = await inMemory.dumpDataDir('none');
  writeFileSync(dumpFile, Buffer.from(await dump.arrayBuffer()));
});

afterAll(async () => {
  await inMemory?.close();
  rmSync(folder, { recursive: true, force: true });
});

describeResultBudget('pglite, worker thread', async () => {
  const warehouse = new PgliteWarehouse({ source: { kind: 'dump', file: dumpFile } });
  await warehouse.start();
  return { warehouse, holdsRows: true };
});

describeResultBudget('pglite, in thread', async () => ({ warehouse: new PgliteInThreadWarehouse(inMemory), holdsRows: true }));

describeResultBudget('postgres', async () => {
  const database: TestDatabase = await createTestDatabase();
  return { warehouse: new PostgresWarehouse({ connectionString: database.connectionString }), holdsRows: true, dispose: () => database.drop() };
});

describeResultBudget('rds-data', async () => {
  const database = await createTestDatabase();
  const endpoint: FakeRdsDataEndpoint = await startFakeRdsDataEndpoint({ connectionString: database.connectionString, database: database.name });
  const client = new RDSDataClient({
    endpoint: endpoint.url,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'example' },
    maxAttempts: 1,
  });
  const warehouse = new RdsDataWarehouse({ client, resourceArn: 'arn:aws:rds:eu-west-1:123456789012:cluster:bi', secretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:bi', database: database.name });
  return {
    warehouse,
    holdsRows: false,
    dispose: async () => {
      await endpoint.close();
      await database.drop();
    },
  };
});

describe('Budget: the Data API response cap', () => {
  let database: TestDatabase;
  let endpoint: FakeRdsDataEndpoint;
  let warehouse: RdsDataWarehouse;

  beforeAll(async () => {
    database = await createTestDatabase();
    endpoint = await startFakeRdsDataEndpoint({ connectionString: database.connectionString, database: database.name });
    const client = new RDSDataClient({ endpoint: endpoint.url, region: 'eu-west-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'example' }, maxAttempts: 1 });
    warehouse = new RdsDataWarehouse({ client, resourceArn: 'arn:aws:rds:eu-west-1:123456789012:cluster:bi', secretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:bi', database: database.name });
  });

  afterAll(async () => {
    await endpoint?.close();
    await database?.drop();
  });

  it('reads an answer larger than one 1 MiB response in several calls, each under the cap', async () => {
    const before = endpoint.calls.length;
    const result = await warehouse.query("SELECT g, repeat('x', 1000) AS filler FROM generate_series(1, 3000) AS g", options);
    expect(result.rows).toHaveLength(3000);
    expect(result.truncated).toBe(false);
    const fetches = endpoint.calls.slice(before).filter((call) => String(call.body.sql).startsWith('FETCH FORWARD') && !String(call.body.sql).startsWith('FETCH FORWARD 0 '));
    expect(fetches.length).toBeGreaterThan(3);
    expect(fetches.length).toBeLessThan(30);
  });
});

describe('Budget: a PGlite worker that runs out of memory', () => {
  // A stand-in worker that speaks the protocol: it answers every statement, except 'boom', for
  // which it fills its heap. Only the adapter's side of the thread boundary is under test.
  const fakeWorker = [
    "import { parentPort } from 'node:worker_threads';",
    "parentPort.postMessage({ type: 'ready' });",
    "parentPort.on('message', (request) => {",
    "  if (request.type === 'close') { parentPort.postMessage({ type: 'closed' }); parentPort.close(); return; }",
    "  if (request.sql === 'boom') { const hoard = []; for (;;) hoard.push(new Array(100000).fill(request.id)); }",
    "  parentPort.postMessage({ type: 'result', id: request.id, result: { columns: [{ name: 'one', type: 'number' }], rows: [[1]], truncated: false } });",
    '});',
  ].join('\n');

  it('fails that statement with a clear error and answers the next one from a new worker', async () => {
    const warehouse = new PgliteWarehouse({
      source: { kind: 'dump', file: 'unused' },
      worker: { url: new URL(`data:text/javascript,${encodeURIComponent(fakeWorker)}`), resourceLimits: { maxOldGenerationSizeMb: 32 } },
    });
    try {
      const error = await warehouse.query('boom', options).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(QueryFailedError);
      expect((error as QueryFailedError).message).toMatch(/ran out of memory on this statement/);
      expect((error as QueryFailedError).details).toEqual({ reason: 'out_of_memory' });
      expect((await warehouse.query('SELECT 1', options)).rows).toEqual([[1]]);
      expect(warehouse.restarts).toBe(1);
    } finally {
      await warehouse.close();
    }
  });
});
