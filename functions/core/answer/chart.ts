import type { QueryResult } from '../ports.ts';

/** A Vega-Lite v5 specification: plain data. */
export type ChartSpec = Record<string, unknown>;

/** Chooses a chart from the result's shape (placeholder until the answer step lands). */
export function chooseChart(_result: QueryResult): ChartSpec | null {
  return null;
}
