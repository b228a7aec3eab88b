import type { AstNode } from './postgres-parser.ts';

/** One step from the root to a node: the field name or array index that leads to it. */
export type AstPath = readonly (string | number)[];

/**
 * Visits every typed node of a libpg_query tree, depth first, with the node type, its fields and
 * the path that leads to it. The visitor returns `false` to skip a node's children.
 */
export function walk(
  root: unknown,
  visit: (type: string, fields: AstNode, path: AstPath) => boolean | void,
  path: (string | number)[] = [],
): void {
  if (Array.isArray(root)) {
    root.forEach((item, index) => walk(item, visit, [...path, index]));
    return;
  }
  if (root === null || typeof root !== 'object') return;
  const entries = Object.entries(root as AstNode);
  // A typed node is an object with exactly one key whose name starts with a capital letter.
  if (entries.length === 1 && /^[A-Z]/.test(entries[0]![0])) {
    const [type, fields] = entries[0]!;
    if (fields !== null && typeof fields === 'object' && !Array.isArray(fields)) {
      if (visit(type, fields as AstNode, path) === false) return;
      for (const [key, value] of Object.entries(fields as AstNode)) walk(value, visit, [...path, type, key]);
      return;
    }
  }
  for (const [key, value] of entries) walk(value, visit, [...path, key]);
}

/** The string values of a list of `String` nodes (names such as `pg_catalog.now`). */
export function nameParts(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  return list.map((item) => String(((item as AstNode).String as AstNode | undefined)?.sval ?? ''));
}

/**
 * Replaces nodes of a tree in place, depth first: `replace` returns what should stand where a node
 * stood, or `undefined` to keep it and look inside. A replacement is not walked again. Returns what
 * stands at the root afterwards.
 */
export function replaceNodes(root: unknown, replace: (node: AstNode) => unknown): unknown {
  if (Array.isArray(root)) {
    for (let index = 0; index < root.length; index++) root[index] = replaceNodes(root[index], replace);
    return root;
  }
  if (root === null || typeof root !== 'object') return root;
  const node = root as AstNode;
  const replacement = replace(node);
  if (replacement !== undefined) return replacement;
  for (const key of Object.keys(node)) node[key] = replaceNodes(node[key], replace);
  return node;
}
