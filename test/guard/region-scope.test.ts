import { beforeAll, describe, expect, it } from 'vitest';
import { checkColumnAccess } from '../../functions/core/guard/columns.ts';
import { KNOWN_REGIONS, applyRegionScope } from '../../functions/core/guard/region-scope.ts';
import { PostgresSqlGuard } from '../../functions/core/guard/sql-guard.ts';
import { deparseTree, loadParser, parseSql } from '../../functions/core/guard/postgres-parser.ts';
import type { Principal, Role } from '../../functions/core/principal.ts';
import { REGIONS } from '../../functions/warehouse/dimensions.ts';
import { WAREHOUSE_COLUMNS, WAREHOUSE_COLUMN_TYPES, WAREHOUSE_REGIONS } from '../../functions/core/guard/schema.ts';

const guard = new PostgresSqlGuard({ maxRows: 100 });

const ADMIN_COLUMNS = {
  regions: 'region_id, region_name',
  customers: 'customer_id, customer_name, email, segment_id, region_id, signup_date',
  sales_transactions: 'transaction_id, sale_date, region_id, product_id, customer_id, segment_id, units, sales, cost, created_at',
} as const;

/**
 * The subquery the rewrite puts in place of a scoped table, for an admin (every column): the
 * regions table filtered by id, the partitioned tables read from each scoped region's partition.
 */
function scoped(table: keyof typeof ADMIN_COLUMNS, regions: readonly string[] = ['Europe']): string {
  const ids = [...new Set(regions.map((name) => REGIONS.find((region) => region.region_name === name)!.region_id))].sort();
  const columns = ADMIN_COLUMNS[table];
  if (table === 'regions') return `(select ${columns} from sales.regions where region_id in (${ids.join(', ')}))`;
  return `(${ids.map((id) => `select ${columns} from sales.${table}_r${id} where region_id = ${id}`).join(' union all ')})`;
}

/** The rewrite alone, on the references the column wall's resolver found (as an admin). */
function rewriteAlone(sql: string, regions: readonly string[]): string {
  const tree = parseSql(sql);
  const principal: Principal = { subject: 't', role: 'admin', regions };
  const references = checkColumnAccess(tree.stmts[0]!.stmt, principal);
  applyRegionScope(tree.stmts[0]!.stmt, principal, references);
  return deparseTree(tree);
}

/** What the guard writes for `sql`, for a principal scoped to `regions` (null: no scope). */
async function rewrite(sql: string, regions: readonly string[] | null = ['Europe'], role: Role = 'admin'): Promise<string> {
  const principal: Principal = { subject: 't', role, ...(regions ? { regions } : {}) };
  const verdict = await guard.check(sql, principal);
  if (!verdict.allowed) throw new Error(`expected it allowed, got ${verdict.rule}: ${verdict.reason}`);
  return verdict.sql;
}

/** `expected` as the guard would write it: deparsed the same way, with the row cap. */
function canonical(expected: string): string {
  return deparseTree(parseSql(`${expected} limit 100`) as never);
}

async function refusal(sql: string, regions: readonly string[]) {
  const verdict = await guard.check(sql, { subject: 't', role: 'admin', regions });
  if (verdict.allowed) throw new Error(`expected a refusal, got: ${verdict.sql}`);
  return verdict;
}

beforeAll(async () => {
  await loadParser();
});

describe('Function: applyRegionScope (through PostgresSqlGuard.check)', () => {
  describe('where the table is read', () => {
    it.each([
      ['FROM, no alias: the table name becomes the alias', 'select sum(sales) from sales.sales_transactions', `select sum(sales) from ${scoped('sales_transactions')} as sales_transactions`],
      ['FROM with an alias', 'select count(*) from sales.customers c', `select count(*) from ${scoped('customers')} c`],
      ['regions itself', 'select region_name from sales.regions r', `select region_name from ${scoped('regions')} r`],
      [
        'both sides of a join',
        'select c.region_id, sum(t.sales) from sales.sales_transactions t join sales.customers c on c.customer_id = t.customer_id group by 1',
        `select c.region_id, sum(t.sales) from ${scoped('sales_transactions')} t join ${scoped('customers')} c on c.customer_id = t.customer_id group by 1`,
      ],
      [
        'a join with USING, and an unscoped table beside it',
        'select p.category, count(*) from sales.sales_transactions join sales.products p using (product_id) join sales.regions using (region_id) group by 1',
        `select p.category, count(*) from ${scoped('sales_transactions')} as sales_transactions join sales.products p using (product_id) join ${scoped('regions')} as regions using (region_id) group by 1`,
      ],
      [
        'a subquery in WHERE',
        "select count(*) from sales.products where product_id in (select product_id from sales.sales_transactions where sale_date >= '2025-01-01')",
        `select count(*) from sales.products where product_id in (select product_id from ${scoped('sales_transactions')} as sales_transactions where sale_date >= '2025-01-01')`,
      ],
      [
        'a scalar subquery in the select list',
        'select (select count(*) from sales.customers) as customers, (select max(region_name) from sales.regions) as last',
        `select (select count(*) from ${scoped('customers')} as customers) as customers, (select max(region_name) from ${scoped('regions')} as regions) as last`,
      ],
      [
        'a subquery in HAVING',
        'select segment_id from sales.sales_transactions group by segment_id having sum(sales) > (select avg(sales) from sales.sales_transactions)',
        `select segment_id from ${scoped('sales_transactions')} as sales_transactions group by segment_id having sum(sales) > (select avg(sales) from ${scoped('sales_transactions')} as sales_transactions)`,
      ],
      [
        'a subquery in ORDER BY',
        'select product_id from sales.products p order by (select sum(units) from sales.sales_transactions t where t.product_id = p.product_id)',
        `select product_id from sales.products p order by (select sum(units) from ${scoped('sales_transactions')} t where t.product_id = p.product_id)`,
      ],
      [
        'EXISTS and NOT EXISTS, correlated',
        'select count(*) from sales.customers c where exists (select 1 from sales.sales_transactions t where t.customer_id = c.customer_id) and not exists (select 1 from sales.regions r where r.region_id = c.region_id and r.region_name = \'Europe\')',
        `select count(*) from ${scoped('customers')} c where exists (select 1 from ${scoped('sales_transactions')} t where t.customer_id = c.customer_id) and not exists (select 1 from ${scoped('regions')} r where r.region_id = c.region_id and r.region_name = 'Europe')`,
      ],
      [
        'a LATERAL subquery',
        'select c.customer_id, last.sale_date from sales.customers c cross join lateral (select t.sale_date from sales.sales_transactions t where t.customer_id = c.customer_id order by t.sale_date desc limit 1) last',
        `select c.customer_id, last.sale_date from ${scoped('customers')} c cross join lateral (select t.sale_date from ${scoped('sales_transactions')} t where t.customer_id = c.customer_id order by t.sale_date desc limit 1) last`,
      ],
      [
        'a derived table',
        'select avg(n) from (select customer_id, count(*) as n from sales.sales_transactions group by 1) per_customer',
        `select avg(n) from (select customer_id, count(*) as n from ${scoped('sales_transactions')} as sales_transactions group by 1) per_customer`,
      ],
      [
        'every branch of a set operation',
        'select customer_id from sales.customers union select customer_id from sales.sales_transactions except select 0 from sales.regions',
        `select customer_id from ${scoped('customers')} as customers union select customer_id from ${scoped('sales_transactions')} as sales_transactions except select 0 from ${scoped('regions')} as regions`,
      ],
      [
        'a CTE body and the CTEs that follow it',
        'with t as (select * from sales.sales_transactions), c as (select customer_id from sales.customers where customer_id in (select customer_id from t)) select count(*) from c',
        `with t as (select * from ${scoped('sales_transactions')} as sales_transactions), c as (select customer_id from ${scoped('customers')} as customers where customer_id in (select customer_id from t)) select count(*) from c`,
      ],
      [
        'a TABLESAMPLE: the sample moves inside the subquery',
        'select count(*) from sales.sales_transactions t tablesample bernoulli (10) repeatable (7)',
        `select count(*) from (select ${ADMIN_COLUMNS.sales_transactions} from sales.sales_transactions_r2 tablesample bernoulli (10) repeatable (7) where region_id = 2) t`,
      ],
    ])('%s', async (_label, sql, expected) => {
      expect(await rewrite(sql)).toBe(canonical(expected));
    });
  });

  describe('names and aliases', () => {
    it('keeps an alias column list', async () => {
      expect(await rewrite('select n from sales.regions as r (id, n)')).toBe(canonical(`select n from ${scoped('regions')} as r (id, n)`));
    });

    it('refuses a whole-row value under an alias column list, whose keys the subquery would rename', async () => {
      const verdict = await refusal('select row_to_json(r) from sales.regions as r (id, n)', ['Europe']);
      expect(verdict.rule).toBe('region_scope');
      expect(verdict.reason).toMatch(/AS name/);
    });

    it.each([
      ['unqualified (schema sales)', 'select count(*) from customers'],
      ['quoted', 'select count(*) from "sales"."customers"'],
      ['upper case', 'select count(*) from SALES.Customers'],
      ['a Unicode escape', 'select count(*) from sales.U&"cust\\006fmers"'],
    ])('recognises the table written %s', async (_label, sql) => {
      expect(await rewrite(sql)).toMatch(/FROM sales\.customers_r2\b/);
      expect(await rewrite(sql)).toMatch(/\) AS customers\b/);
    });

    it('refuses ONLY of a partitioned table, whose own rows are none, rather than read a partition in its place', async () => {
      const verdict = await guard.check('select count(*) from only sales.customers', { subject: 't', role: 'admin', regions: ['Europe'] });
      expect(verdict).toMatchObject({ allowed: false, rule: 'region_scope' });
    });

    it('does not rewrite an unqualified name that refers to a CTE, but does rewrite the table read inside that CTE', async () => {
      const sql = 'with customers as (select * from customers where signup_date >= \'2024-01-01\') select count(*) from customers';
      expect(await rewrite(sql)).toBe(
        canonical(`with customers as (select * from ${scoped('customers')} as customers where signup_date >= '2024-01-01') select count(*) from customers`),
      );
    });

    it('rewrites a schema-qualified name even where a CTE of the same name is visible', async () => {
      const sql = 'with regions as (select 1 as region_id) select count(*) from regions join sales.regions r using (region_id)';
      expect(await rewrite(sql)).toBe(canonical(`with regions as (select 1 as region_id) select count(*) from regions join ${scoped('regions')} r using (region_id)`));
    });

    it('rewrites a table whose name a CTE uses only inside a nested query, where that CTE is not visible', async () => {
      const sql = 'select (with regions as (select 1 as n) select count(*) from regions) as n, count(*) from regions';
      expect(await rewrite(sql)).toBe(canonical(`select (with regions as (select 1 as n) select count(*) from regions) as n, count(*) from ${scoped('regions')} as regions`));
    });

    it('treats a later CTE of the same WITH as not yet visible', async () => {
      const sql = 'with a as (select count(*) from customers), customers as (select 1 as n) select * from a, customers';
      expect(await rewrite(sql)).toBe(
        canonical(`with a as (select count(*) from ${scoped('customers')} as customers), customers as (select 1 as n) select * from a, customers`),
      );
    });

    it('treats every CTE of a RECURSIVE WITH as visible everywhere in it (the rewrite alone: the guard refuses recursion)', () => {
      const sql = 'with recursive a as (select n from customers), customers as (select 1 as n) select count(*) from a';
      expect(rewriteAlone(sql, ['Europe'])).toBe(deparseTree(parseSql(sql)));
    });

    it('rewrites a table read in the argument of a function in FROM (the rewrite alone: the guard decides on such functions)', () => {
      expect(rewriteAlone('select * from generate_series(1, (select count(*) from sales.customers)) as n', ['Europe'])).toBe(deparseTree(parseSql(`select * from generate_series(1, (select count(*) from ${scoped('customers')} as customers)) as n`)));
    });

    it('turns a schema-qualified column reference into one through the alias the subquery keeps', async () => {
      const sql = 'select sales.customers.region_id, count(sales.customers.*) from sales.customers group by sales.customers.region_id';
      expect(await rewrite(sql)).toBe(
        canonical(`select customers.region_id, count(customers.*) from ${scoped('customers')} as customers group by customers.region_id`),
      );
    });

    it('refuses a schema-qualified column reference that the alias could no longer tell apart', async () => {
      const verdict = await refusal('select sales.customers.region_id from sales.customers, sales.regions customers', ['Europe']);
      expect(verdict.rule).toBe('region_scope');
      expect(verdict.reason).toMatch(/alias/);
    });

    it('leaves the tables without a region alone', async () => {
      const sql = 'select p.category, s.segment_name from sales.products p cross join sales.customer_segments s';
      expect(await rewrite(sql)).toBe(canonical(sql));
    });
  });

  describe('the scope itself', () => {
    it('leaves the statement as it was when the principal has no scope', async () => {
      const sql = 'select count(*) from sales.sales_transactions t join sales.customers c using (customer_id)';
      expect(await rewrite(sql, null)).toBe(canonical(sql));
    });

    it('lists several regions, each once, in the order given', async () => {
      expect(await rewrite('select count(*) from sales.regions', ['Middle East & Africa', 'Asia Pacific', 'Middle East & Africa'])).toBe(
        canonical(`select count(*) from ${scoped('regions', ['Middle East & Africa', 'Asia Pacific'])} as regions`),
      );
    });

    it('writes the filter once per read and does not rewrite the subqueries it builds', async () => {
      const sql = await rewrite('select count(*) from sales.sales_transactions t join sales.customers c using (customer_id)');
      expect(sql.match(/FROM sales\.regions/g)).toBeNull();
      expect(sql.match(/FROM sales\.customers_r2\b/g)).toHaveLength(1);
      expect(sql.match(/FROM sales\.sales_transactions_r2\b/g)).toHaveLength(1);
      expect(sql).not.toMatch(/FROM sales\.(customers|sales_transactions)\b/);
    });

    it('names regions by their ids, so no text the principal carries reaches the SQL', async () => {
      const sql = await rewrite('select count(*) from sales.regions', ['Middle East & Africa']);
      expect(sql).not.toContain('Middle East');
      expect(JSON.stringify(parseSql(sql))).toContain('{"A_Const":{"ival":{"ival":5}');
    });

    it.each([
      ['an empty scope', [], /empty/],
      ['an unknown region', ['Europa'], /unknown region "Europa"/],
      ['a region name trying to end the string', ["Europe') or ('1' = '1"], /unknown region/],
      ['a name in the wrong case', ['europe'], /unknown region "europe"/],
    ])('refuses %s with rule region_scope, naming the valid regions', async (_label, regions, reason) => {
      const verdict = await refusal('select count(*) from sales.regions', regions);
      expect(verdict.rule).toBe('region_scope');
      expect(verdict.reason).toMatch(reason);
      expect(verdict.reason).toContain('valid regions: North America, Europe, Asia Pacific, Latin America, Middle East & Africa');
    });

    it('refuses an unknown region even when the statement reads no scoped table', async () => {
      expect((await refusal('select count(*) from sales.products', ['Atlantis'])).rule).toBe('region_scope');
    });

    it('knows exactly the regions of the warehouse, with the ids of its reference data', () => {
      expect([...KNOWN_REGIONS]).toEqual(REGIONS.map((region) => region.region_name));
      expect(WAREHOUSE_REGIONS.map(({ id, name }) => ({ region_id: id, region_name: name }))).toEqual(REGIONS);
    });

    it('has a type for every column of the warehouse, for the placeholders of hidden columns', () => {
      for (const [table, columns] of Object.entries(WAREHOUSE_COLUMNS)) {
        expect(Object.keys(WAREHOUSE_COLUMN_TYPES[table] ?? {}), table).toEqual(columns);
      }
    });

    it('writes a column the role may not read as a typed NULL in its place', async () => {
      const sql = await rewrite('select count(*) from sales.customers', ['Europe'], 'viewer');
      expect(sql).toMatch(/customer_id,\s+NULL::text AS customer_name,\s+NULL::text AS email,\s+segment_id/);
    });

    it('still clamps the row count of a rewritten statement', async () => {
      expect(await rewrite('select * from sales.regions limit 1000')).toMatch(/LIMIT 100$/);
    });

    it('is applied for every role', async () => {
      for (const role of ['viewer', 'analyst', 'admin'] as const) {
        expect(await rewrite('select count(*) from sales.regions', ['Europe'], role)).toMatch(/region_id IN \(2\)/);
      }
    });
  });
});
