import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  CannotAnswerError,
  DependencyError,
  ForbiddenError,
  GuardRefusedError,
  InvalidRequestError,
  QueryFailedError,
  QueryTimeoutError,
  WarehouseUnavailableError,
} from '../../functions/core/errors.ts';
import { captureOutput, type CapturedOutput } from './support/output-capture.ts';
import { leaksInternals, startTestServer, type TestServer } from './support/test-server.ts';

describe('Route: POST /v1/ask', () => {
  let server: TestServer;
  let output: CapturedOutput;

  beforeAll(async () => {
    output = captureOutput();
    server = await startTestServer();
  });
  afterEach(() => {
    server.pipeline.failure = undefined;
    server.pipeline.calls.length = 0;
  });
  afterAll(async () => {
    await server.close();
    output.restore();
  });

  describe('when the question is answered', () => {
    it('returns 200 with the pipeline\'s answer as JSON', async () => {
      // Act
      const response = await server.ask({ question: '  total sales by region in 2024  ', asOf: '2024-12-31', conversationId: 'c-1' });

      // Assess
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      const body = (await response.json()) as Record<string, unknown>;
      for (const key of ['sql', 'columns', 'rows', 'summary', 'chart', 'planner', 'confidence', 'interpretation']) expect(body).toHaveProperty(key);
      expect(body.rows).toEqual([
        ['Europe', 1234.5],
        ['North America', 2345.25],
      ]);
    });

    it('passes the trimmed question, asOf, conversationId and the anonymous default principal to the pipeline', async () => {
      await server.ask({ question: '  total sales  ', asOf: '2024-02-29', conversationId: 'c-1' });

      expect(server.pipeline.calls).toEqual([
        { question: 'total sales', asOf: '2024-02-29', conversationId: 'c-1', principal: { subject: 'anonymous', role: 'viewer' } },
      ]);
    });

    it('accepts a JSON media type with parameters', async () => {
      const response = await server.ask({ question: 'total sales' }, { 'content-type': 'application/json; charset=utf-8' });
      expect(response.status).toBe(200);
    });
  });

  describe('when the request is malformed', () => {
    const cases: Array<[string, unknown, RegExp]> = [
      ['an empty question', { question: '' }, /question must not be empty/],
      ['a blank question', { question: '   \n ' }, /question must not be empty/],
      ['a 10 KB question', { question: 'x'.repeat(10 * 1024) }, /question must be at most 2000 characters/],
      ['a missing question', {}, /question is required/],
      ['a question of the wrong type', { question: 42 }, /question must be a string/],
      ['an impossible date', { question: 'sales', asOf: '2023-02-29' }, /asOf must be a real calendar date/],
      ['a date in another format', { question: 'sales', asOf: '31/12/2024' }, /asOf must be a real calendar date/],
      ['an oversized conversation id', { question: 'sales', conversationId: 'c'.repeat(200) }, /conversationId must be at most 128/],
      ['unknown fields', { question: 'sales', role: 'admin', sql: 'select 1' }, /"role".*"sql"/],
      ['a JSON array', [{ question: 'sales' }], /must be a JSON object/],
      ['broken JSON', '{"question": "sales"', /not valid JSON/],
      ['an empty body', '', /body is empty/],
    ];

    it.each(cases)('answers 400 invalid_request for %s, saying what is wrong', async (_name, body, detail) => {
      const response = await server.ask(body);

      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      const problem = (await response.json()) as Record<string, unknown>;
      expect(problem).toMatchObject({ status: 400, code: 'invalid_request', title: 'Invalid request', type: 'urn:bi-agent:problem:invalid_request' });
      expect(problem.detail).toMatch(detail);
      expect(server.pipeline.calls).toHaveLength(0);
    });

    it('lists every failed check in `errors`, with its path', async () => {
      const response = await server.ask({ question: '', asOf: 'tomorrow', extra: true });
      const problem = (await response.json()) as { errors: { path: string; message: string }[] };

      expect(problem.errors).toEqual(
        expect.arrayContaining([
          { path: 'question', message: 'question must not be empty' },
          { path: 'asOf', message: 'asOf must be a real calendar date written YYYY-MM-DD' },
          { path: '', message: expect.stringContaining('"extra"') },
        ]),
      );
    });

    it('answers 415 when the body is not declared as JSON', async () => {
      const response = await server.ask({ question: 'sales' }, { 'content-type': 'text/plain' });

      expect(response.status).toBe(415);
      expect(await response.json()).toMatchObject({ code: 'unsupported_media_type', detail: expect.stringContaining('text/plain') });
    });

    it('answers 415 when the content type is missing', async () => {
      const response = await fetch(`${server.url}/v1/ask`, { method: 'POST', body: new Blob(['{"question":"sales"}']) });

      expect(response.status).toBe(415);
    });

    it('answers 413 when the body is larger than 64 KiB', async () => {
      const response = await server.ask({ question: 'x'.repeat(70 * 1024) });

      expect(response.status).toBe(413);
      expect(await response.json()).toMatchObject({ code: 'payload_too_large' });
    });
  });

  describe('when the core fails', () => {
    const cases: Array<[string, unknown, number, string, RegExp]> = [
      ['InvalidRequestError', new InvalidRequestError('asOf is after the last day of the data'), 400, 'invalid_request', /after the last day/],
      ['CannotAnswerError', new CannotAnswerError('I did not understand "flurbs"; I can answer questions about sales, margin, customers.'), 422, 'cannot_answer', /did not understand "flurbs"/],
      ['ForbiddenError', new ForbiddenError('Customer e-mail addresses are not readable by role viewer.'), 403, 'forbidden', /not readable by role viewer/],
      ['GuardRefusedError', new GuardRefusedError('The planned query was refused: column sales_transactions.cost is not readable by role viewer', 'column-access'), 422, 'guard_refused', /cost is not readable/],
      ['QueryTimeoutError', new QueryTimeoutError('canceling statement due to statement timeout'), 504, 'query_timeout', /ran too long/],
      ['QueryFailedError', new QueryFailedError('relation "secret_table" does not exist'), 502, 'query_failed', /could not run the planned query/],
      ['WarehouseUnavailableError', new WarehouseUnavailableError('DatabaseResumingException: cluster arn:aws:rds:…', 30), 503, 'warehouse_unavailable', /not available right now/],
      ['DependencyError', new DependencyError('ThrottlingException from bedrock model anthropic.claude'), 502, 'dependency_failed', /depends on failed/],
      ['an unexpected error', new TypeError("Cannot read properties of undefined (reading 'rows') at /work/main/functions/x.ts:1:2"), 500, 'internal_error', /Something went wrong on our side/],
    ];

    it.each(cases)('maps %s to its status and a problem body without internals', async (_name, failure, status, code, detail) => {
      server.pipeline.failure = failure;

      const response = await server.ask({ question: 'sales' });

      expect(response.status).toBe(status);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      const text = await response.text();
      expect(leaksInternals(text)).toBe(false);
      const problem = JSON.parse(text) as Record<string, unknown>;
      expect(problem).toMatchObject({ status, code, type: `urn:bi-agent:problem:${code}`, instance: '/v1/ask' });
      expect(problem.title).toEqual(expect.any(String));
      expect(problem.detail).toMatch(detail);
    });

    it('names the broken guard rule', async () => {
      server.pipeline.failure = new GuardRefusedError('The planned query was refused: two statements', 'single-statement');

      const problem = (await (await server.ask({ question: 'sales' })).json()) as Record<string, unknown>;

      expect(problem.rule).toBe('single-statement');
    });

    it('says when to retry an unavailable warehouse', async () => {
      server.pipeline.failure = new WarehouseUnavailableError('resuming', 30);
      expect((await server.ask({ question: 'sales' })).headers.get('retry-after')).toBe('30');

      server.pipeline.failure = new WarehouseUnavailableError('down', undefined);
      expect((await server.ask({ question: 'sales' })).headers.get('retry-after')).toBe('5');
    });

    it('hides an unexpected error\'s message but gives the correlation id to quote', async () => {
      server.pipeline.failure = new Error('password=hunter2 in connection string');

      const response = await server.ask({ question: 'sales' }, { 'x-correlation-id': 'req-500' });
      const text = await response.text();

      expect(text).not.toContain('hunter2');
      expect(JSON.parse(text)).toMatchObject({ correlationId: 'req-500', detail: expect.stringContaining('req-500') });
    });

    it('logs the unexpected error in full (redacted) for the operator', async () => {
      output.clear();
      server.pipeline.failure = new Error('boom for bob@example.com');

      await server.ask({ question: 'sales' }, { 'x-correlation-id': 'req-log-500' });

      const failed = output.logs().find((log) => log.message === 'request failed');
      expect(failed).toMatchObject({ level: 'ERROR', correlation_id: 'req-log-500', code: 'internal_error' });
      expect(JSON.stringify(failed)).toContain('boom for [email]');
      expect(JSON.stringify(failed)).toContain('stack');
    });
  });
});
