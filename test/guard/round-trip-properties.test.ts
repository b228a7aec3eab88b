import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { deparseTree, loadParser, parseSql, type ParseTree } from '../../functions/core/guard/postgres-parser.ts';
import { sameTree, treeDifference } from '../../functions/core/guard/round-trip.ts';

/**
 * Property-based specification of the round trip: random expressions over a small grammar that
 * mixes every precedence level PostgreSQL has (operators, BETWEEN, AT TIME ZONE, casts, COLLATE,
 * IS tests, NOT, signs, CASE, calls, subqueries), each operand in parentheses or not at random, and
 * random set operations and joins. Whatever of that PostgreSQL parses, the deparser writes back as
 * SQL that parses to the very same tree; and the comparison notices a change anywhere in a tree.
 */

beforeAll(async () => {
  await loadParser();
});

const column = fc.constantFrom('a', 'b', 't.c', '"Order"', 'x."select"', 'ts', 'name', '"Mixed Case"');
const literal = fc.oneof(
  fc.integer({ min: -1000, max: 1000 }).map(String),
  fc.constantFrom('0', '1.5', '-2.5e3', '2147483648', "'x'", "'it''s'", "E'a\\\\b'", "'two\nlines'", 'true', 'false', 'null', "date '2025-01-01'", "interval '1 day'", "U&'\\0061'", '$$d$$', "b'101'"),
);
const typeName = fc.constantFrom('int', 'bigint', '"bigint"', 'text', 'numeric(10, 2)', 'interval day', 'date', 'timestamp with time zone', 'int[]', 'varchar(3)', '"char"', 'double precision', 'bit(2)');
const binaryOperator = fc.constantFrom('+', '-', '*', '/', '%', '^', '||', '<', '>', '=', '<=', '>=', '<>', 'AND', 'OR', '~', '@>', 'OPERATOR(pg_catalog.+)');
const prefixOperator = fc.constantFrom('-', '+', 'NOT ', '~ ', '|/ ');
const postfixTest = fc.constantFrom('IS NULL', 'IS NOT NULL', 'IS TRUE', 'IS NOT FALSE', 'IS UNKNOWN', 'ISNULL', 'NOTNULL');
const between = fc.constantFrom('BETWEEN', 'NOT BETWEEN', 'BETWEEN SYMMETRIC', 'NOT BETWEEN SYMMETRIC');
const pattern = fc.constantFrom('LIKE', 'NOT LIKE', 'ILIKE', 'NOT ILIKE', 'SIMILAR TO', 'NOT SIMILAR TO');

/** An operand: the expression, in parentheses or not. */
const operand = (expression: fc.Arbitrary<string>) => fc.tuple(expression, fc.boolean()).map(([text, parenthesised]) => (parenthesised ? `(${text})` : text));

const { expression } = fc.letrec<{ expression: string }>((tie) => {
  const sub = () => operand(tie('expression'));
  const e = () => tie('expression');
  return {
    expression: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      column,
      literal,
      fc.tuple(sub(), binaryOperator, sub()).map(([l, op, r]) => `${l} ${op} ${r}`),
      fc.tuple(prefixOperator, sub()).map(([op, x]) => `${op}${x}`),
      fc.tuple(sub(), postfixTest).map(([x, test]) => `${x} ${test}`),
      fc.tuple(sub(), between, sub(), sub()).map(([x, op, low, high]) => `${x} ${op} ${low} AND ${high}`),
      fc.tuple(sub(), sub()).map(([x, zone]) => `${x} AT TIME ZONE ${zone}`),
      sub().map((x) => `${x} AT LOCAL`),
      fc.tuple(sub(), typeName).map(([x, type]) => `${x}::${type}`),
      fc.tuple(e(), typeName).map(([x, type]) => `CAST(${x} AS ${type})`),
      sub().map((x) => `${x} COLLATE "C"`),
      fc.tuple(sub(), fc.constantFrom('IS DISTINCT FROM', 'IS NOT DISTINCT FROM'), sub()).map(([l, op, r]) => `${l} ${op} ${r}`),
      fc.tuple(sub(), pattern, sub(), fc.option(sub())).map(([x, op, p, escape]) => `${x} ${op} ${p}${escape === null ? '' : ` ESCAPE ${escape}`}`),
      fc.tuple(sub(), fc.constantFrom('IN', 'NOT IN'), fc.array(e(), { minLength: 1, maxLength: 3 })).map(([x, op, items]) => `${x} ${op} (${items.join(', ')})`),
      fc.tuple(sub(), fc.constantFrom('= ANY', '< ALL', '<> SOME'), e()).map(([x, op, array]) => `${x} ${op} (${array})`),
      fc.tuple(e(), e(), fc.option(e())).map(([when, then, otherwise]) => `CASE WHEN ${when} THEN ${then}${otherwise === null ? '' : ` ELSE ${otherwise}`} END`),
      fc.tuple(e(), e(), e()).map(([subject, value, result]) => `CASE ${subject} WHEN ${value} THEN ${result} END`),
      fc.array(e(), { maxLength: 3 }).map((args) => `f(${args.join(', ')})`),
      fc.tuple(e(), e()).map(([x, y]) => `coalesce(${x}, ${y})`),
      fc.tuple(e(), e()).map(([x, condition]) => `sum(${x}) FILTER (WHERE ${condition})`),
      e().map((x) => `extract(year from ${x})`),
      fc.tuple(e(), e(), e()).map(([x, from, count]) => `substring(${x} from ${from} for ${count})`),
      fc.tuple(sub(), sub()).map(([needle, haystack]) => `position(${needle} in ${haystack})`),
      fc.tuple(e(), e()).map(([chars, x]) => `trim(both ${chars} from ${x})`),
      e().map((x) => `(SELECT ${x})`),
      e().map((x) => `EXISTS (SELECT ${x} FROM t)`),
      fc.tuple(sub(), e()).map(([x, y]) => `${x} IN (SELECT ${y} FROM t)`),
      fc.tuple(sub(), e()).map(([x, y]) => `${x} = ANY (SELECT ${y})`),
      fc.tuple(e(), e()).map(([x, y]) => `(${x}, ${y})`),
      e().map((x) => `ROW(${x})`),
      fc.array(e(), { minLength: 1, maxLength: 3 }).map((items) => `ARRAY[${items.join(', ')}]`),
      e().map((x) => `(${x})[1]`),
      e().map((x) => `(${x}).f`),
      fc.tuple(e(), e(), e(), e()).map(([a, b, c, d]) => `(${a}, ${b}) OVERLAPS (${c}, ${d})`),
    ),
  };
});

/** The clauses an expression stands in. */
const statement = fc.oneof(
  expression.map((x) => `SELECT ${x}`),
  fc.tuple(expression, expression).map(([x, where]) => `SELECT ${x} FROM t WHERE ${where}`),
  fc.tuple(expression, fc.constantFrom('', ' DESC', ' USING <', ' NULLS FIRST')).map(([x, order]) => `SELECT a FROM t ORDER BY ${x}${order} LIMIT 10`),
  fc.tuple(expression, expression).map(([group, having]) => `SELECT count(*) FROM t GROUP BY ${group} HAVING ${having}`),
  fc.tuple(expression, expression, operand(expression)).map(([partition, order, offset]) => `SELECT sum(a) OVER (PARTITION BY ${partition} ORDER BY ${order} ROWS BETWEEN ${offset} PRECEDING AND CURRENT ROW) FROM t`),
);

/** Random query shapes: set operations and joins, with arms and join operands parenthesised at random. */
const { query } = fc.letrec<{ query: string; table: string }>((tie) => ({
  query: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom('SELECT 1', 'SELECT a FROM t', 'VALUES (1)', 'SELECT a FROM t ORDER BY a LIMIT 1', 'SELECT a FROM t GROUP BY DISTINCT a, ROLLUP (b)', 'SELECT DISTINCT ON (a) a FROM t'),
    fc.tuple(tie('table')).map(([from]) => `SELECT * FROM ${from}`),
    fc
      .tuple(operand(tie('query')), fc.constantFrom('UNION', 'UNION ALL', 'INTERSECT', 'EXCEPT', 'EXCEPT ALL'), operand(tie('query')), fc.constantFrom('', ' ORDER BY 1', ' LIMIT 2'))
      .map(([l, op, r, tail]) => `${l} ${op} ${r}${tail}`),
    fc.tuple(fc.constantFrom('q', '"order"', '"Q"', '"user"'), tie('query')).map(([name, inner]) => `WITH ${name} AS (${inner}) SELECT * FROM ${name}`),
  ),
  table: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom('t', 'sales.t AS s', 'ONLY u', 'generate_series(1, 2) AS g(n)', '(SELECT 1) AS sq'),
    fc
      .tuple(operand(tie('table')), fc.constantFrom('JOIN', 'LEFT JOIN', 'FULL JOIN', 'NATURAL JOIN', 'CROSS JOIN'), operand(tie('table')), fc.constantFrom('', ' ON true', ' USING (id)'))
      .map(([l, join, r, qual]) => `${l} ${join} ${r}${join.startsWith('NATURAL') || join.startsWith('CROSS') ? '' : qual || ' ON true'}`),
    fc.tuple(tie('table'), tie('table')).map(([l, r]) => `(${l} CROSS JOIN ${r}) AS j`),
  ),
}));

/** Parses `sql`, or undefined when it is not SQL PostgreSQL accepts (the generator makes many such). */
function tryParse(sql: string): ParseTree | undefined {
  try {
    return parseSql(sql);
  } catch {
    return undefined;
  }
}

/** Runs the round trip on what parses; returns whether it parsed. Fails on any difference. */
function holdsForParsedStatement(sql: string): boolean {
  const before = tryParse(sql);
  if (!before) return false;
  const written = deparseTree(before);
  const after = tryParse(written);
  expect(after, `${written}\n  did not parse (for ${sql})`).toBeDefined();
  expect(treeDifference(before, after), `${written}\n  (for ${sql})`).toBeUndefined();
  expect(sameTree(before, after)).toBe(true);
  return true;
}

describe('Property: deparse then parse gives back the tree', () => {
  it('for random expressions of mixed precedence, in every clause', () => {
    let parsed = 0;
    fc.assert(
      fc.property(statement, (sql) => {
        if (holdsForParsedStatement(sql)) parsed++;
      }),
      { numRuns: 800 },
    );
    // The property must not hold vacuously: a good share of what is generated is valid SQL.
    expect(parsed).toBeGreaterThan(200);
  });

  it('for random set operations and joins', () => {
    let parsed = 0;
    fc.assert(
      fc.property(query, (sql) => {
        if (holdsForParsedStatement(sql)) parsed++;
      }),
      { numRuns: 400 },
    );
    expect(parsed).toBeGreaterThan(200);
  });
});

/** Every scalar leaf of a tree that is not positional, with its path. */
function leaves(node: unknown, path: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (node === null || typeof node !== 'object') {
    out.push(path);
    return out;
  }
  for (const [key, value] of Object.entries(node)) {
    if (['location', 'stmt_location', 'stmt_len', 'list_start', 'list_end', 'rexpr_list_start', 'rexpr_list_end'].includes(key)) continue;
    leaves(value, [...path, Array.isArray(node) ? Number(key) : key], out);
  }
  return out;
}

function changedAt(tree: unknown, path: readonly (string | number)[]): unknown {
  const copy = structuredClone(tree) as Record<string | number, any>;
  let parent = copy;
  for (const step of path.slice(0, -1)) parent = parent[step];
  const last = path.at(-1)!;
  const value = parent[last];
  parent[last] = typeof value === 'number' ? value + 1 : typeof value === 'boolean' ? !value : `${String(value)}x`;
  return copy;
}

describe('Property: the comparison notices any change', () => {
  it('reports a tree with one leaf changed as different, at that leaf', () => {
    fc.assert(
      fc.property(statement, fc.nat(), (sql, pick) => {
        const tree = tryParse(sql);
        if (!tree) return;
        const all = leaves(tree);
        const path = all[pick % all.length]!;
        const changed = changedAt(tree, path);
        expect(sameTree(tree, changed)).toBe(false);
        expect(treeDifference(tree, changed)).toMatch(/became/);
      }),
      { numRuns: 300 },
    );
  });
});
