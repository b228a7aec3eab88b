/**
 * Just enough constant evaluation to know how big a generated series is, or how long a padded
 * string gets, before the database sees the statement (internal to the guard).
 *
 * Why the guard evaluates anything at all: the planner folds immutable calls on constants while it
 * plans (`repeat('x', 1e9)` is computed by EXPLAIN itself), and PostgreSQL estimates a
 * `generate_series` only from arguments it can fold, so both must be bounded from the syntax tree.
 * Anything this module cannot evaluate is `undefined`, and the callers refuse it: it fails closed.
 */
import type { AstNode } from './postgres-parser.ts';
import { nameParts } from './walk.ts';

/** A constant the guard could evaluate: a number, a point in time, a duration or an untyped string. */
export type ConstantValue =
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'time'; readonly ms: number }
  | Interval
  | { readonly kind: 'text'; readonly value: string };

/**
 * A duration: `ms` as PostgreSQL averages it for estimates (a month is 30.44 days), and the least
 * and most it can really add to a timestamp (a month is 28 to 31 days, a day 23 to 25 hours across
 * a daylight-saving change). `1 month -30 days` averages +10 hours but can add -2 days: a series
 * stepping by it may never reach its end, which only the range shows.
 */
export interface Interval {
  readonly kind: 'interval';
  readonly ms: number;
  readonly least: number;
  readonly most: number;
}

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
/** A month as PostgreSQL's interval arithmetic averages it for estimates (30.44 days). */
const MONTH_MS = 30.436875 * DAY_MS;

const UNIT_MS: Readonly<Record<string, number>> = {
  microsecond: 0.001, microseconds: 0.001, us: 0.001,
  millisecond: 1, milliseconds: 1, ms: 1,
  second: 1_000, seconds: 1_000, sec: 1_000, secs: 1_000, s: 1_000,
  minute: 60_000, minutes: 60_000, min: 60_000, mins: 60_000, m: 60_000,
  hour: 3_600_000, hours: 3_600_000, hr: 3_600_000, hrs: 3_600_000, h: 3_600_000,
  day: DAY_MS, days: DAY_MS, d: DAY_MS,
  week: 7 * DAY_MS, weeks: 7 * DAY_MS, w: 7 * DAY_MS,
  month: MONTH_MS, months: MONTH_MS, mon: MONTH_MS, mons: MONTH_MS,
  quarter: 3 * MONTH_MS, quarters: 3 * MONTH_MS,
  year: 12 * MONTH_MS, years: 12 * MONTH_MS, yr: 12 * MONTH_MS, yrs: 12 * MONTH_MS, y: 12 * MONTH_MS,
  decade: 120 * MONTH_MS, decades: 120 * MONTH_MS,
  century: 1_200 * MONTH_MS, centuries: 1_200 * MONTH_MS,
  millennium: 12_000 * MONTH_MS, millennia: 12_000 * MONTH_MS,
};

/** `interval '1' month`: the typmod's field mask names the unit of a bare number (datetime.h). */
const INTERVAL_FIELD_UNITS: readonly [number, number][] = [
  [1 << 12, 1_000], // SECOND
  [1 << 11, 60_000], // MINUTE
  [1 << 10, 3_600_000], // HOUR
  [1 << 3, DAY_MS], // DAY
  [1 << 1, MONTH_MS], // MONTH
  [1 << 2, 12 * MONTH_MS], // YEAR
];

const NUMERIC_TYPES = new Set(['int2', 'int4', 'int8', 'smallint', 'integer', 'int', 'bigint', 'numeric', 'decimal', 'float4', 'float8', 'real']);
const TIME_TYPES = new Set(['date', 'timestamp', 'timestamptz']);
const NOW_FUNCTIONS = new Set(['now', 'current_date', 'current_timestamp', 'localtimestamp', 'transaction_timestamp', 'statement_timestamp']);

/** Evaluates a constant expression of the tree, or `undefined` when it is not one this module knows. */
export function evaluateConstant(node: unknown): ConstantValue | undefined {
  if (node === null || typeof node !== 'object') return undefined;
  const n = node as AstNode;
  if (n.A_Const) return evaluateLiteral(n.A_Const as AstNode);
  if (n.TypeCast) return evaluateCast(n.TypeCast as AstNode);
  if (n.A_Expr) return evaluateOperator(n.A_Expr as AstNode);
  if (n.SQLValueFunction) {
    const op = String((n.SQLValueFunction as AstNode).op);
    return /^SVFOP_(CURRENT_DATE|CURRENT_TIMESTAMP|LOCALTIMESTAMP)/.test(op) ? { kind: 'time', ms: Date.now() } : undefined;
  }
  if (n.FuncCall) return evaluateFunction(n.FuncCall as AstNode);
  return undefined;
}

/** A constant number (`10`, `1e9`, `-5`, `'7'::int`), or `undefined`. */
export function constantNumber(node: unknown): number | undefined {
  const value = evaluateConstant(node);
  if (value?.kind === 'number') return value.value;
  if (value?.kind === 'text' && value.value.trim() !== '' && Number.isFinite(Number(value.value))) return Number(value.value);
  return undefined;
}

/** A constant string literal (`'abc'`, `'abc'::text`), or `undefined`. */
export function constantText(node: unknown): string | undefined {
  const n = node as AstNode | undefined;
  const literal = (n?.A_Const ?? ((n?.TypeCast as AstNode | undefined)?.arg as AstNode | undefined)?.A_Const) as AstNode | undefined;
  const sval = literal?.sval as AstNode | undefined;
  return typeof sval?.sval === 'string' ? sval.sval : literal && sval ? '' : undefined;
}

/**
 * How many rows `generate_series(start, stop[, step])` yields, from its arguments, or `undefined`
 * when they are not constants this module can evaluate (a column, a subquery, `'infinity'`).
 */
export function seriesLength(args: readonly unknown[]): number | undefined {
  if (args.length < 2 || args.length > 4) return undefined;
  const start = evaluateConstant(args[0]);
  const stop = evaluateConstant(args[1]);
  const step = args.length >= 3 ? evaluateConstant(args[2]) : { kind: 'number' as const, value: 1 };
  if (!start || !stop || !step) return undefined;
  const span = difference(start, stop);
  const timeSeries = start.kind === 'time' || stop.kind === 'time';
  const interval = step.kind === 'interval' ? step : timeSeries && step.kind === 'text' ? parseInterval(step.value, undefined) : undefined;
  const stride = interval ? slowestStride(interval) : timeSeries ? undefined : numberOf(step);
  if (span === undefined || stride === undefined || !Number.isFinite(span) || !Number.isFinite(stride)) return undefined;
  if (stride === 0 || span / stride < 0) return 0;
  // A small tolerance: month steps are averaged, so Jan 1 → Dec 1 by month is 11.0 steps, not 10.99.
  return Math.floor(span / stride + 0.05) + 1;
}

/**
 * The smallest advance a step makes, with its sign: a series is as long as its slowest step makes
 * it. `undefined` when the step may advance in either direction or not at all (mixed signs).
 */
function slowestStride(step: Interval): number | undefined {
  if (step.least === 0 && step.most === 0) return 0;
  if (step.least > 0) return step.least;
  if (step.most < 0) return step.most;
  return undefined;
}

function interval(ms: number, least: number = ms, most: number = ms): Interval {
  return { kind: 'interval', ms, least, most };
}

function addIntervals(a: Interval, b: Interval, sign: 1 | -1): Interval {
  return sign === 1
    ? interval(a.ms + b.ms, a.least + b.least, a.most + b.most)
    : interval(a.ms - b.ms, a.least - b.most, a.most - b.least);
}

function scaleInterval(a: Interval, factor: number): Interval {
  const [x, y] = [a.least * factor, a.most * factor];
  return interval(a.ms * factor, Math.min(x, y), Math.max(x, y));
}

/** `count` units of a calendar length between `shortest` and `longest` ms (months, days). */
function calendarInterval(count: number, average: number, shortest: number, longest: number): Interval {
  return count >= 0 ? interval(count * average, count * shortest, count * longest) : interval(count * average, count * longest, count * shortest);
}

function difference(start: ConstantValue, stop: ConstantValue): number | undefined {
  const asTime = (value: ConstantValue): number | undefined =>
    value.kind === 'time' ? value.ms : value.kind === 'text' ? parseTimestamp(value.value) : undefined;
  if (start.kind === 'time' || stop.kind === 'time') {
    const [from, to] = [asTime(start), asTime(stop)];
    return from === undefined || to === undefined ? undefined : to - from;
  }
  const [from, to] = [numberOf(start), numberOf(stop)];
  return from === undefined || to === undefined ? undefined : to - from;
}

function numberOf(value: ConstantValue): number | undefined {
  if (value.kind === 'number') return value.value;
  if (value.kind === 'text' && value.value.trim() !== '' && Number.isFinite(Number(value.value))) return Number(value.value);
  return undefined;
}

function evaluateLiteral(literal: AstNode): ConstantValue | undefined {
  if (literal.isnull) return undefined;
  const ival = literal.ival as AstNode | undefined;
  if (ival) return { kind: 'number', value: typeof ival.ival === 'number' ? ival.ival : 0 };
  const fval = literal.fval as AstNode | undefined;
  if (fval) return { kind: 'number', value: Number(fval.fval) };
  const sval = literal.sval as AstNode | undefined;
  if (sval) return { kind: 'text', value: typeof sval.sval === 'string' ? sval.sval : '' };
  return undefined;
}

function evaluateCast(cast: AstNode): ConstantValue | undefined {
  const typeName = cast.typeName as AstNode | undefined;
  if (Array.isArray(typeName?.arrayBounds) && typeName.arrayBounds.length > 0) return undefined;
  const type = nameParts(typeName?.names).at(-1)?.toLowerCase() ?? '';
  const inner = evaluateConstant(cast.arg);
  if (!inner) return undefined;
  if (NUMERIC_TYPES.has(type)) {
    const value = numberOf(inner);
    return value === undefined ? undefined : { kind: 'number', value };
  }
  if (TIME_TYPES.has(type)) {
    if (inner.kind === 'time') return inner;
    if (inner.kind !== 'text') return undefined;
    const ms = parseTimestamp(inner.value);
    return ms === undefined ? undefined : { kind: 'time', ms };
  }
  if (type === 'interval') {
    if (inner.kind === 'interval') return inner;
    if (inner.kind !== 'text') return undefined;
    return parseInterval(inner.value, typeName?.typmods);
  }
  if (type === 'text' || type === 'varchar') return inner.kind === 'text' ? inner : undefined;
  return undefined;
}

function evaluateOperator(expression: AstNode): ConstantValue | undefined {
  if (expression.kind !== 'AEXPR_OP') return undefined;
  const operator = nameParts(expression.name).join('.');
  const right = evaluateConstant(expression.rexpr);
  if (!right) return undefined;
  if (expression.lexpr === undefined) {
    if (operator !== '-') return operator === '+' ? right : undefined;
    if (right.kind === 'interval') return scaleInterval(right, -1);
    const value = numberOf(right);
    return value === undefined ? undefined : { kind: 'number', value: -value };
  }
  const left = evaluateConstant(expression.lexpr);
  if (!left) return undefined;
  const time = (value: ConstantValue): number | undefined =>
    value.kind === 'time' ? value.ms : value.kind === 'text' ? parseTimestamp(value.value) : undefined;
  const duration = (value: ConstantValue): Interval | undefined =>
    value.kind === 'interval' ? value : value.kind === 'text' ? parseInterval(value.value, undefined) : undefined;
  if (left.kind === 'time' || right.kind === 'time' || left.kind === 'interval' || right.kind === 'interval') {
    if (operator === '+' || operator === '-') {
      const sign = operator === '+' ? 1 : -1;
      if (left.kind === 'time') {
        const shift = right.kind === 'number' ? right.value * DAY_MS : duration(right)?.ms;
        return shift === undefined ? undefined : { kind: 'time', ms: left.ms + sign * shift };
      }
      if (right.kind === 'time' && operator === '+') {
        const shift = left.kind === 'number' ? left.value * DAY_MS : duration(left)?.ms;
        return shift === undefined ? undefined : { kind: 'time', ms: right.ms + shift };
      }
      const [a, b] = [duration(left), duration(right)];
      if (left.kind === 'interval' && a !== undefined && b !== undefined) return addIntervals(a, b, sign);
      const at = time(left);
      return at === undefined || b === undefined ? undefined : { kind: 'time', ms: at + sign * b.ms };
    }
    if (operator === '*' || operator === '/') {
      const [span, factor] = left.kind === 'interval' ? [left, numberOf(right)] : right.kind === 'interval' && operator === '*' ? [right, numberOf(left)] : [undefined, undefined];
      if (span === undefined || factor === undefined || (operator === '/' && factor === 0)) return undefined;
      return scaleInterval(span, operator === '*' ? factor : 1 / factor);
    }
    return undefined;
  }
  const [a, b] = [numberOf(left), numberOf(right)];
  if (a === undefined || b === undefined) return undefined;
  switch (operator) {
    case '+':
      return { kind: 'number', value: a + b };
    case '-':
      return { kind: 'number', value: a - b };
    case '*':
      return { kind: 'number', value: a * b };
    case '/':
      return b === 0 ? undefined : { kind: 'number', value: a / b };
    case '^':
      return { kind: 'number', value: a ** b };
    default:
      return undefined;
  }
}

function evaluateFunction(call: AstNode): ConstantValue | undefined {
  const parts = nameParts(call.funcname);
  if (parts.length > 1 && parts[0] !== 'pg_catalog') return undefined;
  const name = parts.at(-1)?.toLowerCase() ?? '';
  const args = (call.args as unknown[] | undefined) ?? [];
  if (NOW_FUNCTIONS.has(name) && args.length === 0) return { kind: 'time', ms: Date.now() };
  if (name === 'date_trunc' && (args.length === 2 || args.length === 3)) {
    // Truncating moves a bound by less than one unit: close enough for a size estimate.
    const value = evaluateConstant(args[1]);
    if (value?.kind === 'time') return value;
    const ms = value?.kind === 'text' ? parseTimestamp(value.value) : undefined;
    return ms === undefined ? undefined : { kind: 'time', ms };
  }
  if (name === 'make_date' && args.length === 3) {
    const [year, month, day] = args.map(constantNumber);
    if (year === undefined || month === undefined || day === undefined) return undefined;
    return { kind: 'time', ms: Date.UTC(year, month - 1, day) };
  }
  return undefined;
}

/** `2024-01-01`, `2024-01-01 10:00[:00[.000]][zone]`; `undefined` for anything else ('infinity', 'now'). */
function parseTimestamp(text: string): number | undefined {
  const match = /^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?(?:\s*(?:Z|[+-]\d{1,2}(?::?\d{2})?|[A-Za-z_/]+))?\s*$/.exec(text);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second] = match;
  return Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour ?? 0), Number(minute ?? 0), Number(second ?? 0));
}

/** `1 month`, `7 days`, `1 year 2 months`, `01:30:00`, `-1 week`; a bare number takes the typmod's unit. */
function parseInterval(text: string, typmods: unknown): Interval | undefined {
  const trimmed = text.trim().toLowerCase();
  if (/^[+-]?\d+(\.\d+)?$/.test(trimmed)) {
    const mask = constantNumber((typmods as unknown[] | undefined)?.[0]);
    const unit = mask === undefined ? 1_000 : INTERVAL_FIELD_UNITS.find(([bit]) => (mask & bit) !== 0)?.[1];
    return unit === undefined ? undefined : component(Number(trimmed), unit);
  }
  let total = interval(0);
  let rest = trimmed.replace(/^@\s*/, '');
  const clock = /(?:^|\s)([+-]?)(\d+):(\d{2})(?::(\d{2}(?:\.\d+)?))?$/.exec(rest);
  if (clock) {
    const sign = clock[1] === '-' ? -1 : 1;
    total = interval(sign * (Number(clock[2]) * HOUR_MS + Number(clock[3]) * 60_000 + Number(clock[4] ?? 0) * 1_000));
    rest = rest.slice(0, clock.index).trim();
  }
  const pair = /([+-]?\d+(?:\.\d+)?)\s*([a-z]+)\s*/y;
  let consumed = 0;
  while (consumed < rest.length) {
    pair.lastIndex = consumed;
    const match = pair.exec(rest);
    const unit = match ? UNIT_MS[match[2]!] : undefined;
    if (!match || unit === undefined) return undefined;
    total = addIntervals(total, component(Number(match[1]), unit), 1);
    consumed = pair.lastIndex;
  }
  return consumed === 0 && !clock ? undefined : total;
}

/** `count` of a unit: months and longer are calendar months, days and weeks calendar days, the rest exact. */
function component(count: number, unit: number): Interval {
  if (unit >= MONTH_MS) return calendarInterval((count * unit) / MONTH_MS, MONTH_MS, 28 * DAY_MS, 31 * DAY_MS);
  if (unit >= DAY_MS) return calendarInterval((count * unit) / DAY_MS, DAY_MS, 23 * HOUR_MS, 25 * HOUR_MS);
  return interval(count * unit);
}
