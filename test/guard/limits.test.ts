/**
 * The guard's structural limits (limits.ts), through `PostgresSqlGuard.check` without a warehouse:
 * joins, subquery depth, CTEs, recursion, generated series and size-amplifying string calls.
 */
import { describe, expect, it } from 'vitest';
import { PostgresSqlGuard } from '../../functions/core/guard/sql-guard.ts';
import type { Principal } from '../../functions/core/principal.ts';

const admin: Principal = { subject: 'limits-test', role: 'admin' };
const guard = new PostgresSqlGuard({ maxRows: 100 });

async function verdictOf(sql: string, on: PostgresSqlGuard = guard) {
  return on.check(sql, admin);
}

async function refusal(sql: string, on: PostgresSqlGuard = guard) {
  const verdict = await verdictOf(sql, on);
  if (verdict.allowed) throw new Error(`expected a refusal, got: ${verdict.sql}`);
  return verdict;
}

async function allowed(sql: string, on: PostgresSqlGuard = guard) {
  const verdict = await verdictOf(sql, on);
  if (!verdict.allowed) throw new Error(`expected it allowed, got (${verdict.rule}) ${verdict.reason}`);
  return verdict.sql;
}

const table = (alias: string) => `sales.products ${alias}`;
const joined = (count: number) => Array.from({ length: count }, (_, index) => table(`p${index}`)).join(', ');
const nested = (depth: number): string =>
  depth === 0 ? 'select product_id from sales.products' : `select product_id from sales.products where product_id in (${nested(depth - 1)})`;
const ctes = (count: number) =>
  `with ${Array.from({ length: count }, (_, index) => `c${index} as (select ${index} as n)`).join(', ')} select count(*) from c0`;

describe('Class: PostgresSqlGuard — structural limits', () => {
  describe('Method: check — joins', () => {
    it('allows 8 relations in one FROM clause', async () => {
      await allowed(`select count(*) from ${joined(8)}`);
    });

    it('refuses a 9th relation in one FROM clause, naming the limit', async () => {
      const verdict = await refusal(`select count(*) from ${joined(9)}`);
      expect(verdict.rule).toBe('complexity');
      expect(verdict.reason).toMatch(/joins 9 relations; at most 8/);
    });

    it('counts both sides of explicit JOINs', async () => {
      const sql = `select count(*) from sales.products p0 ${Array.from({ length: 8 }, (_, index) => `join sales.products p${index + 1} using (product_id)`).join(' ')}`;
      expect((await refusal(sql)).reason).toMatch(/joins 9 relations/);
    });

    it('refuses more than 16 relations across subqueries, CTEs and set operations', async () => {
      const arm = `select count(*) from ${joined(6)}`;
      await allowed(`${arm} union all ${arm}`);
      const verdict = await refusal(`${arm} union all ${arm} union all ${arm}`);
      expect(verdict.rule).toBe('complexity');
      expect(verdict.reason).toMatch(/reads 18 relations .* at most 16/);
    });

    it('takes its limits from the options', async () => {
      const strict = new PostgresSqlGuard({ complexity: { maxJoinedRelationsPerQuery: 2 } });
      await allowed(`select count(*) from ${joined(2)}`, strict);
      expect((await refusal(`select count(*) from ${joined(3)}`, strict)).rule).toBe('complexity');
    });
  });

  describe('Method: check — nesting and CTEs', () => {
    it('allows subqueries nested 6 deep and refuses a 7th level', async () => {
      await allowed(nested(6));
      const verdict = await refusal(nested(7));
      expect(verdict.rule).toBe('complexity');
      expect(verdict.reason).toMatch(/nested 7 levels deep; at most 6/);
    });

    it('does not count the arms of a long UNION as nesting', async () => {
      const arms = Array.from({ length: 10 }, (_, index) => `select ${index}`).join(' union all ');
      await allowed(arms);
    });

    it('allows 8 CTEs and refuses 9', async () => {
      await allowed(ctes(8));
      const verdict = await refusal(ctes(9));
      expect(verdict.rule).toBe('complexity');
      expect(verdict.reason).toMatch(/defines 9 CTEs .* at most 8/);
    });

    it.each([
      ['an unbounded recursion', 'with recursive r(n) as (select 1 union all select n + 1 from r) select count(*) from r'],
      ['a recursion with a stop condition', 'with recursive r(n) as (select 1 union all select n + 1 from r where n < 10) select n from r'],
      ['a recursion in a subquery', 'select (with recursive r(n) as (select 1 union all select n + 1 from r) select count(*) from r)'],
    ])('refuses %s', async (_label, sql) => {
      const verdict = await refusal(sql);
      expect(verdict.rule).toBe('complexity');
      expect(verdict.reason).toBe('recursive queries are not allowed (WITH RECURSIVE): their size cannot be bounded before they run');
    });
  });

  describe('Method: check — size-amplifying calls', () => {
    it.each([
      ['repeat of a billion', "select repeat('x', 1000000000)", /repeat\(\) would build a string of 1\.0e9 characters; at most 10,000/],
      ['repeat written as 1e9', "select repeat('x', 1e9)", /1\.0e9 characters/],
      ['lpad to a million', "select lpad('x', 1000000, 'y')", /lpad\(\) would build a string of 1,000,000/],
      ['rpad to a million', "select rpad(product_name, 1000000) from sales.products", /rpad\(\) would build/],
      ['repeat by a column', 'select repeat(product_name, product_id) from sales.products', /repeat\(\) needs a constant count/],
      ['repeat by a subquery', "select repeat('x', (select max(units) from sales.sales_transactions))", /needs a constant count/],
      ['nested repeats', "select repeat(repeat('x', 10000), 10000)", /nested size-amplifying calls .* 1\.0e8 times longer than its input; at most 10,000/],
      ['repeat inside lpad', "select lpad(repeat('ab', 5000), 5000)", /nested size-amplifying/],
      ['a chain of growing replaces', "select replace(replace(replace(repeat('x', 100), 'x', 'xxxxxxxxxx'), 'x', 'xxxxxxxxxx'), 'x', 'xxxxxxxxxx')", /nested size-amplifying/],
      ['a huge format width', "select format('%1000000s', 'x')", /format\(\) widths/],
      ['a format width from an argument', "select format('%*s', 1000000, 'x')", /format\(\) widths/],
    ])('refuses %s', async (_label, sql, reason) => {
      const verdict = await refusal(sql);
      expect(verdict.rule).toBe('complexity');
      expect(verdict.reason).toMatch(reason);
    });

    it('allows the padding and cleaning an analyst writes', async () => {
      await allowed(
        "select lpad(product_id::text, 6, '0'), rpad(category, 20, '.'), repeat('*', 5), replace(replace(product_name, ' ', ''), ',', ''), " +
          "regexp_replace(product_name, '\\s+', ' ', 'g'), format('%s (%s)', product_name, category) from sales.products",
      );
    });

    it('lets aggregates grow strings with the rows (bounded by the data)', async () => {
      await allowed("select string_agg(product_name, ', ' order by product_name) from sales.products");
    });
  });

  describe('Method: check — functions in FROM', () => {
    it.each([
      ['a trillion numbers', 'select count(*) from generate_series(1, 1000000000000) g', /1\.0e12 rows; at most 1,000,000/],
      ['a billion, written 1e9', 'select count(*) from generate_series(1, 1e9) g', /1\.0e9 rows/],
      ['a decade of seconds', "select count(*) from generate_series(timestamp '2020-01-01', timestamp '2030-01-01', interval '1 second') g", /rows; at most/],
      ['minutes over six years, step as text', "select count(*) from generate_series(timestamp '2024-01-01', timestamp '2030-01-02', '1 minute') g", /3,157,921 rows/],
      ['a bound read from a table', 'select count(*) from generate_series(1, (select max(transaction_id) from sales.sales_transactions)) g', /needs constant arguments/],
      ['an infinite end', "select count(*) from generate_series(date '2024-01-01', 'infinity'::date, interval '1 day') g", /needs constant arguments/],
      ['a lateral bound from a column', 'select count(*) from sales.products p, generate_series(1, p.product_id) g', /needs constant arguments/],
    ])('refuses generate_series of %s', async (_label, sql, reason) => {
      const verdict = await refusal(sql);
      expect(verdict.rule).toBe('complexity');
      expect(verdict.reason).toMatch(reason);
    });

    it.each([
      ['json_each', "select * from json_each('{}')"],
      ['a set-returning call in the select list', 'select generate_series(1, 10)'],
      ['unnest of a subquery', 'select * from unnest(array[(select max(units) from sales.sales_transactions)]) u'],
      ['unnest of a column', 'select * from sales.products p, unnest(array[p.product_name]) u'],
      ['a column definition list', "select * from generate_series(1, 3) as g(n int)"],
      ['ROWS FROM with two calls', 'select * from rows from (generate_series(1, 3), generate_series(1, 4)) g'],
    ])('refuses %s', async (_label, sql) => {
      expect((await refusal(sql)).rule).toBe('function');
    });

    it.each([
      ['a monthly date spine', "select m::date as month from generate_series(date '2024-01-01', date '2024-12-01', interval '1 month') m"],
      ['a number series', 'select n from generate_series(1, 100) n'],
      ['a daily spine from today', "select d from generate_series(current_date - interval '90 days', current_date, interval '1 day') d"],
      ['unnest of a constant array', "select x from unnest(array['Europe', 'Asia Pacific']) x"],
    ])('allows %s', async (_label, sql) => {
      await allowed(sql);
    });
  });
});

describe('Wall: syntax tree depth', () => {
  it.each([
    ['a long chain of operators', 'select ' + Array(3200).fill('units').join('+') + ' from sales.sales_transactions'],
    ['deeply nested calls', 'select ' + 'coalesce('.repeat(1500) + '1' + ')'.repeat(1500)],
  ])('refuses %s with a readable reason instead of failing', async (_label, sql) => {
    const verdict = await new PostgresSqlGuard({ maxLength: 100_000 }).check(sql, { subject: 't', role: 'viewer' });
    expect(verdict).toMatchObject({ allowed: false, rule: 'complexity', reason: expect.stringMatching(/nests too deeply/) });
  });

  it('allows a sum of a hundred terms', async () => {
    const sql = 'select ' + Array(100).fill('units').join('+') + ' from sales.sales_transactions';
    expect((await new PostgresSqlGuard().check(sql, { subject: 't', role: 'viewer' })).allowed).toBe(true);
  });
});


describe('Wall: aggregates that concatenate', () => {
  it.each([
    ['string_agg of repeat()', "select string_agg(repeat('x', 10000), '') from generate_series(1, 1000000)"],
    ['jsonb_agg of repeat()', 'select jsonb_agg(repeat(product_name, 5000)) from sales.products'],
    ['JSON_ARRAYAGG of rpad()', 'select json_arrayagg(rpad(product_name, 9000)) from sales.products'],
    ['array_agg of lpad() to 100', 'select array_agg(lpad(product_name, 100)) from sales.products'],
    ['repeat() of string_agg', "select repeat(string_agg(product_name, ','), 10000) from sales.products"],
  ])('refuses %s: the aggregate multiplies it by its rows', async (_label, sql) => {
    const verdict = await refusal(sql);
    expect(verdict.rule).toBe('complexity');
  });

  it.each([
    ['string_agg of names', "select category, string_agg(product_name, ', ' order by product_name) from sales.products group by 1"],
    ['string_agg of short padding', "select string_agg(lpad(product_id::text, 6, '0'), ',') from sales.products"],
    ['json_agg of whole rows', 'select json_agg(p) from sales.products p'],
    ['string_agg of a constant replace()', "select string_agg(replace(product_name, ' ', '_'), ',') from sales.products"],
  ])('allows %s', async (_label, sql) => {
    await allowed(sql);
  });
});

describe('Wall: regular expressions', () => {
  it.each([
    ['nested quantifiers', "select count(*) from sales.products where product_name ~ '(a+)+$'"],
    ['a starred group of a starred bracket', "select count(*) from sales.products where product_name ~* '([a-z]*)*x'"],
    ['a back-reference', "select count(*) from sales.products where regexp_like(product_name, '^(a|b)\\1')"],
    ['a bound above 100', "select regexp_replace(product_name, 'a{1000}', '') from sales.products"],
    ['a pattern computed at run time', "select count(*) from sales.products where product_name ~ repeat('a?', 30)"],
    ['a pattern from column data', "select count(*) from sales.products where product_name ~ category"],
    ['SIMILAR TO with nested quantifiers', "select count(*) from sales.products where product_name similar to '(a*)*b'"],
    ['substring(x from pattern)', "select substring(product_name from '(x+x+)+y') from sales.products"],
    ['a pattern behind ANY', "select count(*) from sales.products where product_name ~ any(array['(a+)+'])"],
    ['a pattern behind OPERATOR(pg_catalog.~)', "select count(*) from sales.products where product_name operator(pg_catalog.~) '(a*)*'"],
    ['substring(x similar pattern escape c)', "select substring(product_name similar '(a+)+#\"b#\"' escape '#') from sales.products"],
    ['substring(x from pattern for escape)', "select substring(product_name from '(a*)*#\"b#\"' for '#') from sales.products"],
    ['a jsonpath like_regex behind @?', `select count(*) from sales.products where to_jsonb(product_name) @? '$ ? (@ like_regex "(a+)+b")'`],
    ['a jsonpath like_regex behind @@', `select to_jsonb(product_name) @@ '$ like_regex "^(a|b)\\\\1"' from sales.products`],
    ['a jsonpath like_regex behind ANY', `select to_jsonb(product_name) @? any(array['$ ? (@ like_regex "(a*)*c")']) from sales.products`],
  ])('refuses %s', async (_label, sql) => {
    const verdict = await refusal(sql);
    expect(verdict.rule).toBe('complexity');
    expect(verdict.reason).toMatch(/regular expression/);
  });

  it.each([
    ['an alternation', "select product_name from sales.products where product_name ~ '^(Laptop|Desktop) '"],
    ['classes and a small bound', "select product_name from sales.products where product_name !~ '[[:digit:]]{2,4}'"],
    ['a quantified group without a quantifier inside', "select product_name from sales.products where product_name ~ 'Laptop (Pro|Air)? 1[34]$'"],
    ['a group with a quantifier inside, not repeated', "select (regexp_match(product_name, '([A-Za-z]+)\\s([0-9]+)'))[2] from sales.products"],
    ['a global replace', "select regexp_replace(product_name, '\\s+', ' ', 'g') from sales.products"],
    ['SIMILAR TO', "select product_name from sales.products where product_name similar to '%(Pro|Air)%'"],
    ['substring by position', 'select substring(product_name, 2), substring(product_name from 1 for 4) from sales.products'],
    ['an escaped parenthesis before a quantifier', "select count(*) from sales.products where product_name ~ '\\(x+\\)+'"],
    ['substring(x similar pattern escape c)', "select substring(product_name similar '%#\"Pro#\"%' escape '#') from sales.products"],
    ['substring(x from n for m) by position', 'select substring(product_name from 2 for 3), substring(product_name, 1, 4) from sales.products'],
    ['a jsonpath like_regex without nested quantifiers', `select to_jsonb(product_name) @? '$ ? (@ like_regex "^Lap" flag "i")' from sales.products`],
  ])('allows %s', async (_label, sql) => {
    await allowed(sql);
  });
});

describe('Wall: series steps of mixed sign', () => {
  it.each([
    ['1 month minus 29 days 23:59:59 (one second from January 31)', "select count(*) from generate_series(timestamp '2024-01-31', timestamp '2025-01-31', interval '1 month -29 days -23 hours -59 minutes -59 seconds') g"],
    ['1 day minus 23 hours 59 minutes', "select count(*) from generate_series(timestamptz '2024-01-01', timestamptz '2025-01-01', interval '1 day -23 hours -59 minutes') g"],
    ['a step computed as a difference of intervals', "select count(*) from generate_series(timestamp '2024-01-01', timestamp '2025-01-01', interval '1 month' - interval '30 days 23 hours') g"],
  ])('refuses %s: its slowest real step cannot be bounded', async (_label, sql) => {
    expect((await refusal(sql)).rule).toBe('complexity');
  });

  it.each([
    ['months', "select g::date from generate_series(date '2023-01-01', date '2025-12-01', interval '1 month') g"],
    ['a month and a half', "select g::date from generate_series(date '2025-01-01', date '2025-12-31', interval '1 month 15 days') g"],
    ['days backwards', "select g::date from generate_series(date '2025-12-31', date '2025-01-01', interval '-1 day') g"],
    ['weeks', "select g::date from generate_series(date '2025-01-06', date '2025-12-29', interval '1 week') g"],
  ])('allows a series stepping by %s', async (_label, sql) => {
    await allowed(sql);
  });
});

describe('Wall: row cap — what the deparser cannot write back', () => {
  const guard = new PostgresSqlGuard();
  const viewer = { subject: 't', role: 'viewer' } as const;

  it.each([
    ['at the top', 'select product_name from sales.products order by list_price fetch first 3 rows with ties'],
    ['in a subquery', 'select count(*) from (select product_id from sales.products order by list_price fetch first 3 rows with ties) p'],
  ])('refuses FETCH … WITH TIES %s instead of running it as a plain LIMIT', async (_label, sql) => {
    expect(await guard.check(sql, viewer)).toMatchObject({ allowed: false, rule: 'round_trip', reason: expect.stringMatching(/rank\(\)/) });
  });

  it('keeps FETCH FIRST … ROWS ONLY', async () => {
    const verdict = await guard.check('select product_name from sales.products order by list_price fetch first 3 rows only', viewer);
    expect(verdict).toMatchObject({ allowed: true, sql: expect.stringMatching(/LIMIT 3/) });
  });
});
