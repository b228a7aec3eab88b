/**
 * Relations only from schema `sales`, functions and casts only from the allow-lists. These checks
 * look at every node of the tree, wherever it stands (subqueries, CTEs, expressions).
 */
import { ALLOWED_FUNCTIONS, ALLOWED_TYPES, WAREHOUSE_SCHEMA, WAREHOUSE_TABLES } from './allow-lists.ts';
import type { AstNode } from './postgres-parser.ts';
import { Refusal } from './refusal.ts';
import { nameParts, walk } from './walk.ts';

export function checkRelationsAndFunctions(statement: AstNode): void {
  const cteNames = new Set<string>();
  walk(statement, (type, fields) => {
    if (type === 'CommonTableExpr') cteNames.add(String(fields.ctename));
  });
  walk(statement, (type, fields) => {
    switch (type) {
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
  if (!ALLOWED_FUNCTIONS.has(name)) throw new Refusal('function', `function ${parts.join('.')} is not allowed`);
}

function checkType(parts: string[]): void {
  const schema = parts.length > 1 ? parts[0] : undefined;
  const name = parts.at(-1)?.toLowerCase() ?? '';
  if ((schema !== undefined && schema !== 'pg_catalog') || !ALLOWED_TYPES.has(name)) {
    throw new Refusal('cast', `cast to ${parts.join('.')} is not allowed`);
  }
}

function checkColumnRef(parts: string[]): void {
  if (parts.length >= 3 && parts[0] !== WAREHOUSE_SCHEMA) {
    throw new Refusal('relation', `column reference ${parts.join('.')} names a schema other than ${WAREHOUSE_SCHEMA}`);
  }
}
