/**
 * The cursor that makes the database keep the cell budget: it wraps the statement so that every
 * variable-width cell is measured (`octet_length`) where it is computed, and a value over the budget
 * is replaced by NULL before it is sent, with a note in one extra column saying which column and
 * how large. An oversized value therefore never leaves the database — not to node-postgres, not
 * into PGlite's result buffer, not into a Data API response — and `budgeted-fetch.ts` turns the
 * note into an error naming the column.
 *
 * The wrapper adds only our own SQL around the statement: column aliases `c1…cn` (which also keep
 * repeated names apart), numbers, and the statement itself in parentheses. `OFFSET 0` keeps each
 * level a subquery of its own, so a cell is computed once — not once to measure and again to send —
 * and a plain projection over it keeps the statement's row order.
 */
import type { CellMeasure } from './result-budget.ts';

/** The name of the measuring cursor. A result of fixed-width columns only needs none: it runs as the statement's own cursor (`declareCursor`). */
export const measuredCursorName = 'bi_agent_measured';

/** The extra, last column of the measuring cursor: NULL, or `column:bytes,…` (1-based) for cells over the budget. */
export const oversizedNoteColumn = 'bi_agent_oversized';

/**
 * The statement as a subquery, for both wrappers. `statement` must come from `standaloneStatement`
 * (statement-end.ts): no trailing semicolon, parentheses balanced, so it cannot close ours. The
 * newline ends a `--` comment on its last line before our parenthesis.
 */
function asSubquery(statement: string): string {
  return `SELECT * FROM (${statement}\n) AS bi_agent_statement OFFSET 0`;
}

/**
 * Describes the statement's result — names and types, zero rows — without planning or running it:
 * the constant-false filter on a subquery the planner may not flatten (`OFFSET 0`) makes the whole
 * plan an empty Result before the statement is planned, so not even a constant is folded.
 */
export function describeStatement(statement: string): string {
  return `SELECT * FROM (${asSubquery(statement)}) AS bi_agent_shape WHERE false`;
}

/**
 * Declares {@link measuredCursorName} over `statement` (from `standaloneStatement`), whose result
 * has one column per entry of `measures` (from {@link describeStatement}). Needs a measured column.
 */
export function declareMeasuredCursor(statement: string, measures: readonly CellMeasure[], maxCellBytes: number): string {
  if (!Number.isSafeInteger(maxCellBytes) || maxCellBytes < 1) throw new RangeError(`maxCellBytes must be a positive whole number, got ${maxCellBytes}`);
  const measured = measures.flatMap((measure, index) => (measure === 'fixed' ? [] : [index + 1]));
  if (measured.length === 0) throw new RangeError('declareMeasuredCursor needs a column to measure');
  const aliases = measures.map((_, index) => `c${index + 1}`).join(', ');
  const sizes = measured
    .map((n) => (measures[n - 1] === 'text' ? `octet_length(r.c${n}) AS b${n}` : `octet_length(format('%s', r.c${n})) AS b${n}`))
    .join(', ');
  const over = (n: number) => `m.b${n} > ${maxCellBytes}`;
  const cells = measures
    .map((measure, index) => (measure === 'fixed' ? `m.c${index + 1}` : `CASE WHEN ${over(index + 1)} THEN NULL ELSE m.c${index + 1} END`))
    .join(', ');
  // Built only for a row that has an oversized cell: concat_ws on every row would cost more than
  // the measuring itself.
  const note =
    `CASE WHEN ${measured.map(over).join(' OR ')} ` +
    `THEN concat_ws(',', ${measured.map((n) => `CASE WHEN ${over(n)} THEN '${n}:' || m.b${n} END`).join(', ')}) END AS ${oversizedNoteColumn}`;
  return (
    `DECLARE ${measuredCursorName} NO SCROLL CURSOR FOR SELECT ${cells}, ${note} ` +
    `FROM (SELECT r.*, ${sizes} FROM (${asSubquery(statement)}) AS r(${aliases}) OFFSET 0) AS m`
  );
}

/** The first oversized cell a note names: its 0-based column and its size in bytes; undefined for no note. */
export function firstOversizedCell(note: string | null | undefined): { readonly column: number; readonly bytes: number } | undefined {
  const match = /^(\d+):(\d+)/.exec(note ?? '');
  return match ? { column: Number(match[1]) - 1, bytes: Number(match[2]) } : undefined;
}
