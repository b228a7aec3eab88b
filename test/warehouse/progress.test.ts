import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createProgressReporter } from '../../functions/warehouse/progress.ts';

function collector(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
}

describe('Function: createProgressReporter', () => {
  it('prints a few plain lines, no control codes, when the stream is not a terminal', () => {
    const out = collector();
    const reporter = createProgressReporter({ stream: out.stream });
    reporter.onProgress({ phase: 'boot', done: 0, total: 1 });
    reporter.onProgress({ phase: 'boot', done: 1, total: 1 });
    for (let done = 0; done <= 100_000; done += 1_000) reporter.onProgress({ phase: 'transactions', done, total: 100_000 });
    reporter.onProgress({ phase: 'load', done: 0, total: 1 });
    reporter.stop();
    const lines = out.text().trim().split('\n');
    expect(lines.length).toBeLessThanOrEqual(8);
    expect(lines).toContain('warehouse: loading sales 50% (50000/100000)');
    expect(lines.at(-1)).toMatch(/^warehouse: loading sales done \(100000\) in \d+\.\d s$/);
    expect(out.text()).not.toMatch(/\u001b/);
  });

  it('draws a bar per phase on a terminal', () => {
    const out = collector();
    const reporter = createProgressReporter({ stream: out.stream, tty: true });
    reporter.onProgress({ phase: 'transactions', done: 0, total: 10 });
    reporter.onProgress({ phase: 'transactions', done: 10, total: 10 });
    reporter.stop();
    expect(out.text()).toMatch(/loading sales/);
  });
});
