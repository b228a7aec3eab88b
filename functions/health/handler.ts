/**
 * `GET /health` (liveness: the process answers; calls nothing). Load balancers and the CLI's
 * `serve` check poll it.
 *
 * This module must stay free of the composition root, the warehouse and the SQL guard: the Health
 * function ships without the parser layer, so one import of them and it fails at init
 * (test/cdk/packaging.test.ts loads the package as the Lambda runtime does). Readiness, which
 * needs them, is `functions/ready/`.
 */
import { createHttpHandler, type HttpHandler } from '../platform/http-handler.ts';
import type { Observability } from '../platform/observability.ts';
import { jsonResponse } from '../platform/response.ts';

/** Liveness: never touches a dependency, so a slow warehouse cannot get the process restarted. */
export function createHealthHandler(options: { observability?: Observability } = {}): HttpHandler {
  const started = Date.now();
  return createHttpHandler({ route: 'health', observability: options.observability }, async (_event, { observability }) =>
    jsonResponse(200, {
      status: 'ok',
      service: observability.config.serviceName,
      uptimeSeconds: Math.round((Date.now() - started) / 1000),
    }),
  );
}

/** Lambda entry point for `GET /health`. */
export const healthHandler: HttpHandler = createHealthHandler();
