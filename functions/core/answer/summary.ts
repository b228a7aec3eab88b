/**
 * The one-sentence summary of an answer, built from the result alone (never from the model's
 * words), so that it can only state figures that are in the rows.
 */
import type { Cell, QueryResult } from '../ports.ts';
import { columnRoles, formatNumber, humanize } from './columns.ts';

export interface SummaryInput {
  readonly question: string;
  readonly interpretation: string;
  readonly result: QueryResult;
}

export function describeResult({ interpretation, result }: SummaryInput): string {
  const { rows, columns } = result;
  const subject = capitalize(interpretation || 'The query');
  if (rows.length === 0) return `${subject}: no rows matched.`;

  const roles = columnRoles(result);
  const measures = roles.flatMap((role, i) => (role === 'measure' ? [i] : []));
  const labels = roles.flatMap((role, i) => (role === 'measure' ? [] : [i]));
  const more = result.truncated ? ' (first rows only; the result was cut at the row cap)' : '';

  if (rows.length === 1 && labels.length === 0) {
    const figures = measures.map((i) => `${humanize(columns[i]!.name)} ${show(rows[0]![i], columns[i]!.name)}`);
    return `${subject}: ${figures.join(', ')}.`;
  }
  const measure = measures[0];
  if (measure === undefined) return `${subject}: ${rows.length} row${rows.length === 1 ? '' : 's'}${more}.`;
  const measureName = columns[measure]!.name;
  const label = (row: Cell[]) => labels.map((i) => String(row[i] ?? '—')).join(' / ');
  if (rows.length === 1) return `${subject}: ${label(rows[0]!)} with ${humanize(measureName)} ${show(rows[0]![measure], measureName)}.`;

  const timeIndex = roles.findIndex((role) => role === 'time' || role === 'ordinal-time');
  const numeric = rows.filter((row) => typeof row[measure] === 'number');
  if (numeric.length === 0) return `${subject}: ${rows.length} rows${more}.`;
  const high = numeric.reduce((a, b) => ((b[measure] as number) > (a[measure] as number) ? b : a));
  const low = numeric.reduce((a, b) => ((b[measure] as number) < (a[measure] as number) ? b : a));

  if (timeIndex >= 0 && labels.length === 1) {
    const ordered = [...numeric].sort((a, b) => String(a[timeIndex]).localeCompare(String(b[timeIndex])));
    const first = ordered[0]!;
    const last = ordered.at(-1)!;
    const from = first[measure] as number;
    const to = last[measure] as number;
    const change = from !== 0 ? ` (${to >= from ? '+' : ''}${formatNumber(((to - from) * 100) / Math.abs(from))}%)` : '';
    return `${subject}: ${humanize(measureName)} went from ${show(from, measureName)} in ${first[timeIndex]} to ${show(to, measureName)} in ${last[timeIndex]}${change}, peaking in ${high[timeIndex]} at ${show(high[measure], measureName)}${more}.`;
  }
  return `${subject}: ${rows.length} rows; highest ${label(high)} at ${show(high[measure], measureName)}, lowest ${label(low)} at ${show(low[measure], measureName)}${more}.`;
}

function show(value: Cell | undefined, name: string): string {
  if (typeof value === 'number') return formatNumber(value, name);
  return value === null || value === undefined ? 'no value' : String(value);
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
