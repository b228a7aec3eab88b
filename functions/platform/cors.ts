/**
 * CORS on real responses. API Gateway answers the preflight (`OPTIONS`) itself, but with a proxy
 * integration every other response is the function's own: unless the function names the caller's
 * origin, a browser hides the answer (and every error) from the page that asked.
 *
 * The allowed origins are the stack's (`lib/cors-origins.ts`, the origins of the app client's
 * callback URLs), handed to every HTTP function as `BI_AGENT_CORS_ORIGINS`. A response names the
 * request's `Origin` only when it is one of them; never `*`, so an answer is readable by the front
 * end it was meant for and not by any page a signed-in user happens to open.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { headerOf } from './request.ts';

/** Comma-separated origins (`https://bi.example.com,http://localhost:5173`) whose pages may read responses. */
export const CORS_ORIGINS_ENV = 'BI_AGENT_CORS_ORIGINS';

/** Response headers a page may read besides the CORS-safelisted ones. */
export const EXPOSED_HEADERS = ['x-correlation-id', 'retry-after'] as const;

/** The allowed origins from the environment (none when unset: no response names an origin). */
export function corsOriginsFromEnv(env: NodeJS.ProcessEnv = process.env): readonly string[] {
  return (env[CORS_ORIGINS_ENV] ?? '')
    .split(',')
    .map((origin) => origin.trim())
    .filter((origin) => origin !== '');
}

/**
 * The CORS headers of a response to `event`. With no allowed origins there are none; otherwise the
 * response varies by `Origin` (say so to caches), and names the origin when it is allowed.
 *
 * @example
 * corsHeaders({ headers: { Origin: 'https://bi.example.com' } }, ['https://bi.example.com'])
 * // → { vary: 'Origin', 'access-control-allow-origin': 'https://bi.example.com', 'access-control-expose-headers': 'x-correlation-id, retry-after' }
 */
export function corsHeaders(event: Pick<APIGatewayProxyEvent, 'headers'>, allowedOrigins: readonly string[]): Record<string, string> {
  if (allowedOrigins.length === 0) return {};
  const origin = headerOf(event, 'origin');
  if (origin === undefined || !allowedOrigins.includes(origin)) return { vary: 'Origin' };
  return {
    vary: 'Origin',
    'access-control-allow-origin': origin,
    'access-control-expose-headers': EXPOSED_HEADERS.join(', '),
  };
}
