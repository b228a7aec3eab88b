/**
 * fast-check generators of realistic statements over the warehouse schema (contract section 2), for
 * property tests of the guard: joins of every kind (inner, left, right, USING, NATURAL, comma,
 * cross, LATERAL), aliased and unaliased, schema-qualified or not, tables renamed by alias column
 * lists, CTEs — often named after a warehouse table, so that an unqualified name means the CTE —
 * set operations whose arms carry their own WITH, ORDER BY and LIMIT, scalar, EXISTS and IN
 * sublinks, correlated or not, GROUP BY and HAVING, aggregates and FILTER, window functions,
 * DISTINCT, TABLESAMPLE with REPEATABLE, and filters on region_id and region_name.
 *
 * A statement is generated for a role: it references only columns that role may read (a derived
 * column may well be *called* `email` or `cost`, which is exactly what a guard must not confuse
 * with the real one). Generate for a wider role than the one that runs it to get statements that
 * do read hidden columns.
 *
 * Every statement is deterministic as a multiset of rows, so two ways of running it can be
 * compared: LIMIT only under an ORDER BY of every output column, window functions whose value does
 * not depend on the order of peers (rank, dense_rank, and aggregates over the default RANGE
 * frame), samples only with REPEATABLE. And every statement is cheap on the test warehouse: the
 * generator estimates rows from the tables' sizes and the keys' cardinalities and keeps each
 * join, each correlated subquery and each lateral table under {@link WORK_LIMIT} rows.
 */
import fc from 'fast-check';
import { HIDDEN_COLUMNS } from '../../functions/core/catalog/access.ts';
import { WAREHOUSE_COLUMN_TYPES, WAREHOUSE_COLUMNS, WAREHOUSE_REGIONS } from '../../functions/core/guard/schema.ts';
import type { Role } from '../../functions/core/principal.ts';
import {
  SUBQUERY,
  outputsOf,
  renderSql,
  type Column,
  type Cte,
  type Expr,
  type FromItem,
  type Item,
  type JoinType,
  type LevelContext,
  type Query,
  type Select,
  type SetOperation,
  type Source,
  type Table,
  type ValueType,
} from './sql-model.ts';

/** A generated statement: its model (for planting) and its SQL. */
export interface GeneratedStatement {
  /** The role whose readable columns the statement was built from. */
  readonly role: Role;
  readonly query: Query;
  readonly sql: string;
}

/** The most rows one join, one correlated subquery or one lateral table may touch. */
export const WORK_LIMIT = 200_000;

/**
 * The most rows the smaller side of a join (or semi-join) may have. Row-level security hides the
 * scoped rows' number from the planner, which then may join two big inputs by a nested loop:
 * the fact table joined to itself takes minutes on PGlite, a fact joined to customers seconds.
 */
const SMALLER_SIDE_LIMIT = 1_000;

/** The tables in generation order: what shrinking falls back to comes first. */
export const TABLES: readonly Table[] = ['sales_transactions', 'customers', 'regions', 'products', 'customer_segments'];

/** Rows per table in the shared test warehouse (test/support/warehouse-options.ts), an upper bound elsewhere. */
const TABLE_ROWS: Readonly<Record<Table, number>> = {
  sales_transactions: 20_000,
  customers: 1_000,
  regions: 5,
  products: 20,
  customer_segments: 4,
};

/** Estimated distinct values of a column; the table's row count when not listed. */
const CARDINALITY: Readonly<Record<string, number>> = {
  region_id: 5, region_name: 5, segment_id: 4, segment_name: 4, product_id: 20, product_name: 20,
  category: 4, list_price: 20, customer_id: 1_000, customer_name: 1_000, email: 1_000, signup_date: 1_000,
  sale_date: 1_095, units: 10,
};

/** The join keys of the star schema: numeric, readable by every role. */
const KEYS = ['region_id', 'segment_id', 'product_id', 'customer_id'];

/** Aliases for FROM items: short ones, a quoted one, and the names of tables (an alias may be any name). */
const SOURCE_ALIASES = ['t', 'x', 'c', 'r', 'p', 's', 'src', '"Q"', 'lhs', 'd', 'customers', 'regions', 'sales_transactions'];
/** Output names: plain, quoted, and the names of hidden columns on harmless values. */
const OUTPUT_NAMES = ['total', 'n', 'label', 'metric', 'value_1', '"Mixed Case"', 'amount', 'k', 'share', 'email', 'cost', 'customer_name'];
/** CTE names: mostly the tables', so that an unqualified table name means the CTE. */
const CTE_NAMES = ['customers', 'sales_transactions', 'regions', 'monthly', 'base', '"order"', 'products', 'top_rows'];
const RENAMES = ['id', 'nm', 'k1', 'k2'];
const CTE_RENAMES = ['c1', 'c2', 'c3', 'c4'];

const REGION_NAMES = WAREHOUSE_REGIONS.map((region) => region.name);

function typeOf(sqlType: string): ValueType {
  if (sqlType === 'text') return 'text';
  if (sqlType === 'date') return 'date';
  if (sqlType === 'timestamptz') return 'ts';
  return 'num';
}

/** What a level of a statement may see and spend. */
interface Env {
  /** CTEs visible here, outermost first (an inner one of the same name shadows an outer one). */
  readonly ctes: readonly CteInfo[];
  /** Subquery levels that may still be nested below this one. */
  readonly depth: number;
  /**
   * The most rows this level's FROM may produce each time it runs: {@link WORK_LIMIT} divided by
   * how many times it runs (once per outer row inside a lateral table or a correlated subquery),
   * and inherited by everything nested in it.
   */
  readonly budget: number;
}

interface CteInfo {
  readonly name: string;
  readonly columns: readonly Column[];
  readonly rows: number;
}

/** What a set-operation arm or a sublink must produce, column by column. */
interface Want {
  readonly type: Exclude<ValueType, 'ts'>;
  /** A column name to use when the level has it (`IN (SELECT region_id …)`). */
  readonly prefer?: string;
}

/** Draws from fast-check's `gen`, so that every choice shrinks toward the simplest (0, false, the first). */
class Draw {
  constructor(private readonly g: fc.GeneratorValue) {}

  int(min: number, max: number): number {
    return max <= min ? min : this.g(fc.integer, { min, max });
  }

  /** True with `percent` % probability; shrinks to false. */
  chance(percent: number): boolean {
    return this.int(0, 99) >= 100 - percent;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from nothing');
    return items[this.int(0, items.length - 1)]!;
  }
}

/**
 * Statements whose every column reference is one `role` may read, with their model.
 *
 * @example
 * fc.assert(fc.asyncProperty(statementFor('viewer'), async ({ sql }) => { … }));
 */
export function statementFor(role: Role): fc.Arbitrary<GeneratedStatement> {
  return fc.gen().map((g) => {
    const query = new StatementGenerator(new Draw(g), role).statement();
    const sql = renderSql(query);
    // A counterexample reads as its SQL, not as the model behind it.
    return { role, query, sql, [fc.toStringMethod]: () => JSON.stringify(sql) };
  });
}

class StatementGenerator {
  /** FROM items and CTEs so far: the guard allows 16 relations and 8 CTEs a statement; stay well below. */
  private relations = 0;
  private cteCount = 0;

  constructor(
    private readonly d: Draw,
    private readonly role: Role,
  ) {}

  /** Whether another nested query (CTE, derived table, sublink, set operation) still fits. */
  private roomForMore(): boolean {
    return this.relations < 8 && this.cteCount < 5;
  }

  statement(): Query {
    const env: Env = { ctes: [], depth: 2, budget: WORK_LIMIT };
    const query = this.d.chance(25) ? this.setOperation(env, 'top') : this.select(env, 'top');
    this.boundTop(query);
    return query;
  }

  /**
   * The top level returns few rows, in an order that makes them a deterministic multiset: one row
   * (an aggregate without keys), or every output column in the ORDER BY, then a LIMIT.
   */
  private boundTop(query: Query): void {
    if (query.kind === 'select' && query.grouped && query.groupBy.length === 0 && query.limit === undefined) return;
    const outputs = outputsOf(query);
    const ordinals = outputs.map((_, index) => index + 1);
    const order = this.d.chance(30) ? [...ordinals].reverse() : ordinals;
    const names = new Set<string>();
    const unique = outputs.filter((output) => (names.has(output.name) ? false : (names.add(output.name), true))).length === outputs.length;
    query.orderBy = order.map((ordinal) => {
      const output = outputs[ordinal - 1]!;
      const key = unique && !output.name.startsWith('"?') && this.d.chance(25) ? output.name : String(ordinal);
      return `${key}${this.d.pick(['', ' desc', ' asc', ' desc nulls last', ' nulls first'])}`;
    });
    query.limit = this.d.pick([20, 5, 1, 50, 100]);
  }

  // ---- query levels ----------------------------------------------------------------------------

  private query(env: Env, context: LevelContext, signature?: readonly Want[]): Query {
    return env.depth >= 1 && this.roomForMore() && this.d.chance(20) ? this.setOperation(env, context, signature) : this.select(env, context, signature);
  }

  private setOperation(env: Env, context: LevelContext, signature?: readonly Want[]): SetOperation {
    const wants = signature ?? this.signature();
    let scope = env;
    let withClause: Cte[] = [];
    if (env.depth >= 1 && this.roomForMore() && this.d.chance(15)) {
      withClause = this.ctes(env);
      scope = { ...env, ctes: withCtes(env.ctes, withClause.map((cte) => this.cteInfo(cte))) };
    }
    const op = this.d.pick(['union all', 'union', 'except', 'intersect', 'except all', 'intersect all']);
    const arm = (): Query =>
      scope.depth >= 2 && this.roomForMore() && this.d.chance(10)
        ? this.setOperation({ ...scope, depth: scope.depth - 1 }, 'arm', wants)
        : this.select(scope, 'arm', wants);
    const node: SetOperation = { kind: 'setop', with: withClause, op, left: arm(), right: arm(), orderBy: [] };
    if (context !== 'top' && context !== 'in' && this.d.chance(15)) this.orderAndLimit(node);
    return node;
  }

  private signature(): Want[] {
    const count = this.d.int(1, 3);
    return Array.from({ length: count }, () => ({ type: this.d.pick(['num', 'text', 'date'] as const) }));
  }

  private select(env: Env, context: LevelContext, signature?: readonly Want[]): Select {
    const s: Select = { kind: 'select', with: [], distinct: false, items: [], from: [], where: [], grouped: false, groupBy: [], having: [], orderBy: [], fromRows: 1, unqualified: [] };
    let scope = env;
    if (env.depth >= 1 && context !== 'exists' && this.roomForMore() && this.d.chance(context === 'top' ? 35 : context === 'arm' ? 35 : 10)) {
      s.with = this.ctes(env);
      scope = { ...env, ctes: withCtes(env.ctes, s.with.map((cte) => this.cteInfo(cte))) };
    }
    const fromless = context === 'arm' && this.d.chance(15);
    const rows = fromless ? 1 : this.fromClause(scope, s);
    s.fromRows = rows;
    const level: Env = { ...scope, depth: scope.depth - 1 };

    for (let count = this.d.int(0, 2); count > 0 && s.from.length > 0; count--) s.where.push(this.predicate(s));
    if (level.depth >= 0 && s.from.length > 0 && this.roomForMore() && this.d.chance(20)) {
      const sublink = this.sublinkPredicate(level, s, rows);
      if (sublink) s.where.push(sublink);
    }

    s.grouped = s.from.length > 0 && (context === 'scalar' || (context !== 'exists' && this.d.chance(45)));
    if (context === 'exists') {
      s.items = [{ expr: '1', name: '"?column?"', aliased: false, type: 'num' }];
    } else if (signature) {
      for (const want of signature) s.items.push(this.wantedItem(s, want));
    } else {
      this.freeItems(s, level, rows, context);
    }
    if (s.grouped && s.groupBy.length > 0 && this.d.chance(20)) s.having.push(this.havingPredicate(s));
    if (!s.grouped && context !== 'exists' && context !== 'scalar' && this.d.chance(10)) s.distinct = true;
    const ordered = context === 'lateral' ? 50 : context === 'top' || context === 'exists' || context === 'scalar' ? 0 : 15;
    if (this.d.chance(ordered)) this.orderAndLimit(s);
    return s;
  }

  /** ORDER BY every output column, then a LIMIT: a deterministic subset. */
  private orderAndLimit(query: Query): void {
    query.orderBy = outputsOf(query).map((_, index) => `${index + 1}${this.d.pick(['', ' desc'])}`);
    query.limit = this.d.pick([3, 1, 10]);
  }

  private ctes(env: Env): Cte[] {
    const ctes: Cte[] = [];
    let visible = env.ctes;
    for (let count = this.d.chance(25) ? 2 : 1; count > 0; count--) {
      this.cteCount++;
      const name = this.d.pick(CTE_NAMES.filter((candidate) => !ctes.some((cte) => cte.name === candidate)));
      const inner: Env = { ctes: visible, depth: env.depth - 1, budget: env.budget };
      const query = this.query(inner, 'cte');
      const outputs = outputsOf(query);
      let cte: Cte = { name, query };
      if (this.d.chance(10)) {
        // Renamed columns must stay distinct from the columns the list leaves as they are.
        const count = this.d.int(1, Math.min(outputs.length, CTE_RENAMES.length));
        const kept = new Set(outputs.slice(count).map((output) => output.name));
        const names = [...CTE_RENAMES, 'c5', 'c6', 'c7', 'c8'].filter((candidate) => !kept.has(candidate)).slice(0, count);
        cte = { name, query, columnNames: names };
      }
      ctes.push(cte);
      visible = withCtes(visible, [this.cteInfo(cte)]);
    }
    return ctes;
  }

  private cteInfo(cte: Cte): CteInfo {
    const rows = estimateRows(cte.query);
    // A derived column's distinct values are unknown unless it is a bare column: assume the fewest.
    const columns = outputsOf(cte.query).map((output, index) => ({
      name: cte.columnNames?.[index] ?? output.name,
      type: output.type,
      card: Math.min(output.card ?? 1, rows),
      hidden: false,
    }));
    return { name: cte.name, columns, rows };
  }

  // ---- FROM ------------------------------------------------------------------------------------

  /** Fills `s.from`; returns the estimated rows it produces. */
  private fromClause(env: Env, s: Select): number {
    const first = this.fromItem(env, s, env.budget);
    if (!first) return 1;
    s.from.push(first);
    let rows = first.rows;
    const joins = this.d.chance(55) ? (this.d.chance(30) ? 2 : 1) : 0;
    for (let index = 0; index < joins && this.relations < 10; index++) {
      const joined = this.joinItem(env, s, rows);
      if (!joined) continue;
      s.from.push(joined.item);
      rows = joined.rows;
      // Nothing joins after a lateral table: the planner could join it first and then run the
      // lateral table once per row of that bigger join.
      if (joined.item.source.kind === 'derived' && joined.item.source.lateral) break;
    }
    return rows;
  }

  /** A FROM item that fits in `budget` rows (undefined when nothing does). */
  private fromItem(env: Env, s: Select, budget: number): FromItem | undefined {
    this.relations++;
    const kind = this.d.pick([
      'table', 'table', 'table', 'table',
      ...(env.ctes.length > 0 ? (['cte', 'cte'] as const) : []),
      ...(env.depth >= 1 && this.roomForMore() ? (['derived'] as const) : []),
    ]);
    if (kind === 'cte') {
      const cte = this.d.pick(env.ctes);
      if (cte.rows <= budget) return this.cteItem(s, cte, cte.name);
    }
    if (kind === 'derived') {
      const query = this.query({ ctes: env.ctes, depth: env.depth - 1, budget: env.budget }, 'derived');
      const rows = estimateRows(query);
      if (rows <= budget) return this.derivedItem(s, query, false, rows);
    }
    const tables = TABLES.filter((table) => TABLE_ROWS[table] <= budget);
    if (tables.length === 0) return undefined;
    return this.tableItem(env, s, this.d.pick(tables));
  }

  private tableItem(env: Env, s: Select, table: Table): FromItem {
    const schema = this.d.chance(55);
    const shadowing = schema ? undefined : [...env.ctes].reverse().find((cte) => cte.name === table);
    // Unqualified, the name means the innermost CTE so called: the trap the guard must not fall in.
    if (shadowing) return this.cteItem(s, shadowing, table);
    const used = qualifiers(s);
    const alias = this.d.chance(65) || used.has(table) ? this.freshAlias(used) : undefined;
    const base = WAREHOUSE_COLUMNS[table]!;
    let columnAliases: string[] | undefined;
    if (alias && this.d.chance(8)) columnAliases = RENAMES.slice(0, this.d.int(1, 2));
    const hidden = new Set(HIDDEN_COLUMNS[this.role][table] ?? []);
    const columns: Column[] = base.map((column, index) => ({
      name: columnAliases?.[index] ?? column,
      type: typeOf(WAREHOUSE_COLUMN_TYPES[table]![column]!),
      card: Math.min(CARDINALITY[column] ?? TABLE_ROWS[table], TABLE_ROWS[table]),
      base: { table, column },
      hidden: hidden.has(column),
    }));
    let sample: string | undefined;
    let rows = TABLE_ROWS[table];
    if (this.d.chance(10)) {
      const percent = this.d.pick([50, 10, 25, 75]);
      sample = `tablesample ${this.d.pick(['bernoulli', 'system'])} (${percent}) repeatable (${this.d.int(0, 99)})`;
      rows = Math.max(1, Math.ceil((rows * percent) / 100));
    }
    const source: Source = { kind: 'table', table, schema, ...(alias ? { alias } : {}), ...(columnAliases ? { columnAliases } : {}), ...(sample ? { sample } : {}) };
    return { source, qualifier: alias ?? table, columns, rows };
  }

  private cteItem(s: Select, cte: CteInfo, name: string): FromItem {
    const used = qualifiers(s);
    const alias = this.d.chance(40) || used.has(name) ? this.freshAlias(used) : undefined;
    return { source: { kind: 'cte', name, ...(alias ? { alias } : {}) }, qualifier: alias ?? name, columns: cte.columns, rows: cte.rows };
  }

  private derivedItem(s: Select, query: Query, lateral: boolean, rows: number): FromItem {
    const alias = this.freshAlias(qualifiers(s));
    const columns = outputsOf(query).map((output) => ({ name: output.name, type: output.type, card: Math.min(output.card ?? 1, rows), hidden: false }));
    return { source: { kind: 'derived', query, alias, lateral }, qualifier: alias, columns, rows };
  }

  private freshAlias(used: ReadonlySet<string>): string {
    const free = SOURCE_ALIASES.filter((alias) => !used.has(alias));
    return free.length > 0 ? this.d.pick(free) : `a${used.size}`;
  }

  /**
   * The next FROM item and how it joins, with the rows the join makes; undefined when none fits.
   * JOIN binds tighter than a comma, so an ON, USING or NATURAL join sees only the items from the
   * last comma on: {@link joinSegment}.
   */
  private joinItem(env: Env, s: Select, leftRows: number): { item: FromItem; rows: number } | undefined {
    const afterComma = s.from.some((item) => item.join?.type.startsWith('comma'));
    if (env.depth >= 1 && this.roomForMore() && this.d.chance(15)) return this.lateralItem(env, s, leftRows, afterComma);
    const item = this.fromItem(env, s, env.budget);
    if (!item) return undefined;
    const options: { rows: number; join: () => FromItem }[] = [
      { rows: leftRows * item.rows, join: () => ({ ...item, join: { type: afterComma ? 'comma' : this.d.pick(['cross', 'comma'] as const), on: [] } }) },
    ];
    const segment = joinSegment(s.from);
    const left = mergedColumns(segment);
    for (const key of afterComma ? [] : KEYS) {
      const right = item.columns.find((column) => column.name === key && column.type === 'num' && !column.hidden);
      const sides = segment.flatMap((from) => from.columns.filter((column) => column.name === key && column.type === 'num' && !column.hidden).map((column) => ({ from, column })));
      if (!right || sides.length === 0) continue;
      const side = this.d.pick(sides);
      const rows = Math.ceil((leftRows * item.rows) / Math.max(right.card, side.column.card, 1));
      const type = this.d.pick(['inner', 'left', 'inner', 'right'] as const);
      options.push({
        rows,
        join: () => {
          const on: Expr[] = [`${this.ref(s, side.from, side.column, false)} = ${item.qualifier}.${right.name}`];
          if (this.d.chance(20)) on.push(this.predicateOn(item));
          return { ...item, join: { type, on } };
        },
      });
      if (left.get(key) === 1) options.push({ rows, join: () => ({ ...item, join: { type, on: [], using: [key] } }) });
    }
    const commons = item.columns.filter((column) => left.has(column.name));
    const naturalFits =
      !afterComma &&
      commons.length > 0 &&
      commons.every((column) => {
        const other = segment.flatMap((from) => from.columns).find((candidate) => candidate.name === column.name);
        return left.get(column.name) === 1 && other !== undefined && !other.hidden && !column.hidden && sameClass(column.type, other.type);
      });
    if (naturalFits) {
      const card = Math.max(...commons.map((column) => column.card));
      options.push({ rows: Math.ceil((leftRows * item.rows) / Math.max(card, 1)), join: () => ({ ...item, join: { type: this.d.pick(['natural', 'natural left'] as const), on: [] } }) });
    }
    const fitting = Math.min(leftRows, item.rows) <= SMALLER_SIDE_LIMIT ? options.filter((option) => option.rows <= env.budget) : [];
    if (fitting.length === 0) return undefined;
    // The cross join is the fallback, not the favourite: prefer a keyed join when one fits.
    const chosen = fitting.length > 1 && this.d.chance(85) ? this.d.pick(fitting.slice(1)) : this.d.pick(fitting);
    return { item: chosen.join(), rows: chosen.rows };
  }

  /**
   * `CROSS JOIN LATERAL (…)`, `LEFT JOIN LATERAL (…) ON true` or `, LATERAL (…)`: run once per row
   * on its left. Inside a join it sees only its join's left side; after a comma, every item before.
   */
  private lateralItem(env: Env, s: Select, leftRows: number, afterComma: boolean): { item: FromItem; rows: number } | undefined {
    const budget = Math.floor(env.budget / Math.max(leftRows, 1));
    if (budget < TABLE_ROWS.customer_segments) return undefined;
    const type: JoinType = afterComma ? 'comma lateral' : this.d.pick(['cross lateral', 'left lateral', 'comma lateral']);
    const visible = type === 'comma lateral' ? s.from : joinSegment(s.from);
    const inner: Env = { ctes: env.ctes, depth: env.depth - 1, budget };
    const query = this.select(inner, 'lateral');
    this.correlate(query, visible);
    const rows = estimateRows(query);
    const item = this.derivedItem(s, query, true, rows);
    return { item: { ...item, join: { type, on: [] } }, rows: leftRows * rows };
  }

  /** Adds `inner.key = outer.key` to `query` for a key both sides have, if there is one. */
  private correlate(query: Select, outer: readonly FromItem[]): boolean {
    const innerNames = qualifiers(query);
    const pairs = query.from.flatMap((from) =>
      from.columns
        .filter((column) => KEYS.includes(column.name) && column.type === 'num' && !column.hidden)
        .flatMap((column) =>
          outer
            .filter((candidate) => !innerNames.has(candidate.qualifier))
            .flatMap((candidate) => candidate.columns.filter((other) => other.name === column.name && other.type === 'num' && !other.hidden).map((other) => ({ from, column, candidate, other }))),
        ),
    );
    if (pairs.length === 0) return false;
    const { from, column, candidate, other } = this.d.pick(pairs);
    query.where.push(`${this.ref(query, from, column, false)} = ${candidate.qualifier}.${other.name}`);
    return true;
  }

  // ---- expressions -----------------------------------------------------------------------------

  /** A reference to `column` of `from` at level `s`: qualified, sometimes unqualified or schema-qualified. */
  private ref(s: Select, from: FromItem, column: Column, allowUnqualified = true): string {
    const owners = s.from.filter((candidate) => candidate.columns.some((other) => other.name === column.name)).length;
    if (allowUnqualified && owners === 1 && this.d.chance(15)) {
      s.unqualified.push(column.name);
      return column.name;
    }
    const source = from.source;
    if (source.kind === 'table' && source.schema && !source.alias && this.d.chance(25)) return `sales.${source.table}.${column.name}`;
    return `${from.qualifier}.${column.name}`;
  }

  /** A readable column of the level, of `type` when given. */
  private column(s: Select, type?: ValueType, name?: string): { from: FromItem; column: Column } | undefined {
    const all = s.from.flatMap((from) => from.columns.filter((column) => !column.hidden).map((column) => ({ from, column })));
    const named = name ? all.filter(({ column }) => column.name === name && column.type === type) : [];
    if (named.length > 0) return this.d.pick(named);
    const typed = type ? all.filter(({ column }) => sameClass(column.type, type)) : all;
    return typed.length > 0 ? this.d.pick(typed) : undefined;
  }

  private predicate(s: Select): Expr {
    const picked = this.column(s);
    if (!picked) return 'true';
    const one = this.condition(this.ref(s, picked.from, picked.column), picked.column);
    if (this.d.chance(12)) {
      const other = this.column(s);
      if (other) return `(${one} or ${this.condition(this.ref(s, other.from, other.column), other.column)})`;
    }
    return this.d.chance(8) ? `not (${one})` : one;
  }

  /** A predicate on one of `item`'s columns (for ON clauses). */
  private predicateOn(item: FromItem): string {
    const readable = item.columns.filter((column) => !column.hidden);
    if (readable.length === 0) return 'true';
    const column = this.d.pick(readable);
    return this.condition(`${item.qualifier}.${column.name}`, column);
  }

  /** A plausible condition on `ref`, with constants that keep some rows and drop others. */
  private condition(ref: string, column: Column): string {
    // Constants by meaning for the warehouse's own columns; a derived column is known by its type only.
    const name = column.base?.column ?? '';
    const region = (): string => `'${this.d.pick(REGION_NAMES).replace(/'/g, "''")}'`;
    switch (name) {
      case 'region_id':
        return this.d.pick([`${ref} = ${this.d.int(1, 5)}`, `${ref} in (${this.d.int(1, 3)}, ${this.d.int(3, 5)})`, `${ref} between 2 and 4`, `${ref} <> 1`]);
      case 'region_name':
        return this.d.pick([`${ref} = ${region()}`, `${ref} in (${region()}, ${region()})`, `${ref} <> ${region()}`, `${ref} like '%America'`]);
      case 'units':
        return this.d.pick([`${ref} > ${this.d.int(1, 5)}`, `${ref} between 2 and 5`]);
      case 'sales':
      case 'cost':
        return this.d.pick([`${ref} > ${this.d.pick([100, 500, 1000])}`, `${ref} between 100 and 1000`]);
      case 'list_price':
        return this.d.pick([`${ref} > 200`, `${ref} < 1000`]);
      case 'product_id':
        return this.d.pick([`${ref} in (1, 5, 11, 16)`, `${ref} <= ${this.d.int(5, 15)}`]);
      case 'segment_id':
        return this.d.pick([`${ref} = ${this.d.int(1, 4)}`, `${ref} in (1, 3)`]);
      case 'customer_id':
        return this.d.pick([`${ref} < ${this.d.pick([300, 50, 700])}`, `${ref} % 7 = 0`]);
      case 'transaction_id':
        return this.d.pick([`${ref} % 10 = 0`, `${ref} < 5000`]);
      case 'sale_date':
        return this.d.pick([`${ref} >= date '2025-01-01'`, `${ref} < '2024-07-01'`, `${ref} between '2024-01-01' and '2024-03-31'`]);
      case 'signup_date':
        return this.d.pick([`${ref} < '2024-01-01'`, `${ref} >= date '2023-06-01'`]);
      case 'created_at':
        return this.d.pick([`${ref} >= timestamptz '2024-06-01 00:00:00+00'`, `${ref} is not null`]);
      case 'category':
        return this.d.pick([`${ref} = 'Software'`, `${ref} in ('Hardware', 'Services')`]);
      case 'product_name':
        return this.d.pick([`${ref} like 'L%'`, `${ref} <> 'Managed IT'`]);
      case 'segment_name':
        return this.d.pick([`${ref} <> 'Consumer'`, `${ref} in ('Enterprise', 'Mid-Market')`]);
      default:
        switch (column.type) {
          case 'num':
            return this.d.pick([`${ref} > ${this.d.pick([0, 2, 100])}`, `${ref} is not null`]);
          case 'text':
            return this.d.pick([`${ref} is not null`, `${ref} <> ''`, `${ref} like '%a%'`]);
          default:
            return this.d.pick([`${ref} >= date '2024-01-01'`, `${ref} is not null`]);
        }
    }
  }

  /** An expression of `column`'s value; its type and whether it is still the bare column. */
  private valueOf(ref: string, column: Column, want?: ValueType): { sql: string; type: ValueType; bare: boolean } {
    const type = column.type;
    if (want && !sameClass(type, want)) {
      if (want === 'num') return { sql: type === 'text' ? `length(${ref})` : `extract(year from ${ref})`, type: 'num', bare: false };
      if (want === 'text') return { sql: `${ref}::text`, type: 'text', bare: false };
      return { sql: type === 'num' ? `date '2024-01-01' + (${ref})::int % 365` : `date '2024-01-01' + length(${ref})`, type: 'date', bare: false };
    }
    if (type === 'ts') return this.d.chance(50) ? { sql: `${ref}::date`, type: 'date', bare: false } : { sql: `date_trunc('month', ${ref})::date`, type: 'date', bare: false };
    if (this.d.chance(60)) return { sql: ref, type, bare: true };
    switch (type) {
      case 'num':
        return { sql: this.d.pick([`${ref} * 2`, `round(${ref} / 3, 2)`, `coalesce(${ref}, 0)`, `abs(${ref} - 100)`]), type, bare: false };
      case 'text':
        if (want === 'text' || this.d.chance(70)) return { sql: this.d.pick([`upper(${ref})`, `left(${ref}, 3)`, `${ref} || '!'`, `lower(${ref})`]), type, bare: false };
        return { sql: `length(${ref})`, type: 'num', bare: false };
      default:
        if (want === 'date' || this.d.chance(70)) return { sql: this.d.pick([`date_trunc('month', ${ref})::date`, `${ref} + 7`]), type: 'date', bare: false };
        return { sql: `extract(year from ${ref})`, type: 'num', bare: false };
    }
  }

  private aggregate(s: Select, want: Exclude<ValueType, 'ts'>): { sql: string; type: ValueType } {
    if (want === 'num') {
      const numeric = this.column(s, 'num');
      const any = this.column(s);
      const options: string[] = ['count(*)'];
      if (any) options.push(`count(${this.ref(s, any.from, any.column)})`, `count(distinct ${this.ref(s, any.from, any.column)})`);
      if (numeric) {
        const ref = this.ref(s, numeric.from, numeric.column);
        options.push(`sum(${ref})`, `avg(${ref})`, `min(${ref})`, `max(${ref})`, `count(*) filter (where ${this.condition(ref, numeric.column)})`, `sum(case when ${this.predicate(s) as string} then ${ref} else 0 end)`);
      }
      return { sql: this.d.pick(options), type: 'num' };
    }
    const picked = this.column(s, want);
    // Still an aggregate without a column of the type: a level without one would not be grouped.
    if (!picked) return { sql: want === 'text' ? "max('x'::text)" : "max(date '2024-01-01')", type: want };
    const ref = this.ref(s, picked.from, picked.column);
    const fn = this.d.pick(['max', 'min']);
    return picked.column.type === 'ts' ? { sql: `${fn}(${ref})::date`, type: 'date' } : { sql: `${fn}(${ref})`, type: want };
  }

  private literal(want: Exclude<ValueType, 'ts'>): string {
    switch (want) {
      case 'num':
        return this.d.pick(['0', '-1', 'null::numeric', '2.5']);
      case 'text':
        return this.d.pick(["'x'", 'null::text', "'n/a'"]);
      default:
        return this.d.pick(["date '2024-01-01'", 'null::date']);
    }
  }

  // ---- select lists ----------------------------------------------------------------------------

  private outputName(s: Select, natural?: string): { name: string; aliased: boolean } {
    const used = new Set(s.items.map((item) => item.name));
    if (natural && !used.has(natural) && this.d.chance(75)) return { name: natural, aliased: false };
    const free = OUTPUT_NAMES.filter((name) => !used.has(name));
    return { name: free.length > 0 ? this.d.pick(free) : `c${s.items.length}`, aliased: true };
  }

  /** An item of the wanted type for a set-operation arm or a sublink. */
  private wantedItem(s: Select, want: Want): Item {
    if (s.from.length === 0) return { expr: this.literal(want.type), ...this.outputName(s), type: want.type, aliased: true };
    if (s.grouped) {
      if (want.prefer || this.d.chance(40)) {
        const key = this.column(s, want.type, want.prefer);
        if (key) {
          const ref = this.ref(s, key.from, key.column);
          const value = this.valueOf(ref, key.column, want.type);
          s.groupBy.push({ sql: value.sql, card: key.column.card });
          return { expr: value.sql, ...this.outputName(s, value.bare ? key.column.name : undefined), type: want.type };
        }
      }
      const aggregate = this.aggregate(s, want.type);
      return { expr: aggregate.sql, ...this.outputName(s), aliased: true, type: want.type };
    }
    const picked = this.d.chance(85) ? this.column(s, want.type, want.prefer) : undefined;
    if (!picked) return { expr: this.literal(want.type), ...this.outputName(s), aliased: true, type: want.type };
    const value = this.valueOf(this.ref(s, picked.from, picked.column), picked.column, want.type);
    const named = this.outputName(s, value.bare ? picked.column.name : undefined);
    return { expr: value.sql, ...named, aliased: named.aliased || !value.bare, type: want.type, ...(value.bare ? { card: picked.column.card } : {}) };
  }

  private freeItems(s: Select, env: Env, rows: number, context: LevelContext): void {
    if (s.from.length === 0) {
      s.items.push({ expr: this.literal('num'), name: 'n', aliased: true, type: 'num' });
      return;
    }
    if (context === 'scalar') {
      const aggregate = this.aggregate(s, 'num');
      s.items.push({ expr: aggregate.sql, name: 'v', aliased: true, type: 'num' });
      return;
    }
    if (s.grouped) {
      for (let count = this.d.int(0, 2); count > 0; count--) {
        const key = this.column(s);
        if (!key) break;
        const value = this.valueOf(this.ref(s, key.from, key.column), key.column);
        if (s.groupBy.some((existing) => existing.sql === value.sql)) continue;
        const named = this.outputName(s, value.bare ? key.column.name : undefined);
        s.items.push({ expr: value.sql, ...named, aliased: named.aliased || !value.bare, type: value.type });
        s.groupBy.push(this.d.chance(30) ? { sql: value.sql, ordinal: s.items.length, card: key.column.card } : { sql: value.sql, card: key.column.card });
      }
      for (let count = this.d.int(1, 2); count > 0; count--) {
        const aggregate = this.aggregate(s, this.d.pick(['num', 'num', 'text', 'date'] as const));
        s.items.push({ expr: aggregate.sql, ...this.outputName(s), aliased: true, type: aggregate.type });
      }
      if (this.d.chance(12)) {
        const over = s.items.find((item) => item.type === 'num' && /\(/.test(String(item.expr)));
        if (over) s.items.push({ expr: `${this.d.pick(['rank', 'dense_rank'])}() over (order by ${String(over.expr)} desc)`, ...this.outputName(s), aliased: true, type: 'num' });
      }
      return;
    }
    for (let count = this.d.int(1, 3); count > 0; count--) {
      const kind = this.d.pick(['column', 'column', 'column', 'window', 'scalar', 'whole-row', 'star']);
      if (kind === 'window') {
        const window = this.window(s);
        if (window) {
          s.items.push({ expr: window.sql, ...this.outputName(s), aliased: true, type: window.type });
          continue;
        }
      }
      if (kind === 'scalar' && env.depth >= 0 && this.roomForMore()) {
        s.items.push({ expr: this.scalarSubquery(env, s, rows, true), ...this.outputName(s), aliased: true, type: 'num' });
        continue;
      }
      if (kind === 'whole-row') {
        const whole = s.from.filter((from) => from.columns.every((column) => !column.hidden));
        if (whole.length > 0) {
          const from = this.d.pick(whole);
          s.items.push({ expr: this.d.pick([`row_to_json(${from.qualifier})::text`, `to_jsonb(${from.qualifier})::text`]), ...this.outputName(s), aliased: true, type: 'text' });
          continue;
        }
      }
      if (kind === 'star' && context === 'top' && s.items.length === 0) {
        const whole = s.from.filter((from) => from.columns.every((column) => !column.hidden));
        if (whole.length > 0) {
          const from = this.d.pick(whole);
          s.items.push({ expr: `${from.qualifier}.*`, name: '*', aliased: false, type: 'num', expands: from.columns.map((column) => ({ name: column.name, type: column.type })) });
          continue;
        }
      }
      const picked = this.column(s);
      if (!picked) continue;
      const value = this.valueOf(this.ref(s, picked.from, picked.column), picked.column);
      const named = this.outputName(s, value.bare ? picked.column.name : undefined);
      s.items.push({ expr: value.sql, ...named, aliased: named.aliased || !value.bare, type: value.type, ...(value.bare ? { card: picked.column.card } : {}) });
    }
    if (s.items.length === 0) s.items.push({ expr: 'count(*) over ()', name: 'n', aliased: true, type: 'num' });
  }

  /** A window function whose value does not depend on how peers are ordered. */
  private window(s: Select): { sql: string; type: ValueType } | undefined {
    const partition = this.column(s);
    const order = this.column(s);
    const numeric = this.column(s, 'num');
    if (!partition || !order) return undefined;
    const by = `partition by ${this.ref(s, partition.from, partition.column)}`;
    const orderBy = `order by ${this.ref(s, order.from, order.column)}${this.d.pick(['', ' desc'])}`;
    const options: { sql: string; type: ValueType }[] = [
      { sql: `rank() over (${by} ${orderBy})`, type: 'num' },
      { sql: `dense_rank() over (${orderBy})`, type: 'num' },
      { sql: 'count(*) over ()', type: 'num' },
    ];
    if (numeric) {
      const ref = this.ref(s, numeric.from, numeric.column);
      options.push({ sql: `sum(${ref}) over (${by})`, type: 'num' }, { sql: `max(${ref}) over (${by} ${orderBy})`, type: 'num' });
    }
    return this.d.pick(options);
  }

  private havingPredicate(s: Select): Expr {
    const numeric = this.column(s, 'num');
    const options = [`count(*) > ${this.d.int(0, 5)}`];
    if (numeric) options.push(`sum(${this.ref(s, numeric.from, numeric.column)}) > 100`);
    const date = this.column(s, 'date');
    if (date) options.push(`max(${this.ref(s, date.from, date.column)}) >= date '2024-01-01'`);
    return this.d.pick(options);
  }

  // ---- sublinks --------------------------------------------------------------------------------

  /** `EXISTS (…)`, `NOT EXISTS (…)`, `x IN (…)` or `x > (scalar)`, as a top-level conjunct of WHERE. */
  private sublinkPredicate(env: Env, s: Select, rows: number): Expr | undefined {
    const kind = this.d.pick(['exists', 'in', 'scalar', 'not exists']);
    if (kind === 'exists' || kind === 'not exists') {
      // A correlated EXISTS in WHERE is planned as a semi- or anti-join: it reads its tables once.
      const query = this.select({ ctes: env.ctes, depth: env.depth, budget: rows > SMALLER_SIDE_LIMIT ? Math.min(SMALLER_SIDE_LIMIT, env.budget) : env.budget }, 'exists');
      this.correlate(query, s.from);
      return { template: `${kind} (${SUBQUERY})`, query };
    }
    if (kind === 'in') {
      // Uncorrelated, so it is planned once (a semi-join or a hashed subplan).
      const lhs = this.column(s, 'num', this.d.pick(KEYS)) ?? this.column(s);
      if (!lhs) return undefined;
      const type = lhs.column.type === 'ts' ? 'date' : lhs.column.type;
      const ref = this.ref(s, lhs.from, lhs.column);
      const query = this.query({ ctes: env.ctes, depth: env.depth, budget: env.budget }, 'in', [{ type, prefer: lhs.column.name }]);
      return { template: `${lhs.column.type === 'ts' ? `${ref}::date` : ref} in (${SUBQUERY})`, query };
    }
    const numeric = this.column(s, 'num');
    if (!numeric) return undefined;
    const scalar = this.scalarSubquery(env, s, rows, true);
    return { template: `${this.ref(s, numeric.from, numeric.column)} ${this.d.pick(['>', '<=', '<>'])} ${scalar.template}`, query: scalar.query };
  }

  /** `coalesce((SELECT aggregate …), 0)`, correlated when the budget allows (it then runs once per outer row). */
  private scalarSubquery(env: Env, s: Select, rows: number, mayCorrelate: boolean): { template: string; query: Query } {
    const budget = Math.floor(env.budget / Math.max(rows, 1));
    const correlated = mayCorrelate && budget >= TABLE_ROWS.customer_segments && this.d.chance(50);
    const query = this.select({ ctes: env.ctes, depth: env.depth, budget: correlated ? budget : env.budget }, 'scalar');
    if (correlated) this.correlate(query, s.from);
    return { template: `coalesce((${SUBQUERY}), 0)`, query };
  }
}

/** The CTEs visible once `added` are: a name defined again shadows the outer one. */
function withCtes(visible: readonly CteInfo[], added: readonly CteInfo[]): CteInfo[] {
  const names = new Set(added.map((cte) => cte.name));
  return [...visible.filter((cte) => !names.has(cte.name)), ...added];
}

/** Names by which the level's FROM items are referred to. */
function qualifiers(s: Select): Set<string> {
  return new Set(s.from.map((from) => from.qualifier));
}

/** How many times each column name appears in the FROM list so far, after USING and NATURAL merged columns. */
function mergedColumns(items: readonly FromItem[]): Map<string, number> {
  const counts = new Map<string, number>();
  items.forEach((item, index) => {
    const merged = index > 0 && item.join ? (item.join.using ?? (item.join.type.startsWith('natural') ? item.columns.map((column) => column.name).filter((name) => counts.has(name)) : [])) : [];
    for (const column of item.columns) {
      if (merged.includes(column.name)) continue;
      counts.set(column.name, (counts.get(column.name) ?? 0) + 1);
    }
  });
  return counts;
}

/** The FROM items a new JOIN's condition can see: those from the last comma-joined item on. */
function joinSegment(items: readonly FromItem[]): readonly FromItem[] {
  let start = 0;
  items.forEach((item, index) => {
    if (item.join?.type.startsWith('comma')) start = index;
  });
  return items.slice(start);
}

function sameClass(a: ValueType, b: ValueType): boolean {
  const cls = (type: ValueType) => (type === 'ts' ? 'date' : type);
  return cls(a) === cls(b);
}

/** Estimated rows a query returns. */
export function estimateRows(query: Query): number {
  if (query.kind === 'setop') {
    const left = estimateRows(query.left);
    const right = estimateRows(query.right);
    const rows = query.op.startsWith('except') ? left : query.op.startsWith('intersect') ? Math.min(left, right) : left + right;
    return query.limit !== undefined ? Math.min(rows, query.limit) : rows;
  }
  let rows = query.fromRows;
  // As many groups as the keys' values combine to, at most; a key of unknown values may have a row's each.
  if (query.grouped) rows = Math.min(rows, query.groupBy.reduce((product, key) => product * (key.card ?? rows), 1));
  if (query.limit !== undefined) rows = Math.min(rows, query.limit);
  return Math.max(1, Math.ceil(rows));
}
