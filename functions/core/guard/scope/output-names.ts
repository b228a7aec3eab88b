/**
 * The name PostgreSQL gives an unaliased select-list entry (parse_target.c, FigureColname). The
 * names matter to the column wall: an outer query reads a subquery's columns by these names, a
 * NATURAL join matches on them, and `ORDER BY total` picks the select-list entry named `total`
 * rather than an input column. Where PostgreSQL would say `?column?`, so do we: a name we cannot
 * derive never matches, which fails closed (the reference is then unresolvable and refused).
 *
 * @internal Used by the resolver only.
 */
import type { AstNode } from '../postgres-parser.ts';

/** The default name of a select-list entry with no alias; `subqueryName` names a scalar subquery. */
export function figureColumnName(node: unknown, subqueryName: (sublink: AstNode) => string | undefined): string {
  return figure(node, subqueryName)?.name ?? '?column?';
}

interface Figured {
  readonly name: string;
  /** 2: a real name (column, function); 1: a fallback (a type name, `case`). */
  readonly strength: 1 | 2;
}

const SQL_VALUE_FUNCTIONS: Readonly<Record<string, string>> = {
  SVFOP_CURRENT_DATE: 'current_date',
  SVFOP_CURRENT_TIME: 'current_time',
  SVFOP_CURRENT_TIME_N: 'current_time',
  SVFOP_CURRENT_TIMESTAMP: 'current_timestamp',
  SVFOP_CURRENT_TIMESTAMP_N: 'current_timestamp',
  SVFOP_LOCALTIME: 'localtime',
  SVFOP_LOCALTIME_N: 'localtime',
  SVFOP_LOCALTIMESTAMP: 'localtimestamp',
  SVFOP_LOCALTIMESTAMP_N: 'localtimestamp',
  SVFOP_CURRENT_ROLE: 'current_role',
  SVFOP_CURRENT_USER: 'current_user',
  SVFOP_USER: 'user',
  SVFOP_SESSION_USER: 'session_user',
  SVFOP_CURRENT_CATALOG: 'current_catalog',
  SVFOP_CURRENT_SCHEMA: 'current_schema',
};

const FIXED_NAMES: Readonly<Record<string, string>> = {
  A_ArrayExpr: 'array',
  RowExpr: 'row',
  CoalesceExpr: 'coalesce',
  GroupingFunc: 'grouping',
  XmlSerialize: 'xmlserialize',
  JsonParseExpr: 'json',
  JsonScalarExpr: 'json_scalar',
  JsonSerializeExpr: 'json_serialize',
  JsonObjectConstructor: 'json_object',
  JsonArrayConstructor: 'json_array',
  JsonArrayQueryConstructor: 'json_array',
  JsonObjectAgg: 'json_objectagg',
  JsonArrayAgg: 'json_arrayagg',
  MergeSupportFunc: 'merge_action',
};

function figure(node: unknown, subqueryName: (sublink: AstNode) => string | undefined): Figured | undefined {
  if (node === null || typeof node !== 'object') return undefined;
  const type = Object.keys(node)[0];
  if (type === undefined) return undefined;
  const fields = (node as AstNode)[type] as AstNode;
  switch (type) {
    case 'ColumnRef': {
      const last = (fields.fields as AstNode[] | undefined)?.at(-1);
      const name = (last?.String as AstNode | undefined)?.sval;
      return typeof name === 'string' ? { name, strength: 2 } : undefined;
    }
    case 'A_Indirection': {
      const indirection = (fields.indirection as AstNode[] | undefined) ?? [];
      for (let index = indirection.length - 1; index >= 0; index--) {
        const name = (indirection[index]!.String as AstNode | undefined)?.sval;
        if (typeof name === 'string') return { name, strength: 2 };
      }
      return figure(fields.arg, subqueryName);
    }
    case 'FuncCall': {
      const last = (fields.funcname as AstNode[] | undefined)?.at(-1);
      const name = (last?.String as AstNode | undefined)?.sval;
      return typeof name === 'string' ? { name, strength: 2 } : undefined;
    }
    case 'A_Expr':
      return fields.kind === 'AEXPR_NULLIF' ? { name: 'nullif', strength: 2 } : undefined;
    case 'TypeCast': {
      const inner = figure(fields.arg, subqueryName);
      if (inner && inner.strength > 1) return inner;
      const last = ((fields.typeName as AstNode | undefined)?.names as AstNode[] | undefined)?.at(-1);
      const name = (last?.String as AstNode | undefined)?.sval;
      return typeof name === 'string' ? { name, strength: 1 } : inner;
    }
    case 'CollateClause':
      return figure(fields.arg, subqueryName);
    case 'CaseExpr': {
      const inner = figure(fields.defresult, subqueryName);
      return inner && inner.strength > 1 ? inner : { name: 'case', strength: 1 };
    }
    case 'SubLink':
      switch (fields.subLinkType) {
        case 'EXISTS_SUBLINK':
          return { name: 'exists', strength: 2 };
        case 'ARRAY_SUBLINK':
          return { name: 'array', strength: 2 };
        case 'EXPR_SUBLINK': {
          const name = subqueryName(fields);
          return name === undefined ? undefined : { name, strength: 2 };
        }
        default:
          return undefined;
      }
    case 'MinMaxExpr':
      return { name: fields.op === 'IS_GREATEST' ? 'greatest' : 'least', strength: 2 };
    case 'SQLValueFunction': {
      const name = SQL_VALUE_FUNCTIONS[String(fields.op)];
      return name === undefined ? undefined : { name, strength: 2 };
    }
    case 'XmlExpr': {
      const name = String(fields.op ?? '').replace(/^IS_/, '').toLowerCase();
      return name === '' || name === 'document' ? undefined : { name, strength: 2 };
    }
    default: {
      const name = FIXED_NAMES[type];
      return name === undefined ? undefined : { name, strength: 2 };
    }
  }
}
