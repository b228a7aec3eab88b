import { describe, expect, it } from 'vitest';
import { PostgresSqlGuard } from '../../functions/core/guard/sql-guard.ts';
import { parseSql, loadParser } from '../../functions/core/guard/postgres-parser.ts';
import type { Principal } from '../../functions/core/principal.ts';

const viewer: Principal = { subject: 'test', role: 'viewer' };
const guard = new PostgresSqlGuard({ maxRows: 100 });

async function refusal(sql: string) {
  const verdict = await guard.check(sql, viewer);
  if (verdict.allowed) throw new Error(`expected a refusal, got: ${verdict.sql}`);
  return verdict;
}

async function allowed(sql: string) {
  const verdict = await guard.check(sql, viewer);
  if (!verdict.allowed) throw new Error(`expected it allowed, got: ${verdict.reason}`);
  return verdict.sql;
}

describe('Class: PostgresSqlGuard', () => {
  describe('Method: check — statement kind', () => {
    it.each([
      ['a second statement after a harmless one', "select 1; drop table sales.regions"],
      ['a statement hidden after a semicolon in a string', "select 'a;'; delete from sales.products"],
    ])('refuses %s', async (_label, sql) => {
      expect((await refusal(sql)).rule).toBe('single_statement');
    });

    it.each([
      ['UPDATE', 'update sales.products set list_price = 1'],
      ['INSERT', "insert into sales.regions values (9, 'X')"],
      ['TRUNCATE', 'truncate sales.sales_transactions'],
      ['SET', 'set statement_timeout = 0'],
      ['a data-modifying CTE', 'with d as (delete from sales.customers returning *) select count(*) from d'],
      ['SELECT INTO', 'select * into public.copy from sales.regions'],
      ['a locking clause', 'select * from sales.regions for update'],
    ])('refuses %s as not read-only', async (_label, sql) => {
      expect((await refusal(sql)).rule).toBe('read_only');
    });

    it('refuses what does not parse, quoting the parser', async () => {
      const verdict = await refusal("select 'x'); drop table sales.customers; --");
      expect(verdict.rule).toBe('syntax');
      expect(verdict.reason).toMatch(/syntax error/);
    });

    it('accepts a trailing semicolon and comments', async () => {
      await allowed('-- revenue\nselect sum(sales) from sales.sales_transactions; ');
    });
  });

  describe('Method: check — relations', () => {
    it.each([
      ['pg_catalog', 'select * from pg_catalog.pg_authid'],
      ['information_schema', 'select * from information_schema.tables'],
      ['another schema', 'select * from public.api_keys'],
      ['an unknown table, unqualified', 'select * from pg_user'],
      ['a catalog table inside a subquery', 'select (select count(*) from pg_class) from sales.regions'],
    ])('refuses %s', async (_label, sql) => {
      const verdict = await refusal(sql);
      expect(verdict.rule).toBe('relation');
    });

    it('reads unqualified warehouse tables and CTE names', async () => {
      await allowed('with r as (select * from regions) select region_name from r');
    });

    it('refuses a function in FROM other than generate_series and unnest', async () => {
      expect((await refusal("select * from json_each('{}')")).rule).toBe('function');
    });

    it('refuses a generate_series too long to be an analyst tool', async () => {
      expect((await refusal('select * from generate_series(1, 1000000000)')).rule).toBe('complexity');
    });
  });

  describe('Method: check — functions and casts', () => {
    it.each([
      ['pg_sleep', 'select pg_sleep(10)'],
      ['a schema-qualified unknown function', 'select public.exfil(1)'],
      ['pg_read_file with odd quoting', 'select "PG_CATALOG"."pg_read_file"(\'/etc/passwd\')'],
      ['set_config', "select set_config('role', 'postgres', false)"],
    ])('refuses %s', async (_label, sql) => {
      expect((await refusal(sql)).rule).toBe('function');
    });

    it('refuses a cast to a system type', async () => {
      expect((await refusal("select 'pg_class'::regclass")).rule).toBe('cast');
    });

    it('allows the aggregates, windows and date functions analysts use', async () => {
      await allowed(
        "select date_trunc('month', sale_date)::date as m, sum(sales), rank() over (order by sum(sales) desc), pg_catalog.round(avg(units), 2) from sales.sales_transactions group by 1",
      );
    });
  });

  describe('Method: check — row cap', () => {
    it('adds a LIMIT when there is none', async () => {
      expect(await allowed('select region_name from sales.regions')).toMatch(/LIMIT 100$/);
    });

    it('lowers a LIMIT above the cap and keeps one below it', async () => {
      expect(await allowed('select region_name from sales.regions limit 100000')).toMatch(/LIMIT 100$/);
      expect(await allowed('select region_name from sales.regions limit 5')).toMatch(/LIMIT 5$/);
      expect(await allowed('select region_name from sales.regions limit all')).toMatch(/LIMIT 100$/);
    });

    it('returns SQL that re-parses to the same single query', async () => {
      const sql = await allowed("select r.region_name, sum(t.sales) from sales.sales_transactions t join sales.regions r using (region_id) where r.region_name = 'a;b' group by 1");
      await loadParser();
      const tree = parseSql(sql);
      expect(tree.stmts).toHaveLength(1);
      expect(sql).toContain("'a;b'");
    });
  });
});

describe('Class: PostgresSqlGuard — writing the tree back', () => {
  it('refuses what the deparser cannot write, naming the construct, instead of failing', async () => {
    const verdict = await new PostgresSqlGuard().check("select json_value(to_json(list_price), '$' returning numeric) from sales.products", {
      subject: 'deparse-test',
      role: 'viewer',
    });
    expect(verdict).toMatchObject({ allowed: false, rule: 'round_trip' });
    expect(verdict.allowed ? '' : verdict.reason).toMatch(/JsonFuncExpr/);
  });
});
