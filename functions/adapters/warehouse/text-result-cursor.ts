/**
 * The {@link BudgetCursor} of the drivers that hand over PostgreSQL's text output with the type OIDs
 * of the RowDescription: node-postgres and PGlite, both asked for raw text in array rows. Their
 * rows are held in this process (or the PGlite worker), so batches are sized for the worst case.
 */

/**
 * What one batch may hold if every cell were at the cell budget: 32 MiB, so a typical answer
 * (a label and a numeric, 64 KiB each at worst) comes in batches of 256 rows — a few round trips —
 * while a statement whose every cell is at the limit still holds at most this much beyond the budget.
 */
export const WORST_CASE_BATCH_BYTES = 32 * 1024 * 1024;
import type { BudgetCursor } from './budgeted-fetch.ts';
import { decodeTextRows, typeNameOfOid } from './decode.ts';
import { textCellBytes } from './result-budget.ts';

/** A RowDescription field as both drivers report it. */
export interface TextField {
  readonly name: string;
  readonly dataTypeID: number;
}

/** What both drivers return for a statement run with `rowMode: 'array'` and raw-text parsers. */
export interface TextQueryResult {
  readonly fields: readonly TextField[];
  readonly rows: readonly (readonly unknown[])[];
}

/** A cursor over `run`, the driver's "send this SQL, give me fields and array rows of text". */
export function textResultCursor(run: (text: string) => Promise<TextQueryResult>): BudgetCursor<TextField, readonly unknown[]> {
  return {
    batching: { kind: 'worst-case', batchBytes: WORST_CASE_BATCH_BYTES },
    async execute(text) {
      await run(text);
    },
    async fetch(text) {
      const { fields, rows } = await run(text);
      return { columns: fields, rows };
    },
    typeName: (field) => typeNameOfOid(field.dataTypeID),
    cellBytes: (row, index) => textCellBytes(asText(row[index])),
    cellText: (row, index) => asText(row[index]),
    decode: (fields, rows) => decodeTextRows(fields, rows),
  };
}

function asText(value: unknown): string | null {
  return value === null || value === undefined ? null : typeof value === 'string' ? value : String(value);
}
