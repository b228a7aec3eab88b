/**
 * The HTTP API's shapes, once: handlers validate with them and `openapi/document.ts` publishes them
 * (through `z.toJSONSchema`), so the documentation cannot drift from what the code accepts.
 */
import { z } from 'zod';
import type { Answer } from '../core/pipeline.ts';

/** Longest question accepted, in characters after trimming (a question, not a document). */
export const MAX_QUESTION_CHARS = 2000;
/** Longest conversation id accepted. */
export const MAX_CONVERSATION_ID_CHARS = 128;

/** `POST /v1/ask` body. Strict: an unknown field is an error naming it, not silently ignored. */
export const AskRequestSchema = z
  .strictObject({
    question: z
      .string({ error: (issue) => (issue.input === undefined ? 'question is required' : 'question must be a string') })
      .trim()
      .min(1, { error: 'question must not be empty' })
      .max(MAX_QUESTION_CHARS, { error: `question must be at most ${MAX_QUESTION_CHARS} characters` })
      .describe('The business question, in plain language.'),
    asOf: z.iso
      .date({ error: 'asOf must be a real calendar date written YYYY-MM-DD' })
      .optional()
      .describe('Date that relative periods ("last quarter") are resolved against; defaults to the last day of the data.'),
    conversationId: z
      .string({ error: 'conversationId must be a string' })
      .min(1, { error: 'conversationId must not be empty' })
      .max(MAX_CONVERSATION_ID_CHARS, { error: `conversationId must be at most ${MAX_CONVERSATION_ID_CHARS} characters` })
      .regex(/^[A-Za-z0-9._:-]+$/, { error: 'conversationId may hold only letters, digits and . _ : -' })
      .optional()
      .describe('Groups follow-up questions; opaque to the server.'),
  })
  .describe('A question for the agent.');
export type AskRequest = z.infer<typeof AskRequestSchema>;

const CellSchema = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/** `POST /v1/ask` 200 body: the core's `Answer`, unchanged. */
export const AnswerSchema = z
  .object({
    question: z.string(),
    asOf: z.string().describe('YYYY-MM-DD the question was answered as of.'),
    sql: z.string().describe('The statement exactly as it ran, after the guard applied limits and scopes.'),
    columns: z.array(z.string()),
    columnTypes: z.array(z.enum(['number', 'date', 'timestamp', 'text', 'boolean', 'other'])),
    rows: z.array(z.array(CellSchema)).describe('Numbers as JSON numbers, dates as YYYY-MM-DD strings.'),
    rowCount: z.number().int(),
    truncated: z.boolean().describe('True when the row cap or the byte budget cut the result short.'),
    truncatedBy: z.enum(['rows', 'bytes']).optional().describe('What cut the result, when truncated: the row cap or the byte budget.'),
    summary: z.string(),
    chart: z.record(z.string(), z.unknown()).nullable().describe('A Vega-Lite v5 specification, or null.'),
    planner: z.string().describe('Which planner answered.'),
    confidence: z.number().min(0).max(1),
    interpretation: z.string().describe('How the question was understood.'),
    context: z.array(z.object({ doc: z.string(), score: z.number() })),
    timingsMs: z.object({
      retrieve: z.number(),
      plan: z.number(),
      guard: z.number(),
      execute: z.number(),
      total: z.number(),
    }),
  })
  .describe('The answer: figures, the SQL that produced them, a summary and a chart.');

// Compile-time proof that the published schema and the core's type describe the same object.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const answerSchemaMatchesCore: Same<z.infer<typeof AnswerSchema>, MutableDeep<Answer>> = true;
void answerSchemaMatchesCore;
type MutableDeep<T> = T extends readonly (infer U)[] ? MutableDeep<U>[] : T extends object ? { -readonly [K in keyof T]: MutableDeep<T[K]> } : T;

/** One failed check of a request, for `errors` of a validation problem. */
export const FieldErrorSchema = z.object({
  path: z.string().describe('Dotted path of the offending field; empty for the body itself.'),
  message: z.string(),
});

/** RFC 9457 problem details, with our stable `code` and the request's correlation id. */
export const ProblemSchema = z
  .object({
    type: z.string().describe('URI naming the kind of problem.'),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().describe('What went wrong and, where possible, what to do about it.'),
    instance: z.string().optional(),
    code: z.string().describe('Stable machine-readable code: invalid_request, cannot_answer, guard_refused, …'),
    correlationId: z.string().optional(),
    rule: z.string().optional().describe('For guard_refused: the guard rule the planned query broke.'),
    errors: z.array(FieldErrorSchema).optional().describe('For invalid_request: every failed check.'),
  })
  .catchall(z.unknown())
  .describe('application/problem+json (RFC 9457).');
export type Problem = z.infer<typeof ProblemSchema>;

/** `GET /health` 200 body: the process is up (no dependency is called). */
export const HealthSchema = z.object({
  status: z.literal('ok'),
  service: z.string(),
  uptimeSeconds: z.number(),
});

/** `GET /ready` 200 body: the warehouse answered a ping. */
export const ReadySchema = z.object({
  status: z.literal('ready'),
  checks: z.object({ warehouse: z.literal('up') }),
});
