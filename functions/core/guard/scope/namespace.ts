/**
 * The name-resolution model, after PostgreSQL's own parser (parse_relation.c): a query level holds
 * namespace items (one per FROM entry, join and join alias), and a column reference is looked up
 * level by level, innermost first. Mirroring PostgreSQL's rules exactly is what makes the column
 * wall sound: if the guard bound a name differently from the database, a hidden column could be
 * read under a name the guard believed harmless.
 *
 * @internal Used by the resolver only.
 */

/** A base column of the warehouse, `table.column`, interned so it can be compared by identity. */
export interface BaseColumn {
  readonly table: string;
  readonly column: string;
}

/**
 * A column as a query level sees it: its name there, and every base column its value is computed
 * from (its lineage). A base table's column has itself as its only source.
 */
export interface ScopeColumn {
  readonly name: string;
  readonly sources: readonly BaseColumn[];
}

/** One entry of a level's namespace: a table, CTE, subquery, VALUES list, join or join alias. */
export interface NamespaceItem {
  /** The name it is qualified by (alias, table name or CTE name); null for an unaliased join. */
  readonly refname: string | null;
  /** The base table it reads when it is one, unaliased or not (system columns and `sales.t.c`). */
  readonly table: string | null;
  /** True when written without an alias: only then does `sales.table.column` reach it. */
  readonly unaliased: boolean;
  readonly columns: readonly ScopeColumn[];
  /** Visible to qualified references (`t.x`, `t.*`, whole-row `t`). */
  relVisible: boolean;
  /** Visible to unqualified references (`x`, `*`). */
  colsVisible: boolean;
}

/** One query level (a SELECT, or the ON clause of a join); `parent` is the enclosing level. */
export interface Level {
  readonly items: readonly NamespaceItem[];
  readonly parent: Level | null;
}

/** What an unqualified name resolves to at the first level that knows it. */
export type NameMatch =
  | { readonly kind: 'column'; readonly item: NamespaceItem; readonly column: ScopeColumn }
  | { readonly kind: 'system'; readonly item: NamespaceItem }
  | { readonly kind: 'ambiguous' };

/**
 * Finds an unqualified column name in one level's column-visible items (PostgreSQL's
 * scanNSItemForColumn over a level): a name found twice is ambiguous, as the database says too.
 * A system column name matches any base table.
 */
export function findColumnAtLevel(level: Level, name: string, isSystem: boolean): NameMatch | undefined {
  let found: NameMatch | undefined;
  for (const item of level.items) {
    if (!item.colsVisible) continue;
    for (const column of item.columns) {
      if (column.name !== name) continue;
      if (found) return { kind: 'ambiguous' };
      found = { kind: 'column', item, column };
    }
    if (isSystem && item.table !== null) {
      if (found) return { kind: 'ambiguous' };
      found = { kind: 'system', item };
    }
  }
  return found;
}

/** Finds an unqualified column name, innermost level first (PostgreSQL's colNameToVar). */
export function findColumn(level: Level | null, name: string, isSystem: boolean): NameMatch | undefined {
  for (let current = level; current; current = current.parent) {
    const match = findColumnAtLevel(current, name, isSystem);
    if (match) return match;
  }
  return undefined;
}

/**
 * Finds the item a qualifier names, innermost level first (PostgreSQL's refnameNamespaceItem).
 * `schema` given: only an unaliased base table of that schema matches. Two matches at one level are
 * ambiguous (`'ambiguous'`).
 */
export function findItem(level: Level | null, refname: string, schema: string | null, warehouseSchema: string): NamespaceItem | 'ambiguous' | undefined {
  if (schema !== null && schema !== warehouseSchema) return undefined;
  for (let current = level; current; current = current.parent) {
    let found: NamespaceItem | undefined;
    for (const item of current.items) {
      if (!item.relVisible) continue;
      const matches = schema === null ? item.refname === refname : item.unaliased && item.table === refname;
      if (!matches) continue;
      if (found) return 'ambiguous';
      found = item;
    }
    if (found) return found;
  }
  return undefined;
}

/** The columns of `columns`, renamed by position by an alias column list (`t(a, b)`). */
export function renameColumns(columns: readonly ScopeColumn[], names: readonly string[]): ScopeColumn[] {
  return columns.map((column, index) => (index < names.length ? { name: names[index]!, sources: column.sources } : column));
}

/** The union of several lineages, without duplicates, in first-seen order. */
export function unionSources(...lists: (readonly BaseColumn[])[]): BaseColumn[] {
  const seen = new Set<BaseColumn>();
  for (const list of lists) for (const source of list) seen.add(source);
  return [...seen];
}
