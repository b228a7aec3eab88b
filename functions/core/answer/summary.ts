/**
 * The one-sentence summary of an answer, built from the result alone (never from the model's
 * words), so that it can only state figures that are in the rows.
 *
 * A result cut short (by the row cap or the answer's byte budget) is said to be cut, and by what,
 * before anything else; its highest, lowest and first-to-last figures are then stated as figures
 * of the rows shown, never as if they were the whole result's.
 */
import type { Cell, QueryResult } from '../ports.ts';
import { columnRoles, formatNumber, humanize } from './columns.ts';

export interface SummaryInput {
  readonly question: string;
  readonly interpretation: string;
  readonly result: QueryResult;
}

/** The summary sentence of `result`, introduced by the planner's interpretation of the question. */
export function describeResult({ interpretation, result }: SummaryInput): string {
  const { rows, columns } = result;
  const subject = capitalize(interpretation || 'The query');
  const cut = result.truncated ? cutBy(result) : undefined;
  if (rows.length === 0) {
    return cut ? `${subject}: no rows shown — the result was cut at ${cut} before its first row.` : `${subject}: no rows matched.`;
  }
  // For a cut result every statement below is about the rows shown; say so first.
  const shown = cut ? `the first ${rows.length === 1 ? 'row' : count(rows.length)} only — the result was cut at ${cut}` : undefined;

  const roles = columnRoles(result);
  const measures = roles.flatMap((role, i) => (role === 'measure' ? [i] : []));
  const labels = roles.flatMap((role, i) => (role === 'measure' ? [] : [i]));

  if (rows.length === 1 && labels.length === 0 && measures.length > 0) {
    const figures = measures.map((i) => `${humanize(columns[i]!.name)} ${show(rows[0]![i], columns[i]!.name)}`);
    return shown ? `${subject}: ${shown}: ${figures.join(', ')}.` : `${subject}: ${figures.join(', ')}.`;
  }
  const measure = measures[0];
  if (measure === undefined) return `${subject}: ${shown ?? count(rows.length)}.`;
  const measureName = columns[measure]!.name;
  const label = (row: Cell[]) => labels.map((i) => String(row[i] ?? '—')).join(' / ');
  if (rows.length === 1) {
    const figure = `${label(rows[0]!)} with ${humanize(measureName)} ${show(rows[0]![measure], measureName)}`;
    return shown ? `${subject}: ${shown}: ${figure}.` : `${subject}: ${figure}.`;
  }

  const timeIndex = roles.findIndex((role) => role === 'time' || role === 'ordinal-time');
  const numeric = rows.filter((row) => typeof row[measure] === 'number');
  if (numeric.length === 0) return `${subject}: ${shown ?? count(rows.length)}.`;
  const high = numeric.reduce((a, b) => ((b[measure] as number) > (a[measure] as number) ? b : a));
  const low = numeric.reduce((a, b) => ((b[measure] as number) < (a[measure] as number) ? b : a));

  if (timeIndex >= 0 && labels.length === 1) {
    const ordered = [...numeric].sort((a, b) => String(a[timeIndex]).localeCompare(String(b[timeIndex])));
    const first = ordered[0]!;
    const last = ordered.at(-1)!;
    const from = first[measure] as number;
    const to = last[measure] as number;
    const series = `${humanize(measureName)} went from ${show(from, measureName)} in ${first[timeIndex]} to ${show(to, measureName)} in ${last[timeIndex]}`;
    const peak = `peaking in ${high[timeIndex]} at ${show(high[measure], measureName)}`;
    // The change from first to last is the whole period's only when the whole period is shown.
    if (shown) return `${subject}: ${shown}; in these rows ${series}, ${peak}.`;
    const change = from !== 0 ? ` (${to >= from ? '+' : ''}${formatNumber(((to - from) * 100) / Math.abs(from))}%)` : '';
    return `${subject}: ${series}${change}, ${peak}.`;
  }
  const extremes = `highest ${label(high)} at ${show(high[measure], measureName)}, lowest ${label(low)} at ${show(low[measure], measureName)}`;
  return shown ? `${subject}: ${shown}; among these rows ${extremes}.` : `${subject}: ${count(rows.length)}; ${extremes}.`;
}

/** What cut a truncated result, in words. */
function cutBy(result: QueryResult): string {
  switch (result.truncatedBy) {
    case 'rows':
      return 'the row cap';
    case 'bytes':
      return "the answer's size limit";
    default:
      return 'a limit';
  }
}

function count(rows: number): string {
  return `${rows.toLocaleString('en-US')} row${rows === 1 ? '' : 's'}`;
}

function show(value: Cell | undefined, name: string): string {
  if (typeof value === 'number') return formatNumber(value, name);
  return value === null || value === undefined ? 'no value' : String(value);
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
