/**
 * The name-resolution engine under the column wall: it binds every column reference of a query to
 * the base columns it reads, as PostgreSQL's parse analysis would (transformSelectStmt,
 * transformFromClause, transformColumnRef), and reports each read to a sink.
 *
 * Scopes: a query level has the namespace items of its FROM clause; subqueries in expressions see
 * their enclosing levels (correlation), LATERAL subqueries also see the FROM entries before them,
 * plain FROM subqueries do not; a join's ON clause sees the two sides only. CTEs form their own
 * chain of frames: a non-recursive WITH entry sees the entries before it, a recursive WITH all of
 * them; a CTE name shadows a table of the same name when written unqualified. Each CTE body is
 * analysed once, where it is defined (so one that is never used is still checked), and its output
 * columns carry their lineage to every reference.
 *
 * The resolver fails closed: a name it cannot bind the way PostgreSQL would (unknown, ambiguous,
 * a system column, a node it does not know) is refused, never skipped.
 *
 * @internal The column wall (columns.ts) is its only caller; tests use `resolveReads`.
 */
import type { AstNode } from '../postgres-parser.ts';
import { Refusal } from '../refusal.ts';
import { SYSTEM_COLUMNS, WAREHOUSE_SCHEMA } from '../schema.ts';
import {
  findColumn,
  findColumnAtLevel,
  findItem,
  renameColumns,
  unionSources,
  type BaseColumn,
  type Level,
  type NamespaceItem,
  type ScopeColumn,
} from './namespace.ts';
import { figureColumnName } from './output-names.ts';
import { asNode, isNodeType, knownFields, qualifierNames, stringList, typed } from './tree-shape.ts';
import { tableScopeColumns, type ReadKind, type ReadSink } from './reads.ts';

/**
 * Resolves every column reference of a query (`SelectStmt` fields) and reports each base column
 * read to `sink`. Returns the query's output columns. Throws `Refusal` for what cannot be resolved.
 */
export function resolveReads(select: AstNode, sink: ReadSink, onTable?: TableSink): readonly ScopeColumn[] {
  return new Resolver(sink, onTable).select(select, null, null);
}

/**
 * Receives every FROM reference the resolver bound, as the very `RangeVar` fields object of the
 * tree: with the warehouse table's name, or `null` for a reference to a CTE. The region-scope
 * rewrite replaces exactly the table references, so the column wall and the rewrite cannot disagree
 * about what a name stands for: there is one model of scope, this one.
 */
export type TableSink = (rangeVar: AstNode, table: string | null) => void;

interface CteEntry {
  readonly name: string;
  readonly definition: AstNode;
  readonly recursive: boolean;
  /** The CTE frames its body sees, and the query levels around the WITH. */
  env: CteFrame | null;
  readonly outer: Level | null;
  state: 'pending' | 'analysing' | 'done';
  /** Set while a recursive CTE's recursive term is analysed: the non-recursive term's columns. */
  provisional?: readonly ScopeColumn[];
  columns?: readonly ScopeColumn[];
}

interface CteFrame {
  readonly entries: ReadonlyMap<string, CteEntry>;
  readonly parent: CteFrame | null;
}

interface FromResult {
  /** The namespace items the entry adds to its level (a join's inputs and the join itself). */
  readonly items: NamespaceItem[];
  /** The item whose columns a join on this entry sees. */
  readonly top: NamespaceItem;
}

interface MutableLevel extends Level {
  readonly items: NamespaceItem[];
}

/** Set-returning functions whose every call yields one scalar column (so its name is known). */
const SCALAR_SET_FUNCTIONS: ReadonlySet<string> = new Set(['generate_series', 'unnest']);

const NO_SOURCES: readonly BaseColumn[] = Object.freeze([]);

class Resolver {
  /** Lineage collector: the base columns the expression being analysed reads. */
  private collecting: Set<BaseColumn> | null = null;
  /** Output columns of scalar subqueries, for the name PostgreSQL gives `(select max(x) ...)`. */
  private readonly subqueryOutputs = new WeakMap<object, readonly ScopeColumn[]>();
  private readonly subqueryName = (sublink: AstNode): string | undefined => this.subqueryOutputs.get(sublink)?.[0]?.name;

  constructor(
    private readonly sink: ReadSink,
    private readonly onTable?: TableSink,
  ) {}

  // ---- queries ---------------------------------------------------------------------------------

  /** A SELECT, set operation or VALUES list at a new level under `outer`; returns its output columns. */
  select(stmt: AstNode, outer: Level | null, env: CteFrame | null): readonly ScopeColumn[] {
    knownFields('SelectStmt', stmt);
    const withClause = stmt.withClause as AstNode | undefined;
    if (withClause) env = this.defineCtes(withClause, outer, env);

    if (stmt.op !== undefined && stmt.op !== 'SETOP_NONE') {
      const left = this.select(asNode(stmt.larg, 'a set operation'), outer, env);
      const right = this.select(asNode(stmt.rarg, 'a set operation'), outer, env);
      const output = left.map((column, index) => ({ name: column.name, sources: unionSources(column.sources, right[index]?.sources ?? NO_SOURCES) }));
      this.setOperationTail(stmt, output, outer, env);
      return output;
    }

    if (Array.isArray(stmt.valuesLists)) {
      const output = this.values(stmt.valuesLists as AstNode[], outer, env);
      this.setOperationTail(stmt, output, outer, env);
      return output;
    }

    const level: MutableLevel = { items: [], parent: outer };
    for (const entry of (stmt.fromClause as AstNode[] | undefined) ?? []) {
      level.items.push(...this.fromItem(entry, level.items, outer, env).items);
    }
    const output = this.targetList((stmt.targetList as AstNode[] | undefined) ?? [], level, env);
    this.expression(stmt.whereClause, level, env);
    for (const item of (stmt.groupClause as AstNode[] | undefined) ?? []) this.groupItem(item, output, level, env);
    this.expression(stmt.havingClause, level, env);
    this.expression(stmt.windowClause, level, env);
    for (const item of (stmt.distinctClause as AstNode[] | undefined) ?? []) {
      if (Object.keys(item).length > 0) this.sortItem(item, output, level, env, 'order');
    }
    for (const sortBy of (stmt.sortClause as AstNode[] | undefined) ?? []) {
      this.sortItem((sortBy.SortBy as AstNode | undefined)?.node ?? sortBy, output, level, env, 'order');
    }
    this.expression(stmt.limitCount, level, env);
    this.expression(stmt.limitOffset, level, env);
    return output;
  }

  /** VALUES (...), (...): columns `column1`…, each computed from the row expressions at its position. */
  private values(rows: AstNode[], outer: Level | null, env: CteFrame | null): readonly ScopeColumn[] {
    const level: Level = { items: [], parent: outer };
    const sources: Set<BaseColumn>[] = [];
    for (const row of rows) {
      const items = ((row.List as AstNode | undefined)?.items as unknown[] | undefined) ?? [];
      items.forEach((item, index) => {
        const collected = this.collect(() => this.expression(item, level, env));
        const known = (sources[index] ??= new Set());
        for (const source of collected) known.add(source);
      });
    }
    return sources.map((set, index) => ({ name: `column${index + 1}`, sources: [...set] }));
  }

  /** ORDER BY / LIMIT of a set operation or VALUES: output column names, positions, or expressions over the output. */
  private setOperationTail(stmt: AstNode, output: readonly ScopeColumn[], outer: Level | null, env: CteFrame | null): void {
    const level: Level = {
      items: [{ refname: null, table: null, unaliased: false, columns: output, relVisible: false, colsVisible: true }],
      parent: outer,
    };
    for (const sortBy of (stmt.sortClause as AstNode[] | undefined) ?? []) {
      this.sortItem((sortBy.SortBy as AstNode | undefined)?.node ?? sortBy, output, level, env, 'order');
    }
    this.expression(stmt.limitCount, level, env);
    this.expression(stmt.limitOffset, level, env);
  }

  // ---- CTEs ------------------------------------------------------------------------------------

  /** Defines a WITH list's CTEs as frames over `env`, analyses every body, and returns the body's frame. */
  private defineCtes(withClause: AstNode, outer: Level | null, env: CteFrame | null): CteFrame | null {
    const definitions = ((withClause.ctes as AstNode[] | undefined) ?? []).map((cte) => asNode(cte.CommonTableExpr, 'a WITH list'));
    const recursive = withClause.recursive === true;
    const names = new Set<string>();
    const entries: CteEntry[] = [];
    for (const definition of definitions) {
      const name = String(definition.ctename);
      if (names.has(name)) throw new Refusal('column', `WITH query name ${name} is specified more than once`);
      names.add(name);
      entries.push({ name, definition, recursive, env: null, outer, state: 'pending' });
    }
    let frame = env;
    if (recursive) {
      // WITH RECURSIVE: every entry sees every other one, in any order.
      frame = { entries: new Map(entries.map((entry) => [entry.name, entry])), parent: env };
      for (const entry of entries) entry.env = frame;
    } else {
      // Plain WITH: an entry sees the ones before it (and outer WITHs), never itself or later ones.
      for (const entry of entries) {
        entry.env = frame;
        frame = { entries: new Map([[entry.name, entry]]), parent: frame };
      }
    }
    for (const entry of entries) this.cteColumns(entry);
    return frame;
  }

  /** The output columns of a CTE, analysing its body on first need. */
  private cteColumns(entry: CteEntry): readonly ScopeColumn[] {
    if (entry.state === 'done') return entry.columns!;
    if (entry.state === 'analysing') {
      if (entry.provisional) return entry.provisional;
      throw new Refusal('column', `WITH query ${entry.name} refers to itself outside the recursive part of a UNION`);
    }
    entry.state = 'analysing';
    const definition = entry.definition;
    const query = definition.ctequery as AstNode | undefined;
    const body = query?.SelectStmt as AstNode | undefined;
    if (!body) throw new Refusal('read_only', `WITH query ${entry.name} must be a SELECT: statements may only read`);
    const names = stringList(definition.aliascolnames);
    let columns: readonly ScopeColumn[];
    const isSetOperation = body.op !== undefined && body.op !== 'SETOP_NONE';
    if (entry.recursive && isSetOperation && !body.withClause) {
      // As PostgreSQL does: the non-recursive term fixes the columns, then the recursive term may refer to them.
      const left = this.select(asNode(body.larg, 'a recursive query'), entry.outer, entry.env);
      entry.provisional = renameColumns(left, names);
      const right = this.select(asNode(body.rarg, 'a recursive query'), entry.outer, entry.env);
      const output = left.map((column, index) => ({ name: column.name, sources: unionSources(column.sources, right[index]?.sources ?? NO_SOURCES) }));
      this.setOperationTail(body, output, entry.outer, entry.env);
      columns = renameColumns(output, names);
    } else {
      columns = renameColumns(this.select(body, entry.outer, entry.env), names);
    }
    columns = [...columns, ...searchAndCycleColumns(definition, columns)];
    entry.columns = columns;
    entry.provisional = undefined;
    entry.state = 'done';
    return columns;
  }

  private lookupCte(env: CteFrame | null, name: string): CteEntry | undefined {
    for (let frame = env; frame; frame = frame.parent) {
      const entry = frame.entries.get(name);
      if (entry) return entry;
    }
    return undefined;
  }

  // ---- FROM ------------------------------------------------------------------------------------

  /**
   * One FROM entry. `lateral` holds the items a LATERAL subquery may see (earlier entries and the
   * left side of enclosing joins); `outer` is the enclosing query level.
   */
  private fromItem(node: AstNode, lateral: readonly NamespaceItem[], outer: Level | null, env: CteFrame | null): FromResult {
    const [type, fields] = typed(node);
    knownFields(type, fields);
    switch (type) {
      case 'RangeVar':
        return single(this.rangeVar(fields, env));
      case 'RangeSubselect': {
        const subquery = asNode((fields.subquery as AstNode | undefined)?.SelectStmt, 'a subquery in FROM');
        const parent: Level | null = fields.lateral === true ? { items: [...lateral], parent: outer } : outer;
        const output = this.select(subquery, parent, env);
        const alias = fields.alias as AstNode | undefined;
        return single(item(alias ? String(alias.aliasname) : null, null, false, renameColumns(output, stringList(alias?.colnames))));
      }
      case 'RangeTableSample': {
        const result = this.fromItem(asNode(fields.relation, 'TABLESAMPLE'), lateral, outer, env);
        this.expression(fields.args, { items: [], parent: outer }, env);
        this.expression(fields.repeatable, { items: [], parent: outer }, env);
        return result;
      }
      case 'JoinExpr':
        return this.join(fields, lateral, outer, env);
      case 'RangeFunction':
        return single(this.rangeFunction(fields, lateral, outer, env));
      case 'RangeTableFunc':
      case 'JsonTable':
        throw new Refusal('function', 'functions in FROM are not allowed; read from the sales tables');
      default:
        throw new Refusal('relation', `${type} in FROM is not supported; read from the sales tables`);
    }
  }

  /**
   * A set-returning function in FROM (`generate_series(...) as g(d)`, `unnest(...)`, `ROWS FROM`):
   * implicitly LATERAL, so its arguments see the entries before it; each output column's lineage is
   * what its call's arguments read. Only functions known to return one scalar column are resolved
   * (PostgreSQL's chooseScalarFunctionAlias names it); any other is refused, since its columns'
   * names could not be known here.
   */
  private rangeFunction(fields: AstNode, lateral: readonly NamespaceItem[], outer: Level | null, env: CteFrame | null): NamespaceItem {
    const calls = ((fields.functions as AstNode[] | undefined) ?? []).map((entry) => {
      const items = (entry.List as AstNode | undefined)?.items as AstNode[] | undefined;
      const call = items?.[0]?.FuncCall as AstNode | undefined;
      if (!call || (items![1] !== undefined && Object.keys(items![1]).length > 0)) {
        throw new Refusal('function', 'this form of function in FROM is not supported; call generate_series or unnest');
      }
      return call;
    });
    const alias = fields.alias as AstNode | undefined;
    const level: Level = { items: [...lateral], parent: outer };
    const columns: ScopeColumn[] = [];
    for (const call of calls) {
      const name = stringList(call.funcname).at(-1) ?? '';
      if (!SCALAR_SET_FUNCTIONS.has(name)) {
        throw new Refusal('function', `function ${name} is not allowed in FROM; only ${[...SCALAR_SET_FUNCTIONS].join(' and ')} are`);
      }
      if (fields.coldeflist !== undefined) throw new Refusal('function', `function ${name} does not take a column definition list`);
      const args = (call.args as unknown[] | undefined) ?? [];
      // unnest(a, b) in FROM is ROWS FROM (unnest(a), unnest(b)): one column per array.
      const outputs = name === 'unnest' && args.length > 1 ? args.map((arg) => [arg]) : [args];
      this.expression({ ...call, args: undefined }, level, env);
      const single = calls.length === 1 && outputs.length === 1;
      for (const argList of outputs) {
        const sources = this.collect(() => this.expression(argList, level, env));
        columns.push({ name: single && alias ? String(alias.aliasname) : name, sources: [...sources] });
      }
    }
    if (fields.ordinality === true) columns.push({ name: 'ordinality', sources: [] });
    const refname = alias ? String(alias.aliasname) : calls.length === 1 ? (stringList(calls[0]!.funcname).at(-1) ?? null) : null;
    return item(refname, null, false, renameColumns(columns, stringList(alias?.colnames)));
  }

  /** A table or CTE name: an unqualified name is a CTE when one is in scope, else a sales table. */
  private rangeVar(fields: AstNode, env: CteFrame | null): NamespaceItem {
    const relname = String(fields.relname);
    const schema = fields.schemaname as string | undefined;
    const alias = fields.alias as AstNode | undefined;
    const aliasName = alias ? String(alias.aliasname) : null;
    const renames = stringList(alias?.colnames);
    if (fields.catalogname !== undefined) {
      throw new Refusal('relation', `database-qualified names are not allowed (${String(fields.catalogname)}.${schema}.${relname})`);
    }
    if (schema === undefined) {
      const cte = this.lookupCte(env, relname);
      if (cte) {
        this.onTable?.(fields, null);
        return item(aliasName ?? relname, null, false, renameColumns(this.cteColumns(cte), renames));
      }
    }
    const columns = schema === undefined || schema === WAREHOUSE_SCHEMA ? tableScopeColumns(relname) : undefined;
    if (!columns) {
      throw new Refusal('relation', `relation ${schema === undefined ? relname : `${schema}.${relname}`} is not a warehouse table (nor a WITH query in scope); only the sales tables can be read`);
    }
    if (renames.length > columns.length) {
      throw new Refusal('column', `table ${relname} has ${columns.length} columns available but ${renames.length} columns specified`);
    }
    this.onTable?.(fields, relname);
    return item(aliasName ?? relname, relname, alias === undefined, renameColumns(columns, renames));
  }

  /**
   * A join, as PostgreSQL's transformFromClauseItem builds it: USING/NATURAL columns are read on
   * both sides and merged; the ON clause sees the two sides only; afterwards the inputs stay
   * visible to qualified names only (or not at all under a join alias), and the join's own item
   * carries the unqualified columns.
   */
  private join(fields: AstNode, lateral: readonly NamespaceItem[], outer: Level | null, env: CteFrame | null): FromResult {
    const left = this.fromItem(asNode(fields.larg, 'a join'), lateral, outer, env);
    const right = this.fromItem(asNode(fields.rarg, 'a join'), [...lateral, ...left.items], outer, env);
    const leftColumns = left.top.columns;
    const rightColumns = right.top.columns;

    let using: string[];
    let written: (name: string) => string;
    if (fields.isNatural === true) {
      const rightNames = new Set(rightColumns.map((column) => column.name));
      using = leftColumns.map((column) => column.name).filter((name) => rightNames.has(name));
      written = () => 'NATURAL JOIN';
    } else {
      using = stringList(fields.usingClause);
      written = (name) => `USING (${name})`;
    }

    const merged: ScopeColumn[] = [];
    const usedLeft = new Set<number>();
    const usedRight = new Set<number>();
    for (const name of using) {
      if (merged.some((column) => column.name === name)) throw new Refusal('column', `column ${name} appears more than once in the join's USING list`);
      const leftIndex = uniqueIndex(leftColumns, name, 'left');
      const rightIndex = uniqueIndex(rightColumns, name, 'right');
      usedLeft.add(leftIndex);
      usedRight.add(rightIndex);
      const leftColumn = leftColumns[leftIndex]!;
      const rightColumn = rightColumns[rightIndex]!;
      // The join condition compares the two: both are read, whatever the select list says.
      this.readColumn(leftColumn, 'join', written(name));
      this.readColumn(rightColumn, 'join', written(name));
      merged.push({ name, sources: unionSources(leftColumn.sources, rightColumn.sources) });
    }

    const inputs = [...left.items, ...right.items];
    if (fields.quals !== undefined) this.expression(fields.quals, { items: inputs, parent: outer }, env);

    const columns = [
      ...merged,
      ...leftColumns.filter((_column, index) => !usedLeft.has(index)),
      ...rightColumns.filter((_column, index) => !usedRight.has(index)),
    ];
    const usingAlias = fields.join_using_alias as AstNode | undefined;
    if (usingAlias) inputs.push(item(String(usingAlias.aliasname), null, false, merged));
    const alias = fields.alias as AstNode | undefined;
    for (const input of inputs) {
      input.colsVisible = false;
      if (alias) input.relVisible = false;
    }
    const joined = item(alias ? String(alias.aliasname) : null, null, false, renameColumns(columns, stringList(alias?.colnames)));
    joined.relVisible = alias !== undefined;
    return { items: alias ? [joined] : [...inputs, joined], top: joined };
  }

  // ---- select list, GROUP BY, ORDER BY ---------------------------------------------------------

  /** The select list: each entry's name (alias or PostgreSQL's default) and lineage; `*` expanded. */
  private targetList(targets: AstNode[], level: Level, env: CteFrame | null): ScopeColumn[] {
    const output: ScopeColumn[] = [];
    for (const target of targets) {
      const result = asNode(target.ResTarget, 'a select list');
      knownFields('ResTarget', result);
      const value = result.val;
      const star = this.starTarget(value, level);
      if (star) {
        this.readColumns(star.columns, 'star', star.written);
        for (const column of star.columns) output.push(column);
        continue;
      }
      const sources = this.collect(() => this.expression(value, level, env));
      const name = typeof result.name === 'string' ? result.name : figureColumnName(value, this.subqueryName);
      output.push({ name, sources: [...sources] });
    }
    return output;
  }

  /** `*`, `t.*` or `(t).*` in a select list: the columns it expands to, or undefined. */
  private starTarget(value: unknown, level: Level): { columns: readonly ScopeColumn[]; written: string } | undefined {
    const [type, fields] = typed(value);
    if (type === 'ColumnRef') {
      const parts = fields.fields as AstNode[];
      if (!parts.at(-1)?.A_Star) return undefined;
      const names = qualifierNames(parts.slice(0, -1));
      if (names.length === 0) {
        const columns = level.items.filter((entry) => entry.colsVisible).flatMap((entry) => entry.columns);
        return { columns, written: 'select *' };
      }
      return { columns: this.qualifiedItem(names, level).columns, written: `select ${names.join('.')}.*` };
    }
    if (type === 'A_Indirection') {
      const steps = fields.indirection as AstNode[];
      if (steps.length !== 1 || !steps[0]!.A_Star) return undefined;
      const whole = this.wholeRowItem(fields.arg, level);
      return whole ? { columns: whole.item.columns, written: `select (${whole.written}).*` } : undefined;
    }
    return undefined;
  }

  /**
   * A GROUP BY item: a bare name is an input column first and a select-list name only when no input
   * column has it; a number is a select-list position (PostgreSQL's findTargetlistEntrySQL92).
   */
  private groupItem(node: AstNode, output: readonly ScopeColumn[], level: Level, env: CteFrame | null): void {
    const [type, fields] = typed(node);
    if (type === 'GroupingSet') {
      for (const inner of (fields.content as AstNode[] | undefined) ?? []) this.groupItem(inner, output, level, env);
      return;
    }
    this.sortItem(node, output, level, env, 'group');
  }

  /** An ORDER BY / DISTINCT ON / GROUP BY item (a bare name is a select-list name first for ORDER BY). */
  private sortItem(node: unknown, output: readonly ScopeColumn[], level: Level, env: CteFrame | null, clause: 'group' | 'order'): void {
    const [type, fields] = typed(node);
    if (type === 'ColumnRef') {
      const parts = fields.fields as AstNode[];
      const name = parts.length === 1 ? (parts[0]!.String as AstNode | undefined)?.sval : undefined;
      if (typeof name === 'string') {
        const inputFirst = clause === 'group' && findColumnAtLevel(level, name, SYSTEM_COLUMNS.has(name)) !== undefined;
        // The select-list entry was read where it stands; naming it again reads nothing new.
        if (!inputFirst && output.some((column) => column.name === name)) return;
      }
    }
    if (type === 'A_Const') {
      if (fields.ival !== undefined) {
        const position = Number((fields.ival as AstNode).ival ?? 0);
        if (!Number.isInteger(position) || position < 1 || position > output.length) {
          throw new Refusal('column', `${clause === 'group' ? 'GROUP BY' : 'ORDER BY'} position ${position} is not in the select list`);
        }
      }
      return;
    }
    this.expression(node, level, env);
  }

  // ---- expressions -----------------------------------------------------------------------------

  /** Any expression (or list of them): every column reference in it, and every subquery, is resolved. */
  private expression(node: unknown, level: Level, env: CteFrame | null): void {
    if (node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      for (const element of node) this.expression(element, level, env);
      return;
    }
    const keys = Object.keys(node);
    if (keys.length === 1 && isNodeType(keys[0]!)) {
      const type = keys[0]!;
      const fields = (node as AstNode)[type];
      if (fields === null || typeof fields !== 'object' || Array.isArray(fields)) return;
      this.typedExpression(type, fields as AstNode, level, env);
      return;
    }
    for (const key of keys) this.expression((node as AstNode)[key], level, env);
  }

  private typedExpression(type: string, fields: AstNode, level: Level, env: CteFrame | null): void {
    switch (type) {
      case 'ColumnRef':
        return this.columnRef(fields, level);
      case 'A_Indirection':
        return this.indirection(fields, level, env);
      case 'SubLink': {
        this.expression(fields.testexpr, level, env);
        const subselect = asNode((fields.subselect as AstNode | undefined)?.SelectStmt, 'a subquery');
        this.subqueryOutputs.set(fields, this.select(subselect, level, env));
        return;
      }
      case 'SelectStmt':
        this.select(fields, level, env);
        return;
      case 'RangeVar':
      case 'RangeSubselect':
      case 'RangeFunction':
      case 'JoinExpr':
      case 'CommonTableExpr':
      case 'WithClause':
      case 'IntoClause':
        throw new Refusal('column', `${type} is not expected inside an expression`);
      default:
        for (const key in fields) this.expression(fields[key], level, env);
    }
  }

  /** `x`, `t.x`, `sales.t.x`, `t.*`, and `t` alone as a whole-row value. */
  private columnRef(fields: AstNode, level: Level): void {
    const parts = fields.fields as AstNode[];
    const star = parts.at(-1)?.A_Star !== undefined;
    const names = qualifierNames(star ? parts.slice(0, -1) : parts);
    const written = star ? [...names, '*'].join('.') : names.join('.');
    if (star) {
      if (names.length === 0) {
        for (const entry of level.items) if (entry.colsVisible) this.readItem(entry, 'star', 'select *');
      } else {
        this.readItem(this.qualifiedItem(names, level), 'star', written);
      }
      return;
    }
    if (names.length === 1) {
      const name = names[0]!;
      const match = findColumn(level, name, SYSTEM_COLUMNS.has(name));
      if (match?.kind === 'column') {
        this.readColumn(match.column, 'column', written);
        return;
      }
      if (match?.kind === 'system') throw systemColumn(name);
      if (match?.kind === 'ambiguous') throw ambiguous(written);
      const whole = findItem(level, name, null, WAREHOUSE_SCHEMA);
      if (whole === 'ambiguous') throw ambiguous(written);
      if (whole) {
        this.readItem(whole, 'whole-row', name);
        return;
      }
      throw unresolvable(written);
    }
    const column = names.at(-1)!;
    const owner = this.qualifiedItem(names.slice(0, -1), level);
    this.readColumn(columnOf(owner, column, written), 'column', written);
  }

  /**
   * `(t).x`, `(t).*`, `(expr)[i]`. A field of a whole-row reference reads that column only; any
   * other field selection is refused, since PostgreSQL would read `(t).f` as the call `f(t)`.
   */
  private indirection(fields: AstNode, level: Level, env: CteFrame | null): void {
    const steps = (fields.indirection as AstNode[] | undefined) ?? [];
    const first = steps[0];
    const whole = first && !first.A_Indices ? this.wholeRowItem(fields.arg, level) : undefined;
    let rest = steps;
    if (whole && first) {
      const field = (first.String as AstNode | undefined)?.sval;
      if (typeof field === 'string') {
        this.readColumn(columnOf(whole.item, field, `(${whole.written}).${field}`), 'column', `(${whole.written}).${field}`);
      } else {
        this.readItem(whole.item, 'star', `(${whole.written}).*`);
      }
      rest = steps.slice(1);
    } else {
      this.expression(fields.arg, level, env);
    }
    for (const step of rest) {
      if (step.String !== undefined) {
        throw new Refusal('column', `field selection .${String((step.String as AstNode).sval)} is only allowed on a table's row; name the column directly`);
      }
      this.expression(step, level, env);
    }
  }

  /** When `node` is a reference to a whole row (`t`, `t.*`), the item it names. */
  private wholeRowItem(node: unknown, level: Level): { item: NamespaceItem; written: string } | undefined {
    const [type, fields] = typed(node);
    if (type !== 'ColumnRef') return undefined;
    const parts = fields.fields as AstNode[];
    const star = parts.at(-1)?.A_Star !== undefined;
    const names = qualifierNames(star ? parts.slice(0, -1) : parts);
    if (star) return names.length === 0 ? undefined : { item: this.qualifiedItem(names, level), written: `${names.join('.')}.*` };
    if (names.length !== 1) return undefined;
    const name = names[0]!;
    if (findColumn(level, name, SYSTEM_COLUMNS.has(name)) !== undefined) return undefined;
    const found = findItem(level, name, null, WAREHOUSE_SCHEMA);
    return found && found !== 'ambiguous' ? { item: found, written: name } : undefined;
  }

  /** The item named by `t` or `sales.t` in `t.x` / `t.*`; refused when none is in scope. */
  private qualifiedItem(names: readonly string[], level: Level): NamespaceItem {
    if (names.length > 2) throw new Refusal('column', `reference ${names.join('.')} has too many dotted names`);
    const refname = names.at(-1)!;
    const schema = names.length === 2 ? names[0]! : null;
    const found = findItem(level, refname, schema, WAREHOUSE_SCHEMA);
    if (found === 'ambiguous') throw new Refusal('column', `table reference ${refname} is ambiguous`);
    if (!found) throw new Refusal('column', `table ${names.join('.')} is not in the FROM clause of this query`);
    return found;
  }

  // ---- reads -----------------------------------------------------------------------------------

  /** Reports every base column behind `column`; returns its lineage. */
  private readColumn(column: ScopeColumn, kind: ReadKind, written: string): readonly BaseColumn[] {
    for (const source of column.sources) {
      this.sink({ source, kind, written });
      this.collecting?.add(source);
    }
    return column.sources;
  }

  /** A whole-row or `*` read of an item: every column, reported with the full list it belongs to. */
  private readItem(entry: NamespaceItem, kind: ReadKind, written: string): void {
    this.readColumns(entry.columns, kind, written);
  }

  private readColumns(columns: readonly ScopeColumn[], kind: ReadKind, written: string): BaseColumn[] {
    const together = unionSources(...columns.map((column) => column.sources));
    for (const source of together) {
      this.sink({ source, kind, written, together });
      this.collecting?.add(source);
    }
    return together;
  }

  /** Runs `analyse` and returns the base columns it read (and adds them to any enclosing collection). */
  private collect(analyse: () => void): Set<BaseColumn> {
    const enclosing = this.collecting;
    const collected = new Set<BaseColumn>();
    this.collecting = collected;
    try {
      analyse();
    } finally {
      this.collecting = enclosing;
    }
    if (enclosing) for (const source of collected) enclosing.add(source);
    return collected;
  }
}

// ---- helpers -----------------------------------------------------------------------------------

function item(refname: string | null, table: string | null, unaliased: boolean, columns: readonly ScopeColumn[]): NamespaceItem {
  return { refname, table, unaliased, columns, relVisible: true, colsVisible: true };
}

function single(entry: NamespaceItem): FromResult {
  return { items: [entry], top: entry };
}

/** The one column of `owner` named `name`; refused when absent (or a system column) or ambiguous. */
function columnOf(owner: NamespaceItem, name: string, written: string): ScopeColumn {
  let found: ScopeColumn | undefined;
  for (const column of owner.columns) {
    if (column.name !== name) continue;
    if (found) throw ambiguous(written);
    found = column;
  }
  if (found) return found;
  if (owner.table !== null && SYSTEM_COLUMNS.has(name)) throw systemColumn(name);
  throw unresolvable(written);
}

function uniqueIndex(columns: readonly ScopeColumn[], name: string, side: 'left' | 'right'): number {
  let index = -1;
  columns.forEach((column, position) => {
    if (column.name !== name) return;
    if (index >= 0) throw new Refusal('column', `join column ${name} appears more than once in the ${side} side of the join`);
    index = position;
  });
  if (index < 0) throw new Refusal('column', `join column ${name} does not exist in the ${side} side of the join`);
  return index;
}

/** Columns added by `SEARCH ... SET seq` and `CYCLE ... SET mark USING path`, computed from the listed columns. */
function searchAndCycleColumns(definition: AstNode, columns: readonly ScopeColumn[]): ScopeColumn[] {
  const added: ScopeColumn[] = [];
  const lineage = (list: unknown): BaseColumn[] => {
    const names = new Set(stringList(list));
    return unionSources(...columns.filter((column) => names.has(column.name)).map((column) => column.sources));
  };
  const search = definition.search_clause as AstNode | undefined;
  if (search?.search_seq_column) added.push({ name: String(search.search_seq_column), sources: lineage(search.search_col_list) });
  const cycle = definition.cycle_clause as AstNode | undefined;
  if (cycle) {
    const sources = lineage(cycle.cycle_col_list);
    if (cycle.cycle_mark_column) added.push({ name: String(cycle.cycle_mark_column), sources });
    if (cycle.cycle_path_column) added.push({ name: String(cycle.cycle_path_column), sources });
  }
  return added;
}

function unresolvable(written: string): Refusal {
  return new Refusal('column', `column ${written} does not exist in the tables of this query`);
}

function ambiguous(written: string): Refusal {
  return new Refusal('column', `column reference ${written} is ambiguous; qualify it with its table`);
}

function systemColumn(name: string): Refusal {
  return new Refusal('column', `system column ${name} is not readable: only the warehouse's columns can be read`);
}
