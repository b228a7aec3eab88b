/**
 * Driver errors → core errors, by SQLSTATE, shared by all warehouse adapters. Callers get a message
 * a person can act on and the PostgreSQL message and code in `details`; never a driver stack trace.
 */
import { QueryFailedError, QueryTimeoutError, WarehouseUnavailableError } from '../../core/errors.ts';
import type { BiAgentError } from '../../core/errors.ts';

/** What every driver tells us about a failed statement, in a shape that can cross a worker boundary. */
export interface DatabaseFailure {
  /** SQLSTATE, when the database answered (`42501`); absent for network failures. */
  readonly sqlState?: string | undefined;
  readonly message: string;
  /** Node's system error code for network failures (`ECONNREFUSED`). */
  readonly systemCode?: string | undefined;
}

const networkCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EHOSTUNREACH', 'EPIPE', 'EAI_AGAIN']);

/** Reads SQLSTATE and message off a node-postgres / PGlite error (both carry `code`). */
export function describeDriverError(error: unknown): DatabaseFailure {
  if (error && typeof error === 'object') {
    const { code, message } = error as { code?: unknown; message?: unknown };
    const text = typeof message === 'string' && message ? message : String(error);
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return { sqlState: code, message: text };
    if (typeof code === 'string') return { systemCode: code, message: text };
    return { message: text };
  }
  return { message: String(error) };
}

/**
 * The core error for a database failure. Timeouts (57014) are `QueryTimeoutError`; connection and
 * availability classes (08, 57P0x, 53300, 28, 3D000, network codes) are `WarehouseUnavailableError`;
 * everything else the database refused — read-only violations, permissions, syntax, data errors —
 * is `QueryFailedError`.
 */
export function toCoreError(failure: DatabaseFailure, cause?: unknown, timeoutMs?: number): BiAgentError {
  const { sqlState, message, systemCode } = failure;
  const details = { ...(sqlState ? { sqlState } : {}), postgresMessage: message };
  if (sqlState === '57014') {
    return new QueryTimeoutError(
      `The query ran longer than ${timeoutMs !== undefined ? `${timeoutMs} ms` : 'its time limit'} and was stopped; narrow the date range or aggregate more.`,
      { cause, details },
    );
  }
  if (
    (systemCode && networkCodes.has(systemCode)) ||
    (sqlState && (sqlState.startsWith('08') || sqlState.startsWith('28') || ['57P01', '57P02', '57P03', '53300', '3D000'].includes(sqlState)))
  ) {
    return new WarehouseUnavailableError(`The warehouse cannot be reached right now (${message}); try again shortly.`, 5, {
      cause,
      details: { ...details, ...(systemCode ? { systemCode } : {}) },
    });
  }
  if (!sqlState) {
    return new QueryFailedError(`The warehouse failed to run the query: ${message}`, { cause, details });
  }
  return new QueryFailedError(`${advice(sqlState, message)}: ${message} (SQLSTATE ${sqlState})`, { cause, details });
}

const commandKeyword =
  /syntax error at or near "(insert|update|delete|merge|create|drop|alter|truncate|grant|revoke|copy|call|do|set|reset|begin|start|commit|rollback|end|savepoint|release|prepare|execute|deallocate|vacuum|analyze|lock|listen|notify|discard|comment|security|refresh|reindex|cluster|checkpoint|load|import)"/i;

function advice(sqlState: string, message: string): string {
  // Every adapter runs the statement as a cursor, which only a query can be: a write or a command
  // fails to parse right at its first word. Say that rather than "syntax error".
  if (sqlState === '42601' && commandKeyword.test(message)) {
    return 'The warehouse runs queries only (SELECT, WITH … SELECT, VALUES), never writes or commands';
  }
  if (sqlState === '25006') return 'The warehouse only runs read-only statements';
  if (sqlState === '42501') return 'The read-only role may not do this';
  if (sqlState === '42601') return 'The query has a syntax error';
  if (sqlState === '0A000') return 'The warehouse does not support this kind of statement here';
  if (sqlState.startsWith('42')) return 'The query refers to something the warehouse does not know';
  if (sqlState.startsWith('22')) return 'The query failed on a data value';
  return 'The warehouse refused the query';
}

/** Shortcut: a driver error straight to the core error. */
export function mapDriverError(error: unknown, timeoutMs?: number): BiAgentError {
  return toCoreError(describeDriverError(error), error, timeoutMs);
}
