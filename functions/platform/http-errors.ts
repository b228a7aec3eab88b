/**
 * Errors that only exist at the HTTP edge (routing, media types, sizes, authentication). The core
 * knows nothing of them; `problem.ts` maps them alongside the core's errors.
 */

/** An HTTP-level failure with its status decided where it is raised. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** No route matches the path. */
export class RouteNotFoundError extends HttpError {
  constructor(path: string, routes: readonly string[] = []) {
    super(404, 'not_found', 'Not found', `No route for ${path}.${routes.length ? ` Routes: ${routes.join(', ')}.` : ''}`);
  }
}

/** The path exists, but not with this method; `Allow` says which methods do. */
export class MethodNotAllowedError extends HttpError {
  constructor(method: string, path: string, allowed: readonly string[]) {
    super(405, 'method_not_allowed', 'Method not allowed', `${method} is not allowed on ${path}; use ${allowed.join(', ')}.`, {
      allow: allowed.join(', '),
    });
  }
}

/** The body is not JSON by its declared media type. */
export class UnsupportedMediaTypeError extends HttpError {
  constructor(contentType: string | undefined) {
    super(
      415,
      'unsupported_media_type',
      'Unsupported media type',
      `Send the body as application/json${contentType ? `, not ${contentType}` : ' (the Content-Type header is missing)'}.`,
      { 'accept-post': 'application/json' },
    );
  }
}

/** The body is larger than the server accepts. */
export class PayloadTooLargeError extends HttpError {
  constructor(limitBytes: number) {
    super(413, 'payload_too_large', 'Payload too large', `The request body exceeds ${limitBytes} bytes.`);
  }
}

/** No authenticated principal on a request that needs one. */
export class UnauthenticatedError extends HttpError {
  constructor(message = 'This request carries no valid credentials.') {
    super(401, 'unauthenticated', 'Unauthenticated', message, { 'www-authenticate': 'Bearer' });
  }
}

/** The handler ran past its time budget (the local server's stand-in for API Gateway's 29 s limit). */
export class HandlerTimeoutError extends HttpError {
  constructor() {
    super(504, 'timeout', 'Gateway timeout', 'The request took too long and was stopped; try a narrower question.');
  }
}
