/**
 * The wall after every rewrite: what the database will be sent is checked as SQL, not trusted as the
 * output of the guard's own code. A rewrite or a deparser with a gap — a CTE taken for the table of
 * the same name, a clause dropped, parentheses lost — then cannot turn a checked statement into one
 * that reads more, or means something else, than what was checked.
 */
import type { Principal } from '../principal.ts';
import type { TableReferences } from './columns.ts';
import { clampLimit } from './limits.ts';
import type { AstNode } from './postgres-parser.ts';
import { collapseRegionScope, requireRegionScope } from './region-scope.ts';
import { Refusal } from './refusal.ts';
import { sameTree, treeDifference } from './round-trip.ts';
import { parseSingleQuery } from './statement.ts';

export interface WhatRunsChecks {
  /** Every wall that judges a statement as written (relations, functions, complexity, columns). */
  readonly walls: (statement: AstNode) => TableReferences;
  /** The row cap the statement must already respect. */
  readonly maxRows: number;
}

/**
 * Refuses `sql` — the text the guard wrote from the tree `checked` — unless: it parses again as one
 * read-only query whose tree is `checked` itself (positions aside; rule `round_trip`); with the
 * principal's scope subqueries collapsed back to the tables they stand for, it passes every wall;
 * it reads region-scoped tables only through those subqueries (rule `region_scope`); and it already
 * respects the row cap.
 *
 * @example
 * checkWhatRuns(deparse(tree), tree, principal, { walls: (t) => checkColumnAccess(t, principal), maxRows: 5000 });
 */
export function checkWhatRuns(sql: string, checked: AstNode, principal: Principal, checks: WhatRunsChecks): void {
  let again: AstNode;
  try {
    again = parseSingleQuery(sql, Number.MAX_SAFE_INTEGER).statement;
  } catch (error) {
    if (!(error instanceof Refusal)) throw error;
    // The principal's SQL parsed; only the guard's own writing of it did not.
    throw new Refusal('round_trip', `the guard could not write this statement back as SQL that means the same (${error.message}); rephrase that construct`);
  }
  if (!sameTree(again, checked)) {
    const difference = treeDifference(checked, again);
    throw new Refusal('round_trip', `the guard cannot write this statement back as SQL with the same meaning${difference ? ` (${difference})` : ''}; rephrase that part`);
  }
  const collapsed = collapseRegionScope(again, principal);
  const references = checks.walls(again);
  requireRegionScope(principal, references, collapsed);
  const capped = structuredClone(again);
  clampLimit(capped.SelectStmt as AstNode, checks.maxRows);
  if (!sameTree(capped, again)) throw new Refusal('round_trip', `the statement as it would run is not held to the row cap of ${checks.maxRows}`);
}
