import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WarehouseUnavailableError } from '../../functions/core/errors.ts';
import { captureOutput, type CapturedOutput } from './support/output-capture.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';

describe('Local server: routes', () => {
  let server: TestServer;
  let output: CapturedOutput;

  beforeAll(async () => {
    output = captureOutput();
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
    output.restore();
  });

  it('listens on the loopback interface only', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('answers 404 problem+json for an unknown route', async () => {
    const response = await fetch(`${server.url}/v1/nothing-here`);

    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await response.json()).toMatchObject({ status: 404, code: 'not_found', instance: '/v1/nothing-here' });
  });

  it('answers 405 with Allow for a known path and the wrong method', async () => {
    const response = await fetch(`${server.url}/v1/ask`, { method: 'GET' });

    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
    expect(await response.json()).toMatchObject({ code: 'method_not_allowed' });
  });

  it('answers 405 for a POST to /health', async () => {
    const response = await fetch(`${server.url}/health`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });

    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET');
  });

  describe('Route: GET /health', () => {
    it('answers 200 without calling the warehouse', async () => {
      const before = server.warehouse.pings;
      server.warehouse.failure = new Error('down');

      const response = await fetch(`${server.url}/health`);

      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ status: 'ok', service: 'bi-agent' });
      expect(server.warehouse.pings).toBe(before);
      server.warehouse.failure = undefined;
    });
  });

  describe('Route: GET /ready', () => {
    it('answers 200 when the warehouse answers its ping', async () => {
      const response = await fetch(`${server.url}/ready`);

      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ status: 'ready', checks: { warehouse: 'up' } });
    });

    it('answers 503 problem with Retry-After when the warehouse is down', async () => {
      server.warehouse.failure = new Error('connect ECONNREFUSED 10.0.0.1:5432');

      const response = await fetch(`${server.url}/ready`);
      const text = await response.text();

      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('5');
      expect(JSON.parse(text)).toMatchObject({ code: 'warehouse_unavailable' });
      expect(text).not.toContain('ECONNREFUSED');
      server.warehouse.failure = undefined;
    });

    it('keeps the warehouse\'s own retry hint', async () => {
      server.warehouse.failure = new WarehouseUnavailableError('resuming', 20);

      const response = await fetch(`${server.url}/ready`);

      expect(response.headers.get('retry-after')).toBe('20');
      server.warehouse.failure = undefined;
    });
  });

  describe('Correlation id', () => {
    it('echoes a correlation id the caller sent', async () => {
      const response = await fetch(`${server.url}/health`, { headers: { 'x-correlation-id': 'trace-42' } });

      expect(response.headers.get('x-correlation-id')).toBe('trace-42');
    });

    it('assigns one when the caller sent none, or an unusable one', async () => {
      const none = await fetch(`${server.url}/health`);
      const unusable = await fetch(`${server.url}/health`, { headers: { 'x-correlation-id': 'has spaces and "quotes"' } });

      expect(none.headers.get('x-correlation-id')).toMatch(/^[0-9a-f-]{36}$/);
      expect(unusable.headers.get('x-correlation-id')).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('is also on problems the server raises itself (404)', async () => {
      const response = await fetch(`${server.url}/nope`, { headers: { 'x-correlation-id': 'trace-404' } });

      expect(response.headers.get('x-correlation-id')).toBe('trace-404');
      expect(await response.json()).toMatchObject({ correlationId: 'trace-404' });
    });
  });
});

describe('Local server: limits and lifecycle', () => {
  let output: CapturedOutput;
  beforeAll(() => {
    output = captureOutput();
  });
  afterAll(() => output.restore());

  it('stops a handler that runs past its time budget with a 504 problem', async () => {
    const server = await startTestServer({ handlerTimeoutMs: 150 });
    server.pipeline.delayMs = 1_000;
    try {
      const response = await server.ask({ question: 'sales' });

      expect(response.status).toBe(504);
      expect(await response.json()).toMatchObject({ code: 'timeout' });
    } finally {
      await server.close();
    }
  });

  it('lets in-flight requests finish on close, then runs the shutdown hook', async () => {
    const events: string[] = [];
    const server = await startTestServer({ onShutdown: () => void events.push('shutdown') });
    server.pipeline.delayMs = 200;
    const ask = server.pipeline.ask.bind(server.pipeline);
    server.pipeline.ask = async (input) => {
      const answer = await ask(input);
      events.push('answered');
      return answer;
    };

    const pending = server.ask({ question: 'sales' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    await server.close();
    const response = await pending;

    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ planner: 'fake' });
    expect(events).toEqual(['answered', 'shutdown']);
    await expect(server.closed).resolves.toBeUndefined();
    await expect(fetch(`${server.url}/health`)).rejects.toThrow();
  });

  it('shuts down gracefully on SIGTERM', async () => {
    let shutdowns = 0;
    const listenersBefore = process.listenerCount('SIGTERM');
    const server = await startTestServer({ handleSignals: true, onShutdown: () => void (shutdowns += 1) });

    process.emit('SIGTERM');
    await server.closed;

    expect(shutdowns).toBe(1);
    expect(process.listenerCount('SIGTERM')).toBe(listenersBefore);
  });
});
