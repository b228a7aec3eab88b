/** `GET /openapi.json`: the generated OpenAPI 3.1 document (see `document.ts`). */
import { createHttpHandler, type HttpHandler } from '../platform/http-handler.ts';
import type { Observability } from '../platform/observability.ts';
import { jsonResponse } from '../platform/response.ts';
import { openApiDocument } from './document.ts';

/** Builds the handler; injectable observability for tests. */
export function createOpenApiHandler(options: { observability?: Observability } = {}): HttpHandler {
  return createHttpHandler({ route: 'openapi', observability: options.observability }, async () =>
    // The document is public and changes only with a deployment: let clients cache it briefly.
    jsonResponse(200, openApiDocument(), { 'cache-control': 'public, max-age=300' }),
  );
}

/** Lambda entry point. */
export const handler: HttpHandler = createOpenApiHandler();
