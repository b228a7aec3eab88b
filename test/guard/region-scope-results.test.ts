/**
 * The region scope by its results, on the shared test warehouse: a scoped statement must answer
 * exactly what a hand-written statement, filtering the regions explicitly, answers unscoped. Each
 * case runs three ways: the guard's rewrite alone (as the login role, which row-level security
 * does not bind), row-level security alone (the statement as written, as bi_reader with the scope
 * set), and both walls together, as the question path runs it.
 */
import type { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgliteInThreadWarehouse } from '../../functions/adapters/warehouse/pglite.ts';
import { PostgresSqlGuard } from '../../functions/core/guard/sql-guard.ts';
import type { QueryResult } from '../../functions/core/ports.ts';
import type { Role } from '../../functions/core/principal.ts';
import { openTestWarehouse } from '../support/warehouse.ts';

interface ScopeCase {
  readonly name: string;
  readonly role: Role;
  readonly regions: readonly string[];
  /** What the principal asks. */
  readonly sql: string;
  /** The same question with the scope written out by hand, run unscoped. */
  readonly expected: string;
}

const inEurope = "(select region_id from sales.regions where region_name = 'Europe')";
const inAmericas = "(select region_id from sales.regions where region_name in ('North America', 'Latin America'))";

const cases: readonly ScopeCase[] = [
  {
    name: 'units per product category',
    role: 'viewer',
    regions: ['Europe'],
    sql: 'select p.category, sum(t.units) as units from sales.sales_transactions t join sales.products p using (product_id) group by 1 order by 1',
    expected: `select p.category, sum(t.units) as units from sales.sales_transactions t join sales.products p using (product_id) where t.region_id in ${inEurope} group by 1 order by 1`,
  },
  {
    name: 'a join of sales with customers keeps a sale only when both are in scope',
    role: 'analyst',
    regions: ['North America', 'Latin America'],
    sql: 'select count(*) as lines, sum(t.sales) as revenue from sales.sales_transactions t join sales.customers c on c.customer_id = t.customer_id',
    expected: `select count(*) as lines, sum(t.sales) as revenue from sales.sales_transactions t join sales.customers c on c.customer_id = t.customer_id where t.region_id in ${inAmericas} and c.region_id in ${inAmericas}`,
  },
  {
    name: 'a left join keeps the scoped sales even where the customer is out of scope',
    role: 'analyst',
    regions: ['Europe'],
    sql: 'select count(*) as lines, count(c.customer_id) as with_customer from sales.sales_transactions t left join sales.customers c on c.customer_id = t.customer_id',
    expected: `select count(*) as lines, count(c.customer_id) as with_customer from sales.sales_transactions t left join (select * from sales.customers where region_id in ${inEurope}) c on c.customer_id = t.customer_id where t.region_id in ${inEurope}`,
  },
  {
    name: 'a share of a total computed in a scalar subquery',
    role: 'viewer',
    regions: ['Asia Pacific'],
    sql: 'select s.segment_name, round(100 * sum(t.sales) / (select sum(sales) from sales.sales_transactions), 3) as pct from sales.sales_transactions t join sales.customer_segments s using (segment_id) group by 1 order by 1',
    expected:
      "select s.segment_name, round(100 * sum(t.sales) / (select sum(sales) from sales.sales_transactions where region_id = 3), 3) as pct from sales.sales_transactions t join sales.customer_segments s using (segment_id) where t.region_id = 3 group by 1 order by 1",
  },
  {
    name: 'customers who never bought, through NOT EXISTS',
    role: 'viewer',
    regions: ['Middle East & Africa'],
    sql: 'select count(*) as idle from sales.customers c where not exists (select 1 from sales.sales_transactions t where t.customer_id = c.customer_id)',
    expected:
      'select count(*) as idle from sales.customers c where c.region_id = 5 and not exists (select 1 from sales.sales_transactions t where t.customer_id = c.customer_id and t.region_id = 5)',
  },
  {
    name: 'a CTE, a window and an out-of-scope region asked for by name',
    role: 'analyst',
    regions: ['Europe', 'Asia Pacific'],
    sql: "with monthly as (select r.region_name, date_trunc('month', t.sale_date)::date as month, sum(t.sales - t.cost) as profit from sales.sales_transactions t join sales.regions r using (region_id) where t.sale_date >= '2025-01-01' group by 1, 2) select region_name, month, profit, rank() over (partition by month order by profit desc) as place from monthly order by month, region_name",
    expected:
      "with monthly as (select r.region_name, date_trunc('month', t.sale_date)::date as month, sum(t.sales - t.cost) as profit from sales.sales_transactions t join sales.regions r using (region_id) where t.sale_date >= '2025-01-01' and r.region_name in ('Europe', 'Asia Pacific') group by 1, 2) select region_name, month, profit, rank() over (partition by month order by profit desc) as place from monthly order by month, region_name",
  },
  {
    name: 'regions listed, and a filter naming another region finds nothing',
    role: 'viewer',
    regions: ['Latin America'],
    sql: "select (select count(*) from sales.regions) as regions, (select count(*) from sales.customers where region_id = (select region_id from sales.regions where region_name = 'Europe')) as european_customers",
    expected: 'select 1::bigint as regions, 0::bigint as european_customers',
  },
  {
    name: 'a set operation and a LATERAL top-N',
    role: 'analyst',
    regions: ['North America'],
    sql: 'select x.customer_id, top.sales from (select customer_id from sales.customers union select customer_id from sales.sales_transactions) x cross join lateral (select t.sales from sales.sales_transactions t where t.customer_id = x.customer_id order by t.sales desc limit 1) top order by top.sales desc, x.customer_id limit 5',
    expected:
      'select x.customer_id, top.sales from (select customer_id from sales.customers where region_id = 1 union select customer_id from sales.sales_transactions where region_id = 1) x cross join lateral (select t.sales from sales.sales_transactions t where t.customer_id = x.customer_id and t.region_id = 1 order by t.sales desc limit 1) top order by top.sales desc, x.customer_id limit 5',
  },
  {
    name: 'schema-qualified columns, and a CTE named like the table it reads',
    role: 'admin',
    regions: ['Europe', 'Middle East & Africa'],
    sql: "with customers as (select customer_id, region_id from sales.customers where signup_date < '2024-01-01') select sales.regions.region_name, count(*) from customers join sales.regions using (region_id) group by 1 order by 1",
    expected:
      "select r.region_name, count(*) from sales.customers c join sales.regions r using (region_id) where c.signup_date < '2024-01-01' and r.region_name in ('Europe', 'Middle East & Africa') group by 1 order by 1",
  },
];

const options = { timeoutMs: 30_000, maxRows: 5_000 };
const guard = new PostgresSqlGuard({ maxRows: options.maxRows });
let db: PGlite;
let asReader: PgliteInThreadWarehouse;
let asLogin: PgliteInThreadWarehouse;

beforeAll(async () => {
  db = await openTestWarehouse();
  asReader = new PgliteInThreadWarehouse(db);
  asLogin = new PgliteInThreadWarehouse(db, { role: null });
});

afterAll(async () => {
  await db?.close();
});

async function guarded(scopeCase: ScopeCase): Promise<string> {
  const verdict = await guard.check(scopeCase.sql, { subject: 't', role: scopeCase.role, regions: scopeCase.regions });
  if (!verdict.allowed) throw new Error(`guard refused ${scopeCase.name}: ${verdict.reason}`);
  return verdict.sql;
}

function rowsOf(result: QueryResult): unknown[][] {
  return result.rows.map((row) => [...row]);
}

describe('Region scope: results on the test warehouse', () => {
  it.each(cases.map((scopeCase) => [scopeCase.name, scopeCase] as const))('%s', async (_name, scopeCase) => {
    const expected = rowsOf(await asLogin.query(scopeCase.expected, options));
    const unscoped = rowsOf(await asLogin.query(scopeCase.sql, options));
    const rewritten = await guarded(scopeCase);
    const scope = { ...options, regions: scopeCase.regions, role: scopeCase.role };

    expect(rowsOf(await asLogin.query(rewritten, options)), 'the rewrite alone').toEqual(expected);
    expect(rowsOf(await asReader.query(scopeCase.sql, scope)), 'row-level security alone').toEqual(expected);
    expect(rowsOf(await asReader.query(rewritten, scope)), 'both walls').toEqual(expected);
    // The case would prove nothing if the scope did not change the answer.
    if (scopeCase.regions.length < 5) expect(unscoped).not.toEqual(expected);
  });
});
