/**
 * The local server's route table: what API Gateway's resources and methods are on AWS.
 */
import { handler as askHandler } from '../ask/handler.ts';
import { healthHandler } from '../health/handler.ts';
import { handler as openApiHandler } from '../openapi/handler.ts';
import type { HttpHandler } from '../platform/http-handler.ts';
import { readyHandler } from '../ready/handler.ts';

/** One method on one path, served by one Lambda handler. */
export interface LocalRoute {
  readonly method: 'GET' | 'POST';
  /** Exact path (no parameters in this API). */
  readonly path: string;
  readonly handler: HttpHandler;
}

/** The production handlers, wired to the composition root. */
export function defaultRoutes(): LocalRoute[] {
  return [
    { method: 'POST', path: '/v1/ask', handler: askHandler },
    { method: 'GET', path: '/health', handler: healthHandler },
    { method: 'GET', path: '/ready', handler: readyHandler },
    { method: 'GET', path: '/openapi.json', handler: openApiHandler },
  ];
}
