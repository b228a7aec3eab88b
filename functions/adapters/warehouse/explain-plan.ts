/**
 * Reads the planner's estimate out of `EXPLAIN (FORMAT JSON)` output, shared by every warehouse
 * adapter: node-postgres and PGlite return the JSON as text (the adapters keep every value as
 * PostgreSQL's text), the Data API as a string field.
 */
import { QueryFailedError } from '../../core/errors.ts';
import type { PlanEstimate } from '../../core/ports.ts';

/**
 * The top plan node's `Total Cost` and `Plan Rows` from `[{"Plan": {...}}]` (text or parsed).
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
  return { totalCost, planRows };
}
