/**
 * `GET /health` (liveness: the process answers; calls nothing) and `GET /ready` (readiness: the
 * warehouse answers a ping). Load balancers and the CLI's `serve` check poll these.
 */
import { WarehouseUnavailableError } from '../core/errors.ts';
import { getDependencies } from '../platform/container.ts';
import { createHttpHandler, type HttpHandler } from '../platform/http-handler.ts';
import type { Observability } from '../platform/observability.ts';
import { jsonResponse } from '../platform/response.ts';

/** The part of the warehouse readiness uses (the core's `Warehouse` implements it). */
export interface Pingable {
  ping(): Promise<void>;
}

/** What readiness needs. */
export interface ReadyDependencies {
  readonly warehouse: Pingable;
}

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

/**
 * Readiness: 200 when the warehouse answers, else a 503 problem with Retry-After. Any failure to
 * build or reach the warehouse counts as "not ready", with its cause kept for the log.
 */
export function createReadyHandler(options: {
  dependencies: () => Promise<ReadyDependencies>;
  observability?: Observability;
}): HttpHandler {
  return createHttpHandler({ route: 'ready', observability: options.observability }, async () => {
    try {
      const { warehouse } = await options.dependencies();
      await warehouse.ping();
    } catch (error) {
      if (error instanceof WarehouseUnavailableError) throw error;
      throw new WarehouseUnavailableError('The warehouse is not ready.', undefined, { cause: error });
    }
    return jsonResponse(200, { status: 'ready', checks: { warehouse: 'up' } });
  });
}

/** Lambda entry point for `GET /health`. */
export const healthHandler: HttpHandler = createHealthHandler();
/** Lambda entry point for `GET /ready`. */
export const readyHandler: HttpHandler = createReadyHandler({ dependencies: getDependencies });
