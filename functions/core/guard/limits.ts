/**
 * Size and complexity: the row cap (a LIMIT added or lowered) and structural limits that keep a
 * statement's work bounded before anything plans or runs it — joins, subquery depth, CTEs, no
 * recursion, generated series and padded strings of a known, small size.
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

/**
 * Functions whose argument at the given index is a regular expression (POSIX, or SIMILAR TO's
 * pattern before the parser turns it into one); the operators ~ ~* !~ !~* take it on the right.
 */
const REGEX_ARGUMENTS: ReadonlyMap<string, number> = new Map([
  ['regexp_replace', 1],
  ['regexp_match', 1],
  ['regexp_matches', 1],
  ['regexp_like', 1],
  ['regexp_count', 1],
  ['regexp_instr', 1],
  ['regexp_substr', 1],
  ['regexp_split_to_array', 1],
  ['regexp_split_to_table', 1],
  ['similar_to_escape', 0],
]);
const REGEX_OPERATORS: ReadonlySet<string> = new Set(['~', '~*', '!~', '!~*']);

/** The longest regular expression accepted, in characters. */
export const MAX_PATTERN_LENGTH = 500;

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
      case 'RangeSubselect':
      case 'CommonTableExpr':
        // The query inside is one level deeper than the query that holds it.
        this.#fields(fields, depth + 1, factor);
        return;
      case 'RangeFunction':
        this.#rangeFunction(fields);
        break;
      case 'FuncCall':
        checkRegexArguments(fields);
        factor = this.#amplification(fields, factor);
        break;
      case 'A_Expr':
        checkRegexOperator(fields);
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
          "generate_series needs constant arguments (numbers, or dates with an interval step, e.g. generate_series(date '2024-01-01', date '2024-12-01', interval '1 month')) so its size can be checked",
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

/**
 * Checks the regular expression of a call that takes one (regexp_*, SIMILAR TO's pattern, and the
 * two-argument `substring(x from pattern)` when the pattern is a string).
 */
function checkRegexArguments(call: AstNode): void {
  const parts = nameParts(call.funcname);
  const name = parts.at(-1)?.toLowerCase() ?? '';
  const args = (call.args as unknown[] | undefined) ?? [];
  const index = REGEX_ARGUMENTS.get(name);
  if (index !== undefined) {
    if (args.length > index) checkPattern(args[index], name === 'similar_to_escape' ? 'SIMILAR TO' : `${name}()`);
    return;
  }
  // substring(x from 'pattern') / substring(x, 'pattern') matches a POSIX expression, and
  // substring(x similar 'pattern' escape '#') / substring(x from 'pattern' for '#') a SIMILAR TO
  // one; substring(x, 2) and substring(x from 2 for 3) are positions.
  if (name === 'substring' && (args.length === 2 || args.length === 3) && constantText(args[1]) !== undefined && constantNumber(args[1]) === undefined) {
    checkPattern(args[1], 'substring()');
  }
}

/** The operators whose right operand may be a jsonpath (`jsonb @? path`, `jsonb @@ path`). */
const JSONPATH_OPERATORS: ReadonlySet<string> = new Set(['@?', '@@']);

/**
 * A jsonpath's `like_regex "pattern"` is a regular expression like any other: it is held to the
 * same rule. A jsonpath can only be a literal (no cast to jsonpath is allowed), so every pattern
 * in it is visible here; `@@` on a text search query has no `like_regex` and passes.
 */
function checkJsonPathPatterns(operand: unknown): void {
  const array = (operand as AstNode | undefined)?.A_ArrayExpr as AstNode | undefined;
  if (array) {
    for (const element of (array.elements as unknown[] | undefined) ?? []) checkJsonPathPatterns(element);
    return;
  }
  const path = constantText(operand);
  if (path === undefined || !/like_regex/i.test(path)) return;
  const patterns = [...path.matchAll(/like_regex\s*"((?:[^"\\]|\\.)*)"/gi)];
  if (patterns.length === 0) throw new Refusal('complexity', 'the regular expression of a jsonpath like_regex must be a constant string, so that it can be checked before it runs');
  for (const match of patterns) {
    // Inside a jsonpath string a backslash escapes the next character, as in JSON.
    const pattern = match[1]!.replace(/\\(.)/g, '$1');
    const constant = { A_Const: { sval: { sval: pattern } } };
    checkPattern(constant, 'a jsonpath like_regex');
  }
}

function checkRegexOperator(expression: AstNode): void {
  const kind = expression.kind;
  if (kind !== 'AEXPR_OP' && kind !== 'AEXPR_OP_ANY' && kind !== 'AEXPR_OP_ALL') return;
  const operator = nameParts(expression.name).at(-1) ?? '';
  if (REGEX_OPERATORS.has(operator)) checkPattern(expression.rexpr, `the ${operator} operator`);
  if (JSONPATH_OPERATORS.has(operator)) checkJsonPathPatterns(expression.rexpr);
}

/**
 * A regular expression must be a constant string of bounded length without the constructs that
 * make matching or compiling blow up: back-references (matched by backtracking), quantified groups
 * that contain a quantifier themselves (`(a+)+`, `(a*)*`), and bounds above 100 (`{1000}`, which
 * PostgreSQL unrolls). A pattern built at run time cannot be checked, so it is refused.
 */
function checkPattern(node: unknown, where: string): void {
  const array = (node as AstNode | undefined)?.A_ArrayExpr as AstNode | undefined;
  if (array) {
    for (const element of (array.elements as unknown[] | undefined) ?? []) checkPattern(element, where);
    return;
  }
  const pattern = constantText(node);
  if (pattern === undefined) {
    throw new Refusal('complexity', `the regular expression of ${where} must be a constant string, so that it can be checked before it runs`);
  }
  if (pattern.length > MAX_PATTERN_LENGTH) {
    throw new Refusal('complexity', `the regular expression of ${where} is ${pattern.length} characters long; at most ${MAX_PATTERN_LENGTH} are allowed`);
  }
  const problem = regexProblem(pattern);
  if (problem) throw new Refusal('complexity', `the regular expression of ${where} ${problem}; simplify it`);
}

/** What makes `pattern` expensive to match, or undefined. Reads ARE/SIMILAR syntax loosely, erring towards refusal. */
export function regexProblem(pattern: string): string | undefined {
  // For every open group: whether a quantifier stands inside it.
  const groups: boolean[] = [];
  let lastGroupQuantified = false; // the group just closed contained a quantifier
  let afterGroup = false;
  for (let index = 0; index < pattern.length; index++) {
    const char = pattern[index]!;
    const closedGroup = afterGroup;
    afterGroup = false;
    if (char === '\\') {
      const next = pattern[index + 1] ?? '';
      if (/[1-9]/.test(next)) return 'uses a back-reference (\\' + next + ')';
      index++;
      continue;
    }
    if (char === '[') {
      // A bracket expression: skip to its closing bracket (a ']' first in the list is literal).
      let end = index + 1;
      if (pattern[end] === '^') end++;
      if (pattern[end] === ']') end++;
      while (end < pattern.length && pattern[end] !== ']') {
        // [:alpha:], [.x.] and [=x=] inside a bracket expression end at their own ':]', '.]', '=]'.
        const close = pattern[end] === '[' && /[:.=]/.test(pattern[end + 1] ?? '') ? pattern.indexOf(`${pattern[end + 1]}]`, end + 2) : -1;
        end = close >= 0 ? close + 2 : end + 1;
      }
      index = end;
      continue;
    }
    if (char === '(') {
      groups.push(false);
      if (pattern[index + 1] === '?') index++; // (?:…), (?=…), (?i): not a quantifier
      continue;
    }
    if (char === ')') {
      lastGroupQuantified = groups.pop() ?? false;
      afterGroup = true;
      continue;
    }
    const quantifier = char === '*' || char === '+' || char === '?' || char === '{';
    if (!quantifier) continue;
    if (char === '{') {
      const bound = /^\{(\d*)(?:,(\d*))?\}/.exec(pattern.slice(index));
      if (bound) {
        const largest = Math.max(Number(bound[1] || 0), Number(bound[2] || 0));
        if (largest > 100) return `repeats a part up to ${largest} times (at most 100)`;
        index += bound[0].length - 1;
      }
    }
    if (closedGroup && lastGroupQuantified) return 'repeats a group that is itself repeated (nested quantifiers such as (a+)+)';
    // Lazy and possessive suffixes (`+?`) belong to the quantifier before them.
    if (pattern[index + 1] === '?' || pattern[index + 1] === '+') index++;
    if (groups.length > 0) groups[groups.length - 1] = true;
    // A quantifier after a group makes the enclosing group quantified as well.
    if (closedGroup && groups.length > 0) groups[groups.length - 1] = true;
  }
  return undefined;
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
