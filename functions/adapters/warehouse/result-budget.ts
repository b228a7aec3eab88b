/**
 * The byte budget of an answer and of each of its cells, as numbers: defaults, validation, and how
 * many bytes a row can take at most. `budgeted-fetch.ts` enforces them while rows stream.
 *
 * Bytes are counted as PostgreSQL sends values in text form (UTF-8), plus {@link CELL_OVERHEAD_BYTES}
 * a cell for its place in the answer (quotes and a separator in JSON), so a result of many empty
 * or NULL cells counts too. It approximates, on purpose from above, the size of the JSON answer.
 */
import { InvalidRequestError } from '../../core/errors.ts';
import type { QueryOptions } from '../../core/ports.ts';

/** Default byte budget of a whole answer: 8 MiB, far above any table a person reads. */
export const DEFAULT_MAX_RESULT_BYTES = 8 * 1024 * 1024;

/** Default byte budget of one cell: 64 KiB, far above any label or figure (and the Data API's row limit). */
export const DEFAULT_MAX_CELL_BYTES = 64 * 1024;

/**
 * The smallest cell budget accepted: above the longest text of every fixed-width type
 * ({@link FIXED_WIDTH_BYTES}), so only variable-width values (text, numeric, json, …) can exceed it
 * and only those need measuring in the database.
 */
export const MIN_CELL_BYTES = 256;

/** What a cell costs beyond its text: JSON quotes and a separator. */
export const CELL_OVERHEAD_BYTES = 4;

/**
 * The longest text of any fixed-width type, rounded up: an `interval` in ISO 8601 style is at most
 * 56 characters, a BC `timestamptz` 35, a `float8` 24, an `int8` 20, a `uuid` 36.
 */
export const FIXED_WIDTH_BYTES = 64;

/** Types whose text has a small fixed bound (pg_type.typname, as node-postgres, PGlite and the Data API name them). */
const fixedWidthTypes: ReadonlySet<string> = new Set([
  'bool', 'char', 'name', 'int2', 'int4', 'int8', 'oid', 'float4', 'float8', 'money', 'date', 'time', 'timetz',
  'timestamp', 'timestamptz', 'interval', 'uuid',
]);

/** Text types, measured by `octet_length` of the value itself (no copy, padding of `char(n)` included). */
const textTypes: ReadonlySet<string> = new Set(['text', 'varchar', 'bpchar']);

/** The budgets of one statement, resolved: every field set. */
export interface ResultBudget {
  readonly maxRows: number;
  readonly maxResultBytes: number;
  readonly maxCellBytes: number;
}

/**
 * The budgets of `options`, with defaults for what is absent. Refuses budgets that would make the
 * wall meaningless (not a whole number, zero, a cell budget below {@link MIN_CELL_BYTES}) with
 * `InvalidRequestError`, before anything reaches the database.
 */
export function resultBudget(options: Pick<QueryOptions, 'maxRows' | 'maxResultBytes' | 'maxCellBytes'>): ResultBudget {
  const maxResultBytes = options.maxResultBytes ?? DEFAULT_MAX_RESULT_BYTES;
  const maxCellBytes = options.maxCellBytes ?? DEFAULT_MAX_CELL_BYTES;
  if (!Number.isSafeInteger(maxResultBytes) || maxResultBytes < 1) {
    throw new InvalidRequestError(`maxResultBytes must be a positive whole number of bytes, got ${maxResultBytes}.`);
  }
  if (!Number.isSafeInteger(maxCellBytes) || maxCellBytes < MIN_CELL_BYTES) {
    throw new InvalidRequestError(`maxCellBytes must be a whole number of bytes, at least ${MIN_CELL_BYTES}, got ${maxCellBytes}.`);
  }
  return { maxRows: options.maxRows, maxResultBytes, maxCellBytes };
}

/** How the database measures a column's cells: not at all (fixed width), the value itself, or its text. */
export type CellMeasure = 'fixed' | 'text' | 'output';

/**
 * How a column of type `typeName` is measured. Unknown and user-defined types (domains, enums,
 * arrays, records) are measured by their output text, which is exactly what is sent.
 */
export function cellMeasure(typeName: string | undefined): CellMeasure {
  const name = typeName?.toLowerCase().replace(/^"|"$/g, '');
  if (name !== undefined && fixedWidthTypes.has(name)) return 'fixed';
  if (name !== undefined && textTypes.has(name)) return 'text';
  return 'output';
}

/** The most bytes one row of these column types can count for, every cell at its largest. */
export function widestRowBytes(typeNames: readonly (string | undefined)[], maxCellBytes: number): number {
  return typeNames.reduce<number>(
    (sum, typeName) => sum + CELL_OVERHEAD_BYTES + (cellMeasure(typeName) === 'fixed' ? FIXED_WIDTH_BYTES : maxCellBytes),
    0,
  );
}

/** The bytes a cell's text counts for: its UTF-8 length plus {@link CELL_OVERHEAD_BYTES}; NULL only the overhead. */
export function textCellBytes(text: string | null | undefined): number {
  return CELL_OVERHEAD_BYTES + (text === null || text === undefined ? 0 : Buffer.byteLength(text, 'utf8'));
}
