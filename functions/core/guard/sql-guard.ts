/**
 * The SQL guard: proves from PostgreSQL's own syntax tree that a statement is safe for a principal,
 * then writes the SQL that will run by deparsing the checked (and rewritten) tree. Nothing a
 * planner or caller writes reaches the database in any other form.
 *
 * The walls, in order: one parseable query that cannot write (statement.ts); relations only from
 * schema sales, allow-listed functions and casts (relations-and-functions.ts); complexity limits
 * (limits.ts); columns the role may read (columns.ts); the region scope rewrite (region-scope.ts); the
 * row cap. Then the guard checks what will run, not what it was given: the rewritten tree is
 * deparsed, the SQL parsed again, and that tree must be the rewritten tree itself (locations aside,
 * round-trip.ts) — so no gap of the deparser can change a statement's meaning — and every wall runs
 * again on it, with the scope's own subqueries collapsed back to the tables they stand for. Last,
 * when the guard has an estimator (a warehouse that can EXPLAIN), the cost ceiling on the plan of
 * exactly that SQL (cost.ts).
 */
import type { Principal } from '../principal.ts';
import type { GuardVerdict, SqlGuard } from '../ports.ts';
import { checkColumnAccess } from './columns.ts';
import { checkCost, DEFAULT_COST_CEILINGS, type CostCeilings, type CostEstimator } from './cost.ts';
import { checkComplexity, clampLimit, DEFAULT_COMPLEXITY_LIMITS, type ComplexityLimits } from './limits.ts';
import { deparseTree, loadParser, type AstNode } from './postgres-parser.ts';
import { applyRegionScope } from './region-scope.ts';
import { checkRelationsAndFunctions } from './relations-and-functions.ts';
import { Refusal } from './refusal.ts';
import { parseSingleQuery } from './statement.ts';
import { checkWhatRuns } from './what-runs.ts';
import type { TableReferences } from './columns.ts';

export interface GuardOptions {
  /** The most rows a statement may return: a LIMIT is added, or lowered to this. */
  readonly maxRows: number;
  /** The longest statement accepted, in characters. */
  readonly maxLength: number;
  /** Joins, nesting, CTEs, generated and padded sizes (limits.ts). */
  readonly complexity: ComplexityLimits;
  /**
   * Plans the rewritten statement for the cost ceiling: the warehouse (its `explain`). Absent, the
   * guard checks structure only and needs no database (the statement timeout is then the only
   * wall against a statement that is structurally fine but huge).
   */
  readonly estimator?: CostEstimator | undefined;
  /** The ceiling on the planner's estimate, when there is an estimator (cost.ts). */
  readonly cost: CostCeilings;
}

export const DEFAULT_GUARD_OPTIONS: GuardOptions = {
  maxRows: 5_000,
  maxLength: 20_000,
  complexity: DEFAULT_COMPLEXITY_LIMITS,
  cost: DEFAULT_COST_CEILINGS,
};

/** Options as callers give them: any subset, with the limits and the ceilings overridable one by one. */
export type GuardSettings = Partial<Omit<GuardOptions, 'complexity' | 'cost'>> & {
  readonly complexity?: Partial<ComplexityLimits>;
  readonly cost?: Partial<CostCeilings>;
};

/**
 * @example
 * const guard = new PostgresSqlGuard({ maxRows: 5000, estimator: warehouse, cost: { maxTotalCost: 1e7 } });
 * const verdict = await guard.check('select count(*) from sales.regions', principal);
 */
export class PostgresSqlGuard implements SqlGuard {
  private readonly options: GuardOptions;

  constructor(options: GuardSettings = {}) {
    this.options = {
      ...DEFAULT_GUARD_OPTIONS,
      ...options,
      complexity: { ...DEFAULT_COMPLEXITY_LIMITS, ...options.complexity },
      cost: { ...DEFAULT_COST_CEILINGS, ...options.cost },
    };
  }

  async check(sql: string, principal: Principal): Promise<GuardVerdict> {
    await loadParser();
    try {
      const rewritten = this.rewrite(sql, principal);
      const { estimator } = this.options;
      if (estimator) await checkCost(rewritten, principal, estimator, this.options.cost);
      return { allowed: true, sql: rewritten };
    } catch (error) {
      if (error instanceof Refusal) return { allowed: false, rule: error.rule, reason: error.message };
      // A shape the depth bound missed still must not become an internal error: refuse it.
      if (error instanceof RangeError) return { allowed: false, rule: 'complexity', reason: 'the statement is too deeply nested to check; simplify it' };
      throw error;
    }
  }

  private rewrite(sql: string, principal: Principal): string {
    const { tree, statement } = parseSingleQuery(sql, this.options.maxLength);
    const references = this.checkWalls(statement, principal);
    applyRegionScope(statement, principal, references);
    clampLimit(statement.SelectStmt as AstNode, this.options.maxRows);
    const rewritten = deparse(tree.version, statement);
    checkWhatRuns(rewritten, statement, principal, { walls: (tree) => this.checkWalls(tree, principal), maxRows: this.options.maxRows });
    return rewritten;
  }

  /** The walls that judge a statement as written: relations, functions, complexity, columns. */
  private checkWalls(statement: AstNode, principal: Principal): TableReferences {
    checkRelationsAndFunctions(statement);
    // Structure before columns: the cheap bounds first, so no later wall walks a tree of any size.
    checkComplexity(statement, this.options.complexity);
    return checkColumnAccess(statement, principal);
  }
}

/**
 * Writes the checked tree back as SQL. The deparser does not know every node the parser makes
 * (`JSON_VALUE(...)`, for one): what it cannot write cannot run, so it is refused with the reason
 * rather than surfacing as an internal error.
 */
function deparse(version: number, statement: AstNode): string {
  try {
    return deparseTree({ version, stmts: [{ stmt: statement }] });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const node = /node type:?\s*(\w+)/i.exec(message)?.[1];
    throw new Refusal('round_trip', `the guard cannot write this statement back as SQL${node ? ` (${node} is not supported)` : ''}; rewrite it with ordinary functions`);
  }
}
