/**
 * The batch loop of every `--jsonl` mode (bin/cli/batch.ts): whatever one line does — throw any
 * exception, return an answer that cannot be written, be far too long — it gets `{ id, error }`
 * and the next line is answered.
 */
import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runBatch, type BatchHandler } from '../../bin/cli/batch.ts';
import { WarehouseUnavailableError } from '../../functions/core/errors.ts';

async function batch(handle: BatchHandler, chunks: (string | Buffer)[], maxLineBytes?: number) {
  const output = new PassThrough();
  let written = '';
  output.on('data', (chunk) => (written += chunk));
  const summary = await runBatch(handle, { input: Readable.from(chunks), output }, maxLineBytes ? { maxLineBytes } : {});
  return { summary, answers: written.trim().split('\n').map((line) => JSON.parse(line)) };
}

const echo: BatchHandler = async (input) => ({ echoed: input.value ?? null });

describe('Function: runBatch', () => {
  it('answers the next line after a line whose handler throws, whatever it throws', async () => {
    const handle: BatchHandler = async (input) => {
      if (input.value === 'range') throw new RangeError('Invalid string length');
      if (input.value === 'worker') throw new WarehouseUnavailableError('The embedded warehouse stopped unexpectedly; try again.', 1);
      if (input.value === 'string') throw 'not even an Error';
      return { echoed: input.value };
    };
    const lines = ['range', 'worker', 'string', 'fine'].map((value, index) => JSON.stringify({ id: index, value })).join('\n');
    const { summary, answers } = await batch(handle, [lines]);
    expect(answers).toEqual([
      { id: 0, error: expect.stringMatching(/^internal error \(RangeError\)/) },
      { id: 1, error: 'The embedded warehouse stopped unexpectedly; try again.' },
      { id: 2, error: expect.stringMatching(/^internal error/) },
      { id: 3, echoed: 'fine' },
    ]);
    expect(summary).toEqual({ lines: 4, failed: 3 });
  });

  it('turns an answer that cannot be written as JSON into an error line', async () => {
    const handle: BatchHandler = async (input) => (input.value === 'big' ? { count: 10n } : { echoed: input.value });
    const { answers } = await batch(handle, [`${JSON.stringify({ id: 'a', value: 'big' })}\n${JSON.stringify({ id: 'b', value: 'ok' })}\n`]);
    expect(answers).toEqual([
      { id: 'a', error: 'the answer to this line could not be written: it is not plain JSON' },
      { id: 'b', echoed: 'ok' },
    ]);
  });

  it('skips a line longer than the limit without holding it, answers it with an error, and goes on', async () => {
    const long = JSON.stringify({ id: 'long', value: 'x'.repeat(5_000) });
    const chunks = [long.slice(0, 1_000), long.slice(1_000), '\n', JSON.stringify({ id: 'short', value: 1 })];
    const { answers } = await batch(echo, chunks, 2_000);
    expect(answers).toEqual([
      { id: null, error: 'line 1 is longer than 2,000 bytes and was skipped' },
      { id: 'short', echoed: 1 },
    ]);
  });

  it('reads CRLF lines, skips blank ones, and decodes characters split across chunks', async () => {
    const line = Buffer.from(`${JSON.stringify({ id: 'é', value: 'Zürich €' })}\r\n\r\n`);
    const split = line.indexOf(Buffer.from('€')) + 1; // inside the three bytes of €
    const { answers } = await batch(echo, [line.subarray(0, split), line.subarray(split), '{"id":2,"value":"last"}']);
    expect(answers).toEqual([
      { id: 'é', echoed: 'Zürich €' },
      { id: 2, echoed: 'last' },
    ]);
  });
});
