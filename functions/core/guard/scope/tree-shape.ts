/**
 * Reading libpg_query's JSON tree safely: typed nodes, name lists, and the fields the resolver
 * knows per node type, so a shape it has never seen is refused instead of half-read.
 *
 * @internal Used by the resolver only.
 */
import type { AstNode } from '../postgres-parser.ts';
import { Refusal } from '../refusal.ts';

/**
 * The fields the resolver reads, per node type it interprets itself. A field it does not know (a
 * new PostgreSQL feature, or `indirection` on a select-list entry) could carry a reference it
 * would not look at: refused rather than skipped.
 */
const KNOWN_FIELDS: Readonly<Record<string, ReadonlySet<string>>> = {
  SelectStmt: new Set([
    'distinctClause', 'targetList', 'fromClause', 'whereClause', 'groupClause', 'groupDistinct', 'havingClause',
    'windowClause', 'valuesLists', 'sortClause', 'limitOffset', 'limitCount', 'limitOption', 'withClause', 'op',
    'all', 'larg', 'rarg',
  ]),
  ResTarget: new Set(['name', 'val', 'location']),
  RangeVar: new Set(['catalogname', 'schemaname', 'relname', 'inh', 'relpersistence', 'alias', 'location']),
  RangeSubselect: new Set(['lateral', 'subquery', 'alias']),
  RangeFunction: new Set(['lateral', 'ordinality', 'is_rowsfrom', 'functions', 'alias', 'coldeflist']),
  RangeTableSample: new Set(['relation', 'method', 'args', 'repeatable', 'location']),
  JoinExpr: new Set(['jointype', 'isNatural', 'larg', 'rarg', 'usingClause', 'join_using_alias', 'quals', 'alias', 'rtindex']),
};

/** Refuses a node of an interpreted type that carries a field the resolver does not read. */
export function knownFields(type: string, fields: AstNode): void {
  const known = KNOWN_FIELDS[type];
  if (!known) return;
  for (const key in fields) {
    if (!known.has(key)) throw new Refusal('column', `${type}.${key} is a form of query the guard does not check`);
  }
}

/** The names of a column reference's qualifier parts; anything but a plain name is refused. */
export function qualifierNames(parts: readonly AstNode[]): string[] {
  return parts.map((part) => {
    const name = (part.String as AstNode | undefined)?.sval;
    if (typeof name !== 'string') throw new Refusal('column', 'a column reference has an unexpected form');
    return name;
  });
}

/** The values of a list of `String` nodes (alias column lists, USING lists). */
export function stringList(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  return list.map((entry) => String(((entry as AstNode).String as AstNode | undefined)?.sval ?? ''));
}

/** A typed node's type and fields, or `['', {}]` when `node` is not one. */
export function typed(node: unknown): [string, AstNode] {
  if (node !== null && typeof node === 'object' && !Array.isArray(node)) {
    const keys = Object.keys(node);
    if (keys.length === 1 && isNodeType(keys[0]!)) {
      const fields = (node as AstNode)[keys[0]!];
      if (fields !== null && typeof fields === 'object' && !Array.isArray(fields)) return [keys[0]!, fields as AstNode];
    }
  }
  return ['', {}];
}

/** `value` as a node object; refused when the tree has another shape there. */
export function asNode(value: unknown, where: string): AstNode {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new Refusal('column', `${where} has a form the guard does not know`);
  }
  return value as AstNode;
}

/** True for a node type's key (`ColumnRef`), false for a field name (`fields`). */
export function isNodeType(key: string): boolean {
  const first = key.charCodeAt(0);
  return first >= 65 && first <= 90;
}
