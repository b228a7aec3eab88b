/**
 * Finds the periods a question names and resolves them against the as-of date, with the contract's
 * conventions: calendar quarters and years, weeks from Monday, half-open ranges, "last N months" as
 * N whole months up to and including the as-of month, "last N days" ending on the as-of date.
 */
import type { Token } from './tokenizer.ts';

/** A half-open date range `[start, end)`, both `YYYY-MM-DD`. */
export interface DateRange {
  readonly start: string;
  readonly end: string;
  /** How the question named it ("2024", "Q3 2025", "last 6 months"). */
  readonly label: string;
}

/** A period found in a question, with the tokens it spans. */
export interface TimeMention {
  /** Null for "the whole period" / "all time": explicitly no date filter. */
  readonly range: DateRange | null;
  readonly first: number;
  readonly last: number;
  readonly unit: 'day' | 'week' | 'month' | 'quarter' | 'half' | 'year' | 'span' | 'all';
  readonly parenthetical: boolean;
}

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const MONTH_ABBREVIATIONS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const NUMBER_WORDS: Record<string, number> = { one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11, twelve: 12, eighteen: 18, twenty: 20, thirty: 30, sixty: 60, ninety: 90, a: 1 };
/** Words the period finder reads (for typo correction: "Febuary" is February). */
export const TIME_WORDS: readonly string[] = [...MONTHS, 'quarter', 'quarters', 'month', 'months', 'year', 'years', 'week', 'weeks', 'days', 'today', 'yesterday', 'since', 'between', 'through', 'until', 'previous', 'trailing', 'current', 'fiscal', 'half', 'first', 'second', 'third', 'fourth', 'history'];
const ORDINALS: Record<string, number> = { first: 1, '1st': 1, second: 2, '2nd': 2, third: 3, '3rd': 3, fourth: 4, '4th': 4, last: 4, final: 4 };

/** Parses `YYYY-MM-DD` as a UTC calendar date. */
export function parseDate(text: string): Date {
  const [y, m, d] = text.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d));
}

/** Formats a UTC calendar date as `YYYY-MM-DD`. */
export function formatDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

const ymd = (y: number, m: number, d = 1): string => formatDate(new Date(Date.UTC(y, m - 1, d)));
const addDays = (text: string, days: number): string => { const d = parseDate(text); d.setUTCDate(d.getUTCDate() + days); return formatDate(d); };
const addMonths = (text: string, months: number): string => { const d = parseDate(text); return ymd(d.getUTCFullYear(), d.getUTCMonth() + 1 + months, d.getUTCDate()); };

/** The calendar year as a range. */
export const yearRange = (y: number): DateRange => ({ start: ymd(y, 1), end: ymd(y + 1, 1), label: String(y) });
/** A calendar quarter (1..4) as a range. */
export const quarterRange = (y: number, q: number): DateRange => ({ start: ymd(y, 3 * q - 2), end: ymd(y, 3 * q + 1), label: `Q${q} ${y}` });
/** A calendar month (1..12) as a range. */
export const monthRange = (y: number, m: number): DateRange => ({ start: ymd(y, m), end: ymd(y, m + 1), label: `${MONTHS[m - 1]!.replace(/^./, (c) => c.toUpperCase())} ${y}` });

/** The same range shifted by whole years (same quarter last year, YoY comparisons). */
export function shiftYears(range: DateRange, years: number): DateRange {
  return { start: addMonths(range.start, 12 * years), end: addMonths(range.end, 12 * years), label: `${range.label} ${years < 0 ? 'a year earlier' : 'a year later'}` };
}

/** The range of equal calendar length just before (previous quarter, previous month). */
export function previousPeriod(range: DateRange, unit: TimeMention['unit']): DateRange {
  const months = unit === 'month' ? 1 : unit === 'quarter' ? 3 : unit === 'half' ? 6 : unit === 'year' ? 12 : 0;
  if (months > 0) return { start: addMonths(range.start, -months), end: range.start, label: `the period before ${range.label}` };
  const days = Math.round((parseDate(range.end).getTime() - parseDate(range.start).getTime()) / 86_400_000);
  return { start: addDays(range.start, -days), end: range.start, label: `the period before ${range.label}` };
}

/** Moves a range's start back by one bucket of a grain (month-over-month needs the month before). */
export function extendBack(range: DateRange, grain: 'day' | 'week' | 'month' | 'quarter' | 'year'): string {
  if (grain === 'day') return addDays(range.start, -1);
  if (grain === 'week') { const d = parseDate(range.start); const monday = addDays(range.start, -((d.getUTCDay() + 6) % 7)); return addDays(monday, -7); }
  return addMonths(range.start, grain === 'month' ? -1 : grain === 'quarter' ? -3 : -12);
}

interface Context { readonly asOf: string; readonly y: number; readonly m: number; readonly day: number; readonly next: string }

const isYear = (t: Token | undefined): boolean => !!t && t.kind === 'number' && !t.amount && /^\d{4}$/.test(t.text) && t.value! >= 1990 && t.value! <= 2100;
/** Words after which a number is an amount ("more than 2000 units"), not a year. */
const AMOUNT_BEFORE = ['than', 'least', 'most', 'above', 'below', 'under', 'exceeding', 'exceeds', 'exceeded', 'beyond'];
const monthOf = (t: Token | undefined): number => {
  if (!t || t.kind !== 'word') return 0;
  const full = MONTHS.indexOf(t.text);
  if (full >= 0) return full + 1;
  const short = MONTH_ABBREVIATIONS.indexOf(t.text.replace(/\.$/, ''));
  return short >= 0 && t.text !== 'may' ? short + 1 : t.text === 'sept' ? 9 : short >= 0 ? short + 1 : 0;
};
const isDayNumber = (t: Token | undefined): boolean => !!t && t.kind === 'number' && !t.amount && Number.isInteger(t.value) && t.value! >= 1 && t.value! <= 31;
const quantity = (t: Token | undefined): number | undefined => (t ? (t.kind === 'number' ? t.value : NUMBER_WORDS[t.text]) : undefined);

/**
 * Finds every period in the tokens, left to right. `merge` joins "between A and B" / "from A to B"
 * into one inclusive span (not wanted when the question compares A with B).
 */
export function findTimeMentions(tokens: readonly Token[], asOf: string, options: { mergeSpans: boolean }): TimeMention[] {
  const d = parseDate(asOf);
  const ctx: Context = { asOf, y: d.getUTCFullYear(), m: d.getUTCMonth() + 1, day: d.getUTCDate(), next: addDays(asOf, 1) };
  const mentions: TimeMention[] = [];
  let i = 0;
  while (i < tokens.length) {
    const found = matchAt(tokens, i, ctx);
    if (found) { mentions.push(found); i = found.last + 1; } else i += 1;
  }
  const merged: TimeMention[] = [];
  for (const mention of mentions) {
    const previous = merged[merged.length - 1];
    const between = previous ? tokens.slice(previous.last + 1, mention.first).map((t) => t.text) : [];
    const opener = previous ? tokens[previous.first - 1]?.text : undefined;
    const spanWords = ['to', 'through', 'thru', 'until', 'till', 'and'];
    const joins = between.length === 1 && spanWords.includes(between[0]!) && ((opener === 'between' || opener === 'from') || (between[0] !== 'and' && between[0] !== 'to'));
    const dash = between.length === 0 && previous && opener !== undefined;
    if (previous && previous.range && mention.range && options.mergeSpans && (joins || (dash && previous.unit === mention.unit))) {
      const start = previous.range.start < mention.range.start ? previous.range.start : mention.range.start;
      const end = previous.range.end > mention.range.end ? previous.range.end : mention.range.end;
      merged[merged.length - 1] = { range: { start, end, label: `${previous.range.label} to ${mention.range.label}` }, first: previous.first - (opener === 'between' || opener === 'from' ? 1 : 0), last: mention.last, unit: 'span', parenthetical: previous.parenthetical };
      continue;
    }
    merged.push(mention);
  }
  return merged;
}

function mention(range: DateRange | null, first: number, last: number, unit: TimeMention['unit'], tokens: readonly Token[]): TimeMention {
  return { range, first, last, unit, parenthetical: tokens[first]?.parenthetical ?? false };
}

/** Year for a month or quarter named without one: a year written right after, else the latest not after as-of. */
function impliedYear(tokens: readonly Token[], from: number, ctx: Context, startMonth: number): { year: number; last: number } {
  const relative = relativeYearAt(tokens, from, ctx);
  if (relative) return relative;
  for (let k = from; k < Math.min(tokens.length, from + 6); k += 1) {
    const t = tokens[k]!;
    if (isYear(t)) return { year: t.value!, last: k === from || (k === from + 1 && tokens[from]!.text === 'of') ? k : from - 1 };
    if (!(['and', 'to', 'through', 'until', 'or', 'of', 'vs', 'versus'].includes(t.text) || monthOf(t) || /^q[1-4]$/.test(t.text) || t.kind === 'number')) break;
  }
  return { year: startMonth > ctx.m ? ctx.y - 1 : ctx.y, last: from - 1 };
}

/** "of last year", "this year", "of the previous year" right at `from`: the year it names. */
function relativeYearAt(tokens: readonly Token[], from: number, ctx: Context): { year: number; last: number } | undefined {
  let k = from;
  if (tokens[k]?.text === 'of') k += 1;
  if (tokens[k]?.text === 'the') k += 1;
  const word = tokens[k]?.text ?? '';
  if (tokens[k + 1]?.text !== 'year') return undefined;
  if (['last', 'previous', 'prior'].includes(word)) return { year: ctx.y - 1, last: k + 1 };
  if (['this', 'current'].includes(word)) return { year: ctx.y, last: k + 1 };
  return undefined;
}

/** A year written at `from` ("2024", "of 2024", "of last year"), if any. */
function yearAt(tokens: readonly Token[], from: number, ctx: Context): { year: number; last: number } | undefined {
  if (isYear(tokens[from])) return { year: tokens[from]!.value!, last: from };
  if (tokens[from]?.text === 'of' && isYear(tokens[from + 1])) return { year: tokens[from + 1]!.value!, last: from + 1 };
  return relativeYearAt(tokens, from, ctx);
}

function matchAt(tokens: readonly Token[], i: number, ctx: Context): TimeMention | undefined {
  const t = tokens[i]!;
  const w = (k: number): string => tokens[i + k]?.text ?? '';
  const words = (...expected: string[]): boolean => expected.every((e, k) => e.split('|').includes(w(k)));
  const cap = (end: string): string => (end > ctx.next ? ctx.next : end);

  // Whole history: no date filter.
  if (words('whole|entire|full', 'period|history|dataset|range|time')) return mention(null, i, i + 1, 'all', tokens);
  if (words('all', 'time|years|history')) return mention(null, i, i + 1, 'all', tokens);
  if (words('ever') && !words('ever', 'purchase|order|sale')) return mention(null, i, i, 'all', tokens);

  // ISO date.
  if (t.kind === 'date') return mention({ start: t.text, end: addDays(t.text, 1), label: t.text }, i, i, 'day', tokens);

  // "same quarter/month last year", "same period last year".
  if (words('same', 'quarter|month|period|time', 'last|previous|prior', 'year') || words('same', 'quarter|month|period|time', 'a', 'year', 'ago')) {
    const unit = w(1) === 'month' ? 'month' : w(1) === 'quarter' ? 'quarter' : 'period';
    const base = unit === 'month' ? monthRange(ctx.y, ctx.m) : quarterRange(ctx.y, Math.ceil(ctx.m / 3));
    const last = w(2) === 'a' ? i + 4 : i + 3;
    return mention({ ...shiftYears(base, -1), label: `same ${unit} last year` }, i, last, unit === 'month' ? 'month' : 'quarter', tokens);
  }

  // Parts of a named year: "first 6 months of 2024", "last 2 quarters of 2023", "last quarter of 2024".
  if (['first', 'last', 'final'].includes(t.text)) {
    const n = quantity(tokens[i + 1]);
    const unitWord = n !== undefined && tokens[i + 1]!.text !== 'a' ? w(2) : '';
    const counted = n !== undefined && /^(months?|quarters?)$/.test(unitWord) ? yearAt(tokens, i + 3, ctx) : undefined;
    if (counted && n! >= 1 && n! <= 12) {
      const months = unitWord.startsWith('quarter') ? 3 * n! : n!;
      if (months <= 12) {
        const range = t.text === 'first' ? { start: ymd(counted.year, 1), end: ymd(counted.year, months + 1) } : { start: ymd(counted.year, 13 - months), end: ymd(counted.year + 1, 1) };
        return mention({ ...range, end: cap(range.end), label: `${t.text} ${n} ${unitWord} of ${counted.year}` }, i, counted.last, unitWord.startsWith('quarter') && n === 1 ? 'quarter' : 'span', tokens);
      }
    }
    const single = t.text !== 'first' && /^(quarter|month|half)$/.test(w(1)) ? yearAt(tokens, i + 2, ctx) : undefined;
    if (single) {
      const range = w(1) === 'quarter' ? quarterRange(single.year, 4) : w(1) === 'month' ? monthRange(single.year, 12) : { start: ymd(single.year, 7), end: ymd(single.year + 1, 1), label: `H2 ${single.year}` };
      return mention(range, i, single.last, w(1) as 'quarter' | 'month' | 'half', tokens);
    }
  }

  // Relative: "last|past|previous|trailing N days|weeks|months|quarters|years".
  if (['last', 'past', 'previous', 'trailing', 'prior', 'recent', 'latest'].includes(t.text)) {
    let k = i + 1;
    if (w(1) === 'few') return undefined;
    const n = quantity(tokens[k]);
    const unitWord = n !== undefined ? tokens[k + 1]?.text ?? '' : '';
    if (n !== undefined && n >= 1 && n <= 1000 && /^(days?|weeks?|months?|quarters?|years?)$/.test(unitWord)) {
      k += 1;
      const unit = unitWord.replace(/s$/, '');
      let range: DateRange;
      if (unit === 'day') range = { start: addDays(ctx.asOf, -(n - 1)), end: ctx.next, label: `last ${n} days` };
      else if (unit === 'week') range = { start: addDays(ctx.asOf, -(7 * n - 1)), end: ctx.next, label: `last ${n} weeks` };
      else if (unit === 'month') range = { start: ymd(ctx.y, ctx.m - n + 1), end: ymd(ctx.y, ctx.m + 1), label: `last ${n} months` };
      else if (unit === 'quarter') { const q = Math.ceil(ctx.m / 3); range = { start: ymd(ctx.y, 3 * (q - n) + 1), end: ymd(ctx.y, 3 * q + 1), label: `last ${n} quarters` }; }
      else range = { start: ymd(ctx.y - n + 1, 1), end: ymd(ctx.y + 1, 1), label: `last ${n} years` };
      return mention(range, i, k, unit === 'day' || unit === 'week' ? 'span' : (unit as TimeMention['unit']), tokens);
    }
    if (words('last|past|trailing', 'twelve|12', 'months')) return undefined; // handled above
    const unitWord1 = w(1);
    if (t.text === 'recent' || t.text === 'latest') return undefined;
    if (unitWord1 === 'year' || unitWord1 === 'fiscal' && w(2) === 'year') {
      if (t.text === 'past' || t.text === 'trailing') return mention({ start: ymd(ctx.y, ctx.m - 11), end: ymd(ctx.y, ctx.m + 1), label: 'last 12 months' }, i, i + 1, 'span', tokens);
      return mention({ ...yearRange(ctx.y - 1), label: `last year (${ctx.y - 1})` }, i, unitWord1 === 'fiscal' ? i + 2 : i + 1, 'year', tokens);
    }
    if (unitWord1 === 'quarter') { const q = Math.ceil(ctx.m / 3) - 1; const r = q === 0 ? quarterRange(ctx.y - 1, 4) : quarterRange(ctx.y, q); return mention({ ...r, label: `last quarter (${r.label})` }, i, i + 1, 'quarter', tokens); }
    if (unitWord1 === 'month') { const r = ctx.m === 1 ? monthRange(ctx.y - 1, 12) : monthRange(ctx.y, ctx.m - 1); return mention({ ...r, label: `last month (${r.label})` }, i, i + 1, 'month', tokens); }
    if (unitWord1 === 'week') {
      const monday = addDays(ctx.asOf, -((parseDate(ctx.asOf).getUTCDay() + 6) % 7));
      return mention({ start: addDays(monday, -7), end: monday, label: 'last week' }, i, i + 1, 'week', tokens);
    }
    if (t.text === 'last' && (unitWord1 === 'half')) { const h = ctx.m <= 6 ? 2 : 1; const y = h === 2 ? ctx.y - 1 : ctx.y; return mention({ start: ymd(y, h === 1 ? 1 : 7), end: ymd(y, h === 1 ? 7 : 13), label: `H${h} ${y}` }, i, i + 1, 'half', tokens); }
    return undefined;
  }

  // "this|current quarter|month|year|week", "so far this year", "to date".
  if (words('so', 'far', 'this|in|the') && ['year', 'quarter', 'month', 'week'].includes(w(3))) return thisPeriod(w(3), i, i + 3, ctx, tokens, cap);
  if (words('so', 'far', 'this|in', 'the') && ['year', 'quarter', 'month', 'week'].includes(w(4))) return thisPeriod(w(4), i, i + 4, ctx, tokens, cap);
  if (words('this|current|the current', 'year|quarter|month|week')) {
    const extra = words('this|current', 'year|quarter|month|week', 'so', 'far') ? 2 : words('this|current', 'year|quarter|month|week', 'to', 'date') ? 2 : 0;
    return thisPeriod(w(1), i, i + 1 + extra, ctx, tokens, cap);
  }
  if (words('this', 'fiscal', 'year')) return thisPeriod('year', i, i + 2, ctx, tokens, cap);
  if (words('year|quarter|month|week', 'to', 'date')) return thisPeriod(w(0), i, i + 2, ctx, tokens, cap);
  if (['ytd', 'qtd', 'mtd', 'wtd'].includes(t.text)) return thisPeriod({ ytd: 'year', qtd: 'quarter', mtd: 'month', wtd: 'week' }[t.text]!, i, i, ctx, tokens, cap);
  if (['ttm', 'ltm'].includes(t.text)) return mention({ start: ymd(ctx.y, ctx.m - 11), end: ymd(ctx.y, ctx.m + 1), label: 'last 12 months' }, i, i, 'span', tokens);
  if (t.text === 'today') return mention({ start: ctx.asOf, end: ctx.next, label: 'today' }, i, i, 'day', tokens);
  if (t.text === 'yesterday') { const y = addDays(ctx.asOf, -1); return mention({ start: y, end: ctx.asOf, label: 'yesterday' }, i, i, 'day', tokens); }
  if (words('year', 'before', 'last')) return mention(yearRange(ctx.y - 2), i, i + 2, 'year', tokens);

  // "since X": from X to the as-of date.
  if (t.text === 'since') {
    // "since the start of 2024", "since the beginning of Q3": from the start of the period named.
    let from = i + 1;
    if (tokens[from]?.text === 'the') from += 1;
    if (['start', 'beginning', 'begin'].includes(tokens[from]?.text ?? '') && tokens[from + 1]?.text === 'of') from += 2;
    else from = i + 1;
    const inner = matchAt(tokens, from, ctx);
    if (inner?.range) return mention({ start: inner.range.start, end: ctx.next, label: `since ${inner.range.label}` }, i, inner.last, 'span', tokens);
  }

  // Quarters: "Q3 2025", "Q3 of 2025", "2025 Q3", "third quarter of 2024", "Q3".
  const quarterWord = /^q([1-4])$/.exec(t.text);
  const ordinalQuarter = ORDINALS[t.text] !== undefined && w(1) === 'quarter' && t.text !== 'last' ? ORDINALS[t.text] : undefined;
  if (quarterWord || ordinalQuarter) {
    const q = quarterWord ? Number(quarterWord[1]) : ordinalQuarter!;
    const after = quarterWord ? i + 1 : i + 2;
    const implied = impliedYear(tokens, after, ctx, 3 * q - 2);
    // "2025 Q3" takes the year written before it, but not across a parenthesis ("of 2025 (Q1 …)").
    const before = isYear(tokens[i - 1]) && tokens[i - 1]!.parenthetical === t.parenthetical ? tokens[i - 1]!.value : undefined;
    return mention(quarterRange(before ?? implied.year, q), before !== undefined && implied.last < after ? i - 1 : i, Math.max(after - 1, implied.last), 'quarter', tokens);
  }
  if (isYear(t) && /^q[1-4]$/.test(w(1)) && tokens[i + 1]!.parenthetical === t.parenthetical) return undefined; // "2025 Q3": the quarter takes the year

  // Halves: "H1 2024", "first half of 2024", "second half".
  const halfWord = /^h([12])$/.exec(t.text);
  const ordinalHalf = (t.text === 'first' || t.text === 'second' || t.text === '1st' || t.text === '2nd') && w(1) === 'half' ? ORDINALS[t.text] : undefined;
  if (halfWord || ordinalHalf) {
    const h = halfWord ? Number(halfWord[1]) : ordinalHalf!;
    const after = halfWord ? i + 1 : i + 2;
    const implied = impliedYear(tokens, after, ctx, h === 1 ? 1 : 7);
    const range = { start: ymd(implied.year, h === 1 ? 1 : 7), end: ymd(implied.year, h === 1 ? 7 : 13), label: `H${h} ${implied.year}` };
    return mention(range, i, Math.max(after - 1, implied.last), 'half', tokens);
  }

  // Months: "October 2025", "Oct 5, 2025", "5 October 2025", "October".
  const month = monthOf(t);
  // "may" is a month only where a date would stand: before a year or a day ("May 31"), or after "in", "of", "between", "from", "to"…
  const mayIsMonth = isYear(tokens[i + 1]) || isDayNumber(tokens[i + 1]) || ['in', 'of', 'between', 'from', 'since', 'until', 'till', 'through', 'thru', 'to'].includes(tokens[i - 1]?.text ?? '')
    || (['and', 'or', 'vs', 'versus'].includes(tokens[i - 1]?.text ?? '') && monthOf(tokens[i - 2]) > 0);
  if (month && (t.text !== 'may' || mayIsMonth)) {
    const dayToken = tokens[i + 1];
    if (dayToken?.kind === 'number' && dayToken.value! >= 1 && dayToken.value! <= 31 && !isYear(dayToken)) {
      const implied = impliedYear(tokens, i + 2, ctx, month);
      const start = ymd(implied.year, month, dayToken.value!);
      return mention({ start, end: addDays(start, 1), label: start }, i, Math.max(i + 1, implied.last), 'day', tokens);
    }
    const implied = impliedYear(tokens, i + 1, ctx, month);
    return mention(monthRange(implied.year, month), i, Math.max(i, implied.last), 'month', tokens);
  }
  if (t.kind === 'number' && t.value! >= 1 && t.value! <= 31 && monthOf(tokens[i + 1]) && !isYear(t)) {
    const m = monthOf(tokens[i + 1]);
    const implied = impliedYear(tokens, i + 2, ctx, m);
    const start = ymd(implied.year, m, t.value!);
    return mention({ start, end: addDays(start, 1), label: start }, i, Math.max(i + 1, implied.last), 'day', tokens);
  }

  // Years: "2024", "FY2024", "FY 2024".
  const fiscal = /^fy(\d{2}|\d{4})$/.exec(t.text);
  if (fiscal) { const y = Number(fiscal[1]!.length === 2 ? `20${fiscal[1]}` : fiscal[1]); return mention(yearRange(y), i, i, 'year', tokens); }
  if (t.text === 'fy' && isYear(tokens[i + 1])) return mention(yearRange(tokens[i + 1]!.value!), i, i + 1, 'year', tokens);
  if (isYear(t) && !AMOUNT_BEFORE.includes(tokens[i - 1]?.text ?? '')) return mention(yearRange(t.value!), i, i, 'year', tokens);
  return undefined;
}

function thisPeriod(unit: string, first: number, last: number, ctx: Context, tokens: readonly Token[], cap: (end: string) => string): TimeMention {
  if (unit === 'year') return mention({ start: ymd(ctx.y, 1), end: cap(ymd(ctx.y + 1, 1)), label: `${ctx.y} to date` }, first, last, 'year', tokens);
  if (unit === 'quarter') { const q = quarterRange(ctx.y, Math.ceil(ctx.m / 3)); return mention({ ...q, end: cap(q.end), label: `${q.label} to date` }, first, last, 'quarter', tokens); }
  if (unit === 'month') { const m = monthRange(ctx.y, ctx.m); return mention({ ...m, end: cap(m.end), label: `${m.label} to date` }, first, last, 'month', tokens); }
  const monday = addDays(ctx.asOf, -((parseDate(ctx.asOf).getUTCDay() + 6) % 7));
  return mention({ start: monday, end: ctx.next, label: 'this week' }, first, last, 'week', tokens);
}
