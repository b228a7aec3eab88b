/**
 * Relations only from schema `sales`, functions and casts only from the allow-lists. These checks
 * look at every node of the tree, wherever it stands (subqueries, CTEs, expressions).
 */
import { ALLOWED_FUNCTIONS, ALLOWED_TYPES, WAREHOUSE_SCHEMA, WAREHOUSE_TABLES } from './allow-lists.ts';
import { isAllowedFromFunction, rangeFunctionCalls } from './limits.ts';
import type { AstNode } from './postgres-parser.ts';
import { Refusal } from './refusal.ts';
import { nameParts, walk, type AstPath } from './walk.ts';

export function checkRelationsAndFunctions(statement: AstNode): void {
  checkWithin(statement);
}

/**
 * Checks every node of a subtree. A qualified relation name must be a warehouse table of schema
 * sales; an unqualified one may also be a CTE, which only the name-resolution engine can tell
 * (scope/resolver.ts, the one model of CTE scoping: per query level, set-operation arm and
 * sublink), so it judges those: a name that is neither a table nor a CTE in scope is refused there.
 */
function checkWithin(root: unknown, startPath: AstPath = []): void {
  const visit = (type: string, fields: AstNode, path: AstPath): boolean | void => {
    switch (type) {
      case 'RangeVar':
        return checkRelation(fields);
      case 'RangeFunction':
        // The call itself is allowed here by name; its arguments and alias go through every check.
        for (const call of checkRangeFunction(fields)) walk(call.args, visitWithTypes, [...path]);
        walk(fields.alias, visitWithTypes, [...path]);
        return false;
      case 'FuncCall':
        return checkFunction(nameParts(fields.funcname));
      case 'A_Expr':
        return checkOperator(nameParts(fields.name));
      case 'SQLValueFunction':
        return checkValueFunction(String(fields.op));
      case 'XmlExpr':
      case 'XmlSerialize':
        throw new Refusal('function', 'XML functions are not allowed: they parse documents the server may resolve; read the sales tables as rows or JSON');
      case 'RangeTableSample':
        return checkSampleMethod(nameParts(fields.method));
      case 'ColumnRef':
        return checkColumnRef(nameParts(fields.fields));
      case 'ParamRef':
        // Nothing binds a value to `$1`: the database would fail while planning, which the cost
        // check would report as a warehouse that cannot be reached rather than as the statement's fault.
        throw new Refusal('syntax', `parameter $${String(fields.number ?? '')} has no value here: write the value into the statement`);
      default:
        return;
    }
  };
  // Every type the statement names — a cast, or a RETURNING clause of JSON_VALUE and its kin — is
  // one a value may be converted to: `json_value(… returning regclass)` looks up the catalog as
  // surely as `::regclass` does.
  const visitWithTypes = (type: string, fields: AstNode, path: AstPath): boolean | void => {
    checkNamedTypes(fields);
    return visit(type, fields, path);
  };
  walk(root, visitWithTypes, [...startPath]);
}

/**
 * A function in FROM: one allow-listed call (`generate_series`, `unnest`), no column definition list,
 * and for `unnest` only constant arrays. limits.ts then bounds a series' length.
 */
function checkRangeFunction(range: AstNode): AstNode[] {
  const calls = rangeFunctionCalls(range);
  const allowed = 'only generate_series and unnest may stand in FROM; read everything else from the sales tables';
  if (calls.length !== 1 || calls.length !== ((range.functions as unknown[] | undefined)?.length ?? 0)) {
    throw new Refusal('function', `one function per FROM item; ${allowed}`);
  }
  const call = calls[0]!;
  const name = nameParts(call.funcname).join('.');
  if (!isAllowedFromFunction(call)) throw new Refusal('function', `function ${name} is not allowed in FROM; ${allowed}`);
  if (range.coldeflist || call.agg_filter || call.over || call.agg_order || call.agg_star || call.agg_distinct || call.func_variadic) {
    throw new Refusal('function', `${name} in FROM takes plain arguments only`);
  }
  if (name.endsWith('unnest') && !((call.args as unknown[] | undefined) ?? []).every(isConstantArray)) {
    throw new Refusal('function', "unnest in FROM takes constant arrays only: ARRAY[...] of literals, or a literal such as '{1,2,3}'::int[]");
  }
  return [call];
}

/** `ARRAY[1, 2]`, `ARRAY[date '2024-01-01']`, `'{a,b}'::text[]`: literals only, nothing to read or call. */
function isConstantArray(node: unknown): boolean {
  const n = node as AstNode;
  if (n?.A_ArrayExpr) {
    const elements = ((n.A_ArrayExpr as AstNode).elements as unknown[] | undefined) ?? [];
    return elements.every((element) => isConstantArray(element) || isLiteral(element));
  }
  const cast = n?.TypeCast as AstNode | undefined;
  if (cast && ((cast.typeName as AstNode | undefined)?.arrayBounds as unknown[] | undefined)?.length) {
    return isConstantArray(cast.arg) || Boolean((cast.arg as AstNode | undefined)?.A_Const);
  }
  return false;
}

function isLiteral(node: unknown): boolean {
  const n = node as AstNode;
  if (n?.A_Const) return true;
  if (n?.TypeCast) return isLiteral((n.TypeCast as AstNode).arg);
  const expression = n?.A_Expr as AstNode | undefined;
  return Boolean(expression && expression.kind === 'AEXPR_OP' && expression.lexpr === undefined && isLiteral(expression.rexpr));
}

function checkRelation(range: AstNode): void {
  const schema = range.schemaname as string | undefined;
  const name = String(range.relname);
  if (range.catalogname) throw new Refusal('relation', `database-qualified names are not allowed (${range.catalogname}.${schema}.${name})`);
  if (schema === undefined && !WAREHOUSE_TABLES.has(name)) return; // a CTE, or refused by the resolver
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

/**
 * Operators resolve to functions too: a qualified one must be a built-in (`OPERATOR(pg_catalog.=)`);
 * `OPERATOR(public.===)` would call whatever someone defined there.
 */
function checkOperator(parts: string[]): void {
  if (parts.length > 1 && (parts.length > 2 || parts[0] !== 'pg_catalog')) {
    throw new Refusal('function', `operator ${parts.join('.')} is not allowed: only built-in operators can be used`);
  }
}

/**
 * The SQL-standard value functions written without parentheses: the date and time ones are
 * ordinary values; `current_user`, `session_user`, `current_role`, `user`, `current_catalog` and
 * `current_schema` describe the server and its sessions, which the query path does not reveal.
 */
const DATE_TIME_VALUE_FUNCTIONS = /^SVFOP_(CURRENT_DATE|CURRENT_TIME|CURRENT_TIME_N|CURRENT_TIMESTAMP|CURRENT_TIMESTAMP_N|LOCALTIME|LOCALTIME_N|LOCALTIMESTAMP|LOCALTIMESTAMP_N)$/;

function checkValueFunction(op: string): void {
  if (!DATE_TIME_VALUE_FUNCTIONS.test(op)) {
    const name = op.replace(/^SVFOP_/, '').replace(/_N$/, '').toLowerCase();
    throw new Refusal('function', `${name} is not allowed: it describes the database server, not the sales data`);
  }
}

/** TABLESAMPLE methods are functions as well: only the two built-in ones, which read no more than the table. */
const SAMPLE_METHODS: ReadonlySet<string> = new Set(['system', 'bernoulli']);

function checkSampleMethod(parts: string[]): void {
  const name = parts.at(-1)?.toLowerCase() ?? '';
  if ((parts.length > 1 && parts[0] !== 'pg_catalog') || parts.length > 2 || !SAMPLE_METHODS.has(name)) {
    throw new Refusal('function', `TABLESAMPLE method ${parts.join('.')} is not allowed; use SYSTEM or BERNOULLI`);
  }
}

/**
 * Checks every `typeName` of a node (its own, or one inside a plain sub-object such as a JSON
 * function's RETURNING clause), without descending into typed child nodes (they are visited themselves).
 */
function checkNamedTypes(fields: AstNode): void {
  for (const key in fields) {
    const value = fields[key];
    if (value === null || typeof value !== 'object' || Array.isArray(value)) continue;
    if (key === 'typeName') {
      checkType(nameParts((value as AstNode).names));
      continue;
    }
    const keys = Object.keys(value);
    const typedChild = keys.length === 1 && /^[A-Z]/.test(keys[0]!);
    if (!typedChild) checkNamedTypes(value as AstNode);
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
  if (parts.length >= 3 && parts[0] !== WAREHOUSE_SCHEMA) {
    throw new Refusal('relation', `column reference ${parts.join('.')} names a schema other than ${WAREHOUSE_SCHEMA}`);
  }
}
