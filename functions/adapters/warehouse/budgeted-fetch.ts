/**
 * Reads a statement's rows within the row cap and the byte budgets, while they stream from the
 * database — never after the whole result has arrived. Shared by every adapter; each says only how
 * it sends SQL and reads its driver's rows ({@link BudgetCursor}).
 *
 * 1. The statement is described (names and types), without being planned or run.
 * 2. When a column can hold a long value, a measuring cursor (`measured-cursor.ts`) wraps it: the
 *    database sends NULL and a note instead of any cell over the cell budget. Otherwise (numbers,
 *    dates, booleans only) the statement is declared as a cursor as it is.
 * 3. Rows are fetched in batches. Where the adapter's own memory holds them (node-postgres, PGlite),
 *    a batch is never larger than `batchBytes` (or the budget left, if more), counting every cell at
 *    its largest, so no more than the budget plus one batch is ever held, whatever the rows hold;
 *    the Data API caps each response itself, so there batches follow the sizes seen (`Batching`).
 * 4. The first row that would take the answer past the byte budget ends it (`truncatedBy: 'bytes'`);
 *    row `maxRows + 1` ends it at the row cap (`truncatedBy: 'rows'`). Nothing more is fetched.
 *
 * A cell over the cell budget fails the statement with an error naming the column, rather than
 * being cut with a marker: no figure or label of a BI answer is 64 KiB long, so such a cell is a
 * document or an amplification the caller should select differently (`left(col, 200)`, an
 * aggregate), and a cut value would look like data to a chart, a comparison across warehouses or
 * a planner repairing its query. Only rows that are part of the answer are judged: rows past the
 * cut are never examined.
 */
import { QueryFailedError } from '../../core/errors.ts';
import type { Cell, ColumnInfo, QueryOptions, QueryResult } from '../../core/ports.ts';
import { declareMeasuredCursor, describeStatement, firstOversizedCell, measuredCursorName } from './measured-cursor.ts';
import { declareCursor, fetchForward } from './read-only-statement.ts';
import { cellMeasure, resultBudget, widestRowBytes, type ResultBudget } from './result-budget.ts';
import { standaloneStatement } from './statement-end.ts';

/** How an adapter sizes its batches. */
export type Batching =
  /**
   * The adapter holds what it fetches: a batch fits `batchBytes`, or the budget left if that is
   * more, even if every cell is at its largest.
   */
  | { readonly kind: 'worst-case'; readonly batchBytes: number }
  /**
   * A service caps every response (the Data API: 1 MiB), so a batch cannot hold more than that
   * anyway: the first batch is `firstRows` rows, later ones aim at `responseBytes` from twice the
   * largest row seen (a batch that still overflows fails as a call, not as memory).
   */
  | { readonly kind: 'observed'; readonly firstRows: number; readonly responseBytes: number };

/** One adapter's way of running the cursor statements and reading its driver's rows. */
export interface BudgetCursor<Column, Row> {
  readonly batching: Batching;
  /** Runs a statement that returns no rows (`DECLARE`). */
  execute(text: string): Promise<void>;
  /** Runs a statement that returns rows (a `FETCH`, the description) and returns its columns and rows. */
  fetch(text: string): Promise<{ readonly columns: readonly Column[]; readonly rows: readonly Row[] }>;
  /** The PostgreSQL type name of a column (`int4`, `text`), undefined when unknown. */
  typeName(column: Column): string | undefined;
  /** The bytes cell `index` of a row counts for (`textCellBytes` of its text). */
  cellBytes(row: Row, index: number): number;
  /** Cell `index` of a row as text (the measuring cursor's note column). */
  cellText(row: Row, index: number): string | null;
  /** The core's columns and cells for the kept rows, cells beyond `columns` ignored. */
  decode(columns: readonly Column[], rows: readonly Row[]): { columns: ColumnInfo[]; rows: Cell[][] };
}

/**
 * Declares `sql` as a cursor and reads it within `options`' budgets (see the module comment). Must
 * run inside the adapter's read-only transaction, after its session settings.
 */
export async function readWithinBudget<Column, Row>(cursor: BudgetCursor<Column, Row>, sql: string, options: QueryOptions): Promise<QueryResult> {
  const budget = resultBudget(options);
  const statement = standaloneStatement(sql);
  const { columns } = await cursor.fetch(describeStatement(statement));
  const measures = columns.map((column) => cellMeasure(cursor.typeName(column)));
  const measuring = measures.some((measure) => measure !== 'fixed');
  await cursor.execute(measuring ? declareMeasuredCursor(statement, measures, budget.maxCellBytes) : declareCursor(sql));
  const source = measuring ? measuredCursorName : undefined;
  const widest = widestRowBytes(columns.map((column) => cursor.typeName(column)), budget.maxCellBytes);

  const kept: Row[] = [];
  let used = 0;
  let largest = 0;
  const done = (truncatedBy?: 'rows' | 'bytes'): QueryResult => ({
    ...cursor.decode(columns, kept),
    truncated: truncatedBy !== undefined,
    ...(truncatedBy ? { truncatedBy } : {}),
  });
  for (let batch = 0; ; batch++) {
    const count = batchRows(cursor.batching, { batch, wanted: budget.maxRows + 1 - kept.length, left: budget.maxResultBytes - used, widest, largest });
    const { rows } = await cursor.fetch(fetchForward(count, source));
    for (const row of rows) {
      if (kept.length === budget.maxRows) return done('rows');
      if (measuring) refuseOversized(cursor, columns, row, kept.length + 1, budget);
      let bytes = 0;
      for (let index = 0; index < columns.length; index++) bytes += cursor.cellBytes(row, index);
      largest = Math.max(largest, bytes);
      if (used + bytes > budget.maxResultBytes) return done('bytes');
      kept.push(row);
      used += bytes;
    }
    if (rows.length < count) return done();
  }
}

/** How many rows the next FETCH asks for: at least 1, at most what the row cap still wants. */
export function batchRows(
  batching: Batching,
  state: { readonly batch: number; readonly wanted: number; readonly left: number; readonly widest: number; readonly largest: number },
): number {
  const { batch, wanted, left, widest, largest } = state;
  let count: number;
  if (batching.kind === 'worst-case') {
    count = widest > 0 ? Math.floor(Math.max(left, batching.batchBytes) / widest) : wanted;
  } else if (batch === 0) {
    count = batching.firstRows;
  } else {
    count = largest > 0 ? Math.floor(Math.min(left, batching.responseBytes) / (2 * largest)) : wanted;
  }
  return Math.max(1, Math.min(wanted, count));
}

/** Fails the statement when the database noted a cell of `row` over the cell budget. */
function refuseOversized<Column, Row>(
  cursor: BudgetCursor<Column, Row>,
  columns: readonly Column[],
  row: Row,
  rowNumber: number,
  budget: ResultBudget,
): void {
  const note = cursor.cellText(row, columns.length);
  if (note === null) return; // the common case, on every row
  const oversized = firstOversizedCell(note);
  if (!oversized) return;
  const name = cursor.decode(columns, []).columns[oversized.column]?.name ?? `column ${oversized.column + 1}`;
  throw new QueryFailedError(
    `The value of column "${name}" in row ${rowNumber} is ${oversized.bytes.toLocaleString('en-US')} bytes long; ` +
      `a cell may hold at most ${budget.maxCellBytes.toLocaleString('en-US')} bytes. ` +
      'Select a shorter value (for example with left(…, 200)) or aggregate instead.',
    { details: { rule: 'cell_bytes', column: name, row: rowNumber, bytes: oversized.bytes, maxCellBytes: budget.maxCellBytes } },
  );
}
