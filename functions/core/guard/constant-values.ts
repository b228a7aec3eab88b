/**
 * Just enough constant evaluation to know how big a generated series is, or how long a padded
 * string gets, before the database sees the statement (internal to the guard).
 *
 * Why the guard evaluates anything at all: the planner folds immutable calls on constants while it
 * plans (`repeat('x', 1e9)` is computed by EXPLAIN itself), and PostgreSQL estimates a
 * `generate_series` only from arguments it can fold, so both must be bounded from the syntax tree.
 * Anything this module cannot evaluate is `undefined`, and the callers refuse it: it fails closed.
 * Dates and times are ranges that surely hold the server's value (datetime-values.ts reads the
 * literals), so a series is sized by the longest it can be, never by a guess.
 */
import {
  CLOCK_SKEW_MS,
  convertMoment,
  DAY_MS,
  daysFromCivil,
  daysInMonth,
  fromClock,
  HOUR_MS,
  readMoment,
  truncationReach,
  ZONE_SLACK_MS,
  type Moment,
  type TimeType,
} from './datetime-values.ts';
import type { AstNode } from './postgres-parser.ts';
import { nameParts } from './walk.ts';

/** A constant the guard could evaluate: a number, a point in time (a range, datetime-values.ts), a duration or an untyped string. */
export type ConstantValue =
  | { readonly kind: 'number'; readonly value: number }
  | Moment
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

/** Numeric type names, as the parser writes them and as people spell them. */
export const NUMERIC_TYPES: ReadonlySet<string> = new Set(['int2', 'int4', 'int8', 'smallint', 'integer', 'int', 'bigint', 'numeric', 'decimal', 'float4', 'float8', 'real']);
const TIME_TYPES: ReadonlySet<string> = new Set(['date', 'timestamp', 'timestamptz']);
/** Functions that return the statement's clock as a timestamptz. */
const NOW_FUNCTIONS = new Set(['now', 'current_timestamp', 'transaction_timestamp', 'statement_timestamp']);

/** Evaluates a constant expression of the tree, or `undefined` when it is not one this module knows. */
export function evaluateConstant(node: unknown): ConstantValue | undefined {
  if (node === null || typeof node !== 'object') return undefined;
  const n = node as AstNode;
  if (n.A_Const) return evaluateLiteral(n.A_Const as AstNode);
  if (n.TypeCast) return evaluateCast(n.TypeCast as AstNode);
  if (n.A_Expr) return evaluateOperator(n.A_Expr as AstNode);
  if (n.SQLValueFunction) {
    const op = String((n.SQLValueFunction as AstNode).op);
    const now = Date.now();
    if (op === 'SVFOP_CURRENT_DATE') return fromClock('date', now, 'timestamptz');
    // With a precision (`current_timestamp(0)`) the value is rounded: within a second of the clock.
    const rounded = (value: Moment): Moment => (op.endsWith('_N') ? widen(value, 1_000) : value);
    if (op.startsWith('SVFOP_CURRENT_TIMESTAMP')) return rounded(fromClock('timestamptz', now, 'timestamptz'));
    if (op.startsWith('SVFOP_LOCALTIMESTAMP')) return rounded(fromClock('timestamp', now, 'timestamptz'));
    return undefined;
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
 * How many rows `generate_series(start, stop[, step[, zone]])` yields at most, from its arguments,
 * or `undefined` when they are not constants this module can evaluate exactly enough (a column, a
 * subquery, `'infinity'`, a date it cannot read as the server reads it).
 */
export function seriesLength(args: readonly unknown[]): number | undefined {
  if (args.length < 2 || args.length > 4) return undefined;
  const values = args.slice(0, 3).map(evaluateConstant);
  const [start, stop] = values;
  const step = args.length >= 3 ? values[2] : { kind: 'number' as const, value: 1 };
  if (!start || !stop || !step) return undefined;
  const timeSeries = start.kind === 'time' || stop.kind === 'time' || step.kind === 'interval' || args.length === 4;
  if (!timeSeries) {
    const [from, to, stride] = [numberOf(start), numberOf(stop), numberOf(step)];
    if (from === undefined || to === undefined || stride === undefined) return undefined;
    return count(to - from, to - from, stride);
  }
  const interval = step.kind === 'interval' ? step : step.kind === 'text' ? parseInterval(step.value, undefined) : undefined;
  if (!interval) return undefined;
  // generate_series(timestamp, timestamp, interval) only when a bound is a timestamp and none is
  // a date or timestamptz; everything else (dates included) runs as timestamptz.
  const types = [start, stop].map((value) => (value.kind === 'time' ? value.type : undefined));
  const type: TimeType = args.length < 4 && types.includes('timestamp') && types.every((t) => t === 'timestamp' || t === undefined) ? 'timestamp' : 'timestamptz';
  const [from, to] = [asMoment(start, type), asMoment(stop, type)];
  if (!from || !to) return undefined;
  const skew = from.clock === to.clock ? 0 : CLOCK_SKEW_MS;
  const stride = slowestStride(interval);
  if (stride === undefined) return undefined;
  // The longest the series can be: its bounds as far apart as their ranges allow, in its direction.
  return count(to.most - from.least + skew, to.least - from.most - skew, stride);
}

/** Rows of a series over a span of `widest` (stepping up) or `narrowest` (stepping down), or `undefined`. */
function count(widest: number, narrowest: number, stride: number): number | undefined {
  if (!Number.isFinite(widest) || !Number.isFinite(narrowest) || !Number.isFinite(stride)) return undefined;
  if (stride === 0) return 0;
  const span = stride > 0 ? widest : narrowest;
  if (span / stride < 0) return 0;
  // A small tolerance: a series that lands on its stop has one more row than the division says.
  return Math.floor(span / stride + 0.05) + 1;
}

/** A bound read as the series' type: an untyped literal is read as that type, a typed value converted to it. */
function asMoment(value: ConstantValue, type: TimeType): Moment | undefined {
  if (value.kind === 'time') return convertMoment(value, type);
  if (value.kind === 'text') return readMoment(value.value, type);
  return undefined;
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
    const target = type as TimeType;
    const value = inner.kind === 'time' ? convertMoment(inner, target) : inner.kind === 'text' ? readMoment(inner.value, target) : undefined;
    // `timestamp(0)` rounds to its precision: within a second either way.
    const typmods = (typeName?.typmods as unknown[] | undefined) ?? [];
    return value && typmods.length > 0 && target !== 'date' ? widen(value, 1_000) : value;
  }
  if (type === 'interval') {
    if (inner.kind === 'interval') return typeName?.typmods ? undefined : inner;
    if (inner.kind !== 'text') return undefined;
    return parseInterval(inner.value, typeName?.typmods);
  }
  if ((type === 'text' || type === 'varchar') && !typeName?.typmods) return inner.kind === 'text' ? inner : undefined;
  return undefined;
}

/** A moment `by` ms wider on both sides. */
function widen(value: Moment, by: number): Moment {
  return { ...value, least: value.least - by, most: value.most + by };
}

/** A moment moved by an interval (`sign` -1 subtracts it): as far as the interval's least and most reach. */
function shift(value: Moment, step: Interval, sign: 1 | -1, type: TimeType = value.type): Moment {
  const [low, high] = sign === 1 ? [step.least, step.most] : [-step.most, -step.least];
  return { ...value, type, least: value.least + low, most: value.most + high };
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
  if (left.kind === 'time' || right.kind === 'time') return timeArithmetic(operator, left, right);
  if (left.kind === 'interval' || right.kind === 'interval') {
    if (operator === '+' || operator === '-') {
      const [a, b] = [durationOf(left), durationOf(right)];
      // text + interval is ambiguous to the server (a date? an interval?): only interval ± interval.
      return left.kind === 'interval' && a !== undefined && b !== undefined ? addIntervals(a, b, operator === '+' ? 1 : -1) : undefined;
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

/**
 * `date ± integer` (days, a date), `date ± interval` (a timestamp), `timestamp[tz] ± interval`, and
 * `interval + time`, each as the server types it; anything else with a time is not evaluated.
 */
function timeArithmetic(operator: string, left: ConstantValue, right: ConstantValue): Moment | undefined {
  if (operator !== '+' && operator !== '-') return undefined;
  const sign = operator === '+' ? 1 : -1;
  const [moment, other] = left.kind === 'time' ? [left, right] : operator === '+' && right.kind === 'time' ? [right, left] : [undefined, undefined];
  if (!moment || !other || other.kind === 'time') return undefined;
  if (moment.type === 'date') {
    if (other.kind === 'number') {
      if (!Number.isInteger(other.value)) return undefined;
      return { ...moment, least: moment.least + sign * other.value * DAY_MS, most: moment.most + sign * other.value * DAY_MS };
    }
    return other.kind === 'interval' ? shift(moment, other, sign, 'timestamp') : undefined;
  }
  const step = other.kind === 'interval' ? other : other.kind === 'text' && left.kind === 'time' ? parseInterval(other.value, undefined) : undefined;
  return step ? shift(moment, step, sign) : undefined;
}

function durationOf(value: ConstantValue): Interval | undefined {
  return value.kind === 'interval' ? value : value.kind === 'text' ? parseInterval(value.value, undefined) : undefined;
}

function evaluateFunction(call: AstNode): ConstantValue | undefined {
  const parts = nameParts(call.funcname);
  if (parts.length > 1 && parts[0] !== 'pg_catalog') return undefined;
  const name = parts.at(-1)?.toLowerCase() ?? '';
  const args = (call.args as unknown[] | undefined) ?? [];
  if (call.agg_star || call.over || args.some((arg) => (arg as AstNode | undefined)?.NamedArgExpr)) return undefined;
  if (NOW_FUNCTIONS.has(name) && args.length === 0) return fromClock('timestamptz', Date.now(), 'timestamptz');
  if (name === 'date_trunc' && (args.length === 2 || args.length === 3)) {
    // Truncating moves a value back by less than one unit; a zone argument moves it by at most a zone.
    const unit = constantText(args[0]);
    const reach = unit === undefined ? undefined : truncationReach(unit);
    const value = evaluateConstant(args[1]);
    // date_trunc(text, date) runs on the date as a timestamptz; an untyped literal is read as one too.
    const moment = value?.kind === 'time' ? convertMoment(value, value.type === 'date' ? 'timestamptz' : value.type) : value?.kind === 'text' ? readMoment(value.value, 'timestamptz') : undefined;
    if (reach === undefined || !moment) return undefined;
    const zone = args.length === 3 || moment.type === 'timestamptz' ? ZONE_SLACK_MS : 0;
    return { ...moment, least: moment.least - reach - zone, most: moment.most + zone };
  }
  if (name === 'make_date' && args.length === 3) {
    const [written, month, day] = args.map(constantNumber);
    if (written === undefined || month === undefined || day === undefined || ![written, month, day].every(Number.isInteger)) return undefined;
    // make_date reads a negative year as BC: -44 is 44 BC, astronomical year -43; there is no year 0.
    const year = written < 0 ? written + 1 : written;
    if (written === 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
    const ms = daysFromCivil(year, month, day) * DAY_MS;
    return { kind: 'time', type: 'date', least: ms, most: ms, clock: false };
  }
  return undefined;
}

/** `1 month`, `7 days`, `1 year 2 months`, `01:30:00`, `-1 week`; a bare number takes the typmod's unit. */
function parseInterval(text: string, typmods: unknown): Interval | undefined {
  const trimmed = text.trim().toLowerCase();
  const restricted = Array.isArray(typmods) && typmods.length > 0;
  if (/^[+-]?\d+(\.\d+)?$/.test(trimmed)) {
    // A field restriction or precision truncates or rounds a fraction (interval '1.9' second(0) is
    // 2 seconds, interval '90 seconds' minute is 1 minute): with one, only whole numbers are exact.
    if (restricted && !/^[+-]?\d+$/.test(trimmed)) return undefined;
    const mask = constantNumber((typmods as unknown[] | undefined)?.[0]);
    const unit = mask === undefined ? 1_000 : INTERVAL_FIELD_UNITS.find(([bit]) => (mask & bit) !== 0)?.[1];
    return unit === undefined ? undefined : component(Number(trimmed), unit);
  }
  if (restricted) return undefined;
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
