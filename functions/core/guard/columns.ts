/**
 * The column wall (contract section 2): every base column a statement reads — named anywhere, through
 * `*` or `t.*`, through a whole-row reference, or compared by a USING/NATURAL join — must be one
 * the principal's role may read. The name-resolution engine (scope/resolver.ts) binds each
 * reference the way PostgreSQL would; this module judges the reads against the role policy, whose
 * single source is the catalog's `HIDDEN_COLUMNS`.
 */
import { HIDDEN_COLUMNS } from '../catalog/access.ts';
import { ROLES, type Principal, type Role } from '../principal.ts';
import type { AstNode } from './postgres-parser.ts';
import { Refusal } from './refusal.ts';
import type { BaseColumn } from './scope/namespace.ts';
import type { ColumnRead } from './scope/reads.ts';
import { resolveReads } from './scope/resolver.ts';
import { WAREHOUSE_SCHEMA } from './schema.ts';
import { walk } from './walk.ts';

/**
 * What every FROM reference of a checked statement stands for: the `RangeVar` fields object of the
 * tree → the warehouse table it reads, or `null` for a CTE reference. Every `RangeVar` of the tree
 * is in it (checked), so a rewrite that follows it misses no table and mistakes no CTE for one.
 */
export type TableReferences = ReadonlyMap<AstNode, string | null>;

const HIDDEN: ReadonlyMap<Role, ReadonlySet<string>> = new Map(
  ROLES.map((role) => [
    role,
    new Set(Object.entries(HIDDEN_COLUMNS[role]).flatMap(([table, columns]) => columns.map((column) => `${table}.${column}`))),
  ]),
);

/**
 * Refuses the statement (rule `column`) when it reads a column the principal's role may not read,
 * or names a column that cannot be resolved the way PostgreSQL would resolve it.
 *
 * @example
 * checkColumnAccess(parseSingleQuery('select sum(cost) from sales.sales_transactions', 20_000).statement, viewer)
 * // throws Refusal('column', 'column sales_transactions.cost is not readable by role viewer')
 */
export function checkColumnAccess(statement: AstNode, principal: Principal): TableReferences {
  const select = statement.SelectStmt as AstNode | undefined;
  if (!select) throw new Refusal('read_only', 'only a query (SELECT, WITH, VALUES) is allowed');
  const hidden = HIDDEN.get(principal.role);
  if (!hidden) throw new Refusal('column', `role ${String(principal.role)} is not known`);
  const references = new Map<AstNode, string | null>();
  try {
    resolveReads(
      select,
      (read) => {
        if (hidden.has(`${read.source.table}.${read.source.column}`)) throw notReadable(read, hidden, principal.role);
      },
      (rangeVar, table) => references.set(rangeVar, table),
    );
  } catch (error) {
    if (error instanceof RangeError) throw new Refusal('complexity', 'the statement is nested too deeply to check');
    throw error;
  }
  requireEveryReferenceResolved(statement, references);
  return references;
}

/**
 * A table reference the resolver never reached (a construct it walks past) would be read without
 * its columns checked and, for a scoped principal, without its region filter: refused, so that
 * "every reference was resolved" is a fact the later walls can rely on.
 */
function requireEveryReferenceResolved(statement: AstNode, references: TableReferences): void {
  walk(statement, (type, fields) => {
    if (type === 'RangeVar' && !references.has(fields)) {
      throw new Refusal('relation', `the reference to ${String(fields.relname)} stands where the guard cannot check it; read tables in FROM clauses`);
    }
  });
}

/**
 * Every base column the statement reads, whatever the role: for tests and explanations ("this
 * query reads customers.email through t.x").
 */
export function columnsRead(statement: AstNode): BaseColumn[] {
  const reads = new Set<BaseColumn>();
  resolveReads(statement.SelectStmt as AstNode, (read) => reads.add(read.source));
  return [...reads];
}

function notReadable(read: ColumnRead, hidden: ReadonlySet<string>, role: Role): Refusal {
  const { table, column } = read.source;
  if (read.kind !== 'star' && read.kind !== 'whole-row') {
    return new Refusal('column', `column ${table}.${column} is not readable by role ${role}`);
  }
  // Name every hidden column the reference would read, so one repair fixes them all.
  const names = (read.together ?? [read.source])
    .filter((source) => hidden.has(`${source.table}.${source.column}`))
    .map((source) => `${WAREHOUSE_SCHEMA}.${source.table}.${source.column}`);
  const what = read.kind === 'star' ? read.written : `the whole-row reference ${read.written}`;
  return new Refusal('column', `${what} reads ${names.join(' and ')}, which role ${role} may not read; name the columns you need`);
}
