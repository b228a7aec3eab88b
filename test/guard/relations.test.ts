import { beforeAll, describe, expect, it } from 'vitest';
import { loadParser, type AstNode } from '../../functions/core/guard/postgres-parser.ts';
import { checkRelationsAndFunctions } from '../../functions/core/guard/relations-and-functions.ts';
import { parse } from '../../functions/core/guard/statement.ts';

/** The relation wall on its own (the column resolver is a second check of the same rule). */
function check(sql: string): void {
  checkRelationsAndFunctions(parse(sql).stmts[0]!.stmt as AstNode);
}

beforeAll(() => loadParser());

describe('Function: checkRelationsAndFunctions — CTE scoping', () => {
  it.each([
    ['a CTE name defined after the entry that uses it', 'with a as (select * from pg_user), pg_user as (select 1) select * from a'],
    ['a CTE name used outside the subquery that defines it', 'select * from (with pg_user as (select 1) select * from pg_user) s, pg_user'],
    ['a CTE name used in a sibling subquery', 'select (select count(*) from (with api_keys as (select 1) select 1) x), (select count(*) from api_keys)'],
  ])('treats %s as a table and refuses it', (_label, sql) => {
    expect(() => check(sql)).toThrow(/not a warehouse table/);
  });

  it.each([
    ['an earlier CTE from a later one', 'with a as (select region_id from sales.regions), b as (select * from a) select * from b'],
    ['a recursive CTE from itself', 'with recursive r(n) as (select 1 union all select n + 1 from r where n < 3) select * from r'],
    ['an outer CTE from a nested subquery', 'with a as (select 1 as x) select (select x from a) from sales.regions'],
  ])('lets %s stand', (_label, sql) => {
    expect(() => check(sql)).not.toThrow();
  });
});
