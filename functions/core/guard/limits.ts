/**
 * Size and complexity: the row cap (a LIMIT added or lowered) and structural limits that keep a
 * statement's work bounded before anything plans or runs it — joins, subquery depth, CTEs, no
 * recursion, generated series and padded strings of a known, small size, and regular expressions
 * that are constants the guard can read (regex-limits.ts).
 *
 * Why structural limits when the guard also asks the planner for a cost (cost.ts): some work
 * happens while planning (the planner folds `repeat('x', 1e9)` on constants, and searches join
 * orders), the planner estimates recursion and non-constant series blindly, and the guard must
 * be safe without a database (`bi-agent guard` on another machine, unit tests). These checks are
 * one pass over the tree, a few microseconds.
 */
import { ALLOWED_FROM_FUNCTIONS } from './allow-lists.ts';
import { constantNumber, constantText, seriesLength } from './constant-values.ts';
import type { AstNode } from './postgres-parser.ts';
import { checkRegexCall, checkRegexExpression, checkRegexSubLink } from './regex-limits.ts';
import { Refusal } from './refusal.ts';
import { nameParts } from './walk.ts';

/** Structural limits of one statement. Every limit is inclusive: a statement at the limit passes. */
export interface ComplexityLimits {
  /** FROM items (tables, subqueries, CTE references, functions) joined in one query level. */
  readonly maxJoinedRelationsPerQuery: number;
  /** FROM items in the whole statement, every subquery, CTE and set-operation arm included. */
  readonly maxJoinedRelations: number;
  /** Queries nested in queries (a subquery, a derived table, a CTE body): 1 for one level. */
  readonly maxSubqueryDepth: number;
  /** Common table expressions in the whole statement. */
  readonly maxCtes: number;
  /**
   * The longest string a size-amplifying call may build from its input: the constant count of
   * `repeat`, the length of `lpad`/`rpad`, a `format` width, and the product of such factors when
   * the calls are nested.
   */
  readonly maxStringLength: number;
  /** Rows a `generate_series` in FROM may produce, computed from its constant arguments. */
  readonly maxGeneratedRows: number;
}

/**
 * Generous for analyst questions over a five-table star schema (a question rarely joins more than
 * 4 tables or nests more than 2 subqueries), tight enough that no statement can multiply its work
 * past what the cost ceiling and the statement timeout then bound.
 */
export const DEFAULT_COMPLEXITY_LIMITS: ComplexityLimits = Object.freeze({
  maxJoinedRelationsPerQuery: 8,
  maxJoinedRelations: 16,
  maxSubqueryDepth: 6,
  maxCtes: 8,
  maxStringLength: 10_000,
  maxGeneratedRows: 1_000_000,
});

/**
 * How a call can make a string larger than its input: the index of its size argument (repeat,
 * lpad, rpad), or how its replacement multiplies matches (replace, regexp_replace), or its widths
 * (format). Everything else in the allow-list returns at most about what it reads.
 */
type Amplifier = 'count' | 'length' | 'replacement' | 'format' | 'rows';
const AMPLIFIERS: ReadonlyMap<string, Amplifier> = new Map([
  ['repeat', 'count'],
  ['lpad', 'length'],
  ['rpad', 'length'],
  ['replace', 'replacement'],
  ['regexp_replace', 'replacement'],
  ['format', 'format'],
  // Aggregates that concatenate: their result holds every row they read, so what they aggregate
  // is multiplied by the row count (JSON_ARRAYAGG and JSON_OBJECTAGG are nodes of their own).
  ['string_agg', 'rows'],
  ['array_agg', 'rows'],
  ['json_agg', 'rows'],
  ['jsonb_agg', 'rows'],
  ['json_object_agg', 'rows'],
  ['jsonb_object_agg', 'rows'],
  ['xmlagg', 'rows'],
]);

/**
 * The size factor the guard assumes for an aggregate that concatenates its input rows: a padded or
 * repeated value inside one is multiplied by at least this many rows (a dimension's rows are fewer,
 * the fact table's far more), so `string_agg(repeat(x, 10000), '')` is refused while
 * `string_agg(lpad(id::text, 6, '0'), ',')` passes.
 */
export const CONCATENATED_ROWS = 1_000;

/** Throws a `complexity` refusal when the statement breaks one of `limits`. */
export function checkComplexity(statement: AstNode, limits: ComplexityLimits = DEFAULT_COMPLEXITY_LIMITS): void {
  new ComplexityCheck(limits).visit(statement, 0, 1);
}

class ComplexityCheck {
  #relations = 0;
  #ctes = 0;

  constructor(private readonly limits: ComplexityLimits) {}

  /** Visits any value of the tree; `depth` is the query level, `factor` the enclosing amplification. */
  visit(value: unknown, depth: number, factor: number): void {
    if (Array.isArray(value)) {
      for (const item of value) this.visit(item, depth, factor);
      return;
    }
    if (value === null || typeof value !== 'object') return;
    for (const key in value as AstNode) {
      const child = (value as AstNode)[key];
      if (child === null || typeof child !== 'object') continue;
      if (key.charCodeAt(0) >= 65 && key.charCodeAt(0) <= 90 && !Array.isArray(child)) {
        this.#node(key, child as AstNode, depth, factor);
      } else {
        this.visit(child, depth, factor);
      }
    }
  }

  #node(type: string, fields: AstNode, depth: number, factor: number): void {
    switch (type) {
      case 'SelectStmt':
        this.#select(fields, depth);
        break;
      case 'SubLink':
        // `x ~ ANY (SELECT …)`: patterns that exist only once the subquery runs.
        checkRegexSubLink(fields);
        this.#fields(fields, depth + 1, factor);
        return;
      case 'RangeSubselect':
      case 'CommonTableExpr':
        // The query inside is one level deeper than the query that holds it.
        this.#fields(fields, depth + 1, factor);
        return;
      case 'RangeFunction':
        this.#rangeFunction(fields);
        break;
      case 'FuncCall':
        checkRegexCall(fields);
        factor = this.#amplification(fields, factor);
        break;
      case 'A_Expr':
        checkRegexExpression(fields);
        break;
      case 'JsonArrayAgg':
      case 'JsonObjectAgg':
        factor = this.#concatenated(type === 'JsonArrayAgg' ? 'json_arrayagg' : 'json_objectagg', factor);
        break;
    }
    this.#fields(fields, depth, factor);
  }

  #fields(fields: AstNode, depth: number, factor: number): void {
    for (const key in fields) {
      const child = fields[key];
      if (child !== null && typeof child === 'object') this.visit(child, depth, factor);
    }
  }

  #select(select: AstNode, depth: number): void {
    // The arms of a set operation are bare SelectStmt fields (no type wrapper), at the same level.
    for (const arm of [select.larg, select.rarg]) if (arm && typeof arm === 'object') this.#select(arm as AstNode, depth);
    // The deparser writes FETCH … WITH TIES back as a plain LIMIT, which would run a different
    // statement from the one checked: refuse it rather than change its meaning.
    if (select.limitOption === 'LIMIT_OPTION_WITH_TIES') {
      throw new Refusal('round_trip', 'FETCH FIRST … WITH TIES cannot be run exactly as written here; rank rows with rank() OVER (ORDER BY …) and keep rank <= n instead');
    }
    const { limits } = this;
    if (depth > limits.maxSubqueryDepth) {
      throw new Refusal(
        'complexity',
        `subqueries are nested ${depth} levels deep; at most ${limits.maxSubqueryDepth} are allowed — flatten them into joins or a WITH clause`,
      );
    }
    const withClause = select.withClause as AstNode | undefined;
    if (withClause) {
      if (withClause.recursive) {
        throw new Refusal('complexity', 'recursive queries are not allowed (WITH RECURSIVE): their size cannot be bounded before they run');
      }
      this.#ctes += Array.isArray(withClause.ctes) ? withClause.ctes.length : 0;
      if (this.#ctes > limits.maxCtes) {
        throw new Refusal('complexity', `the statement defines ${this.#ctes} CTEs (WITH queries); at most ${limits.maxCtes} are allowed — combine some of them`);
      }
    }
    const from = select.fromClause;
    if (!Array.isArray(from)) return;
    const here = from.reduce((sum: number, item: unknown) => sum + countFromItems(item), 0);
    if (here > limits.maxJoinedRelationsPerQuery) {
      throw new Refusal(
        'complexity',
        `one FROM clause joins ${here} relations; at most ${limits.maxJoinedRelationsPerQuery} are allowed — join fewer tables, or aggregate some of them in a subquery first`,
      );
    }
    this.#relations += here;
    if (this.#relations > limits.maxJoinedRelations) {
      throw new Refusal(
        'complexity',
        `the statement reads ${this.#relations} relations across its subqueries and CTEs; at most ${limits.maxJoinedRelations} are allowed — simplify it, or ask in several questions`,
      );
    }
  }

  /** `generate_series` of a known, small length; `unnest` of constant arrays (allowed by relations-and-functions.ts). */
  #rangeFunction(range: AstNode): void {
    for (const call of rangeFunctionCalls(range)) {
      const name = nameParts(call.funcname).at(-1)?.toLowerCase() ?? '';
      if (name !== 'generate_series') continue;
      const rows = seriesLength((call.args as unknown[] | undefined) ?? []);
      if (rows === undefined) {
        throw new Refusal(
          'complexity',
          "generate_series needs constant arguments it can read exactly (numbers, or dates such as date '2024-01-01' or timestamp '2024-01-01 10:00+01' with an interval step, e.g. generate_series(date '2024-01-01', date '2024-12-01', interval '1 month')) so its size can be checked",
        );
      }
      if (rows > this.limits.maxGeneratedRows) {
        throw new Refusal(
          'complexity',
          `generate_series would produce ${formatCount(rows)} rows; at most ${formatCount(this.limits.maxGeneratedRows)} are allowed — narrow the range or use a larger step`,
        );
      }
    }
  }

  /** A concatenating aggregate: what it aggregates may be amplified at most `maxStringLength / CONCATENATED_ROWS` times. */
  #concatenated(name: string, factor: number): number {
    const product = factor * CONCATENATED_ROWS;
    if (product > this.limits.maxStringLength && factor > 1) {
      throw new Refusal(
        'complexity',
        `${name}() concatenates every row it reads, so what it aggregates must stay small; a size-amplifying call around it could make its result ${formatCount(product)} times longer than its input`,
      );
    }
    return product;
  }

  /** The enclosing amplification times this call's own; refuses past `maxStringLength`. */
  #amplification(call: AstNode, factor: number): number {
    const parts = nameParts(call.funcname);
    const name = parts.at(-1)?.toLowerCase() ?? '';
    const kind = AMPLIFIERS.get(name);
    if (!kind) return factor;
    if (kind === 'rows') return this.#concatenated(name, factor);
    const args = (call.args as unknown[] | undefined) ?? [];
    const max = this.limits.maxStringLength;
    let own = 1;
    switch (kind) {
      case 'count':
      case 'length': {
        const size = constantNumber(args[1]);
        if (size === undefined) {
          throw new Refusal('complexity', `${name}() needs a constant ${kind} (a number of at most ${formatCount(max)}), so the size of its result can be checked`);
        }
        if (size > max) {
          throw new Refusal('complexity', `${name}() would build a string of ${formatCount(size)} characters; at most ${formatCount(max)} are allowed`);
        }
        own = Math.max(1, size);
        break;
      }
      case 'replacement': {
        // Each match becomes the replacement, which (with back-references) is at most its own length
        // times the match: a non-constant replacement is bounded only by the limit itself.
        const replacement = constantText(args[2]);
        own = replacement === undefined ? max : Math.max(1, replacement.length + (name === 'regexp_replace' && replacement.length > 0 ? 1 : 0));
        break;
      }
      case 'format': {
        const template = constantText(args[0]);
        if (template === undefined) throw new Refusal('complexity', 'format() needs a constant format string, so the size of its result can be checked');
        for (const width of template.matchAll(/%(?:\d+\$)?-?(\*|\d+)/g)) {
          if (width[1] === '*' || Number(width[1]) > max) {
            throw new Refusal('complexity', `format() widths must be constants of at most ${formatCount(max)} characters`);
          }
        }
        break;
      }
    }
    const product = factor * own;
    if (product > max) {
      throw new Refusal(
        'complexity',
        `nested size-amplifying calls (${[...AMPLIFIERS.keys()].join(', ')}) could make a string ${formatCount(product)} times longer than its input; at most ${formatCount(max)} is allowed`,
      );
    }
    return product;
  }
}

/** The function calls of a FROM-clause function (`ROWS FROM (a(), b())` has several). */
export function rangeFunctionCalls(range: AstNode): AstNode[] {
  const calls: AstNode[] = [];
  for (const entry of (range.functions as unknown[] | undefined) ?? []) {
    const items = ((entry as AstNode).List as AstNode | undefined)?.items;
    const call = Array.isArray(items) ? ((items[0] as AstNode | undefined)?.FuncCall as AstNode | undefined) : undefined;
    if (call) calls.push(call);
  }
  return calls;
}

/** Whether a FROM-clause function is one the allow-list permits there (name only). */
export function isAllowedFromFunction(call: AstNode): boolean {
  const parts = nameParts(call.funcname);
  if (parts.length > 2 || (parts.length === 2 && parts[0] !== 'pg_catalog')) return false;
  return ALLOWED_FROM_FUNCTIONS.has(parts.at(-1)?.toLowerCase() ?? '');
}

/** FROM items under one entry of a FROM clause: a join counts its two sides. */
function countFromItems(item: unknown): number {
  const join = (item as AstNode | undefined)?.JoinExpr as AstNode | undefined;
  return join ? countFromItems(join.larg) + countFromItems(join.rarg) : 1;
}

function formatCount(value: number): string {
  return value >= 1e7 ? value.toExponential(1).replace('e+', 'e') : Math.round(value).toLocaleString('en-US');
}

/** Adds a LIMIT, or lowers one, to the row cap on the outermost query. */
export function clampLimit(select: AstNode, maxRows: number): void {
  const current = constantInteger(select.limitCount);
  if (current !== undefined && current <= maxRows) return;
  select.limitCount = { A_Const: { ival: { ival: maxRows } } };
  if (select.limitOption === undefined || select.limitOption === 'LIMIT_OPTION_DEFAULT') select.limitOption = 'LIMIT_OPTION_COUNT';
}

function constantInteger(node: unknown): number | undefined {
  const constant = (node as AstNode | undefined)?.A_Const as AstNode | undefined;
  if (!constant || constant.isnull) return undefined;
  const ival = constant.ival as AstNode | undefined;
  if (ival) return typeof ival.ival === 'number' ? ival.ival : 0;
  return undefined;
}
