/**
 * The SQL guard: proves from PostgreSQL's own syntax tree that a statement is a single read of the
 * warehouse, then writes the SQL that will run (row cap applied) by deparsing the checked tree.
 * Nothing the planner writes reaches the database in any other form.
 */
import type { Principal } from '../principal.ts';
import type { GuardVerdict, SqlGuard } from '../ports.ts';
import { ALLOWED_FUNCTIONS, ALLOWED_TYPES, WAREHOUSE_SCHEMA, WAREHOUSE_TABLES } from './allow-lists.ts';
import { deparseTree, loadParser, parseSql, type AstNode, type ParseTree } from './postgres-parser.ts';
import { nameParts, walk } from './walk.ts';

export interface GuardOptions {
  /** The most rows a statement may return: a LIMIT is added, or lowered to this. */
  readonly maxRows: number;
  /** The longest statement accepted, in characters. */
  readonly maxLength: number;
}

export const DEFAULT_GUARD_OPTIONS: GuardOptions = { maxRows: 5_000, maxLength: 20_000 };

/** Thrown inside the checks; turned into a refusal verdict at the boundary. */
class Refusal extends Error {
  constructor(
    readonly rule: string,
    message: string,
  ) {
    super(message);
  }
}

const WRITING_NODES = new Set(['InsertStmt', 'UpdateStmt', 'DeleteStmt', 'MergeStmt']);

export class PostgresSqlGuard implements SqlGuard {
  private readonly options: GuardOptions;

  constructor(options: Partial<GuardOptions> = {}) {
    this.options = { ...DEFAULT_GUARD_OPTIONS, ...options };
  }

  async check(sql: string, principal: Principal): Promise<GuardVerdict> {
    await loadParser();
    try {
      return { allowed: true, sql: this.rewrite(sql, principal) };
    } catch (error) {
      if (error instanceof Refusal) return { allowed: false, rule: error.rule, reason: error.message };
      throw error;
    }
  }

  private rewrite(sql: string, _principal: Principal): string {
    if (sql.trim() === '') throw new Refusal('empty', 'the statement is empty');
    if (sql.length > this.options.maxLength) {
      throw new Refusal('too_long', `the statement is ${sql.length} characters long; the limit is ${this.options.maxLength}`);
    }
    const tree = parse(sql);
    if (tree.stmts.length !== 1) {
      throw new Refusal('single_statement', `exactly one statement is allowed; found ${tree.stmts.length}`);
    }
    const statement = tree.stmts[0]!.stmt;
    const select = statement.SelectStmt as AstNode | undefined;
    if (!select) {
      throw new Refusal('read_only', `only a query (SELECT, WITH, VALUES) is allowed; found ${describeStatement(statement)}`);
    }
    checkTree(statement);
    clampLimit(select, this.options.maxRows);
    const rewritten = deparseTree({ version: tree.version, stmts: [{ stmt: statement }] });
    // The SQL that runs must itself be the single query we checked.
    const again = parse(rewritten);
    if (again.stmts.length !== 1 || !again.stmts[0]!.stmt.SelectStmt) {
      throw new Refusal('round_trip', 'the rewritten statement did not re-parse as one query');
    }
    return rewritten;
  }
}

function parse(sql: string): ParseTree {
  try {
    return parseSql(sql);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Refusal('syntax', `the statement does not parse: ${message}`);
  }
}

function describeStatement(statement: AstNode): string {
  const type = Object.keys(statement)[0] ?? 'unknown';
  return type.replace(/Stmt$/, '').replace(/([a-z])([A-Z])/g, '$1 $2').toUpperCase();
}

/** Every check that looks at the whole tree: writes, relations, functions, casts, locks. */
function checkTree(statement: AstNode): void {
  const cteNames = new Set<string>();
  walk(statement, (type, fields) => {
    if (type === 'CommonTableExpr') cteNames.add(String(fields.ctename));
  });

  walk(statement, (type, fields) => {
    if (WRITING_NODES.has(type)) {
      throw new Refusal('read_only', `${type.replace('Stmt', '').toUpperCase()} is not allowed: statements may only read`);
    }
    switch (type) {
      case 'SelectStmt':
        if (fields.intoClause) throw new Refusal('read_only', 'SELECT INTO creates a table and is not allowed');
        if (fields.lockingClause) throw new Refusal('read_only', 'locking clauses (FOR UPDATE/SHARE) are not allowed');
        return;
      case 'RangeVar':
        return checkRelation(fields, cteNames);
      case 'RangeFunction':
        throw new Refusal('function', 'functions in FROM are not allowed; read from the sales tables');
      case 'FuncCall':
        return checkFunction(nameParts(fields.funcname));
      case 'TypeCast':
        return checkType(nameParts((fields.typeName as AstNode | undefined)?.names));
      case 'ColumnRef':
        return checkColumnRef(nameParts(fields.fields));
      default:
        return;
    }
  });
}

function checkRelation(range: AstNode, cteNames: ReadonlySet<string>): void {
  const schema = range.schemaname as string | undefined;
  const name = String(range.relname);
  if (range.catalogname) throw new Refusal('relation', `database-qualified names are not allowed (${range.catalogname}.${schema}.${name})`);
  if (schema === undefined && cteNames.has(name)) return;
  if (schema !== undefined && schema !== WAREHOUSE_SCHEMA) {
    throw new Refusal('relation', `relation ${schema}.${name} is outside schema ${WAREHOUSE_SCHEMA}; only the sales tables can be read`);
  }
  if (!WAREHOUSE_TABLES.has(name)) {
    throw new Refusal('relation', `relation ${schema ?? WAREHOUSE_SCHEMA}.${name} is not a warehouse table; readable tables: ${[...WAREHOUSE_TABLES].join(', ')}`);
  }
}

function checkFunction(parts: string[]): void {
  const name = parts.at(-1)?.toLowerCase() ?? '';
  const schema = parts.length > 1 ? parts.slice(0, -1).join('.') : undefined;
  if (schema !== undefined && schema !== 'pg_catalog') {
    throw new Refusal('function', `function ${parts.join('.')} is not allowed: only built-in functions can be called`);
  }
  if (!ALLOWED_FUNCTIONS.has(name)) {
    throw new Refusal('function', `function ${parts.join('.')} is not allowed`);
  }
}

function checkType(parts: string[]): void {
  const schema = parts.length > 1 ? parts[0] : undefined;
  const name = parts.at(-1)?.toLowerCase() ?? '';
  if ((schema !== undefined && schema !== 'pg_catalog') || !ALLOWED_TYPES.has(name)) {
    throw new Refusal('cast', `cast to ${parts.join('.')} is not allowed`);
  }
}

function checkColumnRef(parts: string[]): void {
  // schema.table.column: only the warehouse schema may be named.
  if (parts.length >= 3 && parts[0] !== WAREHOUSE_SCHEMA) {
    throw new Refusal('relation', `column reference ${parts.join('.')} names a schema other than ${WAREHOUSE_SCHEMA}`);
  }
}

/** Adds a LIMIT, or lowers one, to the row cap on the outermost query. */
function clampLimit(select: AstNode, maxRows: number): void {
  const current = constantInteger(select.limitCount);
  if (current !== undefined && current <= maxRows) return;
  select.limitCount = { A_Const: { ival: { ival: maxRows } } };
  if (select.limitOption === undefined || select.limitOption === 'LIMIT_OPTION_DEFAULT') {
    select.limitOption = 'LIMIT_OPTION_COUNT';
  }
}

function constantInteger(node: unknown): number | undefined {
  const constant = (node as AstNode | undefined)?.A_Const as AstNode | undefined;
  if (!constant || constant.isnull) return undefined;
  const ival = constant.ival as AstNode | undefined;
  if (ival) return typeof ival.ival === 'number' ? ival.ival : 0;
  return undefined;
}
