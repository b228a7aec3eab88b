/**
 * One Logger, one Metrics, one Tracer per process, configured from the environment, shared by every
 * handler. Built on first use rather than at import, so that a command can set its environment
 * (the local server turns EMF metrics off) before the first request builds them.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { loadPlatformConfig, type PlatformConfig } from './env.ts';

/** The three Powertools utilities and the configuration they were built from. */
export interface Observability {
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly tracer: Tracer;
  readonly config: PlatformConfig;
}

/** Metric names, in one place so dashboards and alarms have one list to follow. */
export const METRIC = {
  /** Every HTTP request, by route. */
  requests: 'Requests',
  /** Handler latency, by route. */
  latency: 'Latency',
  /** Failed requests, by route and problem `code`. */
  errors: 'Errors',
  /** Answered questions, by planner. */
  answers: 'Answers',
} as const;

export { MetricUnit };

/**
 * Builds the utilities. Tests pass their own `metrics`/`logger` (e.g. subclasses that record);
 * everything else takes its settings from the environment (`POWERTOOLS_*`, see `env.ts`).
 */
export function createObservability(
  options: { env?: NodeJS.ProcessEnv; logger?: Logger; metrics?: Metrics; tracer?: Tracer } = {},
): Observability {
  const config = loadPlatformConfig(options.env);
  return {
    config,
    logger: options.logger ?? new Logger({ serviceName: config.serviceName }),
    metrics: options.metrics ?? new Metrics({ serviceName: config.serviceName, namespace: config.metricsNamespace }),
    tracer: options.tracer ?? new Tracer({ serviceName: config.serviceName }),
  };
}

let shared: Observability | undefined;

/** The process-wide utilities, built once on first call. */
export function getObservability(): Observability {
  shared ??= createObservability();
  return shared;
}

/**
 * Emits a count with its own dimensions right away (a single-metric EMF blob), so that a dimension
 * such as `code` or `planner` never leaks onto the request's other metrics.
 */
export function countWithDimensions(metrics: Metrics, name: string, dimensions: Record<string, string>): void {
  const single = metrics.singleMetric();
  single.addDimensions(dimensions);
  single.addMetric(name, MetricUnit.Count, 1);
}
