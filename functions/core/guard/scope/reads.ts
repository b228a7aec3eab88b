/**
 * What the resolver reports: every base column a statement reads, with how it was read, so the
 * column wall can judge each read against the principal's role and say which construct was at
 * fault.
 */
import { WAREHOUSE_COLUMNS } from '../schema.ts';
import type { BaseColumn, ScopeColumn } from './namespace.ts';

/**
 * How a base column came to be read: named (`t.x`, `x`), through `*` or `t.*`, through a whole-row
 * reference (`t`, `row_to_json(t)`, `count(t)`), or as a USING/NATURAL join column. A subquery or
 * CTE column read by name reports the base columns it was computed from (its lineage).
 */
export type ReadKind = 'column' | 'star' | 'whole-row' | 'join';

export interface ColumnRead {
  readonly source: BaseColumn;
  readonly kind: ReadKind;
  /** The reference as written, for messages (`c.*`, `row_to_json(c)`'s `c`, `USING (email)`). */
  readonly written: string;
  /** For `*` and whole-row reads: every base column the same reference reads, so a message can name them all. */
  readonly together?: readonly BaseColumn[];
}

/** Receives each read as it is resolved; throws (a `Refusal`) to stop the analysis. */
export type ReadSink = (read: ColumnRead) => void;

const INTERNED = new Map<string, ReadonlyMap<string, BaseColumn>>();
const TABLE_COLUMNS = new Map<string, readonly ScopeColumn[]>();
for (const [table, columns] of Object.entries(WAREHOUSE_COLUMNS)) {
  const byName = new Map<string, BaseColumn>();
  const scopeColumns: ScopeColumn[] = [];
  for (const column of columns) {
    const base: BaseColumn = Object.freeze({ table, column });
    byName.set(column, base);
    scopeColumns.push(Object.freeze({ name: column, sources: Object.freeze([base]) }));
  }
  INTERNED.set(table, byName);
  TABLE_COLUMNS.set(table, Object.freeze(scopeColumns));
}

/** The columns of a warehouse table as a FROM entry exposes them (each its own source). */
export function tableScopeColumns(table: string): readonly ScopeColumn[] | undefined {
  return TABLE_COLUMNS.get(table);
}

/** The one `BaseColumn` object for `table.column` (tests compare reads by it). */
export function baseColumn(table: string, column: string): BaseColumn | undefined {
  return INTERNED.get(table)?.get(column);
}
