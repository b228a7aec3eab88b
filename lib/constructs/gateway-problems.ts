/**
 * API Gateway's own error responses ("gateway responses": a refused token, a body that fails the
 * request model, throttling, a function that timed out, …) as problem+json like the handlers'
 * (functions/platform/problem.ts), one entry per response type.
 *
 * A gateway response body is not a VTL template: API Gateway substitutes `$context` and
 * `$stageVariables` references into it as they are, with no escaping and no `$util`. A reference
 * whose value may hold a double quote, a backslash or a line break therefore cannot go inside a
 * JSON string there. `$context.error.validationErrorString` is such a value (it quotes the failed
 * schema keywords and the offending input: `[object has missing required properties (["question"])]`),
 * and so is `$context.error.message` (a signature error spans lines). So the bodies use only the
 * references in `SAFE_REFERENCES`, whose values API Gateway draws from a plain alphabet, and say
 * everything else in static text; test/cdk/api.test.ts renders every template with hostile values.
 */
import { ResponseType } from 'aws-cdk-lib/aws-apigateway';
import { MAX_CONVERSATION_ID_CHARS, MAX_QUESTION_CHARS } from '../../functions/platform/schemas.ts';

/** The only references a gateway problem body may contain: a request id, a response type name. */
export const SAFE_REFERENCES = ['$context.requestId', '$context.error.responseType'] as const;

/** One gateway response type as a problem. */
export interface GatewayProblem {
  readonly type: ResponseType;
  /**
   * The status to answer with, also written into the body. Absent only for the catch-alls
   * (DEFAULT_4XX/5XX), which keep the status API Gateway chose and leave `status` out of the body.
   */
  readonly status?: number;
  /** The problem `code` (and the last part of its `type` URN), as the handlers name theirs. */
  readonly code: string;
  readonly title: string;
  /** Static text: no `$`, so API Gateway substitutes nothing into it. */
  readonly detail: string;
}

const ASK_BODY =
  `a JSON object with "question" (1 to ${MAX_QUESTION_CHARS} characters), optionally "asOf" (YYYY-MM-DD) ` +
  `and "conversationId" (1 to ${MAX_CONVERSATION_ID_CHARS} of A-Z a-z 0-9 . _ : -), and no other member`;

/** Every gateway response the API customizes. */
export const GATEWAY_PROBLEMS: readonly GatewayProblem[] = [
  { type: ResponseType.BAD_REQUEST_BODY, status: 400, code: 'invalid_request', title: 'Invalid request', detail: `The body must be ${ASK_BODY}.` },
  {
    type: ResponseType.BAD_REQUEST_PARAMETERS,
    status: 400,
    code: 'invalid_request',
    title: 'Invalid request',
    detail: 'A required request parameter is missing: send the Authorization header with an access token.',
  },
  { type: ResponseType.UNAUTHORIZED, status: 401, code: 'unauthenticated', title: 'Authentication required', detail: 'Send an access token with the bi-agent scope.' },
  { type: ResponseType.ACCESS_DENIED, status: 403, code: 'forbidden', title: 'Forbidden', detail: 'The token does not carry the scope this route requires.' },
  { type: ResponseType.INVALID_API_KEY, status: 403, code: 'forbidden', title: 'Forbidden', detail: 'This route needs a valid partner API key in the x-api-key header.' },
  { type: ResponseType.WAF_FILTERED, status: 403, code: 'forbidden', title: 'Forbidden', detail: 'The request was blocked.' },
  { type: ResponseType.MISSING_AUTHENTICATION_TOKEN, status: 404, code: 'not_found', title: 'Not found', detail: 'No such route.' },
  { type: ResponseType.REQUEST_TOO_LARGE, status: 413, code: 'payload_too_large', title: 'Payload too large', detail: 'The request is larger than API Gateway accepts.' },
  { type: ResponseType.UNSUPPORTED_MEDIA_TYPE, status: 415, code: 'unsupported_media_type', title: 'Unsupported media type', detail: 'Send the body as application/json.' },
  { type: ResponseType.THROTTLED, status: 429, code: 'throttled', title: 'Too many requests', detail: 'Slow down and retry later.' },
  { type: ResponseType.QUOTA_EXCEEDED, status: 429, code: 'quota_exceeded', title: 'Quota exceeded', detail: "The API key's usage-plan quota is used up for this period." },
  { type: ResponseType.INTEGRATION_FAILURE, status: 502, code: 'internal_error', title: 'Bad gateway', detail: 'The service failed to answer; quote the correlation id when reporting it.' },
  {
    type: ResponseType.INTEGRATION_TIMEOUT,
    status: 504,
    code: 'timeout',
    title: 'Gateway timeout',
    detail: 'The request took longer than API Gateway waits (29 seconds) and was stopped; try a narrower question.',
  },
  { type: ResponseType.DEFAULT_4XX, code: 'request_refused', title: 'Request refused', detail: 'API Gateway refused the request before it reached the service; gatewayError names the reason.' },
  { type: ResponseType.DEFAULT_5XX, code: 'internal_error', title: 'Internal error', detail: 'Something went wrong on our side; quote the correlation id when reporting it.' },
];

/**
 * The `application/json` template of one gateway response: static members JSON-encoded here, and
 * the two safe references inside string literals.
 *
 * @example
 * gatewayProblemTemplate({ type: ResponseType.THROTTLED, status: 429, code: 'throttled', title: 'Too many requests', detail: 'Slow down.' })
 * // → {"type":"urn:bi-agent:problem:throttled","title":"Too many requests","status":429,"detail":"Slow down.","code":"throttled","gatewayError":"$context.error.responseType","correlationId":"$context.requestId"}
 */
export function gatewayProblemTemplate(problem: GatewayProblem): string {
  for (const text of [problem.code, problem.title, problem.detail]) {
    if (text.includes('$')) throw new Error(`Gateway problem text must not contain "$" (API Gateway would substitute it): ${text}`);
  }
  const members = [
    `"type":${JSON.stringify(`urn:bi-agent:problem:${problem.code}`)}`,
    `"title":${JSON.stringify(problem.title)}`,
    ...(problem.status === undefined ? [] : [`"status":${problem.status}`]),
    `"detail":${JSON.stringify(problem.detail)}`,
    `"code":${JSON.stringify(problem.code)}`,
    `"gatewayError":"$context.error.responseType"`,
    `"correlationId":"$context.requestId"`,
  ];
  return `{${members.join(',')}}`;
}
