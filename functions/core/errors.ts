/**
 * Errors of the domain core. Each carries a stable `code` (what a caller can branch on), a message a
 * person can act on, and its `cause`. HTTP statuses are mapped once, in `platform/problem.ts`;
 * nothing here knows about HTTP.
 */
export abstract class BiAgentError extends Error {
  abstract readonly code: string;
  /** Extra context safe to show a caller (never internals, never personal data). */
  readonly details: Record<string, unknown>;

  constructor(message: string, options: { cause?: unknown; details?: Record<string, unknown> } = {}) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.details = options.details ?? {};
  }
}

/** The request itself is malformed: empty or oversized question, wrong types, unknown fields. */
export class InvalidRequestError extends BiAgentError {
  readonly code = 'invalid_request';
}

/** The planner understood too little of the question to answer it without guessing. */
export class CannotAnswerError extends BiAgentError {
  readonly code = 'cannot_answer';
}

/** The principal's role or region scope does not allow what the question needs. */
export class ForbiddenError extends BiAgentError {
  readonly code = 'forbidden';
}

/** The SQL guard refused a statement; `rule` names the rule it broke. */
export class GuardRefusedError extends BiAgentError {
  readonly code = 'guard_refused';
  constructor(
    message: string,
    readonly rule: string,
    options: { cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super(message, options);
  }
}

/** The statement ran longer than the statement timeout and was stopped. */
export class QueryTimeoutError extends BiAgentError {
  readonly code = 'query_timeout';
}

/** The warehouse rejected or failed a statement that the guard had accepted. */
export class QueryFailedError extends BiAgentError {
  readonly code = 'query_failed';
}

/** The warehouse cannot be reached, or is resuming from pause; worth retrying later. */
export class WarehouseUnavailableError extends BiAgentError {
  readonly code = 'warehouse_unavailable';
  constructor(
    message: string,
    readonly retryAfterSeconds: number | undefined,
    options: { cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super(message, options);
  }
}

/** An upstream service (LLM, vector store) failed or throttled. */
export class DependencyError extends BiAgentError {
  readonly code = 'dependency_failed';
}
