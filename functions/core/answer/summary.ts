import type { QueryResult } from '../ports.ts';

/** One sentence built from the result (placeholder until the answer step lands). */
export function describeResult(input: { question: string; interpretation: string; result: QueryResult }): string {
  return `${input.interpretation}: ${input.result.rows.length} row(s).`;
}
