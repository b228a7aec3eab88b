/**
 * What the cost ceiling sees, from the database alone (the guard switched off: statements go to
 * the adapter's `explain` as they would after the guard's scope rewrite):
 *
 * - A statement that reads only the partitions of a region is estimated from that region's
 *   statistics: its estimate is the same whatever the other regions hold, so a refusal cannot
 *   tell a scoped principal anything about them.
 * - Row-level security does not shrink the estimate of a partition in scope (the ceiling was
 *   blind under scope), and the plan estimated is the cursor's, the one that runs.
 * - The benign statements of test/fixtures/guard still plan under the ceilings and run.
 *
 * Region 2 (Europe) is grown to the size it has in the 100k default warehouse (≈ 26,600 lines),
 * so the figures are those of the embedded default while ANALYZE still reads every row of the
 * partition (it samples 30,000), which keeps its statistics, and so the estimates, deterministic.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgliteInThreadWarehouse } from '../../functions/adapters/warehouse/pglite.ts';
import { PostgresWarehouse } from '../../functions/adapters/warehouse/postgres.ts';
import { DEFAULT_MAX_TOTAL_COST, EMBEDDED_MAX_TOTAL_COST } from '../../functions/core/guard/cost.ts';
import type { ExplainOptions, PlanEstimate, Warehouse } from '../../functions/core/ports.ts';
import { isRole, type Role } from '../../functions/core/principal.ts';
import type { ExecuteScript } from '../../functions/warehouse/migrate.ts';
import { pgScript, pgliteScript } from '../../functions/warehouse/script-executors.ts';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../support/postgres.ts';
import { openTestWarehouse, TEST_WAREHOUSE_OPTIONS } from '../support/warehouse.ts';

const available = await postgresAvailable();

interface Subject {
  /** The adapter as the question path uses it (database roles). */
  readonly warehouse: Warehouse;
  /** Scripts as the tables' owner: changing the other regions' data, ANALYZE. */
  readonly execute: ExecuteScript;
  /** The cost ceiling the guard applies on this warehouse by default. */
  readonly ceiling: number;
  close(): Promise<void>;
}

const europeanViewer: ExplainOptions = { timeoutMs: 10_000, role: 'viewer', regions: ['Europe'] };

/** Statements that read only partitions of region 2 (and the region-free products). */
const europeOnly = {
  'a series crossed with the partition, filtered on another region':
    'select count(*) from sales.sales_transactions_r2 t cross join generate_series(1, 1000) g where t.region_id = 4',
  'a join of the partitions of sales and customers, and products, filtered on another region':
    'select count(*) from sales.sales_transactions_r2 t join sales.customers_r2 c using (customer_id) join sales.products p using (product_id) where t.region_id = 4',
  'revenue per category of the region':
    'select p.category, sum(t.sales) from sales.sales_transactions_r2 t join sales.customers_r2 c using (customer_id) join sales.products p using (product_id) group by 1',
  'a self-join on units': 'select count(*) from sales.sales_transactions_r2 a, sales.sales_transactions_r2 b where a.units < b.units',
};

interface BenignCase {
  readonly id: string;
  readonly sql: string;
  readonly role: string;
}

const benign: BenignCase[] = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '../fixtures/guard/benign.jsonl'), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as BenignCase);

function partitionStatisticsSuite(open: () => Promise<Subject>): void {
  let subject: Subject;

  beforeAll(async () => {
    subject = await open();
    await subject.execute(`
      INSERT INTO sales.sales_transactions (sale_date, region_id, product_id, customer_id, segment_id, units, sales, cost, created_at)
        SELECT sale_date, region_id, product_id, customer_id, segment_id, units, sales, cost, created_at
        FROM sales.sales_transactions_r2, generate_series(1, 4);
      ANALYZE sales.sales_transactions, sales.customers;`);
  });

  afterAll(async () => {
    await subject?.close();
  });

  const estimates = async (options: ExplainOptions): Promise<Record<string, PlanEstimate>> => {
    const entries: [string, PlanEstimate][] = [];
    for (const [name, sql] of Object.entries(europeOnly)) entries.push([name, await subject.warehouse.explain!(sql, options)]);
    return Object.fromEntries(entries);
  };

  it('estimates statements on the partitions of a region identically whatever the other regions hold', async () => {
    const parentCount = 'select count(*) from sales.sales_transactions t cross join generate_series(1, 1000) g where t.region_id = 4';
    const before = await estimates(europeanViewer);
    const parentBefore = await subject.warehouse.explain!(parentCount, { timeoutMs: 10_000, role: 'admin' });
    // Latin America loses its sales and customers; Asia Pacific triples its sales.
    await subject.execute(`
      DELETE FROM sales.sales_transactions WHERE region_id = 4;
      DELETE FROM sales.customers WHERE region_id = 4;
      INSERT INTO sales.sales_transactions (sale_date, region_id, product_id, customer_id, segment_id, units, sales, cost, created_at)
        SELECT sale_date, region_id, product_id, customer_id, segment_id, units, sales, cost, created_at
        FROM sales.sales_transactions_r3, generate_series(1, 2);
      ANALYZE sales.sales_transactions, sales.customers;`);
    const after = await estimates(europeanViewer);
    const parentAfter = await subject.warehouse.explain!(parentCount, { timeoutMs: 10_000, role: 'admin' });

    expect(after).toEqual(before);
    // The change was real: the same count over the parent, which describes every region, moved.
    expect(parentAfter.totalCost).toBeLessThan(parentBefore.totalCost / 10);
  });

  it("does not shrink the estimate of a partition in scope by the row-level security policy", async () => {
    const [row] = await subject.execute('SELECT count(*)::int AS n FROM sales.sales_transactions_r2');
    const scoped = await subject.warehouse.explain!('select transaction_id from sales.sales_transactions_r2', europeanViewer);
    const unscoped = await subject.warehouse.explain!('select transaction_id from sales.sales_transactions_r2', { timeoutMs: 10_000, role: 'admin' });
    expect(scoped.planRows).toBe(Number(row?.n));
    expect(unscoped.planRows).toBe(Number(row?.n));
  });

  it('prices a self-join of a region partition, scoped, as the unscoped one: above the embedded ceiling', async () => {
    const sql = europeOnly['a self-join on units'];
    const scoped = await subject.warehouse.explain!(sql, europeanViewer);
    const unscoped = await subject.warehouse.explain!(sql, { timeoutMs: 10_000, role: 'analyst' });
    expect(scoped.totalCost).toBe(unscoped.totalCost);
    expect(scoped.totalCost).toBeGreaterThan(5 * EMBEDDED_MAX_TOTAL_COST);
  });

  it("estimates the cursor's plan, which runs, not the plain statement's", async () => {
    // A cursor is planned for its first rows (cursor_tuple_fraction): here a grouping that streams
    // from an index, costlier in total than the hash aggregate the plain statement gets. The cost
    // ceiling must see the former, the plan that runs.
    const sql = 'select customer_id, count(*) from sales.sales_transactions_r2 group by customer_id';
    const estimate = await subject.warehouse.explain!(sql, europeanViewer);
    const cursor = await planCost(`DECLARE c NO SCROLL CURSOR FOR ${sql}`);
    const plain = await planCost(sql);
    expect(estimate.totalCost).toBe(cursor);
    expect(cursor).toBeGreaterThan(plain);
  });

  /** The top node's total cost of EXPLAIN as a European viewer, in a transaction rolled back. */
  async function planCost(statement: string): Promise<number> {
    try {
      const rows = await subject.execute(`BEGIN; SELECT set_config('bi_agent.regions', 'Europe', true);
        SET LOCAL ROLE bi_viewer; SET LOCAL search_path = sales; EXPLAIN (FORMAT JSON) ${statement}`);
      const plan = rows[0]?.['QUERY PLAN'];
      const parsed = (typeof plan === 'string' ? JSON.parse(plan) : plan) as [{ Plan: { 'Total Cost': number } }];
      return parsed[0].Plan['Total Cost'];
    } finally {
      await subject.execute('ROLLBACK');
    }
  }

  it('plans every benign statement of the guard corpus under the ceiling, as its role, and runs it', async () => {
    const [server] = await subject.execute("SELECT current_setting('server_version_num')::int AS version");
    const slowest: { id: string; ms: number; cost: number }[] = [];
    for (const entry of benign) {
      if (!isRole(entry.role)) throw new Error(`${entry.id}: unknown role ${entry.role}`);
      // The SQL/JSON constructors and aggregates came with PostgreSQL 16.
      if (Number(server?.version) < 160000 && /\bjson_(array|object)(agg)?\s*\(/i.test(entry.sql)) continue;
      const role: Role = entry.role;
      const estimate = await subject.warehouse.explain!(entry.sql, { timeoutMs: 10_000, role });
      expect(estimate.totalCost, entry.id).toBeLessThanOrEqual(subject.ceiling);
      const started = performance.now();
      await subject.warehouse.query(entry.sql, { timeoutMs: 30_000, maxRows: 5_000, role });
      slowest.push({ id: entry.id, ms: Math.round(performance.now() - started), cost: Math.round(estimate.totalCost) });
    }
    slowest.sort((a, b) => b.ms - a.ms);
    console.log(`benign statements: ${benign.length}, slowest ${JSON.stringify(slowest.slice(0, 3))}`);
  });
}

describe('Partition statistics: what the cost ceiling sees', () => {
  describe('on PGlite (the shared test warehouse, region 2 grown)', () => {
    partitionStatisticsSuite(async () => {
      const db = await openTestWarehouse();
      return { warehouse: new PgliteInThreadWarehouse(db), execute: pgliteScript(db), ceiling: EMBEDDED_MAX_TOTAL_COST, close: () => db.close() };
    });
  });

  describe.skipIf(!available)('on PostgreSQL (the same data, region 2 grown)', () => {
    partitionStatisticsSuite(async () => {
      const database: TestDatabase = await createTestDatabase({ seed: TEST_WAREHOUSE_OPTIONS });
      const warehouse = new PostgresWarehouse({ connectionString: database.url });
      return {
        warehouse,
        execute: pgScript(await database.connect()),
        ceiling: DEFAULT_MAX_TOTAL_COST,
        async close() {
          await warehouse.close();
          await database.drop();
        },
      };
    });
  });
});
