/**
 * Who a request acts for, read from the API Gateway event in one function so that authentication
 * (a later issue) replaces exactly this. On AWS, the Cognito authorizer puts the verified ID token's
 * claims in `requestContext.authorizer.claims`; locally, until tokens land, a request without an
 * authorizer context acts as an anonymous principal of the configured default role.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { widestRole, type Principal, type Role } from '../core/principal.ts';
import { UnauthenticatedError } from './http-errors.ts';

export interface PrincipalOptions {
  /** Role of the anonymous principal (`BI_AGENT_DEFAULT_ROLE`, default `viewer`). */
  readonly defaultRole: Role;
  /** Whether a request without authorizer context may act anonymously: the local server only. */
  readonly allowAnonymous: boolean;
}

/** Subject of the local anonymous principal, as it appears in logs and audit. */
export const ANONYMOUS_SUBJECT = 'anonymous';

/**
 * Resolves the principal, or throws `UnauthenticatedError` (401) when there is none.
 *
 * @example
 * const principal = principalFromEvent(event, { defaultRole: 'viewer', allowAnonymous: isLocalRuntime() });
 */
export function principalFromEvent(event: APIGatewayProxyEvent, options: PrincipalOptions): Principal {
  const claims = event.requestContext?.authorizer?.claims as Record<string, unknown> | undefined;
  if (claims && typeof claims === 'object') return principalFromClaims(claims);
  if (options.allowAnonymous) return { subject: ANONYMOUS_SUBJECT, role: options.defaultRole };
  throw new UnauthenticatedError();
}

/**
 * A Cognito user: role = widest of `cognito:groups` (none → viewer), region scope from
 * `custom:regions` (comma-separated; absent or blank → every region).
 */
export function principalFromClaims(claims: Record<string, unknown>): Principal {
  const subject = typeof claims.sub === 'string' && claims.sub ? claims.sub : undefined;
  if (!subject) throw new UnauthenticatedError('The token carries no subject.');
  const role = widestRole(listClaim(claims['cognito:groups']));
  const regions = listClaim(claims['custom:regions'], /,/);
  return regions.length > 0 ? { subject, role, regions } : { subject, role };
}

/**
 * A list-valued claim as API Gateway hands it over: a JSON array, a comma-separated string
 * (REST API authorizers), or `[a b]` (the form HTTP API authorizers print arrays in).
 */
function listClaim(value: unknown, separator: RegExp = /[\s,]+/): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string').map((v) => v.trim()).filter(Boolean);
  if (typeof value !== 'string') return [];
  const text = value.trim().replace(/^\[(.*)\]$/s, '$1');
  return text
    .split(separator)
    .map((item) => item.trim())
    .filter(Boolean);
}
