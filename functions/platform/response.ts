/**
 * Response shaping, once for every handler and the local server: JSON bodies, problem bodies,
 * and the headers every response carries.
 */
import type { APIGatewayProxyResult } from 'aws-lambda';
import { problemFor, type MappedProblem, type ProblemContext } from './problem.ts';

export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';
export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';
/** Header that carries the correlation id in and out (lower-case: HTTP/1.1 headers are case-insensitive). */
export const CORRELATION_HEADER = 'x-correlation-id';

const COMMON_HEADERS = {
  // Answers are per principal and per moment: never cache them in shared caches.
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
};

/** A JSON response in API Gateway proxy shape. */
export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyResult {
  return {
    statusCode: status,
    headers: { 'content-type': JSON_CONTENT_TYPE, ...COMMON_HEADERS, ...headers },
    body: JSON.stringify(body),
  };
}

/** A mapped problem as an `application/problem+json` response. */
export function problemResponse({ status, problem, headers }: MappedProblem): APIGatewayProxyResult {
  return {
    statusCode: status,
    headers: { 'content-type': PROBLEM_CONTENT_TYPE, ...COMMON_HEADERS, ...headers },
    body: JSON.stringify(problem),
  };
}

/** Any thrown value as a problem response (see `problemFor` for the mapping). */
export function errorResponse(error: unknown, context: ProblemContext = {}): APIGatewayProxyResult {
  return problemResponse(problemFor(error, context));
}
