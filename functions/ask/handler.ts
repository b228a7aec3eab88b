/**
 * `POST /v1/ask`: parse the question, resolve the principal, ask the pipeline, return its answer.
 * Everything else (errors, logs, metrics, correlation id) is the platform's wrapper.
 */
import type { AskInput, Answer } from '../core/pipeline.ts';
import { getDependencies } from '../platform/container.ts';
import { createHttpHandler, type HttpHandler } from '../platform/http-handler.ts';
import { countWithDimensions, METRIC, type Observability } from '../platform/observability.ts';
import { principalFromEvent } from '../platform/principal-from-event.ts';
import { redactText } from '../platform/redact.ts';
import { parseJsonBody } from '../platform/request.ts';
import { jsonResponse } from '../platform/response.ts';
import { isLocalRuntime } from '../platform/runtime.ts';
import { AskRequestSchema } from '../platform/schemas.ts';

/** The one use case, as the handler sees it (the core's `AskPipeline` implements it). */
export interface AskUseCase {
  ask(input: AskInput): Promise<Answer>;
}

/** What the ask handler needs. */
export interface AskDependencies {
  readonly pipeline: AskUseCase;
}

export interface AskHandlerOptions {
  /** Resolved on each request (memoized by the provider); a function so that building waits for the first call. */
  readonly dependencies: () => Promise<AskDependencies>;
  readonly observability?: Observability;
}

/**
 * Builds the handler around injectable dependencies, so tests can pass a fake pipeline.
 *
 * @example
 * const handler = createAskHandler({ dependencies: async () => ({ pipeline: new FakePipeline() }) });
 */
export function createAskHandler(options: AskHandlerOptions): HttpHandler {
  return createHttpHandler({ route: 'ask', observability: options.observability }, async (event, { observability }) => {
    const { logger, metrics, config } = observability;
    const request = parseJsonBody(event, AskRequestSchema);
    const principal = principalFromEvent(event, { defaultRole: config.defaultRole, allowAnonymous: isLocalRuntime() });
    logger.info('question received', {
      question: redactText(request.question),
      asOf: request.asOf,
      conversationId: request.conversationId,
      principal: { subject: principal.subject, role: principal.role, regions: principal.regions },
    });

    const { pipeline } = await options.dependencies();
    const answer = await pipeline.ask({ ...request, principal });

    countWithDimensions(metrics, METRIC.answers, { planner: answer.planner });
    // Never the rows: they may hold personal data. Their shape is enough to debug.
    logger.info('question answered', {
      planner: answer.planner,
      confidence: answer.confidence,
      rowCount: answer.rowCount,
      truncated: answer.truncated,
      truncatedBy: answer.truncatedBy,
      timingsMs: answer.timingsMs,
    });
    return jsonResponse(200, answer);
  });
}

/** The Lambda entry point, wired to the composition root. */
export const handler: HttpHandler = createAskHandler({ dependencies: getDependencies });
