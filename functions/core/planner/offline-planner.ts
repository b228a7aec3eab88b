/**
 * The planner of the embedded default: no network, no model. It understands a question from its
 * parts (catalog vocabulary, periods, a small grammar of intents), compiles one statement, and
 * says plainly when it cannot answer or when the role may not see what is needed.
 */
import { metricByName, roleAllows } from '../catalog/catalog.ts';
import { CannotAnswerError, ForbiddenError } from '../errors.ts';
import type { Plan, PlanRequest, Planner } from '../ports.ts';
import { compile } from './compile.ts';
import { describeQuery } from './interpretation.ts';
import { cannotMessage, parseQuestion, type ParseResult } from './parse.ts';
import type { SemanticQuery } from './semantic-query.ts';

/** Below this confidence the planner refuses rather than guesses. */
export const MIN_CONFIDENCE = 0.6;

/**
 * Plans questions offline.
 * @example
 * const plan = await new OfflinePlanner().plan({ question: 'revenue by region in 2024', asOf: '2025-12-31', principal, context: [] });
 */
export class OfflinePlanner implements Planner {
  readonly name = 'offline';

  async plan(request: PlanRequest): Promise<Plan> {
    const question = request.question.trim();
    if (!/^\d{4}-\d{2}-\d{2}$/.test(request.asOf)) throw new CannotAnswerError(`The as-of date "${request.asOf}" is not a YYYY-MM-DD date.`);
    const parsed = parseQuestion(question, request.asOf, request.principal.role);
    if (parsed.confidence < MIN_CONFIDENCE) {
      throw new CannotAnswerError(`${cannotMessage([]).replace('I could not find a sales measure in this question. ', `I understood too little of this question to answer it safely (confidence ${parsed.confidence.toFixed(2)}; not understood: ${parsed.unknownWords.map((w) => `"${w}"`).join(', ')}). `)}`, {
        details: { unknownWords: parsed.unknownWords, confidence: parsed.confidence },
      });
    }
    checkAccess(parsed, request.principal.role);
    const sql = compile(parsed.query, { customerNames: parsed.customerNames });
    return { sql, planner: this.name, confidence: parsed.confidence, interpretation: describeQuery(parsed.query) };
  }
}

/** Refuses early, with a reason a person can act on, what the role may not read. */
function checkAccess(parsed: ParseResult, role: 'viewer' | 'analyst' | 'admin'): void {
  const query: SemanticQuery = parsed.query;
  const needed = [...query.metrics, ...(query.threshold ? [query.threshold.metric] : [])];
  for (const name of needed) {
    const metric = metricByName(name);
    if (!roleAllows(role, metric.role)) {
      throw new ForbiddenError(`${metric.label} needs the ${metric.role} role (it reads the cost column); you are a ${role}.`, { details: { metric: name, role, needed: metric.role } });
    }
  }
  const customerDimension = query.dimensions.some((d) => d.kind === 'dimension' && d.name === 'customer');
  if (customerDimension && parsed.customerNames && role !== 'admin') {
    throw new ForbiddenError(`customer names are personal data and need the admin role; you are a ${role}. Ask by customer id instead.`, { details: { role, needed: 'admin' } });
  }
}
