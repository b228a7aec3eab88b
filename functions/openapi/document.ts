/**
 * The OpenAPI 3.1 description of the HTTP API, generated from the same zod schemas the handlers
 * validate with (`platform/schemas.ts`), so it cannot promise what the code does not do.
 */
import { z } from 'zod';
import { AnswerSchema, AskRequestSchema, HealthSchema, ProblemSchema, ReadySchema } from '../platform/schemas.ts';

type JsonObject = Record<string, unknown>;

/** A schema as an OpenAPI 3.1 component (JSON Schema 2020-12, without its own `$schema`). */
function component(schema: z.ZodType, io: 'input' | 'output'): JsonObject {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io }) as JsonObject;
  return rest;
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

const problem = (description: string, headers?: JsonObject) => ({
  description,
  ...(headers ? { headers } : {}),
  content: { 'application/problem+json': { schema: ref('Problem') } },
});

const correlationHeader = {
  'x-correlation-id': {
    description: 'The request\'s correlation id: the one sent in `x-correlation-id`, or one the server assigned.',
    schema: { type: 'string' },
  },
};

const commonProblems = {
  '405': problem('Method not allowed on this path (`Allow` lists the methods that are).'),
  '500': problem('Unexpected failure; the body carries only a generic message and the correlation id.'),
};

let cached: JsonObject | undefined;

/**
 * The document, built once. Status policy: 400 malformed request, 422 well-formed question that
 * cannot be answered (planner did not understand, or the planned query was refused by the guard),
 * 403 data the principal may not read, 502/503/504 upstream, warehouse or time-limit failures.
 */
export function openApiDocument(): JsonObject {
  cached ??= {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info: {
      title: 'Contextual BI Agent API',
      version: '1.0.0',
      description:
        'Ask a business question in plain language; the agent plans one SQL query, guards it, runs it read-only ' +
        'and answers with figures, the SQL, a summary and a chart. Errors are application/problem+json (RFC 9457).',
    },
    paths: {
      '/v1/ask': {
        post: {
          operationId: 'ask',
          summary: 'Answer a business question',
          security: [{}, { bearerAuth: [] }],
          requestBody: { required: true, content: { 'application/json': { schema: ref('AskRequest') } } },
          responses: {
            '200': { description: 'The answer.', headers: correlationHeader, content: { 'application/json': { schema: ref('Answer') } } },
            '400': problem('The request is malformed: not JSON, wrong types, unknown fields, empty or oversized question, impossible date. `errors` lists every failed check.'),
            '401': problem('No valid credentials.'),
            '403': problem('The question needs data the principal\'s role or region scope may not read.'),
            '413': problem('The body is too large.'),
            '415': problem('The body is not declared as application/json.'),
            '422': problem('The question cannot be answered: `cannot_answer` (the planner says what it did not understand and what it can answer) or `guard_refused` (the planned query broke the guard rule named in `rule`).'),
            '502': problem('The warehouse failed the query, or an upstream service (model, vector store) failed.'),
            '503': problem('The warehouse is unavailable; retry after `Retry-After` seconds.', { 'retry-after': { schema: { type: 'integer' } } }),
            '504': problem('The query or the request ran too long and was stopped.'),
            ...commonProblems,
          },
        },
      },
      '/health': {
        get: {
          operationId: 'health',
          summary: 'Liveness: the service answers (no dependency is called)',
          responses: { '200': { description: 'Alive.', content: { 'application/json': { schema: ref('Health') } } }, ...commonProblems },
        },
      },
      '/ready': {
        get: {
          operationId: 'ready',
          summary: 'Readiness: the warehouse answers (the result is reused for up to 30 s)',
          security: [{}, { bearerAuth: [] }],
          responses: {
            '200': { description: 'Ready.', content: { 'application/json': { schema: ref('Ready') } } },
            '401': problem('No valid credentials: on AWS the route takes the same access token as `/v1/ask`.'),
            '503': problem('The warehouse is not ready; retry after `Retry-After` seconds.', { 'retry-after': { schema: { type: 'integer' } } }),
            ...commonProblems,
          },
        },
      },
      '/openapi.json': {
        get: {
          operationId: 'openapi',
          summary: 'This document',
          responses: { '200': { description: 'OpenAPI 3.1 document.', content: { 'application/json': { schema: { type: 'object' } } } }, ...commonProblems },
        },
      },
    },
    components: {
      schemas: {
        AskRequest: component(AskRequestSchema, 'input'),
        Answer: component(AnswerSchema, 'output'),
        Problem: component(ProblemSchema, 'output'),
        Health: component(HealthSchema, 'output'),
        Ready: component(ReadySchema, 'output'),
      },
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'A Cognito ID token (or, locally, one from `bi-agent token`).' },
      },
    },
  };
  return cached;
}
