/**
 * The cost ceiling (cost.ts) through `PostgresSqlGuard.check`, with a real warehouse planning the
 * rewritten SQL: the embedded PGlite test warehouse (20k transactions) and PostgreSQL 15 (5k).
 * Each denial-of-service shape is refused after planning alone — the recording warehouse proves
 * nothing was ever queried, and the verdict comes back faster than any real run could — while
 * heavy-ish analyst queries pass and then run.
 */
import type { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgliteInThreadWarehouse } from '../../functions/adapters/warehouse/pglite.ts';
import { PostgresWarehouse } from '../../functions/adapters/warehouse/postgres.ts';
import { QueryFailedError, QueryTimeoutError, WarehouseUnavailableError } from '../../functions/core/errors.ts';
import { checkCost, DEFAULT_MAX_TOTAL_COST, EMBEDDED_MAX_TOTAL_COST, formatCost, type CostEstimator } from '../../functions/core/guard/cost.ts';
import { PostgresSqlGuard } from '../../functions/core/guard/sql-guard.ts';
import type { ExplainOptions, PlanEstimate, QueryOptions, QueryResult, Warehouse } from '../../functions/core/ports.ts';
import type { Principal } from '../../functions/core/principal.ts';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../support/postgres.ts';
import { openTestWarehouse } from '../support/warehouse.ts';

const analyst: Principal = { subject: 'cost-test', role: 'analyst' };
const runOptions: QueryOptions = { timeoutMs: 30_000, maxRows: 5_000 };

/** A warehouse that records what it was asked, around a real one: the evidence that nothing ran. */
class RecordingWarehouse implements Warehouse {
  readonly kind: string;
  readonly queried: string[] = [];
  readonly explained: string[] = [];

  constructor(private readonly inner: Warehouse) {
    this.kind = inner.kind;
  }

  query(sql: string, options: QueryOptions): Promise<QueryResult> {
    this.queried.push(sql);
    return this.inner.query(sql, options);
  }

  explain(sql: string, options: ExplainOptions): Promise<PlanEstimate> {
    this.explained.push(sql);
    return this.inner.explain!(sql, options);
  }

  ping(): Promise<void> {
    return this.inner.ping();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

const DOS: readonly [string, string][] = [
  ['a 4-way cartesian product of the fact table', 'select count(*) from sales.sales_transactions a, sales.sales_transactions b, sales.sales_transactions c, sales.sales_transactions d'],
  ['a 3-way cartesian product', 'select count(*) from sales.sales_transactions a cross join sales.sales_transactions b cross join sales.sales_transactions c'],
  ['a million-row series times every transaction', 'select count(*) from generate_series(1, 1000000) g, sales.sales_transactions t'],
  ['a cartesian product hidden in a CTE', 'with pairs as (select a.sales as x, b.sales as y from sales.sales_transactions a, sales.sales_transactions b, sales.customers c) select max(x + y) from pairs'],
  ['a sorted cartesian product', 'select a.sales, b.sales, c.signup_date from sales.sales_transactions a, sales.sales_transactions b, sales.customers c order by 1, 2, 3'],
];

const BENIGN: readonly [string, string][] = [
  ['revenue by region, category and month', "select r.region_name, p.category, date_trunc('month', t.sale_date)::date as month, sum(t.sales) as revenue from sales.sales_transactions t join sales.regions r using (region_id) join sales.products p using (product_id) group by 1, 2, 3 order by 1, 2, 3"],
  ['a customer ranking with a window', 'select customer_id, revenue, rank() over (order by revenue desc) from (select customer_id, sum(sales) as revenue from sales.sales_transactions group by customer_id) x order by 3'],
  ['a cohort table', "with first as (select customer_id, date_trunc('month', min(sale_date)) as cohort from sales.sales_transactions group by customer_id) select f.cohort::date, date_trunc('month', t.sale_date)::date as month, count(distinct t.customer_id) from sales.sales_transactions t join first f using (customer_id) group by 1, 2 order by 1, 2"],
  ['customers who bought in two years', "select count(*) from sales.customers c where exists (select 1 from sales.sales_transactions t where t.customer_id = c.customer_id and t.sale_date between '2024-01-01' and '2024-12-31') and exists (select 1 from sales.sales_transactions t where t.customer_id = c.customer_id and t.sale_date >= '2025-01-01')"],
  ['a monthly spine joined to sales', "select m::date as month, coalesce(sum(t.sales), 0) as revenue from generate_series(date '2023-01-01', date '2025-12-01', interval '1 month') m left join sales.sales_transactions t on date_trunc('month', t.sale_date) = m group by m order by m"],
  ['median sale by region', 'select region_id, percentile_cont(0.5) within group (order by sales) from sales.sales_transactions group by region_id'],
  ['gaps between a customer\'s purchases', 'select avg(gap) from (select sale_date - lag(sale_date) over (partition by customer_id order by sale_date) as gap from sales.sales_transactions) x'],
  ['raw rows, largest first', 'select t.transaction_id, t.sale_date, t.sales, p.product_name from sales.sales_transactions t join sales.products p using (product_id) order by t.sales desc'],
];

function describeCeiling(name: string, ceiling: number, open: () => Promise<{ warehouse: Warehouse; dispose: () => Promise<void> }>): void {
  describe(`Class: PostgresSqlGuard — cost ceiling ${formatCost(ceiling)} on ${name}`, () => {
    let recording: RecordingWarehouse;
    let guard: PostgresSqlGuard;
    let dispose: () => Promise<void>;

    beforeAll(async () => {
      const opened = await open();
      recording = new RecordingWarehouse(opened.warehouse);
      dispose = opened.dispose;
      guard = new PostgresSqlGuard({ estimator: recording, cost: { maxTotalCost: ceiling } });
    });

    afterAll(async () => {
      await dispose?.();
    });

    it.each(DOS)('refuses %s after planning it, without running it', async (_label, sql) => {
      const explainedBefore = recording.explained.length;
      const started = performance.now();
      const verdict = await guard.check(sql, analyst);
      const elapsed = performance.now() - started;
      expect(verdict).toMatchObject({ allowed: false, rule: 'cost' });
      expect(verdict.allowed ? '' : verdict.reason).toMatch(/^the estimated cost \S+ exceeds the ceiling \S+; add filters, aggregate earlier or avoid cross joins$/);
      expect(recording.explained.length).toBe(explainedBefore + 1);
      expect(recording.queried).toEqual([]);
      // Counting even the smallest of these products row by row takes minutes.
      expect(elapsed).toBeLessThan(2_000);
    });

    it('plans the rewritten SQL, with the row cap, not the text it was given', async () => {
      const verdict = await guard.check('select region_name from sales.regions', analyst);
      expect(verdict.allowed).toBe(true);
      expect(recording.explained.at(-1)).toBe(verdict.allowed ? verdict.sql : '');
      expect(recording.explained.at(-1)).toMatch(/LIMIT 5000/);
    });

    it.each(BENIGN)('allows %s, which then runs', async (_label, sql) => {
      const verdict = await guard.check(sql, analyst);
      if (!verdict.allowed) throw new Error(`refused (${verdict.rule}): ${verdict.reason}`);
      const result = await recording.query(verdict.sql, runOptions);
      expect(result.columns.length).toBeGreaterThan(0);
    });

    it("refuses a statement the database cannot plan, quoting the database (rule 'plan')", async () => {
      const verdict = await guard.check("select date_trunc(1, 2) from sales.regions", analyst);
      expect(verdict).toMatchObject({ allowed: false, rule: 'plan' });
      expect(verdict.allowed ? '' : verdict.reason).toMatch(/^the warehouse cannot plan the statement: function date_trunc\(integer, integer\) does not exist \(SQLSTATE 42883\)$/);
    });
  });
}

describeCeiling('the embedded PGlite test warehouse', EMBEDDED_MAX_TOTAL_COST, async () => {
  const db: PGlite = await openTestWarehouse();
  return { warehouse: new PgliteInThreadWarehouse(db, { ownsDatabase: true }), dispose: () => db.close() };
});

const postgres = await postgresAvailable();

describe.skipIf(!postgres)('on PostgreSQL 15', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.drop();
  });

  describeCeiling('PostgreSQL', DEFAULT_MAX_TOTAL_COST, async () => {
    const warehouse = new PostgresWarehouse({ connectionString: database.url });
    return { warehouse, dispose: () => warehouse.close() };
  });
});

describe('Function: checkCost', () => {
  class FixedEstimator implements CostEstimator {
    readonly calls: [string, ExplainOptions][] = [];
    constructor(private readonly outcome: PlanEstimate | Error) {}
    async explain(sql: string, options: ExplainOptions): Promise<PlanEstimate> {
      this.calls.push([sql, options]);
      if (this.outcome instanceof Error) throw this.outcome;
      return this.outcome;
    }
  }
  const ceilings = { maxTotalCost: 1e8, explainTimeoutMs: 1_234 };

  it('passes the principal\'s region scope and the planning time limit to the estimator', async () => {
    const estimator = new FixedEstimator({ totalCost: 10, planRows: 1 });
    await checkCost('select 1', { subject: 's', role: 'viewer', regions: ['Europe'] }, estimator, ceilings);
    expect(estimator.calls).toEqual([['select 1', { regions: ['Europe'], role: 'viewer', timeoutMs: 1_234 }]]);
  });

  it('allows a cost at the ceiling and refuses one above it, in words a person can act on', async () => {
    await expect(checkCost('select 1', analyst, new FixedEstimator({ totalCost: 1e8, planRows: 1 }), ceilings)).resolves.toMatchObject({ totalCost: 1e8 });
    await expect(checkCost('select 1', analyst, new FixedEstimator({ totalCost: 3.2e14, planRows: 1 }), ceilings)).rejects.toMatchObject({
      rule: 'cost',
      message: 'the estimated cost 3.2e14 exceeds the ceiling 1e8; add filters, aggregate earlier or avoid cross joins',
    });
  });

  it('refuses a plan without a finite cost rather than reading it as cheap', async () => {
    await expect(checkCost('select 1', analyst, new FixedEstimator({ totalCost: Number.NaN, planRows: 1 }), ceilings)).rejects.toMatchObject({ rule: 'cost' });
  });

  it('turns a planning overrun into a cost refusal', async () => {
    const estimator = new FixedEstimator(new QueryTimeoutError('too slow'));
    await expect(checkCost('select 1', analyst, estimator, ceilings)).rejects.toMatchObject({ rule: 'cost', message: expect.stringMatching(/planning .* longer than 1234 ms/) });
  });

  it('turns a database refusal into a plan refusal', async () => {
    const estimator = new FixedEstimator(new QueryFailedError('x', { details: { sqlState: '42P01', postgresMessage: 'relation "x" does not exist' } }));
    await expect(checkCost('select 1', analyst, estimator, ceilings)).rejects.toMatchObject({
      rule: 'plan',
      message: 'the warehouse cannot plan the statement: relation "x" does not exist (SQLSTATE 42P01)',
    });
  });

  it('lets an unreachable warehouse fail the check instead of allowing the statement', async () => {
    const guard = new PostgresSqlGuard({ estimator: new FixedEstimator(new WarehouseUnavailableError('down', 5)) });
    await expect(guard.check('select 1', analyst)).rejects.toBeInstanceOf(WarehouseUnavailableError);
  });
});
