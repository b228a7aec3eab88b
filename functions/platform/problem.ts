/**
 * The one place where errors become HTTP responses. Every handler and the local server go through
 * `problemFor`, so a given failure has one status, one shape (RFC 9457 problem details) and one
 * policy on what a caller may see: messages of errors meant for the caller, a generic sentence and
 * the correlation id for everything else — never a stack trace or an internal message.
 *
 * Status policy (kept in the table below, documented in the OpenAPI document):
 * - 400 `invalid_request`: the request itself is wrong — not JSON, wrong types, unknown fields,
 *   empty or oversized question, impossible date. Fix the request and send it again.
 * - 422 `cannot_answer` / `guard_refused`: the request is well formed but this question cannot be
 *   answered: the planner did not understand it, or the query it planned broke a guard rule.
 *   Rephrasing may help; sending the same request again will not.
 * - 403 `forbidden`: the question needs data the principal's role or region scope may not read.
 * - 502/503/504: a dependency failed, the warehouse is unavailable (Retry-After), or a time limit hit.
 */
import {
  BiAgentError,
  CannotAnswerError,
  DependencyError,
  ForbiddenError,
  GuardRefusedError,
  InvalidRequestError,
  QueryFailedError,
  QueryTimeoutError,
  WarehouseUnavailableError,
} from '../core/errors.ts';
import { HttpError } from './http-errors.ts';
import type { Problem } from './schemas.ts';

/** A problem ready to send, and whether it was an anticipated outcome (logged at info, not error). */
export interface MappedProblem {
  readonly status: number;
  readonly problem: Problem;
  readonly headers: Record<string, string>;
  /** False for unexpected failures: the caller saw a generic message, the log must hold the rest. */
  readonly expected: boolean;
}

/** Where the problem happened, for the `instance` and `correlationId` members. */
export interface ProblemContext {
  readonly correlationId?: string;
  readonly instance?: string;
}

/** Seconds a client should wait before retrying when the warehouse did not say. */
export const DEFAULT_RETRY_AFTER_SECONDS = 5;

interface Rule {
  readonly status: number;
  readonly title: string;
  /** Whether the error's own message is meant for the caller; otherwise `detail` is used. */
  readonly showMessage: boolean;
  readonly detail?: string;
}

/** Core error class → HTTP. Order does not matter: classes are disjoint. */
const RULES: ReadonlyArray<readonly [abstract new (...args: never[]) => BiAgentError, Rule]> = [
  [InvalidRequestError, { status: 400, title: 'Invalid request', showMessage: true }],
  [CannotAnswerError, { status: 422, title: 'Cannot answer this question', showMessage: true }],
  [GuardRefusedError, { status: 422, title: 'Query refused', showMessage: true }],
  [ForbiddenError, { status: 403, title: 'Forbidden', showMessage: true }],
  [QueryTimeoutError, { status: 504, title: 'Query timed out', showMessage: false, detail: 'The query ran too long and was stopped; try a narrower question (a shorter period, fewer groups).' }],
  [QueryFailedError, { status: 502, title: 'Query failed', showMessage: false, detail: 'The warehouse could not run the planned query; try rephrasing the question.' }],
  [WarehouseUnavailableError, { status: 503, title: 'Warehouse unavailable', showMessage: false, detail: 'The warehouse is not available right now; retry after the time in Retry-After.' }],
  [DependencyError, { status: 502, title: 'Upstream service failed', showMessage: false, detail: 'A service the agent depends on failed; try again shortly.' }],
];

const STANDARD_MEMBERS = new Set(['type', 'title', 'status', 'detail', 'instance', 'code', 'correlationId']);

/**
 * Maps any thrown value to a problem response.
 *
 * @example
 * const { status, problem, headers } = problemFor(new CannotAnswerError('…'), { correlationId });
 */
export function problemFor(error: unknown, context: ProblemContext = {}): MappedProblem {
  if (error instanceof HttpError) {
    return build(error.status, error.code, error.title, error.message, {}, error.headers, true, context);
  }
  if (error instanceof BiAgentError) {
    const rule = RULES.find(([type]) => error instanceof type)?.[1];
    if (rule) {
      const headers: Record<string, string> = {};
      if (error instanceof WarehouseUnavailableError) {
        headers['retry-after'] = String(Math.max(1, Math.ceil(error.retryAfterSeconds ?? DEFAULT_RETRY_AFTER_SECONDS)));
      }
      const extras: Record<string, unknown> = {};
      // `details` are safe for callers by the core's contract; we still only pass them on where the
      // message itself is meant for the caller.
      if (rule.showMessage) {
        for (const [key, value] of Object.entries(error.details)) if (!STANDARD_MEMBERS.has(key)) extras[key] = value;
      }
      if (error instanceof GuardRefusedError) extras.rule = error.rule;
      const detail = rule.showMessage ? error.message : (rule.detail ?? rule.title);
      return build(rule.status, error.code, rule.title, detail, extras, headers, rule.status < 500, context);
    }
  }
  if (error instanceof Error && error.name === 'TimeoutError' && (error.cause as { package?: string } | undefined)?.package === '@middy/core') {
    return build(504, 'timeout', 'Gateway timeout', 'The request took too long and was stopped; try a narrower question.', {}, {}, false, context);
  }
  const reference = context.correlationId ? ` Quote correlation id ${context.correlationId} when reporting it.` : '';
  return build(500, 'internal_error', 'Internal error', `Something went wrong on our side.${reference}`, {}, {}, false, context);
}

function build(
  status: number,
  code: string,
  title: string,
  detail: string,
  extras: Record<string, unknown>,
  headers: Record<string, string>,
  expected: boolean,
  context: ProblemContext,
): MappedProblem {
  const problem: Problem = {
    type: `urn:bi-agent:problem:${code}`,
    title,
    status,
    detail,
    ...(context.instance ? { instance: context.instance } : {}),
    code,
    ...(context.correlationId ? { correlationId: context.correlationId } : {}),
    ...extras,
  };
  return { status, problem, headers, expected };
}
