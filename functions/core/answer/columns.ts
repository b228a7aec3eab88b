import type { Cell, ColumnInfo, QueryResult } from '../ports.ts';

/** How a column takes part in a chart or a sentence. */
export type ColumnRole = 'time' | 'ordinal-time' | 'category' | 'measure';

const PERIOD_NAME = /^(year|yr|quarter|month|week|day|date|period)(_|$)/i;
const PERCENT_NAME = /(pct|percent|share|margin|growth|rate)/i;

/** Classifies each column from its type, its name and its values. */
export function columnRoles(result: QueryResult): ColumnRole[] {
  return result.columns.map((column, index) => roleOf(column, result.rows.map((row) => row[index] ?? null)));
}

function roleOf(column: ColumnInfo, values: Cell[]): ColumnRole {
  if (column.type === 'date' || column.type === 'timestamp') return 'time';
  if (column.type === 'number') {
    const integral = values.every((v) => v === null || Number.isInteger(v));
    if (integral && PERIOD_NAME.test(column.name)) return 'ordinal-time';
    // Identifiers (customer_id, region_id) label rows rather than measure them.
    if (integral && /(^|_)id$/i.test(column.name)) return 'category';
    return 'measure';
  }
  return 'category';
}

/** True when a measure reads as a percentage (margin %, share, growth). */
export function isPercent(name: string): boolean {
  return PERCENT_NAME.test(name);
}

/** A number as a person reads it: thousands separators, at most two decimals, `%` where it is one. */
export function formatNumber(value: number, name = ''): string {
  const digits = Number.isInteger(value) ? 0 : 2;
  const text = value.toLocaleString('en-US', { minimumFractionDigits: 0, maximumFractionDigits: digits });
  return isPercent(name) ? `${value.toLocaleString('en-US', { maximumFractionDigits: 1 })}%` : text;
}

/** A column name as words: `units_sold` → `units sold`. */
export function humanize(name: string): string {
  return name.replace(/_/g, ' ').replace(/\s+/g, ' ').trim();
}
