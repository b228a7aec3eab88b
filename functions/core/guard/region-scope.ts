/**
 * Region scope (contract section 2): a scoped principal reads only rows of its regions in
 * `sales_transactions` and `customers` (each by its own `region_id`) and in `regions` itself.
 *
 * The guard enforces it by rewriting the checked tree, not by filtering results: every read of one
 * of those tables, wherever it stands (FROM, JOIN, subqueries in any clause, CTE bodies, set
 * operations, LATERAL, EXISTS, TABLESAMPLE), is replaced by a subquery that reads only the scoped
 * rows, under the reference's own alias:
 *
 *   sales.customers c  →  (SELECT * FROM sales.customers WHERE region_id IN
 *                            (SELECT region_id FROM sales.regions WHERE region_name IN ('Europe'))) c
 *
 * Because the filter sits on the table itself, no figure the statement computes can include
 * another region's rows, whatever the statement does with them afterwards. The replacement is built
 * as tree nodes with the region names as string constants, so nothing the principal carries is ever
 * spliced into SQL text. Row-level security (migration 005) enforces the same scope a second time,
 * inside the database.
 */
import type { AstNode } from './postgres-parser.ts';
import { dimensionByName } from '../catalog/catalog.ts';
import { Refusal } from './refusal.ts';
import { walk } from './walk.ts';

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

/**
 * Rewrites `statement` (a `{ SelectStmt }` node, in place) so that it reads only rows of `regions`.
 * `undefined` means every region and leaves the tree untouched. An empty list, or a name that is
 * not a region, is refused (rule `region_scope`): a scope that cannot be honoured must not run.
 *
 * @example
 * applyRegionScope(statement, ['Europe']); // every sales.customers read now sees Europe only
 */
export function applyRegionScope(statement: AstNode, regions: readonly string[] | undefined): void {
  if (regions === undefined) return;
  const names = validateRegions(regions);
  qualifyColumnReferences(statement);
  new ScopeRewriter(names).rewrite(statement, new Set());
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
 * Walks the tree with the set of CTE names visible at each point, and replaces every reference to a
 * region-scoped table by its filtered subquery. The subqueries it builds are never walked again.
 */
class ScopeRewriter {
  constructor(private readonly regions: readonly string[]) {}

  /** Returns what should stand where `value` stood (the same value, rewritten inside, or a replacement). */
  rewrite(value: unknown, ctes: ReadonlySet<string>): unknown {
    if (Array.isArray(value)) {
      for (let index = 0; index < value.length; index++) value[index] = this.rewrite(value[index], ctes);
      return value;
    }
    if (value === null || typeof value !== 'object') return value;
    const node = value as AstNode;
    if (node.RangeVar) return this.scopedRelation(node.RangeVar as AstNode, ctes) ?? node;
    if (node.RangeTableSample) return this.scopedSample(node, ctes);
    if (node.SelectStmt) {
      this.rewriteSelect(node.SelectStmt as AstNode, ctes);
      return node;
    }
    for (const key of Object.keys(node)) node[key] = this.rewrite(node[key], ctes);
    return node;
  }

  /**
   * A SELECT's WITH list is visible to its body (every branch of a set operation included) and,
   * in order, to the CTEs that follow; with RECURSIVE, to every CTE of the list, itself included —
   * the same scoping PostgreSQL's parser applies.
   */
  private rewriteSelect(select: AstNode, outer: ReadonlySet<string>): void {
    const withClause = select.withClause as AstNode | undefined;
    let inner = outer;
    if (withClause) {
      const ctes = (withClause.ctes as AstNode[] | undefined) ?? [];
      const names = ctes.map((cte) => String((cte.CommonTableExpr as AstNode | undefined)?.ctename));
      inner = new Set([...outer, ...names]);
      ctes.forEach((cte, index) => {
        const visible = withClause.recursive ? inner : new Set([...outer, ...names.slice(0, index)]);
        this.rewrite(cte, visible);
      });
    }
    for (const key of Object.keys(select)) {
      if (key !== 'withClause') select[key] = this.rewrite(select[key], inner);
    }
  }

  /** The filtered subquery for a table reference, or undefined when the reference is not scoped. */
  private scopedRelation(range: AstNode, ctes: ReadonlySet<string>): AstNode | undefined {
    const table = scopedTable(range, ctes);
    if (table === undefined) return undefined;
    return rangeSubselect(this.scopedSelect(table, { RangeVar: baseRelation(range) }), aliasOf(range));
  }

  /**
   * TABLESAMPLE applies only to a table, so the sample moves inside the subquery: the subquery
   * samples the table, then keeps the scoped rows of the sample.
   */
  private scopedSample(node: AstNode, ctes: ReadonlySet<string>): AstNode {
    const sample = node.RangeTableSample as AstNode;
    const relation = (sample.relation as AstNode | undefined)?.RangeVar as AstNode | undefined;
    for (const key of ['args', 'repeatable']) sample[key] = this.rewrite(sample[key], ctes);
    const table = relation ? scopedTable(relation, ctes) : undefined;
    if (relation === undefined || table === undefined) return node;
    const inner = { RangeTableSample: { ...sample, relation: { RangeVar: baseRelation(relation) } } };
    return rangeSubselect(this.scopedSelect(table, inner), aliasOf(relation));
  }

  /** `SELECT * FROM <from> WHERE <the table's rows are in scope>`, as a tree. */
  private scopedSelect(table: string, from: AstNode): AstNode {
    const names = this.regions.map(stringConstant);
    const regionNameIn: AstNode = {
      A_Expr: { kind: 'AEXPR_IN', name: [stringNode('=')], lexpr: columnRef('region_name'), rexpr: { List: { items: names } } },
    };
    if (table === 'regions') return select([from], regionNameIn);
    const scopedRegionIds = select([{ RangeVar: baseRelation({ relname: 'regions', inh: true }) }], regionNameIn, [columnRef('region_id')]);
    return select([from], {
      SubLink: { subLinkType: 'ANY_SUBLINK', testexpr: columnRef('region_id'), subselect: scopedRegionIds },
    });
  }
}

/** The scoped table a reference reads, if any: `sales.X` or unqualified `X` that no visible CTE shadows. */
function scopedTable(range: AstNode, ctes: ReadonlySet<string>): string | undefined {
  const name = String(range.relname);
  const schema = range.schemaname as string | undefined;
  if (range.catalogname !== undefined || !REGION_SCOPED_TABLES.has(name)) return undefined;
  if (schema === undefined) return ctes.has(name) ? undefined : name;
  return schema === SCHEMA ? name : undefined;
}

/** The table itself, schema-qualified, without the reference's alias (the subquery carries it). */
function baseRelation(range: AstNode): AstNode {
  return { schemaname: SCHEMA, relname: range.relname, inh: range.inh === true, relpersistence: 'p' };
}

/** The reference's alias (with its column list), or the table's own name when it had none. */
function aliasOf(range: AstNode): AstNode {
  const alias = range.alias as AstNode | undefined;
  return alias ? structuredClone(alias) : { aliasname: range.relname };
}

function rangeSubselect(subquery: AstNode, alias: AstNode): AstNode {
  return { RangeSubselect: { subquery, alias } };
}

function select(fromClause: AstNode[], whereClause: AstNode, targets: AstNode[] = [{ ColumnRef: { fields: [{ A_Star: {} }] } }]): AstNode {
  return {
    SelectStmt: {
      targetList: targets.map((val) => ({ ResTarget: { val } })),
      fromClause,
      whereClause,
      limitOption: 'LIMIT_OPTION_DEFAULT',
      op: 'SETOP_NONE',
    },
  };
}

function columnRef(name: string): AstNode {
  return { ColumnRef: { fields: [stringNode(name)] } };
}

function stringNode(value: string): AstNode {
  return { String: { sval: value } };
}

function stringConstant(value: string): AstNode {
  return { A_Const: { sval: { sval: value } } };
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
