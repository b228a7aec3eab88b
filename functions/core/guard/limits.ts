/**
 * Size and complexity: the row cap (a LIMIT added or lowered) and, with the guard issue, limits on
 * joins, nesting depth and CTEs.
 */
import type { AstNode } from './postgres-parser.ts';

export interface ComplexityLimits {
  readonly maxRows: number;
}

/** STUB: structural limits (joins, depth, CTE count) land with the guard issue. */
export function checkComplexity(_statement: AstNode, _limits: ComplexityLimits): void {}

/** Adds a LIMIT, or lowers one, to the row cap on the outermost query. */
export function clampLimit(select: AstNode, maxRows: number): void {
  const current = constantInteger(select.limitCount);
  if (current !== undefined && current <= maxRows) return;
  select.limitCount = { A_Const: { ival: { ival: maxRows } } };
  if (select.limitOption === undefined || select.limitOption === 'LIMIT_OPTION_DEFAULT') select.limitOption = 'LIMIT_OPTION_COUNT';
}

function constantInteger(node: unknown): number | undefined {
  const constant = (node as AstNode | undefined)?.A_Const as AstNode | undefined;
  if (!constant || constant.isnull) return undefined;
  const ival = constant.ival as AstNode | undefined;
  if (ival) return typeof ival.ival === 'number' ? ival.ival : 0;
  return undefined;
}
