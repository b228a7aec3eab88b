/**
 * `GET /ready` (readiness: the warehouse answers a ping). It builds the question path's
 * dependencies (container, guard, warehouse), so it ships with the parser layer; liveness
 * (`functions/health/`) is a module of its own so that it needs none of that.
 *
 * A ping is a Data API transaction on the cluster, and a call to it wakes dev's auto-pausing
 * cluster. So the route takes a signed-in caller (the Cognito authorizer, lib/constructs/api.ts),
 * and the function reuses its last result for a short while (`ReadyCache`): however often it is
 * polled, one warm instance pings at most once per `readySeconds` while the warehouse is up.
 */
import { WarehouseUnavailableError } from '../core/errors.ts';
import { getDependencies } from '../platform/container.ts';
import { createHttpHandler, type HttpHandler } from '../platform/http-handler.ts';
import type { Observability } from '../platform/observability.ts';
import { DEFAULT_RETRY_AFTER_SECONDS } from '../platform/problem.ts';
import { jsonResponse } from '../platform/response.ts';

/** The part of the warehouse readiness uses (the core's `Warehouse` implements it). */
export interface Pingable {
  ping(): Promise<void>;
}

/** What readiness needs. */
export interface ReadyDependencies {
  readonly warehouse: Pingable;
}

/** How long the function reuses a readiness result instead of pinging again. */
export interface ReadyCache {
  /** Seconds a "ready" result is reused. */
  readonly readySeconds: number;
  /** Seconds a "not ready" result is reused: short, so a recovered warehouse shows soon. */
  readonly notReadySeconds: number;
  /** The clock in milliseconds (tests replace it). */
  readonly now?: () => number;
}

/** What the deployed function uses: 30 s while ready, the default Retry-After (5 s) while not. */
export const READY_CACHE: ReadyCache = { readySeconds: 30, notReadySeconds: DEFAULT_RETRY_AFTER_SECONDS };

/** One ping's outcome: when it was decided, and the error that made it "not ready". */
interface Outcome {
  readonly at: number;
  readonly error?: unknown;
}

/**
 * Readiness: 200 when the warehouse answers, else a 503 problem with Retry-After. Any failure to
 * build or reach the warehouse counts as "not ready", with its cause kept for the log. Results are
 * reused for the `cache` periods (`false`: ping on every request), and concurrent requests share
 * one ping.
 */
export function createReadyHandler(options: {
  dependencies: () => Promise<ReadyDependencies>;
  observability?: Observability;
  cache?: ReadyCache | false;
}): HttpHandler {
  const cache = options.cache ?? READY_CACHE;
  const now = (cache && cache.now) || Date.now;
  let last: Outcome | undefined;
  let pinging: Promise<Outcome> | undefined;

  const ping = async (): Promise<Outcome> => {
    try {
      const { warehouse } = await options.dependencies();
      await warehouse.ping();
      return { at: now() };
    } catch (error) {
      if (error instanceof WarehouseUnavailableError) return { at: now(), error };
      return { at: now(), error: new WarehouseUnavailableError('The warehouse is not ready.', undefined, { cause: error }) };
    }
  };
  const fresh = (outcome: Outcome | undefined): outcome is Outcome => {
    if (!cache || !outcome) return false;
    const seconds = outcome.error === undefined ? cache.readySeconds : cache.notReadySeconds;
    return now() - outcome.at < seconds * 1000;
  };

  return createHttpHandler({ route: 'ready', observability: options.observability }, async () => {
    let outcome = last;
    if (!fresh(outcome)) {
      pinging ??= ping().finally(() => {
        pinging = undefined;
      });
      outcome = await pinging;
      last = outcome;
    }
    if (outcome.error !== undefined) throw outcome.error;
    return jsonResponse(200, { status: 'ready', checks: { warehouse: 'up' } });
  });
}

/** Lambda entry point for `GET /ready`. */
export const readyHandler: HttpHandler = createReadyHandler({ dependencies: getDependencies });
