import { beforeAll, describe, expect, it } from 'vitest';
import { checkColumnAccess, columnsRead } from '../../functions/core/guard/columns.ts';
import { Refusal } from '../../functions/core/guard/refusal.ts';
import { loadParser } from '../../functions/core/guard/postgres-parser.ts';
import { WAREHOUSE_COLUMNS } from '../../functions/core/guard/schema.ts';
import { WAREHOUSE_TABLES } from '../../functions/core/guard/allow-lists.ts';
import { PostgresSqlGuard } from '../../functions/core/guard/sql-guard.ts';
import { parseSingleQuery } from '../../functions/core/guard/statement.ts';
import { HIDDEN_COLUMNS } from '../../functions/core/catalog/access.ts';
import { ROLES, type Principal, type Role } from '../../functions/core/principal.ts';

const guard = new PostgresSqlGuard({ maxRows: 100 });
const as = (role: Role): Principal => ({ subject: 'columns-test', role });

async function refusal(sql: string, role: Role) {
  const verdict = await guard.check(sql, as(role));
  if (verdict.allowed) throw new Error(`expected a refusal for ${role}, got: ${verdict.sql}`);
  return verdict;
}

async function allowed(sql: string, role: Role) {
  const verdict = await guard.check(sql, as(role));
  if (!verdict.allowed) throw new Error(`expected ${role} to be allowed, got: ${verdict.reason}`);
  return verdict.sql;
}

/** The base columns a statement reads, as `table.column`, sorted. */
function reads(sql: string): string[] {
  const { statement } = parseSingleQuery(sql, 20_000);
  return columnsRead(statement).map((column) => `${column.table}.${column.column}`).sort();
}

/**
 * The column wall alone, for constructs another wall refuses first in the orchestrator (WITH
 * RECURSIVE is a complexity refusal): the refusal it throws, or undefined when it lets it through.
 */
function columnWall(sql: string, role: Role): Refusal | undefined {
  const { statement } = parseSingleQuery(sql, 20_000);
  try {
    checkColumnAccess(statement, as(role));
    return undefined;
  } catch (error) {
    if (error instanceof Refusal) return error;
    throw error;
  }
}

const notReadable = (table: string, column: string, role: Role) => `column ${table}.${column} is not readable by role ${role}`;

beforeAll(async () => {
  await loadParser();
});

describe('Function: checkColumnAccess', () => {
  describe('the schema it resolves against', () => {
    it('knows every warehouse table, and only those', () => {
      // Assess
      expect(Object.keys(WAREHOUSE_COLUMNS).sort()).toEqual([...WAREHOUSE_TABLES].sort());
    });

    it('knows every column the role policy hides (a misspelt one would be readable)', () => {
      for (const role of ROLES) {
        for (const [table, columns] of Object.entries(HIDDEN_COLUMNS[role])) {
          for (const column of columns) expect(WAREHOUSE_COLUMNS[table], `${role}: ${table}.${column}`).toContain(column);
        }
      }
    });
  });

  describe('a hidden column named directly', () => {
    it.each([
      ['the select list', 'select cost from sales.sales_transactions'],
      ['an expression in the select list', 'select sum(sales) - sum(cost) as margin from sales.sales_transactions'],
      ['WHERE', "select transaction_id from sales.sales_transactions where cost > 100"],
      ['JOIN ON', 'select r.region_name from sales.regions r join sales.sales_transactions t on t.region_id = r.region_id and t.cost > 0'],
      ['GROUP BY', 'select count(*) from sales.sales_transactions group by cost'],
      ['ORDER BY', 'select t.transaction_id from sales.sales_transactions t order by t.cost desc'],
      ['HAVING', 'select region_id from sales.sales_transactions group by region_id having sum(cost) > 10'],
      ['a window PARTITION BY', 'select rank() over (partition by cost) from sales.sales_transactions'],
      ['a window ORDER BY', 'select sum(sales) over (order by cost) from sales.sales_transactions'],
      ['a named window', 'select rank() over w from sales.sales_transactions window w as (order by cost)'],
      ['a FILTER clause', 'select count(*) filter (where cost > 1) from sales.sales_transactions'],
      ['an aggregate ORDER BY', "select string_agg(units::text, ',' order by cost) from sales.sales_transactions"],
      ['WITHIN GROUP', 'select percentile_cont(0.5) within group (order by cost) from sales.sales_transactions'],
      ['a function argument', 'select round(avg(cost), 2) from sales.sales_transactions'],
      ['CASE', "select case when cost > 100 then 'big' else 'small' end from sales.sales_transactions"],
      ['ROW(...)', 'select row(t.transaction_id, t.cost) from sales.sales_transactions t'],
      ['a cast', 'select cost::text from sales.sales_transactions'],
      ['DISTINCT ON', 'select distinct on (cost) transaction_id from sales.sales_transactions'],
      ['a scalar subquery', 'select (select max(cost) from sales.sales_transactions) as top'],
      ['an EXISTS subquery', 'select 1 where exists (select 1 from sales.sales_transactions where cost < 0)'],
      ['an IN subquery', 'select product_id from sales.products where list_price in (select cost from sales.sales_transactions)'],
      ['a subquery in FROM', 'select x.c from (select cost as c from sales.sales_transactions) x'],
      ['a CTE', 'with c as (select transaction_id, cost as amount from sales.sales_transactions) select sum(amount) from c'],
      ['a CTE that is never used', 'with unused as (select cost from sales.sales_transactions) select 1'],
      ['a nested CTE', 'with a as (with b as (select cost from sales.sales_transactions) select 1 as one from b) select one from a'],
      ['one branch of a UNION', 'select sales from sales.sales_transactions union select cost from sales.sales_transactions'],
      ['a VALUES list', 'select * from (values ((select max(cost) from sales.sales_transactions))) v(x)'],
      ['a LATERAL subquery', 'select l.c from sales.regions r, lateral (select t.cost as c from sales.sales_transactions t where t.region_id = r.region_id) l'],
      ['a correlated subquery reaching the outer table', 'select region_name from sales.regions r where exists (select 1 from sales.sales_transactions t where t.region_id = r.region_id and t.cost > 5)'],
      ['an array subscript', 'select (array_agg(cost))[1] from sales.sales_transactions'],
      ['LIMIT', 'select region_id from sales.regions limit (select count(cost) from sales.sales_transactions)'],
      ['a schema-qualified column', 'select sales.sales_transactions.cost from sales.sales_transactions'],
      ['a row field', 'select (t).cost from sales.sales_transactions t'],
    ])('refuses the viewer sales_transactions.cost in %s', async (_where, sql) => {
      // Act
      const verdict = await refusal(sql, 'viewer');
      // Assess
      expect(verdict.rule).toBe('column');
      expect(verdict.reason).toBe(notReadable('sales_transactions', 'cost', 'viewer'));
    });

    it.each([
      ['email in WHERE', "select count(*) from sales.customers where email like 'a%'", 'email'],
      ['customer_name in GROUP BY', 'select count(*) from sales.customers group by customer_name', 'customer_name'],
      ['email by its select-list position', "select split_part(email, '@', 2) as domain, count(*) from sales.customers group by 1", 'email'],
      ['customer_name in a window', 'select customer_id, rank() over (partition by region_id order by customer_name) from sales.customers', 'customer_name'],
      ['customer_name in a UNION branch', 'select region_name from sales.regions union select customer_name from sales.customers', 'customer_name'],
    ])('refuses the analyst %s', async (_label, sql, column) => {
      const verdict = await refusal(sql, 'analyst');
      expect(verdict.reason).toBe(notReadable('customers', column, 'analyst'));
    });

    it('lets the analyst read cost, and the admin read everything', async () => {
      await allowed('select sum(sales) - sum(cost) as margin from sales.sales_transactions', 'analyst');
      await allowed('select customer_name, email from sales.customers order by email', 'admin');
    });

    it('lets the viewer read every column of the tables it may read whole', async () => {
      await allowed('select region_id, region_name from sales.regions', 'viewer');
      await allowed('select product_id, product_name, category, list_price from sales.products', 'viewer');
      await allowed('select customer_id, segment_id, region_id, signup_date from sales.customers', 'viewer');
      await allowed(
        'select transaction_id, sale_date, region_id, product_id, customer_id, segment_id, units, sales, created_at from sales.sales_transactions',
        'viewer',
      );
    });
  });

  describe('renamed columns', () => {
    it('resolves a table alias column list by position', async () => {
      expect(reads('select nm from sales.customers as c(id, nm)')).toEqual(['customers.customer_name']);
      expect((await refusal('select nm from sales.customers as c(id, nm)', 'viewer')).reason).toBe(notReadable('customers', 'customer_name', 'viewer'));
    });

    it('is not fooled by an alias column list that reuses harmless names', async () => {
      // region_name here is customers' second column: customer_name.
      const sql = 'select r.region_name from sales.customers r(region_id, region_name)';
      expect(reads(sql)).toEqual(['customers.customer_name']);
      expect((await refusal(sql, 'analyst')).reason).toBe(notReadable('customers', 'customer_name', 'analyst'));
      await allowed(sql, 'admin');
    });

    it('resolves a subquery alias column list', async () => {
      const sql = 'select x from (select email from sales.customers) as t(x)';
      expect(reads(sql)).toEqual(['customers.email']);
      expect((await refusal(sql, 'analyst')).reason).toBe(notReadable('customers', 'email', 'analyst'));
    });

    it('resolves a CTE column list', async () => {
      const sql = 'with c(a, b) as (select customer_id, email from sales.customers) select b from c';
      expect(reads(sql)).toEqual(['customers.customer_id', 'customers.email']);
      expect((await refusal(sql, 'viewer')).rule).toBe('column');
      await allowed('with c(a, b) as (select customer_id, signup_date from sales.customers) select b from c order by a', 'viewer');
    });

    it('follows the lineage of a subquery column through several levels', () => {
      expect(reads('select z from (select y as z from (select list_price * 2 as y from sales.products) a) b')).toEqual(['products.list_price']);
    });

    it('refuses an alias column list longer than the table', async () => {
      expect((await refusal('select 1 from sales.regions r(a, b, c)', 'admin')).rule).toBe('column');
    });
  });

  describe('CTE scoping', () => {
    it('lets a CTE name shadow a warehouse table', async () => {
      const sql = 'with customers as (select customer_id from sales.customers) select * from customers';
      await allowed(sql, 'viewer');
      expect(reads(sql)).toEqual(['customers.customer_id']);
    });

    it('does not let a schema-qualified name reach a CTE', async () => {
      const verdict = await refusal('with customers as (select customer_id from sales.customers) select * from sales.customers', 'viewer');
      expect(verdict.reason).toMatch(/select \* reads sales\.customers\.customer_name/);
    });

    it('refuses a table a WITH entry names before a later entry defines it', async () => {
      // Without RECURSIVE, `pg_user` in the first entry is the catalog view, not the CTE.
      const verdict = await refusal('with a as (select * from pg_user), pg_user as (select 1 as x) select * from a', 'admin');
      expect(verdict.rule).toBe('relation');
    });

    it('refuses a CTE name used outside the query that defines it', async () => {
      const verdict = await refusal('select * from (with pg_user as (select 1 as x) select x from pg_user) s, pg_user', 'admin');
      expect(verdict.rule).toBe('relation');
    });

    describe('WITH RECURSIVE (refused by the complexity wall; resolved here all the same)', () => {
      it('lets entries refer to later ones and to themselves', () => {
        const sql = 'with recursive a as (select n from b), b(n) as (select 1 union all select n + 1 from b where n < 3) select n from a';
        expect(columnWall(sql, 'viewer')).toBeUndefined();
      });

      it('finds a hidden column in the recursive part', () => {
        const sql = 'with recursive r(n) as (select 1 union all select n + 1 from r, sales.sales_transactions t where t.cost > n and n < 3) select n from r';
        expect(columnWall(sql, 'viewer')?.message).toBe(notReadable('sales_transactions', 'cost', 'viewer'));
        expect(reads(sql)).toEqual(['sales_transactions.cost']);
      });

      it('resolves the columns SEARCH and CYCLE add', () => {
        const sql =
          'with recursive r(n) as (select 1 union all select n + 1 from r where n < 3) search depth first by n set ord cycle n set seen using path select n, ord, seen, path from r';
        expect(columnWall(sql, 'viewer')).toBeUndefined();
      });

      it('refuses a self-reference in the non-recursive part', () => {
        expect(columnWall('with recursive r(n) as (select n from r) select n from r', 'admin')?.rule).toBe('column');
      });
    });
  });

  describe('joins', () => {
    it('treats a NATURAL join with a probe column named email as a read of email', async () => {
      const sql = "select count(*) from sales.customers natural join (select 'a@b.c'::text as email) probe";
      expect(reads(sql)).toEqual(['customers.email']);
      expect((await refusal(sql, 'analyst')).reason).toBe(notReadable('customers', 'email', 'analyst'));
      await allowed(sql, 'admin');
    });

    it('treats USING on a hidden column as a read', async () => {
      const sql = "select count(*) from sales.customers c join (select 'x'::text as customer_name) p using (customer_name)";
      expect((await refusal(sql, 'viewer')).reason).toBe(notReadable('customers', 'customer_name', 'viewer'));
    });

    it('allows NATURAL and USING joins on readable columns', async () => {
      await allowed('select count(*) from sales.sales_transactions natural join sales.products', 'viewer');
      await allowed('select r.region_name, count(*) from sales.sales_transactions t join sales.regions r using (region_id) group by 1', 'viewer');
    });

    it('hides the inputs of an aliased join', async () => {
      await allowed('select j.region_name from (sales.regions r join sales.customer_segments s on true) j', 'viewer');
      expect((await refusal('select r.region_name from (sales.regions r join sales.customer_segments s on true) j', 'viewer')).rule).toBe('column');
    });

    it('reads the merged USING column once, unqualified', async () => {
      expect(reads('select region_id from sales.regions join sales.customers using (region_id)')).toEqual(['customers.region_id', 'regions.region_id']);
    });

    it('refuses an unqualified name that two joined tables share', async () => {
      const verdict = await refusal('select region_id from sales.regions r join sales.customers c on r.region_id = c.region_id', 'admin');
      expect(verdict.rule).toBe('column');
      expect(verdict.reason).toMatch(/ambiguous/);
    });

    it('lets an ON clause see only the two sides it joins', async () => {
      expect((await refusal('select 1 from sales.regions r, sales.products p join sales.customer_segments s on s.segment_id = r.region_id', 'admin')).rule).toBe('column');
    });

    it('refuses a plain subquery in FROM that reaches a sibling, and allows a LATERAL one', async () => {
      const inner = '(select count(*) as n from sales.customers c where c.region_id = r.region_id) s';
      expect((await refusal(`select s.n from sales.regions r, ${inner}`, 'viewer')).rule).toBe('column');
      await allowed(`select r.region_name, s.n from sales.regions r, lateral ${inner}`, 'viewer');
      await allowed(`select r.region_name, s.n from sales.regions r cross join lateral ${inner}`, 'viewer');
    });
  });

  describe('functions in FROM', () => {
    it('names a scalar function column after its alias, its column list, or the function', async () => {
      await allowed("select d::date as day from generate_series(date '2025-01-01', date '2025-01-03', interval '1 day') as d order by day", 'viewer');
      await allowed('select n, ordinality from generate_series(1, 3) with ordinality as x(n)', 'viewer');
      await allowed('select generate_series from generate_series(1, 2)', 'viewer');
      expect((await refusal('select g.x from generate_series(1, 3) g', 'viewer')).rule).toBe('column');
    });

    it('treats a NATURAL join with a function column named email as a read of email', async () => {
      const verdict = await refusal("select count(*) from sales.customers natural join unnest(array['x']) as u(email)", 'analyst');
      expect(verdict.reason).toBe(notReadable('customers', 'email', 'analyst'));
    });

    it('resolves the arguments of a function in FROM against the entries before it (implicitly LATERAL)', () => {
      expect(columnWall('select u from sales.customers c, unnest(array[c.email]) u', 'analyst')?.message).toBe(notReadable('customers', 'email', 'analyst'));
      expect(reads('select a, b from sales.customers c, unnest(array[c.customer_id], array[c.region_id]) as u(a, b)')).toEqual([
        'customers.customer_id',
        'customers.region_id',
      ]);
    });
  });

  describe('whole-row references', () => {
    it.each([
      ['select *', 'select * from sales.sales_transactions limit 10', 'select * reads sales.sales_transactions.cost'],
      ['t.*', 'select t.* from sales.sales_transactions t', 'select t.* reads sales.sales_transactions.cost'],
      ['TABLE', 'table sales.sales_transactions', 'select * reads sales.sales_transactions.cost'],
      ['row_to_json(t)', 'select row_to_json(t) from sales.sales_transactions t', 'the whole-row reference t reads sales.sales_transactions.cost'],
      ['t as a value', 'select t from sales.sales_transactions t', 'the whole-row reference t reads sales.sales_transactions.cost'],
      ['count(t)', 'select count(t) from sales.sales_transactions t', 'the whole-row reference t reads sales.sales_transactions.cost'],
      ['count(t.*)', 'select count(t.*) from sales.sales_transactions t', 't.* reads sales.sales_transactions.cost'],
      ['(t).*', 'select (t).* from sales.sales_transactions t', 'select (t).* reads sales.sales_transactions.cost'],
      ['a table name as a value', 'select sales_transactions from sales.sales_transactions', 'the whole-row reference sales_transactions reads'],
      ['a whole row in WHERE', 'select 1 from sales.sales_transactions t where t is not null', 'the whole-row reference t reads'],
      ['* inside EXISTS', 'select 1 where exists (select * from sales.sales_transactions)', 'select * reads sales.sales_transactions.cost'],
      ['* over a join', 'select * from sales.regions join sales.sales_transactions using (region_id)', 'select * reads sales.sales_transactions.cost'],
      ['* over a subquery that selects *', 'select * from (select * from sales.sales_transactions) x', 'select * reads sales.sales_transactions.cost'],
    ])('refuses %s over a table with a hidden column', async (_label, sql, message) => {
      const verdict = await refusal(sql, 'viewer');
      expect(verdict.rule).toBe('column');
      expect(verdict.reason).toContain(message);
      expect(verdict.reason).toMatch(/which role viewer may not read; name the columns you need$/);
    });

    it('refuses the analyst a whole row of customers', async () => {
      const verdict = await refusal('select row_to_json(c) from sales.customers c where c.region_id = 2', 'analyst');
      expect(verdict.reason).toBe(
        'the whole-row reference c reads sales.customers.customer_name and sales.customers.email, which role analyst may not read; name the columns you need',
      );
    });

    it.each([
      ['select * over a table read whole', 'viewer', 'select * from sales.products order by list_price'],
      ['row_to_json over a table read whole', 'viewer', 'select row_to_json(p) from sales.products p'],
      ['count(*)', 'viewer', 'select count(*) from sales.customers'],
      ['a whole row of a subquery of readable columns', 'viewer', 'select row_to_json(x) from (select customer_id, region_id from sales.customers) x'],
      ['* over a CTE of readable columns', 'analyst', 'with c as (select customer_id, signup_date from sales.customers) select * from c'],
      ['select * for the analyst on the fact table', 'analyst', 'select * from sales.sales_transactions'],
      ['select * for the admin on customers', 'admin', 'select * from sales.customers'],
      ['a row field of a readable column', 'analyst', 'select (c).customer_id from sales.customers c'],
    ])('allows %s', async (_label, role, sql) => {
      await allowed(sql, role as Role);
    });

    it('refuses the function-call spelling of a whole-row read', async () => {
      // PostgreSQL reads c.row_to_json as row_to_json(c).
      expect((await refusal('select c.row_to_json from sales.customers c', 'admin')).rule).toBe('column');
      expect((await refusal('select (c).row_to_json from sales.customers c', 'admin')).rule).toBe('column');
    });
  });

  describe('output names in GROUP BY and ORDER BY', () => {
    it('reads ORDER BY total as the select-list entry named total', async () => {
      await allowed('select region_id, sum(sales) as total from sales.sales_transactions group by region_id order by total desc', 'viewer');
    });

    it('prefers the select-list alias in ORDER BY, as PostgreSQL does', async () => {
      await allowed('select customer_id as email from sales.customers order by email', 'analyst');
    });

    it('prefers the input column in GROUP BY, as PostgreSQL does', async () => {
      expect((await refusal('select customer_id as email from sales.customers group by email', 'analyst')).reason).toBe(
        notReadable('customers', 'email', 'analyst'),
      );
    });

    it('never lets an output alias stand in WHERE or HAVING', async () => {
      expect((await refusal("select customer_id as email from sales.customers where email = 'x'", 'analyst')).reason).toBe(
        notReadable('customers', 'email', 'analyst'),
      );
      expect((await refusal('select region_id, count(*) as n from sales.regions group by 1 having n > 1', 'viewer')).reason).toBe(
        'column n does not exist in the tables of this query',
      );
    });

    it('accepts positions and refuses one outside the select list', async () => {
      await allowed('select region_id, count(*) from sales.customers group by 1 order by 2 desc', 'viewer');
      expect((await refusal('select region_id from sales.customers order by 3', 'viewer')).rule).toBe('column');
    });

    it('orders a UNION by its output names', async () => {
      await allowed("select 'a' as label, sum(sales) as revenue from sales.sales_transactions union all select 'b', sum(units) from sales.sales_transactions order by revenue desc", 'viewer');
    });

    it('names unaliased entries as PostgreSQL does', async () => {
      await allowed('select sum from (select sum(sales) from sales.sales_transactions) x', 'viewer');
      await allowed("select max from (select (select max(list_price) from sales.products)) x", 'viewer');
      await allowed('select region_id from (select region_id::text from sales.regions) x', 'viewer');
      await allowed("select \"case\" from (select case when true then 1 end from sales.regions) x", 'viewer');
      await allowed('select column1, column2 from (values (1, 2)) v', 'viewer');
    });
  });

  describe('names it cannot resolve', () => {
    it.each([
      ['an unknown column', 'select nothing_here from sales.regions', 'column nothing_here does not exist in the tables of this query'],
      ['a column of another table', 'select r.list_price from sales.regions r', 'column r.list_price does not exist in the tables of this query'],
      ['a quoted name in another case', 'select "Email" from sales.customers', 'column Email does not exist in the tables of this query'],
      ['a column with no FROM', 'select region_name', 'column region_name does not exist in the tables of this query'],
      ['a qualifier not in FROM', 'select x.region_name from sales.regions', 'table x is not in the FROM clause of this query'],
    ])('refuses %s', async (_label, sql, message) => {
      const verdict = await refusal(sql, 'admin');
      expect(verdict.rule).toBe('column');
      expect(verdict.reason).toBe(message);
    });

    it.each(['ctid', 'xmin', 'xmax', 'tableoid', 'cmin', 'cmax'])('refuses the system column %s', async (column) => {
      expect((await refusal(`select ${column} from sales.regions`, 'admin')).reason).toBe(
        `system column ${column} is not readable: only the warehouse's columns can be read`,
      );
      expect((await refusal(`select r.${column} from sales.regions r`, 'admin')).rule).toBe('column');
    });

    it('allows a subquery column that happens to be named like a system column', async () => {
      await allowed('select ctid from (select region_id as ctid from sales.regions) x', 'viewer');
    });
  });

  describe('spelling of names', () => {
    it('resolves quoted and Unicode-escaped names on the tree, case-sensitively', async () => {
      expect((await refusal('select U&"em\\0061il" from sales.customers', 'analyst')).reason).toBe(notReadable('customers', 'email', 'analyst'));
      expect((await refusal('select "cost" from "sales"."sales_transactions"', 'viewer')).reason).toBe(notReadable('sales_transactions', 'cost', 'viewer'));
      expect((await refusal('select COST from SALES.SALES_TRANSACTIONS', 'viewer')).reason).toBe(notReadable('sales_transactions', 'cost', 'viewer'));
      expect((await refusal('select "COST" from sales.sales_transactions', 'analyst')).reason).toBe('column COST does not exist in the tables of this query');
    });

    it('does not take words in comments and string literals for references', async () => {
      await allowed("select 'email, cost, customer_name' as note, count(*) from sales.customers -- email\n/* cost */", 'viewer');
      expect((await refusal("select '--', email from sales.customers", 'analyst')).reason).toBe(notReadable('customers', 'email', 'analyst'));
    });
  });
});
