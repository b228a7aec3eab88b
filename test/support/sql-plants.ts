/**
 * Planting a hidden column into a generated statement (sql-generators.ts), at a chosen query level
 * and position: the select list, WHERE, a JOIN's ON, GROUP BY, HAVING, ORDER BY, a function's
 * argument, a window, a whole-row reference, `t.*`, a sublink, a CTE named after the table (the
 * table's own reference replaced by it), a USING or NATURAL join that compares the column, or a
 * derived table that renames it. The level may be any SELECT of the statement: a set-operation arm,
 * a CTE body, a derived or lateral table, a sublink.
 *
 * A plant keeps the statement valid SQL wherever it can (an arm keeps its column count and types,
 * a grouped level stays grouped correctly); where it cannot be sure, it says so (`valid: false`),
 * and a guard may then refuse by any rule — but must still refuse.
 */
import { WAREHOUSE_COLUMN_TYPES, WAREHOUSE_COLUMNS } from '../../functions/core/guard/schema.ts';
import {
  levelsOf,
  renderSql,
  SUBQUERY,
  type Column,
  type Cte,
  type Expr,
  type FromItem,
  type Item,
  type Level,
  type LevelContext,
  type Query,
  type Select,
  type Table,
  type ValueType,
} from './sql-model.ts';

export const PLANT_POSITIONS = [
  'select', 'where', 'join', 'group', 'having', 'order', 'argument', 'window', 'whole-row', 'star', 'sublink', 'cte', 'using', 'derived',
] as const;
export type PlantPosition = (typeof PLANT_POSITIONS)[number];

/** Where and what to plant; `level` and `variant` are taken modulo what the statement offers. */
export interface PlantChoice {
  readonly position: PlantPosition;
  readonly table: Table;
  readonly column: string;
  readonly level: number;
  readonly variant: number;
}

export interface Planted {
  readonly sql: string;
  /** False when the plant may have made the statement invalid SQL (the guard may then refuse by any rule). */
  readonly valid: boolean;
  /** What was planted where, for failure messages. */
  readonly label: string;
  /** Where the level planted into stands, and the position used there. */
  readonly context: LevelContext;
  readonly position: PlantPosition;
}

/** Contexts where a select list may grow: nothing outside counts its columns. */
const APPENDABLE = new Set(['top', 'derived', 'cte', 'lateral', 'exists']);

/** `query` (untouched) with `choice`'s hidden column planted in a copy. */
export function plantHidden(query: Query, choice: PlantChoice): Planted {
  const copy = structuredClone(query);
  const planter = new Planter(copy, choice);
  planter.plant();
  return { sql: renderSql(copy), valid: planter.valid, label: planter.label, context: planter.context, position: planter.position };
}

class Planter {
  valid = true;
  label = '';
  private readonly type: ValueType;
  private readonly level: Level;
  private readonly s: Select;

  constructor(
    query: Query,
    private readonly choice: PlantChoice,
  ) {
    this.type = valueTypeOf(WAREHOUSE_COLUMN_TYPES[choice.table]![choice.column]!);
    const levels = levelsOf(query);
    const fits = levels.filter((level) => this.fits(level, choice.position));
    const pool = fits.length > 0 ? fits : levels;
    this.level = pool[choice.level % pool.length]!;
    this.s = this.level.select;
  }

  get context(): LevelContext {
    return this.level.context;
  }

  /** The position actually used: WHERE when no level fits the one asked for. */
  get position(): PlantPosition {
    return this.fits(this.level, this.choice.position) ? this.choice.position : 'where';
  }

  /** Whether `position` can be planted at `level` without making it invalid. */
  private fits(level: Level, position: PlantPosition): boolean {
    const s = level.select;
    switch (position) {
      case 'group':
      case 'having':
        return s.grouped;
      case 'order':
        return !s.distinct;
      default:
        return true;
    }
  }

  plant(): void {
    const { position, table, column } = this.choice;
    const fallback = !this.fits(this.level, position);
    this.label = `${table}.${column} at ${fallback ? `where (no level fits ${position})` : position} in a ${this.level.context} level`;
    switch (fallback ? 'where' : position) {
      case 'select':
        return this.placeItem(...this.aggregated(this.reference()));
      case 'argument':
        return this.plantArgument();
      case 'where':
        this.s.where.push(this.condition(this.reference()));
        return;
      case 'join':
        return this.plantJoin();
      case 'group':
        this.s.groupBy.push({ sql: this.reference() });
        return;
      case 'having':
        this.s.having.push(this.pick([`max(${this.reference()}) is not null`, `count(${this.reference()}) > 0`, `min(${this.reference()}) is null`]));
        return;
      case 'order':
        this.s.orderBy.push(this.s.grouped ? `max(${this.reference()})` : `${this.reference()}${this.pick(['', ' desc'])}`);
        return;
      case 'window':
        return this.plantWindow();
      case 'whole-row':
        return this.plantWholeRow();
      case 'star':
        return this.plantStar();
      case 'sublink':
        return this.plantSublink();
      case 'cte':
        return this.plantCte();
      case 'using':
        return this.plantUsing();
      case 'derived':
        return this.plantDerived();
    }
  }

  /** The column as a function's argument: in the select list, or in a WHERE condition. */
  private plantArgument(): void {
    const ref = this.reference();
    const [call, type]: [string, ValueType] =
      this.type === 'text' ? [this.pick([`upper(${ref})`, `coalesce(${ref}, '')`, `left(${ref}, 2)`]), 'text']
      : this.type === 'num' ? [this.pick([`round(${ref}, 0)`, `abs(${ref})`, `coalesce(${ref}, 0)`]), 'num']
      : [`extract(year from ${ref})`, 'num'];
    if (this.variant(2) === 0) return this.placeItem(...this.aggregated(call, type));
    this.s.where.push(type === 'text' ? `length(${call}) > 0` : `${call} >= 0`);
  }

  /** A window partitioned or ordered by the column (over its aggregate in a grouped level). */
  private plantWindow(): void {
    const ref = this.reference();
    if (this.s.grouped) return this.placeItem(`rank() over (order by max(${ref}))`, 'num');
    if (this.variant(2) === 0) return this.placeItem(`count(*) over (partition by ${ref})`, 'num');
    this.placeItem(`max(${ref}) over ()`, this.type);
  }

  private variant(count: number): number {
    return this.choice.variant % count;
  }

  private pick<T>(options: readonly T[]): T {
    return options[this.choice.variant % options.length]!;
  }

  /** A FROM item of the level that reads the planted table itself, with the column's name there. */
  private holder(): { from: FromItem; name: string } {
    return this.existingHolder() ?? { from: this.addTable('cross', []), name: this.choice.column };
  }

  private existingHolder(): { from: FromItem; name: string } | undefined {
    for (const from of this.s.from) {
      if (from.source.kind !== 'table' || from.source.table !== this.choice.table) continue;
      const column = from.columns.find((candidate) => candidate.base?.column === this.choice.column);
      if (column) return { from, name: column.name };
    }
    return undefined;
  }

  /** Appends `sales.<table> AS h…` to the level's FROM, joined as `type`. */
  private addTable(type: 'cross' | 'inner', on: Expr[], alias = this.freshAlias()): FromItem {
    const table = this.choice.table;
    const columns: Column[] = WAREHOUSE_COLUMNS[table]!.map((column) => ({ name: column, type: 'num', card: 1, hidden: false, base: { table, column } }));
    this.requireUnambiguous(WAREHOUSE_COLUMNS[table]!);
    const first = this.s.from.length === 0;
    const item: FromItem = { source: { kind: 'table', table, schema: true, alias }, qualifier: alias, columns, rows: 1, ...(first ? {} : { join: { type, on } }) };
    this.s.from.push(item);
    // A level without FROM gets the table as its FROM, and the join's condition as its WHERE.
    if (first) this.s.where.push(...on);
    this.label += ` (through an added ${alias}${first && on.length > 0 ? ', its ON as a WHERE' : ''})`;
    return item;
  }

  /** Unqualified names of the level would become ambiguous if a new source has them. */
  private requireUnambiguous(names: readonly string[]): void {
    if (names.some((name) => this.s.unqualified.includes(name))) this.valid = false;
  }

  private freshAlias(): string {
    const used = new Set(this.s.from.map((from) => from.qualifier));
    for (let index = 0; ; index++) if (!used.has(`h${index}`)) return `h${index}`;
  }

  /** A reference to the hidden column: qualified by its holder, or schema-qualified for an unaliased table. */
  private reference(): string {
    const { from, name } = this.holder();
    const source = from.source;
    if (source.kind === 'table' && source.schema && !source.alias && this.choice.variant % 3 === 1) return `sales.${source.table}.${name}`;
    // The same column spelled as PostgreSQL also reads it: quoted, upper case, a field of the row.
    switch (Math.floor(this.choice.variant / 3) % 5) {
      case 1:
        return `${from.qualifier}."${name}"`;
      case 2:
        return `${from.qualifier}.${name.toUpperCase()}`;
      case 3:
        return `(${from.qualifier}).${name}`;
      default:
        return `${from.qualifier}.${name}`;
    }
  }

  /** `expr` as a grouped level may select it: inside an aggregate (count changes its type). */
  private aggregated(expr: string, type: ValueType = this.type): [string, ValueType] {
    if (!this.s.grouped) return [expr, type];
    const fn = this.pick(['max', 'count', 'min']);
    return [`${fn}(${expr})`, fn === 'count' ? 'num' : type];
  }

  private condition(ref: string): string {
    switch (this.type) {
      case 'text':
        return this.pick([`${ref} like '%@%'`, `${ref} is not null`, `${ref} <> ''`]);
      case 'num':
        return this.pick([`${ref} > 0`, `${ref} is not null`]);
      default:
        return this.pick([`${ref} >= date '2024-01-01'`, `${ref} is not null`]);
    }
  }

  /**
   * Puts `expr` (of type `type`) into the select list: appended where nothing counts the columns,
   * else in place of an item, converted to that item's type and under its name.
   */
  private placeItem(expr: Expr, type: ValueType): void {
    const s = this.s;
    if (APPENDABLE.has(this.level.context)) {
      const used = new Set(s.items.map((item) => item.name));
      let name = 'planted';
      for (let index = 1; used.has(name); index++) name = `planted_${index}`;
      s.items.push({ expr, name, aliased: true, type });
      return;
    }
    const ordinals = new Set(s.groupBy.map((key) => key.ordinal).filter((ordinal) => ordinal !== undefined));
    const index = s.items.findIndex((item, position) => !ordinals.has(position + 1) && !item.expands);
    if (index < 0) this.valid = false;
    const target: Item = s.items[Math.max(index, 0)]!;
    target.expr = convert(expr, type, target.type);
    target.aliased = true;
  }

  /** In the ON of a join that can see the table's reference; else in the ON of the table joined anew. */
  private plantJoin(): void {
    const existing = this.existingHolder();
    if (existing) {
      const at = this.s.from.indexOf(existing.from);
      // An ON sees the items of its own join only: from the last comma before it.
      const joins = this.s.from.filter((item, index) => index >= at && item.join && item.join.on.length > 0 && !item.join.using && segmentStart(this.s.from, index) <= at);
      if (joins.length > 0) {
        joins[this.choice.variant % joins.length]!.join!.on.push(this.condition(this.reference()));
        return;
      }
    }
    const alias = this.freshAlias();
    this.addTable('inner', [this.condition(`${alias}.${this.choice.column}`)], alias);
  }

  private plantWholeRow(): void {
    const { from } = this.holder();
    const row = from.qualifier;
    switch (this.variant(3)) {
      case 0:
        return this.placeItem(this.s.grouped ? `count(${row})` : this.pick([`row_to_json(${row})::text`, `to_jsonb(${row})::text`]), this.s.grouped ? 'num' : 'text');
      case 1:
        this.s.where.push(`${row} is not null`);
        return;
      default:
        this.s.where.push(`row_to_json(${row})::text like '%@%'`);
    }
  }

  /** `t.*` in the top level's select list; elsewhere in an EXISTS, whose select list PostgreSQL still expands. */
  private plantStar(): void {
    const { from } = this.holder();
    if (this.level.context === 'top' && !this.s.grouped) {
      // An ORDER BY that names an output may name one the expansion repeats.
      if (this.s.orderBy.some((key) => !/^\d/.test(key))) this.valid = false;
      this.s.items.push({ expr: `${from.qualifier}.*`, name: '*', aliased: false, type: 'num', expands: from.columns.map((column) => ({ name: column.name, type: column.type })) });
      return;
    }
    this.s.where.push(`exists (select ${from.qualifier}.*)`);
  }

  private plantSublink(): void {
    const table = this.choice.table;
    const column = this.choice.column;
    const inner = `sales.${table} hs`;
    const condition = this.condition(`hs.${column}`);
    const keyed = this.s.from.flatMap((from) =>
      from.columns.filter((candidate) => candidate.type === 'num' && ['region_id', 'segment_id', 'customer_id', 'product_id'].includes(candidate.name) && WAREHOUSE_COLUMNS[table]!.includes(candidate.name)).map((candidate) => `${from.qualifier}.${candidate.name}`),
    );
    switch (this.variant(5)) {
      case 0:
        this.s.where.push(`exists (select 1 from ${inner} where ${condition})`);
        return;
      case 1:
        this.s.where.push(`(select count(*) from ${inner} where ${condition}) >= 0`);
        return;
      case 2:
        return this.placeItem(`(select max(hs.${column}) from ${inner})`, this.type);
      case 3:
        if (keyed.length > 0) {
          const key = keyed[this.choice.variant % keyed.length]!;
          this.s.where.push(`${key} in (select hs.${key.split('.').pop()} from ${inner} where ${condition})`);
          return;
        }
        this.s.where.push(`not exists (select 1 from ${inner} where ${condition})`);
        return;
      default: {
        // A correlated sublink reading the outer row's hidden column.
        const { from, name } = this.holder();
        this.s.where.push(`exists (select 1 where ${this.condition(`${from.qualifier}.${name}`)})`);
      }
    }
  }

  /**
   * A CTE named after the table. Where the level reads the table, its reference becomes the CTE's,
   * whose body reads every column of the table, the hidden one included. Elsewhere a CTE named
   * after a table selects the hidden column under another name, and the level reads it.
   */
  private plantCte(): void {
    const table = this.choice.table;
    const holder = this.s.from.findIndex((from) => from.source.kind === 'table' && from.source.table === table && !from.source.sample);
    const taken = new Set(this.s.with.map((cte) => cte.name));
    const below = levelsOf({ ...this.s, with: [] }).flatMap((level) => level.select.from.map((from) => from.source));
    // A name the level's subtree reads unqualified (a table or an outer CTE) would mean the new CTE.
    const readUnqualified = (name: string, table?: Table) =>
      below.filter((source) => (source.kind === 'cte' && source.name === name) || (source.kind === 'table' && !source.schema && source.table === name && (table === undefined || source.sample !== undefined)));
    if (holder >= 0 && !taken.has(table) && this.variant(2) === 0) {
      const item = this.s.from[holder]!;
      const source = item.source as Extract<FromItem['source'], { kind: 'table' }>;
      this.s.with.push(readingCte(table, table, WAREHOUSE_COLUMNS[table]!.map((column) => [column, column] as const)));
      this.s.from[holder] = { ...item, source: { kind: 'cte', name: table, ...(source.alias ? { alias: source.alias } : {}), ...(source.columnAliases ? { columnAliases: source.columnAliases } : {}) } };
      // Unqualified reads of the table below now mean the CTE, which has the same columns: fine,
      // unless one samples it, or reads an outer CTE of that name; and `sales.<table>.col` lost its table.
      if (readUnqualified(table, table).length > 0 || new RegExp(`sales\\.${table}\\.`).test(renderSql({ ...this.s, with: [] }))) this.valid = false;
      this.label += ' (the table read through a CTE of its name)';
      return;
    }
    const names = ['customers', 'sales_transactions', 'regions', 'products'].filter((name) => !taken.has(name) && readUnqualified(name).length === 0);
    const name = names.length > 0 ? names[this.choice.variant % names.length]! : 'planted_cte';
    const alias = this.pick(['customer_id', 'label', 'email', 'cost']);
    this.s.with.push(readingCte(name, table, [[this.choice.column, alias]]));
    this.s.where.push(`exists (select 1 from ${name} hc where hc.${alias} is not null)`);
    this.label += ` (a CTE ${name} selecting it as ${alias})`;
  }

  /** `JOIN (SELECT … AS col) u USING (col)` or `NATURAL JOIN (SELECT … AS col) u`: compares the hidden column. */
  private plantUsing(): void {
    const { from, name } = this.holder();
    const at = this.s.from.indexOf(from);
    const segment = segmentStart(this.s.from, this.s.from.length);
    const count = this.s.from.slice(segment).flatMap((item) => item.columns).filter((column) => column.name === name).length;
    if (at < segment || count !== 1) {
      const alias = this.freshAlias();
      this.addTable('inner', [this.condition(`${alias}.${this.choice.column}`)], alias);
      this.label += ' (USING not possible: an ON instead)';
      return;
    }
    const literal = { text: "'x'::text", num: '0::numeric', date: "date '2024-01-01'", ts: "timestamptz '2024-01-01 00:00:00+00'" }[this.type];
    const alias = this.freshAlias();
    const natural = this.variant(2) === 1;
    this.s.from.push({
      source: { kind: 'raw', sql: `(select ${literal} as ${name}) as ${alias}` },
      qualifier: alias,
      columns: [{ name, type: this.type, card: 1, hidden: false }],
      rows: 1,
      join: natural ? { type: 'natural', on: [] } : { type: 'left', on: [], using: [name] },
    });
    this.label += natural ? ' (NATURAL)' : ' (USING)';
  }

  /** `CROSS JOIN (SELECT h.col AS benign FROM sales.t h) d` and a filter on `d.benign`. */
  private plantDerived(): void {
    const benign = ['label', 'customer_id', 'amount', 'email'].find((name) => !this.s.unqualified.includes(name) && name !== this.choice.column) ?? 'label';
    const alias = this.freshAlias();
    const lateral = this.variant(2) === 1;
    this.s.from.push({
      source: { kind: 'raw', sql: `${lateral ? 'lateral ' : ''}(select h.${this.choice.column} as ${benign} from sales.${this.choice.table} h) as ${alias}` },
      qualifier: alias,
      columns: [{ name: benign, type: this.type, card: 1, hidden: false }],
      rows: 1,
      ...(this.s.from.length > 0 ? { join: { type: 'cross', on: [] } } : {}),
    });
    this.s.where.push(`${alias}.${benign} is not null`);
    this.label += lateral ? ' (renamed in a lateral table)' : ' (renamed in a derived table)';
  }
}

/** `name AS (SELECT column AS output, … FROM sales.<table>)`. */
function readingCte(name: string, table: Table, columns: readonly (readonly [string, string])[]): Cte {
  const query: Select = {
    kind: 'select', with: [], distinct: false,
    items: columns.map(([column, output]): Item => ({ expr: `h.${column}`, name: output, aliased: true, type: 'num' })),
    from: [{ source: { kind: 'table', table, schema: true, alias: 'h' }, qualifier: 'h', columns: [], rows: 1 }],
    where: [], grouped: false, groupBy: [], having: [], orderBy: [], fromRows: 1, unqualified: [],
  };
  return { name, query };
}

/** The index of the item that starts the join tree `index` belongs to (JOIN binds tighter than a comma). */
function segmentStart(items: readonly FromItem[], index: number): number {
  let start = 0;
  for (let position = 1; position <= Math.min(index, items.length - 1); position++) if (items[position]!.join?.type.startsWith('comma')) start = position;
  return start;
}

function valueTypeOf(sqlType: string): ValueType {
  if (sqlType === 'text') return 'text';
  if (sqlType === 'date') return 'date';
  if (sqlType === 'timestamptz') return 'ts';
  return 'num';
}

/**
 * The plant of a column the role may read, in the same place and shape: what the guard says of it
 * tells whether a refusal of the real plant was for its hidden column or for the shape around it.
 */
export function decoyOf(choice: PlantChoice, readable: readonly string[]): PlantChoice {
  const type = valueTypeOf(WAREHOUSE_COLUMN_TYPES[choice.table]![choice.column]!);
  const sameType = readable.filter((column) => valueTypeOf(WAREHOUSE_COLUMN_TYPES[choice.table]![column]!) === type);
  return { ...choice, column: (sameType.length > 0 ? sameType : readable)[0]! };
}

/** `expr` of type `from` as a value of type `to`, still reading everything `expr` reads. */
function convert(expr: Expr, from: ValueType, to: ValueType): Expr {
  const wrap = (template: string): Expr => (typeof expr === 'string' ? template.replace(SUBQUERY, expr) : { template: template.replace(SUBQUERY, expr.template), query: expr.query });
  const cls = (type: ValueType) => (type === 'ts' ? 'date' : type);
  if (cls(from) === cls(to)) return to === 'date' && from === 'ts' ? wrap(`(${SUBQUERY})::date`) : expr;
  if (to === 'num') return wrap(`length((${SUBQUERY})::text)`);
  if (to === 'text') return wrap(`(${SUBQUERY})::text`);
  return wrap(`date '2024-01-01' + length((${SUBQUERY})::text)`);
}
