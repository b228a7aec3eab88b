/**
 * The JSON Lines batch modes of the contract (section 3): one JSON object a line on standard
 * input, one answer a line on standard output, in the same order, with the same `id`. A line that
 * cannot be handled — for any reason: bad JSON, a refusal, a failed statement, an exception, an
 * answer too large to write — yields `{ id, error }` and the batch goes on with the next line.
 */
import type { Readable, Writable } from 'node:stream';
import { errorMessage } from './errors.ts';
import { whileBatchRuns } from './last-resort.ts';

export type BatchHandler = (input: Record<string, unknown>) => Promise<Record<string, unknown>>;

export interface BatchStreams {
  readonly input: Readable;
  readonly output: Writable;
}

/**
 * The longest input line read: far beyond any question or statement, and small enough that a
 * runaway line (a file piped by mistake) is answered with an error instead of being held whole.
 */
export const MAX_LINE_BYTES = 1024 * 1024;

/** Runs `handle` over every non-blank input line; returns how many lines failed. */
export function runBatch(
  handle: BatchHandler,
  streams: BatchStreams,
  limits: { readonly maxLineBytes?: number } = {},
): Promise<{ lines: number; failed: number }> {
  return whileBatchRuns(() => answerEveryLine(handle, streams, limits.maxLineBytes ?? MAX_LINE_BYTES));
}

async function answerEveryLine(handle: BatchHandler, streams: BatchStreams, maxLineBytes: number): Promise<{ lines: number; failed: number }> {
  // A reader that went away (a closed pipe) ends the batch quietly: there is nobody left to answer.
  let outputError: unknown;
  const onOutputError = (error: unknown) => (outputError ??= error);
  streams.output.on('error', onOutputError);
  let count = 0;
  let failed = 0;
  try {
    for await (const line of readLines(streams.input, maxLineBytes)) {
      if ('text' in line && line.text.trim() === '') continue;
      count += 1;
      const answer = await answerLine(handle, line, count, maxLineBytes);
      if ('error' in answer) failed += 1;
      await write(streams.output, `${serialize(answer)}\n`);
      if (outputError) break;
    }
  } finally {
    streams.output.off('error', onOutputError);
  }
  return { lines: count, failed };
}

/** One line's answer: the handler's, or `{ id, error }` whatever went wrong. Never throws. */
async function answerLine(
  handle: BatchHandler,
  line: { readonly text: string } | { readonly oversizedBytes: number },
  number: number,
  maxLineBytes: number,
): Promise<Record<string, unknown>> {
  let id: unknown = null;
  try {
    if (!('text' in line)) {
      throw new BatchInputError(`line ${number} is longer than ${maxLineBytes.toLocaleString('en-US')} bytes and was skipped`);
    }
    const parsed: unknown = JSON.parse(line.text);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new BatchInputError('each line must be a JSON object');
    }
    id = (parsed as Record<string, unknown>).id ?? null;
    return { id, ...(await handle(parsed as Record<string, unknown>)) };
  } catch (error) {
    return { id, error: error instanceof SyntaxError ? `line ${number} is not valid JSON: ${error.message}` : errorMessage(error) };
  }
}

/** The answer as one JSON line; one that cannot be written (too large, not JSON) becomes an error line. */
function serialize(answer: Record<string, unknown>): string {
  try {
    return JSON.stringify(answer);
  } catch (error) {
    const reason = error instanceof RangeError ? 'it is too large to write as one line' : 'it is not plain JSON';
    return JSON.stringify({ id: answer.id ?? null, error: `the answer to this line could not be written: ${reason}` });
  }
}

/**
 * Splits a stream into lines (LF or CRLF) without ever holding more than `maxLineBytes` of one:
 * a longer line is consumed and reported by its size only.
 */
async function* readLines(input: Readable, maxLineBytes: number): AsyncGenerator<{ readonly text: string } | { readonly oversizedBytes: number }> {
  let parts: Buffer[] = [];
  let size = 0;
  let oversized = false;
  const append = (piece: Buffer): void => {
    size += piece.length;
    if (oversized) return;
    if (size > maxLineBytes) {
      oversized = true;
      parts = [];
    } else if (piece.length > 0) {
      parts.push(piece);
    }
  };
  const finish = (): { readonly text: string } | { readonly oversizedBytes: number } => {
    const line = oversized ? { oversizedBytes: size } : { text: Buffer.concat(parts).toString('utf8').replace(/\r$/, '') };
    parts = [];
    size = 0;
    oversized = false;
    return line;
  };
  for await (const chunk of input as AsyncIterable<Buffer | string>) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    let start = 0;
    for (let newline = buffer.indexOf(10, start); newline !== -1; newline = buffer.indexOf(10, start)) {
      append(buffer.subarray(start, newline));
      yield finish();
      start = newline + 1;
    }
    append(buffer.subarray(start));
  }
  if (size > 0 || oversized) yield finish();
}

/** A batch line whose shape is wrong (missing field, wrong type). */
export class BatchInputError extends Error {
  override readonly name = 'BatchInputError';
}

/** Reads a required string field of a batch line. */
export function requireString(input: Record<string, unknown>, field: string): string {
  const value = input[field];
  if (typeof value !== 'string' || value.trim() === '') throw new BatchInputError(`field "${field}" must be a non-empty string`);
  return value;
}

function write(stream: Writable, text: string): Promise<void> {
  return new Promise((resolve) => {
    if (stream.write(text)) {
      resolve();
      return;
    }
    // Resolve on error too: runBatch's own listener records it and ends the batch.
    const done = () => {
      stream.off('drain', done);
      stream.off('error', done);
      resolve();
    };
    stream.once('drain', done).once('error', done);
  });
}
