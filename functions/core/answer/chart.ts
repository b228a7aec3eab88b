/**
 * Chooses a Vega-Lite chart from the result's shape: time → line, one category → bar, two
 * categories → grouped bar, one figure → no chart. The spec is data (JSON), never code: a client
 * renders it with vega-embed, and nothing in it is evaluated on our side.
 */
import type { Cell, QueryResult } from '../ports.ts';
import { columnRoles, humanize, type ColumnRole } from './columns.ts';

/** A Vega-Lite v5 specification: plain data. */
export type ChartSpec = Record<string, unknown>;

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';
/** Past this many points a chart stops being readable; the table still has every row. */
const MAX_POINTS = 500;

export function chooseChart(result: QueryResult, title?: string): ChartSpec | null {
  const { rows, columns } = result;
  if (rows.length <= 1 || rows.length > MAX_POINTS) return null;
  const roles = columnRoles(result);
  const measures = indexesOf(roles, 'measure');
  if (measures.length === 0) return null;
  const times = [...indexesOf(roles, 'time'), ...indexesOf(roles, 'ordinal-time')];
  const categories = indexesOf(roles, 'category');

  const values = rows.map((row) => Object.fromEntries(columns.map((c, i) => [c.name, row[i] as Cell])));
  const base = { $schema: SCHEMA, ...(title ? { title } : {}), data: { values }, width: 'container' };
  const field = (i: number) => columns[i]!.name;
  const quantitative = (i: number) => ({ field: field(i), type: 'quantitative', title: humanize(field(i)) });

  if (times.length === 1) {
    const t = times[0]!;
    const x = roles[t] === 'time'
      ? { field: field(t), type: 'temporal', title: humanize(field(t)) }
      : { field: field(t), type: 'ordinal', title: humanize(field(t)) };
    if (categories.length === 1 && measures.length >= 1) {
      return { ...base, mark: { type: 'line', point: true }, encoding: { x, y: quantitative(measures[0]!), color: { field: field(categories[0]!), type: 'nominal' } } };
    }
    if (categories.length === 0 && measures.length === 1) {
      return { ...base, mark: { type: 'line', point: true }, encoding: { x, y: quantitative(measures[0]!) } };
    }
    if (categories.length === 0) return folded(base, x, measures.map(field), 'line');
    return null;
  }
  if (times.length === 0 && categories.length === 1) {
    const x = { field: field(categories[0]!), type: 'nominal', title: humanize(field(categories[0]!)), sort: '-y' };
    if (measures.length === 1) return { ...base, mark: 'bar', encoding: { x, y: quantitative(measures[0]!) } };
    return folded(base, { ...x, sort: null }, measures.map(field), 'bar');
  }
  if (times.length === 0 && categories.length === 2 && measures.length === 1) {
    const [a, b] = categories as [number, number];
    return {
      ...base,
      mark: 'bar',
      encoding: {
        x: { field: field(a), type: 'nominal', title: humanize(field(a)) },
        xOffset: { field: field(b), type: 'nominal' },
        y: quantitative(measures[0]!),
        color: { field: field(b), type: 'nominal', title: humanize(field(b)) },
      },
    };
  }
  return null;
}

/** Several measures side by side: fold them into (measure, value) pairs. */
function folded(base: ChartSpec, x: Record<string, unknown>, measures: string[], mark: 'bar' | 'line'): ChartSpec {
  return {
    ...base,
    transform: [{ fold: measures, as: ['measure', 'value'] }],
    mark: mark === 'line' ? { type: 'line', point: true } : 'bar',
    encoding: {
      x,
      ...(mark === 'bar' ? { xOffset: { field: 'measure', type: 'nominal' } } : {}),
      y: { field: 'value', type: 'quantitative' },
      color: { field: 'measure', type: 'nominal' },
    },
  };
}

function indexesOf(roles: ColumnRole[], role: ColumnRole): number[] {
  return roles.flatMap((r, i) => (r === role ? [i] : []));
}
