/**
 * Operator precedence for the deparser, taken from PostgreSQL's grammar (gram.y, lowest first):
 *
 *   OR · AND · NOT · IS ISNULL NOTNULL · < > = <= >= <> · BETWEEN IN LIKE ILIKE SIMILAR ·
 *   any other operator (||, ~, @>, OPERATOR(…)) · + - · * / % · ^ · AT · COLLATE · unary - + ·
 *   [ ] · :: · atoms
 *
 * Each expression node as the deparser writes it has a level; an operand is put in parentheses when
 * its level is below what its position requires. Parentheses never add a node to PostgreSQL's raw
 * tree, so whenever a case is in doubt the levels err towards writing them.
 */
import type { Fields } from './deparse-types.ts';

export const Level = {
  /** Anything the deparser does not know how to rank: always parenthesised as an operand. */
  Unknown: 0,
  Or: 1,
  And: 2,
  Not: 3,
  Is: 4,
  Comparison: 5,
  /** BETWEEN, IN, LIKE, ILIKE, SIMILAR TO. */
  Pattern: 6,
  /** Any operator not named below, qualified operators, and prefix operators other than - and +. */
  Operator: 7,
  Additive: 8,
  Multiplicative: 9,
  Exponent: 10,
  AtTimeZone: 11,
  Collate: 12,
  Unary: 13,
  Cast: 15,
  Atom: 16,
} as const;

const COMPARISON = new Set(['<', '>', '=', '<=', '>=', '<>']);

/** The level of a binary operator as the grammar ranks it: by its symbol, or Operator when qualified. */
export function operatorLevel(name: readonly Fields[] | undefined): number {
  if (!name || name.length !== 1) return Level.Operator;
  const symbol = String(name[0]?.String?.sval ?? '');
  if (COMPARISON.has(symbol)) return Level.Comparison;
  if (symbol === '+' || symbol === '-') return Level.Additive;
  if (symbol === '*' || symbol === '/' || symbol === '%') return Level.Multiplicative;
  if (symbol === '^') return Level.Exponent;
  return Level.Operator;
}

/** Whether a prefix operator is unary minus or plus (which bind tighter than every binary operator). */
export function isSignOperator(name: readonly Fields[] | undefined): boolean {
  if (!name || name.length !== 1) return false;
  const symbol = name[0]?.String?.sval;
  return symbol === '-' || symbol === '+';
}

/** Whether a constant is written with a leading minus sign (and so ranks as a unary minus). */
function isNegativeConstant(constant: Fields): boolean {
  const ival = constant.ival?.ival;
  if (typeof ival === 'number') return ival < 0;
  const fval = constant.fval?.fval;
  return typeof fval === 'string' && fval.startsWith('-');
}

const ATOMS = new Set([
  'ColumnRef',
  'ParamRef',
  'CaseExpr',
  'CoalesceExpr',
  'MinMaxExpr',
  'SQLValueFunction',
  'A_ArrayExpr',
  'RowExpr',
  'GroupingFunc',
  'A_Indirection',
]);

/** The level of an expression node as the deparser writes it. */
export function levelOf(node: Fields): number {
  for (const type in node) {
    const fields = node[type] as Fields;
    if (ATOMS.has(type)) return Level.Atom;
    switch (type) {
      case 'A_Const':
        return isNegativeConstant(fields) ? Level.Unary : Level.Atom;
      case 'TypeCast':
        return Level.Cast;
      case 'CollateClause':
        return Level.Collate;
      case 'NullTest':
      case 'BooleanTest':
        return Level.Is;
      case 'BoolExpr':
        return fields.boolop === 'OR_EXPR' ? Level.Or : fields.boolop === 'AND_EXPR' ? Level.And : Level.Not;
      case 'A_Expr':
        return expressionLevel(fields);
      case 'SubLink':
        return subLinkLevel(fields);
      case 'FuncCall':
        return functionLevel(fields);
      default:
        return Level.Unknown;
    }
  }
  return Level.Unknown;
}

function expressionLevel(fields: Fields): number {
  switch (fields.kind) {
    case 'AEXPR_OP':
      if (fields.lexpr) return operatorLevel(fields.name);
      return isSignOperator(fields.name) ? Level.Unary : Level.Operator;
    case 'AEXPR_OP_ANY':
    case 'AEXPR_OP_ALL':
      // Written `x op ANY (…)`: as a right operand it behaves as its operator does.
      return Math.min(operatorLevel(fields.name), Level.Operator);
    case 'AEXPR_DISTINCT':
    case 'AEXPR_NOT_DISTINCT':
      return Level.Is;
    case 'AEXPR_NULLIF':
      return Level.Atom;
    default:
      return Level.Pattern;
  }
}

function subLinkLevel(fields: Fields): number {
  switch (fields.subLinkType) {
    case 'EXISTS_SUBLINK':
    case 'EXPR_SUBLINK':
    case 'ARRAY_SUBLINK':
      return Level.Atom;
    case 'ANY_SUBLINK':
      return fields.operName ? Math.min(operatorLevel(fields.operName), Level.Operator) : Level.Pattern;
    default:
      return Math.min(operatorLevel(fields.operName), Level.Operator);
  }
}

function functionLevel(fields: Fields): number {
  if (fields.funcformat !== 'COERCE_SQL_SYNTAX') return Level.Atom;
  const name = (fields.funcname as Fields[] | undefined)?.map((part) => part.String?.sval).join('.');
  if (name === 'pg_catalog.timezone') return Level.AtTimeZone;
  // OVERLAPS and IS NORMALIZED: ranked as low as IS, so they are parenthesised as operands.
  if (name === 'pg_catalog.overlaps' || name === 'pg_catalog.is_normalized') return Level.Is;
  return Level.Atom;
}
