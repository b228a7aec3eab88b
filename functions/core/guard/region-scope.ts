/**
 * Region scope (contract section 2): a scoped principal reads only rows of its regions in
 * `sales_transactions` and `customers` (each by its own `region_id`) and in `regions` itself.
 *
 * The guard enforces it by rewriting the checked tree, not by filtering results: every reference
 * that the column wall's resolver bound to one of those tables (scope/resolver.ts — the one model
 * of what a name stands for, so a CTE named `customers` is never mistaken for the table) is
 * replaced by a subquery that reads only the scoped rows, under the reference's own alias:
 *
 *   sales.customers c  →  (SELECT customer_id, NULL::text AS customer_name, …
 *                           FROM sales.customers_r2 WHERE region_id = 2
 *                          UNION ALL SELECT … FROM sales.customers_r3 WHERE region_id = 3) c
 *
 * It reads the region's own partition (migration 006), so the planner estimates the statement from
 * statistics of the scoped rows alone and the cost ceiling reveals nothing of other regions
 * (cost.ts); a column the role may not read stands as a typed NULL, so the database's column
 * privileges (migration 007) are never asked for it. The subquery is built from constants of the
 * guard's own (table and column names, region ids), never from text the principal carries.
 *
 * The rewrite is checked like any other SQL (sql-guard.ts): after the SQL that will run is parsed
 * again, {@link collapseRegionScope} turns each subquery that is exactly the scope's own back into
 * the table reference, every wall runs again, and {@link requireRegionScope} refuses a read of a
 * scoped table that did not come from such a subquery. Row-level security (migration 005) enforces
 * the same scope a third time, inside the database.
 */
import { dimensionByName } from '../catalog/catalog.ts';
import { HIDDEN_COLUMNS } from '../catalog/access.ts';
import type { Principal, Role } from '../principal.ts';
import type { TableReferences } from './columns.ts';
import { parseSql, type AstNode } from './postgres-parser.ts';
import { Refusal } from './refusal.ts';
import { sameTree } from './round-trip.ts';
import { REGION_PARTITIONED_TABLES, WAREHOUSE_COLUMN_TYPES, WAREHOUSE_COLUMNS, WAREHOUSE_REGIONS, regionPartition } from './schema.ts';
import { replaceNodes, walk } from './walk.ts';

/**
 * The regions a scope may name: the region values of the semantic catalog, spelled as in the
 * warehouse contract. A scope naming anything else is a configuration error worth refusing loudly:
 * silently scoping to "no rows" would answer every question with zero. (A test keeps the catalog
 * equal to the warehouse data.)
 */
export const KNOWN_REGIONS: readonly string[] = dimensionByName('region').values.map((value) => value.value);

/** The tables whose rows belong to a region, and so are filtered for a scoped principal. */
export const REGION_SCOPED_TABLES: ReadonlySet<string> = new Set(['sales_transactions', 'customers', 'regions']);

const SCHEMA = 'sales';

/** What a scoped read depends on: the regions (by id, ascending) and the role's readable columns. */
export interface RegionScope {
  readonly regionIds: readonly number[];
  readonly role: Role;
}

/** The principal's scope, checked; `undefined` when it reads every region. */
export function regionScopeOf(principal: Principal): RegionScope | undefined {
  if (principal.regions === undefined) return undefined;
  const names = validateRegions(principal.regions);
  const regionIds = names.map((name) => WAREHOUSE_REGIONS.find((region) => region.name === name)?.id);
  if (regionIds.some((id) => id === undefined)) {
    throw new Refusal('region_scope', `the principal's region scope names a region the warehouse has no id for`);
  }
  return { regionIds: [...new Set(regionIds as number[])].sort((a, b) => a - b), role: principal.role };
}

/**
 * Rewrites `statement` (a `{ SelectStmt }` node, in place) so that every reference in
 * `references` to a scoped table reads only the principal's regions. An unscoped principal leaves
 * the tree untouched. An empty scope, or a name that is not a region, is refused (rule
 * `region_scope`): a scope that cannot be honoured must not run.
 *
 * @example
 * const references = checkColumnAccess(statement, principal);
 * applyRegionScope(statement, principal, references); // every sales.customers read now sees its regions only
 */
export function applyRegionScope(statement: AstNode, principal: Principal, references: TableReferences): void {
  const scope = regionScopeOf(principal);
  if (scope === undefined) return;
  qualifyColumnReferences(statement);
  replaceScopedReads(statement, references, scope);
}

/** The scope's names, checked and without duplicates, in the order given. */
export function validateRegions(regions: readonly string[]): string[] {
  const valid = `valid regions: ${KNOWN_REGIONS.join(', ')}`;
  if (regions.length === 0) {
    throw new Refusal('region_scope', `the principal's region scope is empty, so no row may be read; ${valid}`);
  }
  const unknown = regions.filter((region) => !KNOWN_REGIONS.includes(region));
  if (unknown.length > 0) {
    const listed = unknown.map((region) => JSON.stringify(region)).join(', ');
    throw new Refusal('region_scope', `the principal's region scope names unknown region ${listed}; ${valid}`);
  }
  return [...new Set(regions)];
}

/**
 * Turns every subquery of `statement` that is exactly the scope's own read of a table back into a
 * plain reference to that table (in place), so that the walls can check the SQL that will run as
 * they checked the statement. Returns the `RangeVar` fields objects it made: the only references
 * to scoped tables {@link requireRegionScope} accepts.
 */
export function collapseRegionScope(statement: AstNode, principal: Principal): ReadonlySet<AstNode> {
  const scope = regionScopeOf(principal);
  const collapsed = new Set<AstNode>();
  if (scope === undefined) return collapsed;
  replaceNodes(statement, (node) => {
    const range = node.RangeSubselect as AstNode | undefined;
    const match = range && range.lateral !== true ? matchScopedSubquery(range.subquery, scope) : undefined;
    if (!range || !match) return undefined;
    const rangeVar: AstNode = { schemaname: SCHEMA, relname: match.table, inh: true, relpersistence: 'p', alias: range.alias };
    collapsed.add(rangeVar);
    if (!match.sample) return { RangeVar: rangeVar };
    return { RangeTableSample: { ...match.sample, relation: { RangeVar: rangeVar } } };
  });
  return collapsed;
}

/**
 * Refuses (rule `region_scope`) a statement for a scoped principal in which a scoped table is read
 * other than through the scope's own subquery. `references` come from the column wall run on the
 * collapsed statement; `collapsed` from {@link collapseRegionScope}.
 */
export function requireRegionScope(principal: Principal, references: TableReferences, collapsed: ReadonlySet<AstNode>): void {
  if (principal.regions === undefined) return;
  for (const [rangeVar, table] of references) {
    if (table !== null && REGION_SCOPED_TABLES.has(table) && !collapsed.has(rangeVar)) {
      throw new Refusal('region_scope', `the statement as it would run reads ${SCHEMA}.${table} outside the principal's region scope; the guard refuses it rather than run it`);
    }
  }
}

/** Replaces, in place, every reference of `references` to a scoped table by the scope's subquery. */
function replaceScopedReads(statement: AstNode, references: TableReferences, scope: RegionScope): void {
  const scopedTable = (rangeVar: unknown): string | undefined => {
    const table = rangeVar ? references.get(rangeVar as AstNode) : undefined;
    return table && REGION_SCOPED_TABLES.has(table) ? table : undefined;
  };
  replaceNodes(statement, (node) => {
    const rangeVar = node.RangeVar as AstNode | undefined;
    const rangeVarTable = scopedTable(rangeVar);
    if (rangeVar && rangeVarTable) {
      requireInheritance(rangeVar, rangeVarTable, statement);
      return rangeSubselect(scopedSubquery(rangeVarTable, scope), aliasOf(rangeVar));
    }
    const sample = node.RangeTableSample as AstNode | undefined;
    const sampled = sample ? ((sample.relation as AstNode | undefined)?.RangeVar as AstNode | undefined) : undefined;
    const sampledTable = scopedTable(sampled);
    if (!sample || !sampled || !sampledTable) return undefined;
    requireInheritance(sampled, sampledTable, statement);
    const { relation: _relation, ...method } = sample;
    return rangeSubselect(scopedSubquery(sampledTable, scope, structuredClone(method)), aliasOf(sampled));
  });
}

/**
 * `ONLY sales.customers` reads the partitioned table's own rows, of which it has none: the scope's
 * subquery reads a partition, which would answer with rows where the statement as written has none.
 * Refused rather than run with another meaning (an unscoped principal's statement runs as written).
 */
function requireInheritance(rangeVar: AstNode, table: string, statement: AstNode): void {
  requireNoColumnAliases(rangeVar, table, statement);
  if (rangeVar.inh === true || !REGION_PARTITIONED_TABLES.has(table)) return;
  throw new Refusal('region_scope', `ONLY ${SCHEMA}.${table} reads no rows: the table's rows are in its region partitions; drop ONLY`);
}

/**
 * `sales.regions t(id)`: on a table the alias column list renames the columns but a whole-row value
 * (`row_to_json(t)`) keeps the table's own names; on the scope's subquery it would rename both, so
 * the answer would change. Where the statement may take such a value (`t` alone, or `t.*` other
 * than as a select-list entry, which expands to the renamed columns either way), it is refused for
 * a scoped principal rather than run with another meaning.
 */
function requireNoColumnAliases(rangeVar: AstNode, table: string, statement: AstNode): void {
  const alias = rangeVar.alias as AstNode | undefined;
  const names = alias?.colnames as unknown[] | undefined;
  if (!alias || !names || names.length === 0 || !mayTakeWholeRow(statement, String(alias.aliasname))) return;
  throw new Refusal('region_scope', `a whole-row value of ${SCHEMA}.${table} under a column alias list cannot be kept exactly once the table is limited to the principal's regions; rename the columns in the select list instead (AS name)`);
}

/** Whether `statement` names `name` as a whole row anywhere (conservatively: any reference that could be one). */
function mayTakeWholeRow(statement: AstNode, name: string): boolean {
  let found = false;
  walk(statement, (type, fields, path) => {
    if (type !== 'ColumnRef' || found) return;
    const parts = fields.fields as AstNode[];
    const first = (parts[0]?.String as AstNode | undefined)?.sval;
    if (first !== name) return;
    if (parts.length === 1) found = true;
    const selectListEntry = path.at(-1) === 'val' && path.at(-2) === 'ResTarget';
    if (parts.length === 2 && parts[1]!.A_Star !== undefined && !selectListEntry) found = true;
  });
  return found;
}

/** A `TABLESAMPLE` clause without its relation: method, arguments, `REPEATABLE`. */
type SampleClause = Record<string, unknown>;

/**
 * The scope's read of `table` as a `{ SelectStmt }` node: the scoped rows, the role's readable
 * columns in table order with typed NULLs for the others, and the sample applied to each partition.
 */
export function scopedSubquery(table: string, scope: RegionScope, sample?: SampleClause): AstNode {
  const key = `${table}|${scope.role}|${scope.regionIds.join(',')}`;
  let template = TEMPLATES.get(key);
  if (!template) {
    template = parseSql(scopedSubqueryText(table, scope)).stmts[0]!.stmt;
    TEMPLATES.set(key, template);
  }
  const subquery = structuredClone(template);
  if (sample) {
    for (const arm of setOperationArms(subquery.SelectStmt as AstNode)) {
      const from = arm.fromClause as AstNode[];
      from[0] = { RangeTableSample: { relation: from[0], ...structuredClone(sample) } };
    }
  }
  return subquery;
}

/** The plain SELECTs of a set operation, left to right (a SELECT's arms are bare `SelectStmt` fields). */
function setOperationArms(select: AstNode): AstNode[] {
  if (select.op === undefined || select.op === 'SETOP_NONE') return [select];
  return [...setOperationArms(select.larg as AstNode), ...setOperationArms(select.rarg as AstNode)];
}

const TEMPLATES = new Map<string, AstNode>();

/** The text of {@link scopedSubquery}: every name and number in it is the guard's own constant. */
function scopedSubqueryText(table: string, scope: RegionScope): string {
  const hidden = new Set(HIDDEN_COLUMNS[scope.role][table] ?? []);
  const types = WAREHOUSE_COLUMN_TYPES[table]!;
  const columns = WAREHOUSE_COLUMNS[table]!.map((column) => (hidden.has(column) ? `NULL::${types[column]} AS ${column}` : column)).join(', ');
  if (!REGION_PARTITIONED_TABLES.has(table)) {
    return `SELECT ${columns} FROM ${SCHEMA}.${table} WHERE region_id IN (${scope.regionIds.join(', ')})`;
  }
  return scope.regionIds
    .map((id) => `SELECT ${columns} FROM ${SCHEMA}.${regionPartition(table, id)} WHERE region_id = ${id}`)
    .join(' UNION ALL ');
}

/** The table and sample of a subquery that is exactly {@link scopedSubquery} for `scope`, if it is one. */
function matchScopedSubquery(subquery: unknown, scope: RegionScope): { table: string; sample?: SampleClause } | undefined {
  let arm = (subquery as AstNode | undefined)?.SelectStmt as AstNode | undefined;
  while (arm && arm.op !== undefined && arm.op !== 'SETOP_NONE') arm = arm.larg as AstNode | undefined;
  const from = (arm?.fromClause as AstNode[] | undefined)?.[0];
  const sample = from?.RangeTableSample as AstNode | undefined;
  const rangeVar = (sample ? (sample.relation as AstNode | undefined)?.RangeVar : from?.RangeVar) as AstNode | undefined;
  if (!rangeVar || rangeVar.schemaname !== SCHEMA) return undefined;
  const table = [...REGION_SCOPED_TABLES].find((name) =>
    REGION_PARTITIONED_TABLES.has(name) ? rangeVar.relname === regionPartition(name, scope.regionIds[0]!) : rangeVar.relname === name,
  );
  if (!table) return undefined;
  let method: SampleClause | undefined;
  if (sample) {
    const { relation: _relation, ...rest } = sample;
    method = rest;
  }
  return sameTree(scopedSubquery(table, scope, method), subquery) ? { table, ...(method ? { sample: method } : {}) } : undefined;
}

/** The reference's alias (with its column list), or the table's own name when it had none. */
function aliasOf(range: AstNode): AstNode {
  const alias = range.alias as AstNode | undefined;
  return alias ? structuredClone(alias) : { aliasname: range.relname };
}

function rangeSubselect(subquery: AstNode, alias: AstNode): AstNode {
  return { RangeSubselect: { subquery, alias } };
}

/**
 * `sales.customers.region_id` names the table itself, which the rewrite replaces by a subquery, so
 * PostgreSQL could no longer resolve it. It becomes `customers.region_id` — the subquery's alias —
 * when that cannot change what it points at: when every range in the statement that is called
 * `customers` is an unaliased reference to the table. Otherwise it is refused with a way out.
 */
function qualifyColumnReferences(statement: AstNode): void {
  const qualified: AstNode[][] = [];
  const rangeNames = new Map<string, boolean>(); // name → every range so called is the unaliased table
  walk(statement, (type, fields) => {
    if (type === 'ColumnRef') {
      const parts = fields.fields as AstNode[];
      const schema = (parts[0]?.String as AstNode | undefined)?.sval;
      const table = (parts[1]?.String as AstNode | undefined)?.sval;
      if (parts.length >= 3 && schema === SCHEMA && REGION_SCOPED_TABLES.has(String(table))) qualified.push(parts);
    }
    const alias = (fields.alias as AstNode | undefined)?.aliasname;
    if (alias !== undefined) rangeNames.set(String(alias), false);
    // `a JOIN b USING (x) AS customers` names a range too: `customers.x` would reach it, where
    // `sales.customers.x` reached the table.
    const usingAlias = (fields.join_using_alias as AstNode | undefined)?.aliasname;
    if (type === 'JoinExpr' && usingAlias !== undefined) rangeNames.set(String(usingAlias), false);
    if (type === 'CommonTableExpr') rangeNames.set(String(fields.ctename), false);
    if (type === 'RangeVar' && alias === undefined) {
      const name = String(fields.relname);
      const isTable = (fields.schemaname ?? SCHEMA) === SCHEMA && REGION_SCOPED_TABLES.has(name);
      rangeNames.set(name, isTable && (rangeNames.get(name) ?? true));
    }
  });
  for (const parts of qualified) {
    const table = String((parts[1]!.String as AstNode).sval);
    if (rangeNames.get(table) === false) {
      throw new Refusal(
        'region_scope',
        `column reference ${SCHEMA}.${table}.… is ambiguous once ${SCHEMA}.${table} is limited to the principal's regions; ` +
          `give ${SCHEMA}.${table} an alias and qualify its columns with the alias`,
      );
    }
    parts.splice(0, 1);
  }
}
