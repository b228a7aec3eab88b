/**
 * HTTP load benchmark: drives a running API (the local server, or a deployed stage) with
 * autocannon and reduces the run to the few numbers a change is judged by. `npm run bench`
 * (bench/run.ts, wired by the lead) decides what to point it at.
 */
import autocannon from 'autocannon';

export interface BenchHttpOptions {
  /** Full URL of the endpoint, e.g. `http://127.0.0.1:3000/v1/ask`. */
  readonly url: string;
  /** Concurrent connections. Default 10. */
  readonly connections?: number;
  readonly durationSeconds?: number;
  /** Default POST when a body is given, else GET. */
  readonly method?: 'GET' | 'POST';
  /** A JSON body (serialized here) or a string sent as is; sent as application/json. */
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
  /** Per-request timeout in seconds. Default 30 (the handler's own limit). */
  readonly timeoutSeconds?: number;
}

export interface BenchHttpResult {
  readonly url: string;
  readonly connections: number;
  readonly durationSeconds: number;
  /** Latency percentiles in milliseconds. */
  readonly latencyMs: { readonly p50: number; readonly p90: number; readonly p99: number; readonly max: number };
  /** Mean completed requests per second. */
  readonly requestsPerSecond: number;
  readonly totalRequests: number;
  /** Responses outside 2xx (a benchmark of errors is not a benchmark). */
  readonly non2xx: number;
  /** Connection errors, timeouts included. */
  readonly errors: number;
  readonly timeouts: number;
  /** Count per status code. */
  readonly statusCodes: Record<string, number>;
}

/**
 * Runs one load test and returns its summary; prints nothing.
 *
 * @example
 * const result = await benchHttp({ url: `${server.url}/v1/ask`, connections: 20, durationSeconds: 10, body: { question: 'total sales by region in 2024' } });
 * console.log(`${result.requestsPerSecond} req/s, p99 ${result.latencyMs.p99} ms`);
 */
export async function benchHttp(options: BenchHttpOptions): Promise<BenchHttpResult> {
  const connections = options.connections ?? 10;
  const durationSeconds = options.durationSeconds ?? 10;
  const body = options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  const result = await autocannon({
    url: options.url,
    connections,
    duration: durationSeconds,
    method: options.method ?? (body === undefined ? 'GET' : 'POST'),
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...options.headers },
    ...(body === undefined ? {} : { body }),
    timeout: options.timeoutSeconds ?? 30,
  });
  const statusCodes: Record<string, number> = {};
  for (const [code, stats] of Object.entries(result.statusCodeStats ?? {})) statusCodes[code] = stats.count ?? 0;
  return {
    url: options.url,
    connections,
    durationSeconds,
    latencyMs: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max },
    requestsPerSecond: result.requests.average,
    totalRequests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes,
  };
}
