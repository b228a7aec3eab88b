/**
 * Reading an API Gateway request: headers without case surprises, and a JSON body validated by a
 * zod schema, with every failure turned into an error `problem.ts` knows how to map.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { z } from 'zod';
import { InvalidRequestError } from '../core/errors.ts';
import { UnsupportedMediaTypeError } from './http-errors.ts';

/** A header's value by case-insensitive name (API Gateway keeps the client's spelling). */
export function headerOf(event: Pick<APIGatewayProxyEvent, 'headers'>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === wanted && value !== undefined) return value;
  }
  return undefined;
}

/**
 * A caller-supplied correlation id, if it is short and plain (it ends up in logs and headers);
 * undefined otherwise, and the request's own id is used instead.
 */
export function acceptedCorrelationId(value: string | undefined): string | undefined {
  return value !== undefined && /^[A-Za-z0-9._:-]{1,128}$/.test(value) ? value : undefined;
}

/** `application/json` or any `+json` media type, parameters (charset) ignored. */
export function isJsonMediaType(contentType: string | undefined): boolean {
  const mediaType = contentType?.split(';')[0]?.trim().toLowerCase();
  return mediaType === 'application/json' || (mediaType?.startsWith('application/') === true && mediaType.endsWith('+json'));
}

/**
 * The body as JSON, validated. Throws `UnsupportedMediaTypeError` (415) unless the body is declared
 * JSON, and `InvalidRequestError` (400) with every failed check in `details.errors` otherwise.
 *
 * @example
 * const request = parseJsonBody(event, AskRequestSchema);
 */
export function parseJsonBody<S extends z.ZodType>(event: APIGatewayProxyEvent, schema: S): z.output<S> {
  const contentType = headerOf(event, 'content-type');
  if (!isJsonMediaType(contentType)) throw new UnsupportedMediaTypeError(contentType);
  const text = event.body == null ? '' : event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  if (text.trim() === '') throw new InvalidRequestError('The request body is empty; send a JSON object.');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new InvalidRequestError('The request body is not valid JSON.');
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new InvalidRequestError('The request body must be a JSON object.');
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const errors = parsed.error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));
    const detail = errors.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message)).join('; ');
    throw new InvalidRequestError(`The request is invalid: ${detail}.`, { details: { errors } });
  }
  return parsed.data;
}
