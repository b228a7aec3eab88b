/**
 * A small model of the statements the property tests generate (sql-generators.ts) and plant hidden
 * columns into (sql-plants.ts): just enough structure to know, at every query level, which sources
 * are in scope and what they expose, so that a generated statement is valid SQL and a planted
 * reference lands where it was meant to. The model is plain data (it survives `structuredClone`);
 * {@link renderSql} writes it as one SQL statement.
 */
/** A warehouse table of schema `sales` (functions/core/guard/schema.ts lists their columns). */
export type Table = 'sales_transactions' | 'customers' | 'regions' | 'products' | 'customer_segments';

/** The value classes the generator keeps apart: they decide which operators and set-operation arms fit. */
export type ValueType = 'num' | 'text' | 'date' | 'ts';

/** A column a source exposes (a table's, a CTE's, a derived table's), as its level sees it. */
export interface Column {
  /** The name as SQL writes it (quoted when it needs quotes). */
  readonly name: string;
  readonly type: ValueType;
  /** Estimated distinct values, for the size estimates that keep generated statements cheap. */
  readonly card: number;
  /** The base column when the column is a warehouse table's own (through an alias list or not). */
  readonly base?: { readonly table: Table; readonly column: string };
  /** True when the generating role may not read it: never referenced by a clean statement. */
  readonly hidden: boolean;
}

/** An expression: SQL text, or SQL text around one subquery (at {@link SUBQUERY}). */
export type Expr = string | { readonly template: string; readonly query: Query };

/** Where a sublink's subquery stands in {@link Expr.template}. */
export const SUBQUERY = '\u0000';

export type Source =
  | {
      readonly kind: 'table';
      readonly table: Table;
      readonly schema: boolean;
      readonly alias?: string;
      readonly columnAliases?: readonly string[];
      /** `TABLESAMPLE …` text, always with `REPEATABLE` so a sample is the same on every run. */
      readonly sample?: string;
    }
  | { readonly kind: 'cte'; readonly name: string; readonly alias?: string; readonly columnAliases?: readonly string[] }
  | { readonly kind: 'derived'; readonly query: Query; readonly alias: string; readonly lateral: boolean; readonly columnAliases?: readonly string[] }
  /** Written as is (a planted source such as `(SELECT 'x'::text AS email) AS u`). */
  | { readonly kind: 'raw'; readonly sql: string };

export type JoinType =
  | 'inner' | 'left' | 'right' | 'cross' | 'comma' | 'natural' | 'natural left' | 'cross lateral' | 'left lateral' | 'comma lateral';

export interface Join {
  readonly type: JoinType;
  on: Expr[];
  readonly using?: readonly string[];
}

/** One FROM item with what its level needs to know about it. */
export interface FromItem {
  readonly source: Source;
  /** How columns of this item are qualified at its level. */
  readonly qualifier: string;
  readonly columns: readonly Column[];
  /** Estimated rows. */
  readonly rows: number;
  /** How it is joined to the items before it (absent for the first). */
  readonly join?: Join;
}

export interface Item {
  expr: Expr;
  /** The output name. */
  readonly name: string;
  /** Whether `AS name` is written (it must be when the expression would not be called `name`). */
  aliased: boolean;
  readonly type: ValueType;
  /** Estimated distinct values, when known (a bare column); a generator's size estimates read it. */
  readonly card?: number;
  /** For `t.*`: the columns it expands to (the item's own name and type then mean nothing). */
  readonly expands?: readonly { readonly name: string; readonly type: ValueType }[];
}

export interface GroupKey {
  readonly sql: string;
  /** Written as this ordinal of the select list instead of the expression. */
  readonly ordinal?: number;
  /** At most this many distinct values (a function of a column has no more than the column). */
  readonly card?: number;
}

export interface Cte {
  readonly name: string;
  readonly query: Query;
  readonly columnNames?: readonly string[];
}

/** One SELECT (a query level). */
export interface Select {
  readonly kind: 'select';
  with: Cte[];
  distinct: boolean;
  items: Item[];
  from: FromItem[];
  where: Expr[];
  grouped: boolean;
  groupBy: GroupKey[];
  having: Expr[];
  orderBy: string[];
  limit?: number;
  /** Estimated rows of the FROM clause (1 without one): what a correlated sublink multiplies. */
  fromRows: number;
  /** Column names this level writes without a qualifier: another source with such a column would make them ambiguous. */
  unqualified: string[];
}

export interface SetOperation {
  readonly kind: 'setop';
  with: Cte[];
  readonly op: string;
  readonly left: Query;
  readonly right: Query;
  orderBy: string[];
  limit?: number;
}

export type Query = Select | SetOperation;

/** The output columns of a query: names of its (left-most) select list, types of every arm. */
export function outputsOf(query: Query): readonly { readonly name: string; readonly type: ValueType; readonly card?: number }[] {
  if (query.kind === 'select') return query.items.flatMap((item) => item.expands ?? [{ name: item.name, type: item.type, ...(item.card !== undefined ? { card: item.card } : {}) }]);
  return outputsOf(query.left);
}

/** The statement as SQL. */
export function renderSql(query: Query): string {
  return renderQuery(query);
}

function renderQuery(query: Query): string {
  const withClause = query.with.length > 0 ? `with ${query.with.map(renderCte).join(', ')} ` : '';
  const tail = `${query.orderBy.length > 0 ? ` order by ${query.orderBy.join(', ')}` : ''}${query.limit !== undefined ? ` limit ${query.limit}` : ''}`;
  if (query.kind === 'setop') return `${withClause}${renderArm(query.left)} ${query.op} ${renderArm(query.right)}${tail}`;
  let sql = `${withClause}select ${query.distinct ? 'distinct ' : ''}${query.items.map(renderItem).join(', ')}`;
  if (query.from.length > 0) sql += ` from ${renderFrom(query.from)}`;
  if (query.where.length > 0) sql += ` where ${query.where.map(renderExpr).join(' and ')}`;
  if (query.groupBy.length > 0) sql += ` group by ${query.groupBy.map((key) => (key.ordinal !== undefined ? String(key.ordinal) : key.sql)).join(', ')}`;
  if (query.having.length > 0) sql += ` having ${query.having.map(renderExpr).join(' and ')}`;
  return sql + tail;
}

/** A set-operation arm: parenthesised when it has clauses of its own, or is a set operation itself. */
function renderArm(query: Query): string {
  const own = query.kind === 'setop' || query.with.length > 0 || query.orderBy.length > 0 || query.limit !== undefined;
  return own ? `(${renderQuery(query)})` : renderQuery(query);
}

function renderCte(cte: Cte): string {
  return `${cte.name}${cte.columnNames ? `(${cte.columnNames.join(', ')})` : ''} as (${renderQuery(cte.query)})`;
}

function renderItem(item: Item): string {
  const expr = renderExpr(item.expr);
  return item.aliased ? `${expr} as ${item.name}` : expr;
}

/** An expression as SQL. */
export function renderExpr(expr: Expr): string {
  if (typeof expr === 'string') return expr;
  return expr.template.replace(SUBQUERY, renderQuery(expr.query));
}

function renderFrom(items: readonly FromItem[]): string {
  return items
    .map((item, index) => {
      const source = renderSource(item.source);
      const join = item.join;
      if (index === 0 || !join) return source;
      const on = join.on.length > 0 ? ` on ${join.on.map(renderExpr).join(' and ')}` : '';
      switch (join.type) {
        case 'comma':
        case 'comma lateral':
          return `, ${source}`;
        case 'cross':
        case 'cross lateral':
          return ` cross join ${source}`;
        case 'natural':
          return ` natural join ${source}`;
        case 'natural left':
          return ` natural left join ${source}`;
        case 'left lateral':
          return ` left join ${source} on true`;
        default: {
          const keyword = join.type === 'inner' ? 'join' : `${join.type} join`;
          return join.using ? ` ${keyword} ${source} using (${join.using.join(', ')})` : ` ${keyword} ${source}${on}`;
        }
      }
    })
    .join('');
}

function renderSource(source: Source): string {
  switch (source.kind) {
    case 'raw':
      return source.sql;
    case 'table': {
      const alias = source.alias ? ` ${source.alias}${columnList(source.columnAliases)}` : '';
      return `${source.schema ? 'sales.' : ''}${source.table}${alias}${source.sample ? ` ${source.sample}` : ''}`;
    }
    case 'cte':
      return `${source.name}${source.alias ? ` as ${source.alias}${columnList(source.columnAliases)}` : ''}`;
    case 'derived':
      return `${source.lateral ? 'lateral ' : ''}(${renderQuery(source.query)}) as ${source.alias}${columnList(source.columnAliases)}`;
  }
}

function columnList(names: readonly string[] | undefined): string {
  return names && names.length > 0 ? `(${names.join(', ')})` : '';
}

/** Where a query level stands: it decides what a plant may change there and keep the statement valid. */
export type LevelContext = 'top' | 'arm' | 'cte' | 'derived' | 'lateral' | 'scalar' | 'in' | 'exists';

/** A query level of a statement, with where it stands. */
export interface Level {
  readonly select: Select;
  readonly context: LevelContext;
}

/**
 * Every SELECT of the statement, outermost first: set-operation arms, CTE bodies, derived and
 * lateral tables, sublinks in every clause.
 */
export function levelsOf(query: Query, context: LevelContext = 'top'): Level[] {
  const levels: Level[] = [];
  const visit = (node: Query, where: LevelContext): void => {
    for (const cte of node.with) visit(cte.query, 'cte');
    if (node.kind === 'setop') {
      visit(node.left, 'arm');
      visit(node.right, 'arm');
      return;
    }
    levels.push({ select: node, context: where });
    for (const item of node.from) {
      if (item.source.kind === 'derived') visit(item.source.query, item.source.lateral ? 'lateral' : 'derived');
      for (const expr of item.join?.on ?? []) visitExpr(expr);
    }
    for (const expr of [...node.items.map((item) => item.expr), ...node.where, ...node.having]) visitExpr(expr);
  };
  const visitExpr = (expr: Expr): void => {
    if (typeof expr === 'string') return;
    const template = expr.template.trimStart().toLowerCase();
    visit(expr.query, template.startsWith('exists') || template.startsWith('not exists') ? 'exists' : / in \(\u0000\)/.test(expr.template) ? 'in' : 'scalar');
  };
  visit(query, context);
  return levels;
}
