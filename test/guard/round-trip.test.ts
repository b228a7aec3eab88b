import { beforeAll, describe, expect, it } from 'vitest';
import { deparseTree, loadParser, parseSql } from '../../functions/core/guard/postgres-parser.ts';
import { sameTree, treeDifference } from '../../functions/core/guard/round-trip.ts';
import { firstTarget, roundTrip } from '../support/round-trip.ts';

/**
 * The SQL the guard runs is its deparser's writing of the checked tree; the guard refuses unless
 * that SQL parses back to the same tree (rule `round_trip`). These are the comparison and the
 * deparser's answers to each meaning change found in review.
 */

beforeAll(async () => {
  await loadParser();
});

describe('Function: sameTree', () => {
  it('holds for the same statement written with other spacing, case and comments', () => {
    // prepare
    const a = parseSql('select region_name from sales.regions where region_id = 1');
    const b = parseSql('SELECT   Region_Name\nFROM sales.regions /* note */ WHERE region_id=1');

    // act / assess
    expect(sameTree(a, b)).toBe(true);
    expect(treeDifference(a, b)).toBeUndefined();
  });

  it('ignores only positional fields, at any depth', () => {
    expect(sameTree({ A: { location: 1, x: [{ B: { location: 5 } }] } }, { A: { location: 9, x: [{ B: { location: 0 } }] } })).toBe(true);
    expect(sameTree({ stmt_location: 0, stmt_len: 10, v: 1 }, { v: 1 })).toBe(true);
    expect(sameTree({ A_Expr: { rexpr_list_start: 3, rexpr_list_end: 9 } }, { A_Expr: {} })).toBe(true);
    expect(sameTree({ x: 1 }, { x: 2 })).toBe(false);
  });

  it('compares a non-numeric field named location (a tablespace directory) like any other', () => {
    expect(sameTree({ CreateTableSpaceStmt: { location: '/a' } }, { CreateTableSpaceStmt: { location: '/b' } })).toBe(false);
  });

  it('tells apart a missing field, an extra field, a list of another length and another node type', () => {
    expect(sameTree({ a: 1, b: 2 }, { a: 1 })).toBe(false);
    expect(sameTree({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(sameTree({ a: [1, 2] }, { a: [1] })).toBe(false);
    expect(sameTree({ a: [1] }, { a: { 0: 1 } })).toBe(false);
    expect(sameTree({ ColumnRef: {} }, { ParamRef: {} })).toBe(false);
    expect(sameTree({ a: null }, { a: {} })).toBe(false);
    expect(sameTree({ a: 1 }, { a: '1' })).toBe(false);
  });

  it('tells apart statements that differ in meaning only', () => {
    expect(sameTree(parseSql('select 1::bigint'), parseSql('select 1::"bigint"'))).toBe(false);
    expect(sameTree(parseSql('select a from t group by a'), parseSql('select a from t group by distinct a'))).toBe(false);
    expect(sameTree(parseSql('select a - b - c from t'), parseSql('select a - (b - c) from t'))).toBe(false);
  });
});

describe('Function: treeDifference', () => {
  it('names the path of the first difference and both values', () => {
    expect(treeDifference(parseSql('select 1'), parseSql('select 2'))).toBe('stmts[0].stmt.SelectStmt.targetList[0].ResTarget.val.A_Const.ival.ival: 1 became 2');
  });

  it('says what went missing and what appeared', () => {
    expect(treeDifference(parseSql('select a from t group by distinct a'), parseSql('select a from t group by a'))).toBe(
      'stmts[0].stmt.SelectStmt.groupDistinct: true is missing after the round trip',
    );
    expect(treeDifference({ a: 1 }, { a: 1, b: { SortBy: {} } })).toBe('b: a SortBy appeared in the round trip');
    expect(treeDifference({ a: [1, 2] }, { a: [1] })).toBe('a: a list of 2 became a list of 1');
    expect(treeDifference({ ColumnRef: {} }, { ParamRef: {} })).toBe('ColumnRef: {} is missing after the round trip');
  });
});

describe('Function: deparseTree — the meaning changes found in review', () => {
  it('keeps GROUP BY DISTINCT', () => {
    // act
    const trip = roundTrip('select region_id, product_id, count(*) from sales.sales_transactions group by distinct region_id, product_id');

    // assess
    expect(trip.written).toContain('GROUP BY DISTINCT region_id, product_id');
    expect(trip.same).toBe(true);
  });

  it('keeps GROUP BY DISTINCT over grouping sets', () => {
    expect(roundTrip('select a from t group by distinct rollup (a, b), cube (a)').same).toBe(true);
  });

  it.each([
    ['an AND as the lower bound', 'select x between (a and b) and c from t'],
    ['an AND as the upper bound', 'select x between a and (b and c) from t'],
    ['an OR as a bound', 'select x not between (a or b) and c from t'],
  ])('keeps the parentheses around %s of BETWEEN', (_label, sql) => {
    // act
    const trip = roundTrip(sql);

    // assess
    expect(trip.same).toBe(true);
    expect(firstTarget(trip.after).A_Expr.kind).toMatch(/BETWEEN/);
  });

  it.each([
    ['a cast comparison as the lower bound', 'select 1 from t where x between (1 < 2)::int and 3'],
    ['a cast comparison as the upper bound', 'select 1 from t where x between 1 and (2 < 3)::int'],
    ['a comparison as the upper bound', 'select 1 from t where x between 1 and (2 < 3)'],
    ['IS NULL as the lower bound', 'select 1 from t where x between (a is null) and c'],
    ['IS NULL as the upper bound', 'select 1 from t where x between a and (b is null)'],
    ['LIKE as the upper bound', 'select 1 from t where x between a and (b like c)'],
    ['COLLATE as the lower bound', 'select 1 from t where x between (a collate "C") and b'],
    ['AT TIME ZONE as the lower bound', "select 1 from t where x between (a at time zone 'UTC') and b"],
  ])('writes %s of BETWEEN so that it parses back the same', (_label, sql) => {
    expect(roundTrip(sql).same).toBe(true);
  });

  it("keeps AT TIME ZONE ('UT' || 'C') as one time zone", () => {
    // act
    const trip = roundTrip("select created_at at time zone ('UT' || 'C') from sales.sales_transactions");

    // assess
    expect(trip.written).toContain("created_at AT TIME ZONE ('UT' || 'C')");
    expect(trip.same).toBe(true);
    const call = firstTarget(trip.after).FuncCall;
    expect(call.funcname.map((part: { String: { sval: string } }) => part.String.sval)).toEqual(['pg_catalog', 'timezone']);
    expect(call.args[0].A_Expr.name[0].String.sval).toBe('||');
  });

  it.each([
    ['bigint', 'select 1::"bigint"'],
    ['int', 'select 1::"int"'],
    ['varchar', "select 'a'::\"varchar\""],
    ['interval', "select '1 day'::\"interval\""],
    ['char', "select 'a'::\"char\""],
    ['double', 'select 1::"double"'],
  ])('keeps a quoted type name "%s" a schema-less type, not the pg_catalog type of the keyword', (name, sql) => {
    // act
    const trip = roundTrip(sql);

    // assess
    expect(trip.same).toBe(true);
    expect(firstTarget(trip.after).TypeCast.typeName.names.map((part: { String: { sval: string } }) => part.String.sval)).toEqual([name]);
  });

  it('still writes keyword types by their keyword', () => {
    const trip = roundTrip("select 1::bigint, 2::int, 3::numeric(10, 2), 'x'::varchar(5), now()::timestamp(3) with time zone, '1'::interval day to second");
    expect(trip.written).toBe("SELECT 1::bigint, 2::integer, 3::numeric(10, 2), 'x'::varchar(5), now()::timestamp(3) with time zone, '1'::interval day to second");
    expect(trip.same).toBe(true);
  });

  it.each([
    ['a CTE', 'with "order" as (select 1 as x) select x from "order"', 'WITH "order" AS'],
    ['a CTE column', 'with c("select") as (select 1) select "select" from c', 'c("select")'],
    ['a table alias', 'select "group".x from t as "group"', 'AS "group"'],
    ['an alias column', 'select * from t as s("from", "where")', 's("from", "where")'],
    ['an output column', 'select 1 as "user"', 'AS "user"'],
    ['a window', 'select sum(x) over "window" from t window "window" as (order by x)', 'WINDOW "window" AS'],
    ['a join alias', 'select 1 from a join b using (id) as "limit"', 'AS "limit"'],
  ])('quotes %s named with a reserved word', (_label, sql, quoted) => {
    // act
    const trip = roundTrip(sql);

    // assess
    expect(trip.written).toContain(quoted);
    expect(trip.same).toBe(true);
  });

  it.each([
    ['an operator', 'select x from t order by x using <'],
    ['an operator and NULLS FIRST', 'select x from t order by x using > nulls first'],
    ['a multi-character operator', 'select x from t order by x using ~<~'],
    ['a qualified operator', 'select x from t order by x using operator(pg_catalog.<)'],
  ])('writes ORDER BY … USING %s so that it parses back', (_label, sql) => {
    expect(roundTrip(sql).same).toBe(true);
  });
});

describe('Function: deparseTree — the writing itself', () => {
  it('writes one line, leaving a string that spans lines exactly as it was', () => {
    // prepare
    const sql = "select case when a then 'first\n  second' end, coalesce(b, 'x') from t where a and b";

    // act
    const trip = roundTrip(sql);

    // assess
    expect(trip.written).toBe("SELECT CASE WHEN a THEN 'first\n  second' END, COALESCE(b, 'x') FROM t WHERE a AND b");
    expect(trip.same).toBe(true);
  });

  it('writes a backslash as an escape string, which reads the same under either standard_conforming_strings', () => {
    const trip = roundTrip("select 'a\\b', E'c\\\\d', 'it''s'");
    expect(trip.written).toBe("SELECT E'a\\\\b', E'c\\\\d', 'it''s'");
    expect(trip.same).toBe(true);
  });

  it('separates several statements with semicolons', () => {
    const written = deparseTree(parseSql('select 1; select 2'));
    expect(written).toBe('SELECT 1; SELECT 2');
    expect(parseSql(written).stmts).toHaveLength(2);
  });

  it('parenthesises set-operation arms by the precedence of INTERSECT and their own clauses', () => {
    expect(roundTrip('select 1 union select 2 intersect select 3').written).toBe('SELECT 1 UNION SELECT 2 INTERSECT SELECT 3');
    expect(roundTrip('(select 1 union select 2) intersect select 3').written).toBe('(SELECT 1 UNION SELECT 2) INTERSECT SELECT 3');
    expect(roundTrip('select 1 except (select 2 except select 3)').written).toBe('SELECT 1 EXCEPT (SELECT 2 EXCEPT SELECT 3)');
    expect(roundTrip('(select 1 limit 1) union all select 2 order by 1').written).toBe('(SELECT 1 LIMIT 1) UNION ALL SELECT 2 ORDER BY 1');
  });

  it('names the node it cannot write', () => {
    expect(() => deparseTree(parseSql("select json_value('{}', '$')"))).toThrow(/node type: JsonFuncExpr/);
    expect(() => deparseTree(parseSql('select 1 from t for update'))).toThrow(/node type: LockingClause/);
  });
});
