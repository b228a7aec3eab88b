/**
 * Reads the planner's estimate out of `EXPLAIN (FORMAT JSON)` output, shared by every warehouse
 * adapter: node-postgres and PGlite return the JSON as text (the adapters keep every value as
 * PostgreSQL's text), the Data API as a string field.
 */
import { QueryFailedError } from '../../core/errors.ts';
import type { PlanEstimate } from '../../core/ports.ts';

/**
 * The highest `Total Cost` of any node of the plan, and the top node's `Plan Rows`, from
 * `[{"Plan": {...}}]` (text or parsed).
 *
 * Why not the top node's cost: a `Limit` (the guard's row cap, or a LIMIT in a scalar subquery) is
 * costed for the rows it expects to need, a fraction of its input's cost. A filter the planner
 * believes true a third of the time but that never holds (`a.units + b.units < 0` over a self-join)
 * makes the whole cross product cost a few units under a Limit, and then runs to the end of it. The
 * node under the Limit carries the cost of running to completion, so the ceiling sees that.
 * Anything else is a `QueryFailedError`: a guard must not read a missing estimate as "cheap".
 */
export function readPlanEstimate(value: unknown): PlanEstimate {
  let parsed: unknown = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch (error) {
      throw new QueryFailedError('The warehouse returned a plan that is not JSON.', { cause: error });
    }
  }
  const plan = (Array.isArray(parsed) ? (parsed[0] as { Plan?: Record<string, unknown> } | undefined)?.Plan : undefined) ?? {};
  const totalCost = plan['Total Cost'];
  const planRows = plan['Plan Rows'];
  if (typeof totalCost !== 'number' || typeof planRows !== 'number') {
    throw new QueryFailedError('The warehouse returned a plan without a cost estimate.', { details: { plan: JSON.stringify(parsed).slice(0, 200) } });
  }
  return { totalCost: highestCost(plan, totalCost), planRows };
}

/** The highest `Total Cost` in a plan tree (`Plans` holds children, InitPlans and SubPlans alike). */
function highestCost(node: Record<string, unknown>, highest: number): number {
  const own = node['Total Cost'];
  let result = typeof own === 'number' && own > highest ? own : highest;
  const children = node.Plans;
  if (Array.isArray(children)) {
    for (const child of children) if (child !== null && typeof child === 'object') result = highestCost(child as Record<string, unknown>, result);
  }
  return result;
}
