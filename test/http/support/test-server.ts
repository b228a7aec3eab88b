/** Starts the real local server on a free port, with the real handlers built around fakes. */
import { createAskHandler } from '../../../functions/ask/handler.ts';
import { createHealthHandler } from '../../../functions/health/handler.ts';
import { startLocalServer, type LocalServer, type LocalServerOptions } from '../../../functions/local/server.ts';
import { createOpenApiHandler } from '../../../functions/openapi/handler.ts';
import { createReadyHandler } from '../../../functions/ready/handler.ts';
import { FakePipeline, FakeWarehouse } from './fakes.ts';

export interface TestServer extends LocalServer {
  readonly pipeline: FakePipeline;
  readonly warehouse: FakeWarehouse;
  /** POSTs a JSON body (or a raw string) to /v1/ask. */
  ask(body: unknown, headers?: Record<string, string>): Promise<Response>;
}

export async function startTestServer(options: Partial<LocalServerOptions> = {}): Promise<TestServer> {
  const pipeline = new FakePipeline();
  const warehouse = new FakeWarehouse();
  const server = await startLocalServer({
    port: 0,
    handleSignals: false,
    routes: [
      { method: 'POST', path: '/v1/ask', handler: createAskHandler({ dependencies: async () => ({ pipeline }) }) },
      { method: 'GET', path: '/health', handler: createHealthHandler() },
      { method: 'GET', path: '/ready', handler: createReadyHandler({ dependencies: async () => ({ warehouse }), cache: false }) },
      { method: 'GET', path: '/openapi.json', handler: createOpenApiHandler() },
    ],
    ...options,
  });
  return {
    ...server,
    pipeline,
    warehouse,
    ask: (body, headers = {}) =>
      fetch(`${server.url}/v1/ask`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
  };
}

/** Asserts nothing internal leaked into a response body: no stack frames, no source paths. */
export function leaksInternals(text: string): boolean {
  return /\bat .+\(.+:\d+:\d+\)|\.ts:\d+|node_modules|\/work\/|Error: /.test(text);
}
