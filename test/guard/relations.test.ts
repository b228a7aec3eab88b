import { beforeAll, describe, expect, it } from 'vitest';
import { loadParser, type AstNode } from '../../functions/core/guard/postgres-parser.ts';
import { checkColumnAccess } from '../../functions/core/guard/columns.ts';
import { checkRelationsAndFunctions } from '../../functions/core/guard/relations-and-functions.ts';
import { parse } from '../../functions/core/guard/statement.ts';

/** The relation wall on its own (the column resolver is a second check of the same rule). */
function check(sql: string): void {
  checkRelationsAndFunctions(parse(sql).stmts[0]!.stmt as AstNode);
}

beforeAll(() => loadParser());

/**
 * Unqualified names: whether one is a CTE in scope is decided by the column wall's resolver, the
 * guard's one model of scope (the region rewrite follows the same bindings), so these cases run
 * both walls.
 */
function checkNames(sql: string): void {
  const statement = parse(sql).stmts[0]!.stmt as AstNode;
  checkRelationsAndFunctions(statement);
  checkColumnAccess(statement, { subject: 't', role: 'admin' });
}

describe('Functions: checkRelationsAndFunctions and checkColumnAccess — CTE scoping', () => {
  it.each([
    ['a CTE name defined after the entry that uses it', 'with a as (select * from pg_user), pg_user as (select 1) select * from a'],
    ['a CTE name used outside the subquery that defines it', 'select * from (with pg_user as (select 1) select * from pg_user) s, pg_user'],
    ['a CTE name used in a sibling subquery', 'select (select count(*) from (with api_keys as (select 1) select 1) x), (select count(*) from api_keys)'],
    ['a CTE of one set-operation arm used in the other', '(with pg_user as (select 1 as n) select n from pg_user) union all select n from pg_user'],
  ])('treats %s as a table and refuses it', (_label, sql) => {
    expect(() => checkNames(sql)).toThrow(/not a warehouse table/);
  });

  it.each([
    ['an earlier CTE from a later one', 'with a as (select region_id from sales.regions), b as (select * from a) select * from b'],
    ['a recursive CTE from itself', 'with recursive r(n) as (select 1 union all select n + 1 from r where n < 3) select * from r'],
    ['an outer CTE from a nested subquery', 'with a as (select 1 as x) select (select x from a) from sales.regions'],
    ['a set-operation arm with its own CTE', '(with top as (select region_id from sales.regions) select region_id from top) union all select 1'],
    ['a CTE named with a reserved word', 'with "order" as (select region_id from sales.regions) select region_id from "order"'],
  ])('lets %s stand', (_label, sql) => {
    expect(() => checkNames(sql)).not.toThrow();
  });
});

describe('Function: checkRelationsAndFunctions — calls that are not written as calls', () => {
  it.each([
    ['current_user', 'select current_user'],
    ['session_user', 'select session_user'],
    ['current_role', 'select current_role'],
    ['USER', 'select user'],
    ['current_catalog', 'select current_catalog'],
    ['current_schema', 'select 1 from sales.regions where current_schema is not null'],
  ])('refuses the server-describing value function %s', (_label, sql) => {
    expect(() => check(sql)).toThrow(/describes the database server/);
  });

  it('lets the date and time value functions stand', () => {
    expect(() => check('select current_date, current_timestamp(0), localtime, localtimestamp, current_time')).not.toThrow();
  });

  it.each([
    ['XMLPARSE', `select xmlparse(document '<a/>')`],
    ['XMLELEMENT', 'select xmlelement(name x, 1)'],
    ['XMLSERIALIZE', `select xmlserialize(content '<a/>' as text)`],
  ])('refuses the XML expression %s', (_label, sql) => {
    expect(() => check(sql)).toThrow(/XML functions are not allowed/);
  });

  it.each([
    ['public', 'select 1 operator(public.+) 1'],
    ['a made-up schema', "select 1 from sales.regions where region_name operator(evil.===) 'x'"],
    ['ANY with a qualified operator', 'select 1 from sales.regions where region_id operator(public.=) any(array[1])'],
  ])('refuses an operator qualified with %s', (_label, sql) => {
    expect(() => check(sql)).toThrow(/only built-in operators/);
  });

  it('lets OPERATOR(pg_catalog.=) stand', () => {
    expect(() => check("select 1 from sales.regions where region_name operator(pg_catalog.=) 'Europe'")).not.toThrow();
  });

  it.each([
    ['system_time', 'select count(*) from sales.regions tablesample system_time(100000)'],
    ['system_rows', 'select count(*) from sales.regions tablesample system_rows(10)'],
    ['a qualified method', 'select count(*) from sales.regions tablesample public.system(10)'],
  ])('refuses the TABLESAMPLE method %s', (_label, sql) => {
    expect(() => check(sql)).toThrow(/TABLESAMPLE method/);
  });

  it('lets TABLESAMPLE SYSTEM and BERNOULLI stand', () => {
    expect(() => check('select count(*) from sales.regions tablesample system (10) join sales.products tablesample bernoulli (5) on true')).not.toThrow();
  });

  it.each([
    ['regclass', `select json_value('"pg_authid"', '$' returning regclass)`],
    ['oid', `select json_value('1', '$' returning oid)`],
    ['a schema-qualified type', `select json_query('{}', '$' returning public.evil)`],
  ])('refuses a JSON function RETURNING %s, as it would a cast', (_label, sql) => {
    expect(() => check(sql)).toThrow(/cast to .* is not allowed/);
  });

  it('still refuses casts through the same check', () => {
    expect(() => check("select 'pg_authid'::regclass")).toThrow(/cast to regclass is not allowed/);
    expect(() => check('select cast(1 as numeric(10, 2)), 2::float8')).not.toThrow();
  });
});

describe('Wall: the function allow-list covers what analysts write', () => {
  it.each([
    ['key/value aggregates', 'select json_object_agg(region_id, region_name), jsonb_object_agg(segment_id, segment_name) from sales.regions, sales.customer_segments'],
    ['bit aggregates', 'select bit_and(units), bit_or(units), bit_xor(units) from sales.sales_transactions'],
    ['character codes', "select ascii(product_name), chr(65) from sales.products"],
  ])('lets %s stand', (_label, sql) => {
    expect(() => check(sql)).not.toThrow();
  });

  it('still refuses the functions next to them', () => {
    expect(() => check('select jsonb_each_text(to_jsonb(r)) from sales.regions r')).toThrow(/function jsonb_each_text is not allowed/);
    expect(() => check("select to_tsvector('english', product_name) from sales.products")).toThrow(/function to_tsvector is not allowed/);
  });
});
