/**
 * The cost ceiling: the guard's last wall before execution. The SQL that will run (after every
 * rewrite) is planned by the warehouse itself — `EXPLAIN (FORMAT JSON)` of the very cursor the
 * adapters declare, so the plan estimated is the plan that runs, and never executed — and
 * refused when the planner's total cost estimate is above a ceiling. A cartesian product of fact
 * tables, a trillion-row series, or a self-join that fans out to billions of rows is refused in
 * milliseconds instead of holding a connection (or, on the embedded PGlite, which does not enforce
 * `statement_timeout`, the whole worker) until the timeout.
 *
 * How the ceilings were chosen (EXPLAIN total cost of the statement, measured 2026-11 on PostgreSQL
 * 15 with 10M transactions / 200k customers, and on PGlite 0.5 with the 100k default):
 *
 * | statement                                        | PG 15, 10M   | PGlite, 100k | runs          |
 * |--------------------------------------------------|--------------|--------------|---------------|
 * | the 50 benign samples                            | ≤ 2.2e6      | ≤ 4.9e3      | ≤ 5 s / 0.2 s |
 * | heavy analyst queries (cohorts, spines, windows) | ≤ 3.0e6      | ≤ 1.2e4      | ≤ 19 s / 0.2 s|
 * | self-join of transactions on customer_id         | 1.2e7        | 4.2e4        | — / 0.9 s     |
 * | generate_series(1, 1e8), count                   | 1.25e6       | 1.25e6       | — / 22 s      |
 * | transactions × customers, count                  | 2.9e10       | 1.9e6        | — / 28 s      |
 * | transactions × transactions                      | 1.3e12       | 3.8e7        | —             |
 * | generate_series(1, 1e12)                         | 1.25e10      | 1.25e10      | —             |
 * | 4 × transactions cartesian                       | 1.2e26       | 9.6e16       | —             |
 *
 * A cost unit is roughly 5–20 µs of work on PostgreSQL here and 15–25 µs on PGlite, so the default
 * ceiling of 1e7 (≈ a minute or more of work, several times the 15 s statement timeout) leaves the
 * heaviest benign query 3× headroom on 10M rows while refusing every fan-out measured there. The
 * embedded warehouse gets 1e6 (≈ 20 s on PGlite, still 80× the heaviest benign query on 100k
 * rows), because there the timeout is only enforced by terminating its worker.
 *
 * What the ceiling reveals to a region-scoped principal: nothing of other regions. Its statement
 * reads the scoped tables only through their per-region partitions (the rewrite reads nothing
 * else, and what-runs.ts refuses any other read), whose statistics describe the scoped rows alone;
 * the other tables it may read are the reference tables, which it sees whole. So whether a
 * statement is refused, and the estimate quoted, are functions of rows it may see.
 */
import { QueryFailedError, QueryTimeoutError } from '../errors.ts';
import type { ExplainOptions, PlanEstimate } from '../ports.ts';
import type { Principal } from '../principal.ts';
import { Refusal } from './refusal.ts';

/** What the guard needs from a warehouse to plan a statement: the port's optional `explain`. */
export interface CostEstimator {
  explain(sql: string, options: ExplainOptions): Promise<PlanEstimate>;
}

export interface CostCeilings {
  /** The highest estimated total cost (PostgreSQL cost units) a statement may have. */
  readonly maxTotalCost: number;
  /** How long planning may take before the statement counts as too costly (ms). */
  readonly explainTimeoutMs: number;
}

/** For PostgreSQL and Aurora, where the server also enforces the statement timeout (table above). */
export const DEFAULT_MAX_TOTAL_COST = 1e7;

/** For the embedded PGlite, which only stops an overrunning statement by terminating its worker. */
export const EMBEDDED_MAX_TOTAL_COST = 1e6;

export const DEFAULT_COST_CEILINGS: CostCeilings = Object.freeze({ maxTotalCost: DEFAULT_MAX_TOTAL_COST, explainTimeoutMs: 5_000 });

/**
 * Plans `sql` for `principal` and refuses it (rule `cost`) when the estimate is above the ceiling,
 * or (rule `plan`) when the database cannot plan it, quoting the database. A warehouse that cannot
 * be reached is not a refusal: that error propagates, and the caller fails closed.
 */
export async function checkCost(sql: string, principal: Principal, estimator: CostEstimator, ceilings: CostCeilings): Promise<PlanEstimate> {
  let estimate: PlanEstimate;
  try {
    estimate = await estimator.explain(sql, {
      ...(principal.regions ? { regions: principal.regions } : {}),
      role: principal.role,
      timeoutMs: ceilings.explainTimeoutMs,
    });
  } catch (error) {
    throw planFailure(error, ceilings);
  }
  if (!(estimate.totalCost <= ceilings.maxTotalCost)) {
    // For a scoped principal the statement reads only its regions' partitions (region-scope.ts),
    // so the estimate comes from their statistics alone and may be shown like any other.
    throw new Refusal(
      'cost',
      `the estimated cost ${formatCost(estimate.totalCost)} exceeds the ceiling ${formatCost(ceilings.maxTotalCost)}; add filters, aggregate earlier or avoid cross joins`,
    );
  }
  return estimate;
}

/** A failure to plan, as a refusal where the statement is at fault; anything else is rethrown. */
function planFailure(error: unknown, ceilings: CostCeilings): unknown {
  if (error instanceof QueryFailedError) {
    const { details } = error;
    const reason = typeof details.postgresMessage === 'string' ? details.postgresMessage : error.message;
    const sqlState = typeof details.sqlState === 'string' ? ` (SQLSTATE ${details.sqlState})` : '';
    return new Refusal('plan', `the warehouse cannot plan the statement: ${reason}${sqlState}`);
  }
  if (error instanceof QueryTimeoutError) {
    return new Refusal('cost', `planning the statement took longer than ${ceilings.explainTimeoutMs} ms; simplify it (fewer joins and subqueries)`);
  }
  return error;
}

/** `3.2e14` for large costs, plain digits for small ones. */
export function formatCost(cost: number): string {
  if (!Number.isFinite(cost)) return String(cost);
  return cost >= 1e5 ? cost.toExponential(1).replace('e+', 'e').replace('.0e', 'e') : String(Math.round(cost));
}
