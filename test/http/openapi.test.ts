import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureOutput, type CapturedOutput } from './support/output-capture.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';

type Json = Record<string, any>;

/** Every `$ref` in the document, to check that each points at something. */
function refsOf(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((item) => refsOf(item, found));
  else if (value && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      if (key === '$ref' && typeof child === 'string') found.push(child);
      else refsOf(child, found);
    }
  }
  return found;
}

describe('Route: GET /openapi.json', () => {
  let server: TestServer;
  let output: CapturedOutput;
  let document: Json;

  beforeAll(async () => {
    output = captureOutput();
    server = await startTestServer();
    const response = await fetch(`${server.url}/openapi.json`);
    expect(response.status).toBe(200);
    document = (await response.json()) as Json;
  });
  afterAll(async () => {
    await server.close();
    output.restore();
  });

  it('is an OpenAPI 3.1 document with info and paths', () => {
    expect(document.openapi).toBe('3.1.0');
    expect(document.info).toMatchObject({ title: expect.any(String), version: expect.any(String) });
  });

  it('lists every route with its method', () => {
    expect(Object.keys(document.paths).sort()).toEqual(['/health', '/openapi.json', '/ready', '/v1/ask']);
    expect(document.paths['/v1/ask']).toHaveProperty('post');
    for (const path of ['/health', '/ready', '/openapi.json']) expect(document.paths[path]).toHaveProperty('get');
  });

  it('describes the ask request as generated from its zod schema', () => {
    const request = document.components.schemas.AskRequest;
    expect(document.paths['/v1/ask'].post.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/AskRequest' });
    expect(request).toMatchObject({ type: 'object', required: ['question'], additionalProperties: false });
    expect(request.properties.question).toMatchObject({ type: 'string', minLength: 1, maxLength: 2000 });
    expect(request.properties.asOf).toMatchObject({ type: 'string', format: 'date' });
    expect(request).not.toHaveProperty('$schema');
  });

  it('describes the answer and the problem bodies', () => {
    const { Answer, Problem } = document.components.schemas;
    expect(Answer.required).toEqual(expect.arrayContaining(['sql', 'columns', 'rows', 'summary', 'chart', 'planner']));
    expect(Problem.required).toEqual(expect.arrayContaining(['type', 'title', 'status', 'detail', 'code']));
    const responses = document.paths['/v1/ask'].post.responses;
    expect(responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Answer' });
    for (const status of ['400', '403', '415', '422', '500', '502', '503', '504']) {
      expect(responses[status].content['application/problem+json'].schema).toEqual({ $ref: '#/components/schemas/Problem' });
    }
  });

  it('has no dangling references', () => {
    for (const ref of refsOf(document)) {
      const target = ref.replace(/^#\//, '').split('/').reduce<any>((node, key) => node?.[key], document);
      expect(target, ref).toBeDefined();
    }
  });
});
