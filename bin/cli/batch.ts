/**
 * The JSON Lines batch modes of the contract (section 3): one JSON object a line on standard
 * input, one answer a line on standard output, in the same order, with the same `id`. A line that
 * cannot be handled yields `{ id, error }` and the batch goes on.
 */
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { errorMessage } from './errors.ts';

export type BatchHandler = (input: Record<string, unknown>) => Promise<Record<string, unknown>>;

export interface BatchStreams {
  readonly input: Readable;
  readonly output: Writable;
}

/** Runs `handle` over every non-blank input line; returns how many lines failed. */
export async function runBatch(handle: BatchHandler, streams: BatchStreams): Promise<{ lines: number; failed: number }> {
  const lines = createInterface({ input: streams.input, crlfDelay: Infinity });
  let count = 0;
  let failed = 0;
  for await (const line of lines) {
    if (line.trim() === '') continue;
    count += 1;
    let id: unknown = null;
    let answer: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(line);
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
        throw new BatchInputError('each line must be a JSON object');
      }
      id = (parsed as Record<string, unknown>).id ?? null;
      answer = { id, ...(await handle(parsed as Record<string, unknown>)) };
    } catch (error) {
      failed += 1;
      answer = { id, error: error instanceof SyntaxError ? `line ${count} is not valid JSON: ${error.message}` : errorMessage(error) };
    }
    await write(streams.output, JSON.stringify(answer) + '\n');
  }
  return { lines: count, failed };
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
  return new Promise((resolve, reject) => {
    if (stream.write(text)) resolve();
    else stream.once('drain', resolve).once('error', reject);
  });
}
