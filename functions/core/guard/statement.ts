/**
 * The first walls: the text parses with PostgreSQL's own grammar, holds exactly one statement, and
 * that statement is a plain query that cannot write, lock or create anything.
 */
import { parseSql, type AstNode, type ParseTree } from './postgres-parser.ts';
import { Refusal } from './refusal.ts';
import { walk } from './walk.ts';

const WRITING_NODES = new Set(['InsertStmt', 'UpdateStmt', 'DeleteStmt', 'MergeStmt']);

/** Parses `sql` and returns its one statement, which must be a query (SELECT, WITH, VALUES, set operation). */
export function parseSingleQuery(sql: string, maxLength: number): { tree: ParseTree; statement: AstNode } {
  if (sql.trim() === '') throw new Refusal('empty', 'the statement is empty');
  if (sql.length > maxLength) throw new Refusal('too_long', `the statement is ${sql.length} characters long; the limit is ${maxLength}`);
  const tree = parse(sql);
  if (tree.stmts.length !== 1) throw new Refusal('single_statement', `exactly one statement is allowed; found ${tree.stmts.length}`);
  const statement = tree.stmts[0]!.stmt;
  checkTreeDepth(statement);
  if (!statement.SelectStmt) {
    throw new Refusal('read_only', `only a query (SELECT, WITH, VALUES) is allowed; found ${describeStatement(statement)}`);
  }
  checkReadOnly(statement);
  return { tree, statement };
}

/** Parses with the real PostgreSQL parser; a syntax error becomes a refusal quoting the parser. */
export function parse(sql: string): ParseTree {
  try {
    return parseSql(sql);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Refusal('syntax', `the statement does not parse: ${message}`);
  }
}

/**
 * How deep the parse tree may nest. Every later wall walks the tree recursively, so this bound,
 * measured without recursion, keeps them all within the stack. Ordinary analyst queries nest about
 * 30 levels; 250 allows a sum of some 120 terms.
 */
export const MAX_TREE_DEPTH = 250;

function checkTreeDepth(root: AstNode): void {
  const stack: [unknown, number][] = [[root, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (depth > MAX_TREE_DEPTH) {
      throw new Refusal('complexity', `the statement nests too deeply (more than ${MAX_TREE_DEPTH} levels in its syntax tree); split long chains of operators or nested calls`);
    }
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
}

/** No data-modifying CTE, no SELECT INTO, no locking clause, anywhere in the tree. */
function checkReadOnly(statement: AstNode): void {
  walk(statement, (type, fields) => {
    if (WRITING_NODES.has(type)) {
      throw new Refusal('read_only', `${type.replace('Stmt', '').toUpperCase()} is not allowed: statements may only read`);
    }
    if (type === 'SelectStmt') {
      if (fields.intoClause) throw new Refusal('read_only', 'SELECT INTO creates a table and is not allowed');
      if (fields.lockingClause) throw new Refusal('read_only', 'locking clauses (FOR UPDATE/SHARE) are not allowed');
    }
  });
}

function describeStatement(statement: AstNode): string {
  const type = Object.keys(statement)[0] ?? 'unknown';
  return type.replace(/Stmt$/, '').replace(/([a-z])([A-Z])/g, '$1 $2').toUpperCase();
}
