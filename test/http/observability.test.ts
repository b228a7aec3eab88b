import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CannotAnswerError } from '../../functions/core/errors.ts';
import { captureOutput, type CapturedOutput } from './support/output-capture.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';

const QUESTION = 'What did jane.doe@example.com buy? Her card is 4111 1111 1111 1111, phone +44 20 7946 0958, in 2024';

describe('Observability of the HTTP handlers', () => {
  let server: TestServer;
  let output: CapturedOutput;

  beforeAll(async () => {
    output = captureOutput();
    server = await startTestServer();
  });
  beforeEach(() => {
    output.clear();
    server.pipeline.failure = undefined;
  });
  afterAll(async () => {
    await server.close();
    output.restore();
  });

  describe('Logs', () => {
    it('are JSON lines carrying the request\'s correlation id', async () => {
      await server.ask({ question: 'total sales' }, { 'x-correlation-id': 'corr-log-1' });

      const logs = output.logs();
      expect(logs.length).toBeGreaterThanOrEqual(3);
      for (const log of logs) expect(log).toMatchObject({ correlation_id: 'corr-log-1', service: 'bi-agent' });
      expect(logs.map((log) => log.message)).toEqual(['question received', 'question answered', 'request completed']);
      // every non-empty line is JSON: nothing else is printed
      expect(output.lines().length).toBe(output.json().length);
    });

    it('redact e-mail addresses and long digit runs from the question, and keep the rest', async () => {
      await server.ask({ question: QUESTION });

      const text = output.text();
      expect(text).not.toContain('jane.doe@example.com');
      expect(text).not.toContain('4111');
      expect(text).not.toContain('7946');
      const received = output.logs().find((log) => log.message === 'question received');
      expect(received?.question).toBe('What did [email] buy? Her card is [number], phone +[number], in 2024');
    });

    it('never contain result rows or secrets from headers', async () => {
      await server.ask({ question: 'total sales' }, { authorization: 'Bearer secret-token-value' });

      const text = output.text();
      expect(text).not.toContain('North America');
      expect(text).not.toContain('secret-token-value');
    });

    it('keep concurrent requests\' correlation ids apart', async () => {
      server.pipeline.delayMs = 30;
      try {
        await Promise.all(Array.from({ length: 8 }, (_, i) => server.ask({ question: `question ${i}` }, { 'x-correlation-id': `concurrent-${i}` })));
      } finally {
        server.pipeline.delayMs = 0;
      }

      // Each request's later lines (after its pipeline call) still carry its own id.
      const ids = (message: string) => new Set(output.logs().filter((log) => log.message === message).map((log) => log.correlation_id));
      const expected = new Set(Array.from({ length: 8 }, (_, i) => `concurrent-${i}`));
      expect(ids('question answered')).toEqual(expected);
      expect(ids('request completed')).toEqual(expected);
      // … and each request's metrics are flushed once, by that request.
      const requestBlobs = output.metrics().filter((metric) => 'Requests' in metric);
      expect(requestBlobs.map((blob) => blob.Requests)).toEqual(Array(8).fill(1));
      expect(new Set(requestBlobs.map((blob) => blob.correlationId))).toEqual(expected);
    });
  });

  describe('Metrics', () => {
    it('emit Requests and Latency per request, by route', async () => {
      await fetch(`${server.url}/health`);

      const blob = output.metrics().find((metric) => 'Requests' in metric);
      expect(blob).toMatchObject({ Requests: 1, route: 'health', service: 'bi-agent' });
      expect(blob?.Latency).toEqual(expect.any(Number));
    });

    it('emit Answers by planner', async () => {
      await server.ask({ question: 'total sales' });

      expect(output.metrics()).toContainEqual(expect.objectContaining({ Answers: 1, planner: 'fake' }));
    });

    it('emit Errors by route and problem code', async () => {
      server.pipeline.failure = new CannotAnswerError('no idea');

      await server.ask({ question: 'flurbs' });

      expect(output.metrics()).toContainEqual(expect.objectContaining({ Errors: 1, route: 'ask', code: 'cannot_answer' }));
      expect(output.logs()).toContainEqual(expect.objectContaining({ message: 'request refused', level: 'INFO', code: 'cannot_answer' }));
    });
  });
});
