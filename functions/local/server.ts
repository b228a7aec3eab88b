/**
 * The local API: a small node:http server that turns each request into the API Gateway event the
 * Lambda would receive and runs the same middy handler. It does what API Gateway does in front of
 * the Lambda (routing, body-size cap, time limit) and nothing more; it prints nothing (the CLI says
 * where it listens).
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { MethodNotAllowedError, PayloadTooLargeError, RouteNotFoundError } from '../platform/http-errors.ts';
import { acceptedCorrelationId } from '../platform/request.ts';
import { CORRELATION_HEADER, errorResponse } from '../platform/response.ts';
import { markLocalRuntime } from '../platform/runtime.ts';
import { enableInvocationScopes, runInInvocation } from './invoke-scope.ts';
import { lambdaContext, toApiGatewayEvent } from './lambda-event.ts';
import { defaultRoutes, type LocalRoute } from './routes.ts';

export type { LocalRoute } from './routes.ts';

export interface LocalServerOptions {
  /** 0 picks a free port (tests). */
  readonly port: number;
  /** Loopback only by default: the local server has no authentication yet. */
  readonly host?: string;
  /** Defaults to the production handlers; tests pass handlers built around fakes. */
  readonly routes?: readonly LocalRoute[];
  /** Largest accepted body; larger ones get a 413 problem. Default 64 KiB. */
  readonly maxBodyBytes?: number;
  /** Time a handler may run, as a Lambda timeout (504 problem after). Default 30 s. */
  readonly handlerTimeoutMs?: number;
  /** Time a client has to send a whole request. Default 10 s. */
  readonly requestTimeoutMs?: number;
  /** How long an idle keep-alive connection stays open. Default 5 s. */
  readonly keepAliveTimeoutMs?: number;
  /** How long shutdown waits for in-flight requests before cutting connections. Default 10 s. */
  readonly shutdownGraceMs?: number;
  /** Runs once after the server has stopped and in-flight requests finished (close the warehouse). */
  readonly onShutdown?: () => Promise<void> | void;
  /** Shut down gracefully on SIGINT/SIGTERM. Default true; tests turn it off. */
  readonly handleSignals?: boolean;
}

export interface LocalServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  /** Stops accepting, lets in-flight requests finish, runs `onShutdown`. Idempotent. */
  close(): Promise<void>;
  /** Settles when the server has shut down, whether by `close()` or by a signal. */
  readonly closed: Promise<void>;
}

const KIB = 1024;

/**
 * Starts the local API.
 *
 * @example
 * const server = await startLocalServer({ port: 3000, onShutdown: () => warehouse.close() });
 * // … later
 * await server.close();
 */
export async function startLocalServer(options: LocalServerOptions): Promise<LocalServer> {
  const host = options.host ?? '127.0.0.1';
  const routes = options.routes ?? defaultRoutes();
  const maxBodyBytes = options.maxBodyBytes ?? 64 * KIB;
  const handlerTimeoutMs = options.handlerTimeoutMs ?? 30_000;
  const shutdownGraceMs = options.shutdownGraceMs ?? 10_000;

  markLocalRuntime();
  enableInvocationScopes();

  let inFlight = 0;
  let shuttingDown = false;
  let drained: (() => void) | undefined;

  const server = createServer((request, response) => {
    inFlight += 1;
    if (shuttingDown) response.setHeader('connection', 'close');
    serve(request, response, routes, { maxBodyBytes, handlerTimeoutMs })
      .catch((error: unknown) => {
        // `serve` maps every handler error; reaching here means writing the response itself failed.
        if (!response.headersSent) writeResult(response, errorResponse(error), shuttingDown);
        else response.destroy();
      })
      .finally(() => {
        inFlight -= 1;
        if (shuttingDown && inFlight === 0) drained?.();
      });
  });
  server.requestTimeout = options.requestTimeoutMs ?? 10_000;
  server.headersTimeout = Math.min(server.requestTimeout, 10_000);
  server.keepAliveTimeout = options.keepAliveTimeoutMs ?? 5_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  let closing: Promise<void> | undefined;
  let resolveClosed!: () => void;
  let rejectClosed!: (error: unknown) => void;
  const closed = new Promise<void>((resolve, reject) => {
    resolveClosed = resolve;
    rejectClosed = reject;
  });
  closed.catch(() => undefined); // observed through close() too; never an unhandled rejection

  const onSignal = () => void close();
  const handleSignals = options.handleSignals ?? true;
  if (handleSignals) {
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  }

  function close(): Promise<void> {
    closing ??= (async () => {
      shuttingDown = true;
      if (handleSignals) {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      if (inFlight > 0) {
        const grace = new Promise<void>((resolve) => setTimeout(resolve, shutdownGraceMs).unref());
        await Promise.race([new Promise<void>((resolve) => (drained = resolve)), grace]);
      }
      // Finished responses leave keep-alive sockets behind; nothing more will come on them.
      server.closeAllConnections();
      await stopped;
      await options.onShutdown?.();
    })().then(resolveClosed, (error: unknown) => {
      rejectClosed(error);
      throw error;
    });
    return closing;
  }

  const displayHost = host.includes(':') ? `[${host}]` : host;
  return { url: `http://${displayHost}:${port}`, port, close, closed };
}

async function serve(
  request: IncomingMessage,
  response: ServerResponse,
  routes: readonly LocalRoute[],
  limits: { maxBodyBytes: number; handlerTimeoutMs: number },
): Promise<void> {
  const requestId = randomUUID();
  const url = new URL(request.url ?? '/', 'http://localhost');
  const method = request.method ?? 'GET';
  const correlationId = correlationOf(request, requestId);
  const edgeProblem = (error: unknown) => {
    const result = errorResponse(error, { correlationId, instance: url.pathname });
    result.headers = { ...result.headers, [CORRELATION_HEADER]: correlationId };
    return result;
  };

  const onPath = routes.filter((route) => route.path === url.pathname);
  const route = onPath.find((candidate) => candidate.method === method);
  if (!route) {
    request.resume(); // discard any body
    const error = onPath.length === 0 ? new RouteNotFoundError(url.pathname, routes.map((r) => `${r.method} ${r.path}`)) : new MethodNotAllowedError(method, url.pathname, onPath.map((r) => r.method));
    writeResult(response, edgeProblem(error));
    return;
  }

  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > limits.maxBodyBytes) {
    // Do not read a body we will refuse; close the connection rather than drain it.
    writeResult(response, edgeProblem(new PayloadTooLargeError(limits.maxBodyBytes)), true);
    return;
  }
  const body = await readBody(request, limits.maxBodyBytes);
  if (body === undefined) {
    writeResult(response, edgeProblem(new PayloadTooLargeError(limits.maxBodyBytes)), true);
    return;
  }

  const event = toApiGatewayEvent(request, url, body, requestId, route.path);
  const context = lambdaContext(requestId, limits.handlerTimeoutMs);
  const result = await runInInvocation(requestId, () => route.handler(event, context));
  writeResult(response, result);
}

/** The body, or undefined once it passes the cap (the rest is read and dropped so the reply can be sent). */
async function readBody(request: IncomingMessage, maxBytes: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > maxBytes) tooLarge = true;
    if (!tooLarge) chunks.push(buffer);
  }
  return tooLarge ? undefined : Buffer.concat(chunks, size);
}

function correlationOf(request: IncomingMessage, fallback: string): string {
  const supplied = request.headers[CORRELATION_HEADER];
  return acceptedCorrelationId(typeof supplied === 'string' ? supplied : undefined) ?? fallback;
}

function writeResult(response: ServerResponse, result: APIGatewayProxyResult, closeConnection = false): void {
  for (const [name, value] of Object.entries(result.headers ?? {})) response.setHeader(name, String(value));
  for (const [name, values] of Object.entries(result.multiValueHeaders ?? {})) response.setHeader(name, values.map(String));
  if (closeConnection) response.setHeader('connection', 'close');
  response.statusCode = result.statusCode;
  const body = result.body ?? '';
  response.end(result.isBase64Encoded ? Buffer.from(body, 'base64') : body);
}
