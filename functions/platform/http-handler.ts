/**
 * The one wrapper every HTTP handler goes through: Powertools tracing, logging and metrics, the
 * correlation id, CORS, and error mapping. A handler written with it only parses, delegates and
 * shapes its success response; any error it throws becomes a problem response here, and every
 * response, success or problem, leaves with the correlation id and the CORS headers (`cors.ts`).
 */
import middy from '@middy/core';
import type { MiddlewareObj, Request } from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { corsHeaders, corsOriginsFromEnv } from './cors.ts';
import { countWithDimensions, getObservability, METRIC, MetricUnit, type Observability } from './observability.ts';
import { problemFor } from './problem.ts';
import { redactError } from './redact.ts';
import { acceptedCorrelationId, headerOf } from './request.ts';
import { CORRELATION_HEADER, problemResponse } from './response.ts';

/** What a handler body receives besides the event. */
export interface HandlerScope {
  readonly observability: Observability;
  /** The id that ties this request's logs, metrics and response together. */
  readonly correlationId: string;
  readonly context: Context;
}

/** A handler body: the event in, a success response out; throws for anything else. */
export type HandlerBody = (event: APIGatewayProxyEvent, scope: HandlerScope) => Promise<APIGatewayProxyResult>;

/** A Lambda handler for API Gateway REST proxy events. */
export type HttpHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

export interface HttpHandlerOptions {
  /** Route name for logs and the `route` metric dimension, e.g. `ask`. */
  readonly route: string;
  /** Defaults to the process-wide utilities; tests pass their own. */
  readonly observability?: Observability;
  /** Origins whose pages may read the responses; default `BI_AGENT_CORS_ORIGINS` (see `cors.ts`). */
  readonly corsOrigins?: readonly string[];
}

/**
 * Wraps a handler body in the middleware chain. The chain is built on the first invocation (once per
 * process), so the environment is read when the runtime is fully configured.
 *
 * @example
 * export const handler = createHttpHandler({ route: 'health' }, async () => jsonResponse(200, { status: 'ok' }));
 */
export function createHttpHandler(options: HttpHandlerOptions, body: HandlerBody): HttpHandler {
  let chain: HttpHandler | undefined;
  return (event, context) => {
    chain ??= buildChain(options.observability ?? getObservability(), options.route, options.corsOrigins ?? corsOriginsFromEnv(), body);
    return chain(event, context);
  };
}

type HttpRequest = Request<APIGatewayProxyEvent, APIGatewayProxyResult, Error, Context>;

interface RequestState {
  correlationId: string;
  started: number;
}

function buildChain(observability: Observability, route: string, corsOrigins: readonly string[], body: HandlerBody): HttpHandler {
  const { logger, metrics, tracer } = observability;
  const states = new WeakMap<object, RequestState>();
  // Runs first among ours: everything after it can log with the correlation id.
  const correlation: MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult, Error, Context> = {
    before: (request) => {
      const correlationId =
        acceptedCorrelationId(headerOf(request.event, CORRELATION_HEADER)) ??
        (request.event.requestContext?.requestId || request.context.awsRequestId);
      states.set(request.event, { correlationId, started: performance.now() });
      logger.setCorrelationId(correlationId);
      metrics.addDimension('route', route);
      metrics.addMetadata('correlationId', correlationId);
    },
    after: (request) => finish(request),
    onError: (request) => finish(request),
  };

  const finish = (request: HttpRequest): void => {
    const state = states.get(request.event);
    const response = request.response;
    if (!response) return;
    // CORS first and unconditionally: a browser shows the page nothing of a response without it.
    response.headers = { ...response.headers, ...corsHeaders(request.event, corsOrigins) };
    if (!state) return;
    response.headers = { ...response.headers, [CORRELATION_HEADER]: state.correlationId };
    const latencyMs = Math.round((performance.now() - state.started) * 10) / 10;
    metrics.addMetric(METRIC.requests, MetricUnit.Count, 1);
    metrics.addMetric(METRIC.latency, MetricUnit.Milliseconds, latencyMs);
    logger.info('request completed', {
      route,
      method: request.event.httpMethod,
      path: request.event.path,
      status: response.statusCode,
      latencyMs,
    });
  };

  // Innermost, so its onError runs first and every outer middleware sees the mapped response.
  const errors: MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult, Error, Context> = {
    onError: (request) => {
      const state = states.get(request.event);
      const correlationId = state?.correlationId ?? request.context.awsRequestId;
      const mapped = problemFor(request.error, { correlationId, instance: request.event.path });
      if (mapped.expected) {
        // An anticipated outcome: what and why is enough, a stack trace would be noise.
        const { name, message } = redactError(request.error);
        logger.info('request refused', { code: mapped.problem.code, status: mapped.status, error: { name, message } });
      } else {
        logger.error('request failed', { code: mapped.problem.code, status: mapped.status, error: redactError(request.error) });
      }
      countWithDimensions(metrics, METRIC.errors, { route, code: mapped.problem.code });
      request.response = problemResponse(mapped);
    },
  };

  const lambdaHandler = (event: APIGatewayProxyEvent, context: Context) => {
    const correlationId = states.get(event)?.correlationId ?? context.awsRequestId;
    return body(event, { observability, correlationId, context });
  };

  return middy<APIGatewayProxyEvent, APIGatewayProxyResult, Error, Context>(lambdaHandler)
    .use(captureLambdaHandler(tracer, { captureResponse: false }))
    .use(injectLambdaContext(logger, { resetKeys: true, logEvent: false }))
    .use(logMetrics(metrics))
    .use(correlation)
    .use(errors) as unknown as HttpHandler;
}
