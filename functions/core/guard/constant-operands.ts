/**
 * Operands the guard must read as the server will, where a regular expression or a position can
 * stand: the strings a constant stands for (a literal, a cast to text, an ARRAY[...] or an array
 * literal read as array input reads it), and whether an expression surely is a number
 * (`substring(x, p)` takes a position when p is one, a pattern otherwise). Internal to the guard.
 */
import { NUMERIC_TYPES } from './constant-values.ts';
import type { AstNode } from './postgres-parser.ts';
import { nameParts } from './walk.ts';

/** Types a string constant may be cast to and stay the same string (no length, no padding). */
const STRING_TYPES: ReadonlySet<string> = new Set(['text', 'varchar']);

/**
 * The strings an operand stands for when it is a constant: `'abc'`, `'abc'::text`, `'abc' COLLATE
 * "C"`; with `shape` 'array', the elements of `ARRAY['a', 'b']` or of an array literal `'{a,b}'`
 * (an untyped literal or one cast to text[]), read as the server's array input reads them. NULL
 * stands for nothing. `undefined` for anything else: a column, a subquery, a call, a concatenation.
 */
export function constantStrings(node: unknown, shape: 'scalar' | 'array'): string[] | undefined {
  const n = node as AstNode | undefined;
  if (!n || typeof n !== 'object') return undefined;
  if (n.CollateClause) return constantStrings((n.CollateClause as AstNode).arg, shape);
  if (n.A_Const) {
    const literal = n.A_Const as AstNode;
    if (literal.isnull) return [];
    const sval = literal.sval as AstNode | undefined;
    if (!sval) return undefined;
    const text = typeof sval.sval === 'string' ? sval.sval : '';
    return shape === 'scalar' ? [text] : parseArrayLiteral(text);
  }
  if (n.TypeCast) {
    const cast = n.TypeCast as AstNode;
    const typeName = cast.typeName as AstNode | undefined;
    const names = nameParts(typeName?.names);
    const type = names.at(-1)?.toLowerCase() ?? '';
    const dimensions = ((typeName?.arrayBounds as unknown[] | undefined) ?? []).length;
    if (!STRING_TYPES.has(type) || typeName?.typmods || (names.length > 1 && names[0] !== 'pg_catalog')) return undefined;
    if (shape === 'scalar') return dimensions === 0 ? constantStrings(cast.arg, 'scalar') : undefined;
    return dimensions > 0 ? constantStrings(cast.arg, 'array') : undefined;
  }
  if (n.A_ArrayExpr && shape === 'array') {
    const strings: string[] = [];
    for (const element of ((n.A_ArrayExpr as AstNode).elements as unknown[] | undefined) ?? []) {
      const inner = constantStrings(element, (element as AstNode | undefined)?.A_ArrayExpr ? 'array' : 'scalar');
      if (inner === undefined) return undefined;
      strings.push(...inner);
    }
    return strings;
  }
  return undefined;
}

/** Array input's white space (array_isspace in arrayfuncs.c). */
const ARRAY_SPACE = new Set([' ', '\t', '\n', '\r', '\v', '\f']);

/**
 * The elements of a one-dimensional array literal, as array_in reads them: `{a, "b c", "d\"e", NULL}`
 * (quoted elements keep everything, a backslash escapes the next character, unquoted ones lose the
 * white space around them, an unquoted NULL is no element). `undefined` for anything less plain
 * (dimensions, nesting, a stray quote), which the callers refuse.
 */
export function parseArrayLiteral(text: string): string[] | undefined {
  const chars = Array.from(text);
  let at = 0;
  const skipSpace = (): void => {
    while (at < chars.length && ARRAY_SPACE.has(chars[at]!)) at++;
  };
  skipSpace();
  if (chars[at] !== '{') return undefined;
  at++;
  skipSpace();
  const elements: string[] = [];
  if (chars[at] === '}') {
    at++;
  } else {
    for (;;) {
      skipSpace();
      let value = '';
      if (chars[at] === '"') {
        at++;
        for (;;) {
          const c = chars[at++];
          if (c === undefined) return undefined;
          if (c === '"') break;
          if (c === '\\') {
            const escaped = chars[at++];
            if (escaped === undefined) return undefined;
            value += escaped;
          } else {
            value += c;
          }
        }
        elements.push(value);
        skipSpace();
      } else {
        let kept = 0; // length of value up to its last character that is not unescaped white space
        let escapedAny = false;
        while (at < chars.length && chars[at] !== ',' && chars[at] !== '}') {
          const c = chars[at++]!;
          if (c === '"' || c === '{') return undefined;
          if (c === '\\') {
            const escaped = chars[at++];
            if (escaped === undefined) return undefined;
            value += escaped;
            kept = value.length;
            escapedAny = true;
          } else {
            value += c;
            if (!ARRAY_SPACE.has(c)) kept = value.length;
          }
        }
        value = value.slice(0, kept);
        if (value === '' && !escapedAny) return undefined;
        if (!(value.toUpperCase() === 'NULL' && !escapedAny)) elements.push(value);
      }
      if (chars[at] === ',') {
        at++;
        continue;
      }
      if (chars[at] === '}') {
        at++;
        break;
      }
      return undefined;
    }
  }
  skipSpace();
  return at === chars.length ? elements : undefined;
}

/** Functions that return a number whatever their arguments (so `substring(x from strpos(x, ' '))` is a position). */
const NUMBER_FUNCTIONS: ReadonlySet<string> = new Set([
  'length', 'char_length', 'character_length', 'octet_length', 'strpos', 'position', 'ascii', 'array_length',
  'cardinality', 'extract', 'date_part', 'abs', 'ceil', 'ceiling', 'floor', 'round', 'trunc', 'sign', 'mod', 'div',
  'width_bucket', 'count',
]);

/**
 * Whether an expression surely has a numeric type: a number literal, a cast to a numeric type,
 * arithmetic on such, a function that returns a number, a CASE or COALESCE of such. A column is
 * not (the guard does not type columns): where the type decides what a call does
 * (`substring(x, p)` takes a position or a pattern), an unknown type is taken for the riskier one.
 */
export function isSurelyNumeric(node: unknown): boolean {
  const n = node as AstNode | undefined;
  if (!n || typeof n !== 'object') return false;
  if (n.A_Const) {
    const literal = n.A_Const as AstNode;
    return Boolean(literal.ival || literal.fval);
  }
  if (n.TypeCast) {
    const typeName = (n.TypeCast as AstNode).typeName as AstNode | undefined;
    const type = nameParts(typeName?.names).at(-1)?.toLowerCase() ?? '';
    return NUMERIC_TYPES.has(type) && !((typeName?.arrayBounds as unknown[] | undefined) ?? []).length;
  }
  if (n.A_Expr) {
    const expression = n.A_Expr as AstNode;
    const operator = nameParts(expression.name).at(-1) ?? '';
    return expression.kind === 'AEXPR_OP' && ['+', '-', '*', '/', '%', '^'].includes(operator) &&
      (expression.lexpr === undefined || isSurelyNumeric(expression.lexpr)) && isSurelyNumeric(expression.rexpr);
  }
  if (n.FuncCall) {
    const call = n.FuncCall as AstNode;
    const parts = nameParts(call.funcname);
    return (parts.length === 1 || (parts.length === 2 && parts[0] === 'pg_catalog')) && NUMBER_FUNCTIONS.has(parts.at(-1)!.toLowerCase());
  }
  if (n.CaseExpr) {
    const expression = n.CaseExpr as AstNode;
    const results = (((expression.args as unknown[] | undefined) ?? []) as AstNode[]).map((when) => (when.CaseWhen as AstNode | undefined)?.result);
    return results.every(isSurelyNumeric) && (expression.defresult === undefined || isSurelyNumeric(expression.defresult));
  }
  if (n.CoalesceExpr) return (((n.CoalesceExpr as AstNode).args as unknown[] | undefined) ?? []).every(isSurelyNumeric);
  return false;
}
