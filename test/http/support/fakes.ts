/** Test doubles for the HTTP side: fakes implement the ports' interfaces and record their calls. */
import type { AskInput, Answer } from '../../../functions/core/pipeline.ts';
import type { AskUseCase } from '../../../functions/ask/handler.ts';
import type { Pingable } from '../../../functions/ready/handler.ts';

/** An answer as the real pipeline would shape it. */
export function sampleAnswer(overrides: Partial<Answer> = {}): Answer {
  return {
    question: 'total sales by region in 2024',
    asOf: '2025-12-31',
    sql: 'SELECT r.region_name, sum(t.amount) AS total FROM sales.sales_transactions t JOIN sales.regions r USING (region_id) GROUP BY 1 LIMIT 5000',
    columns: ['region_name', 'total'],
    columnTypes: ['text', 'number'],
    rows: [
      ['Europe', 1234.5],
      ['North America', 2345.25],
    ],
    rowCount: 2,
    truncated: false,
    summary: 'North America leads with 2,345.25.',
    chart: { mark: 'bar', encoding: {} },
    planner: 'fake',
    confidence: 0.9,
    interpretation: 'revenue by region, 2024',
    context: [{ doc: 'metric-definitions.md', score: 0.8 }],
    timingsMs: { retrieve: 1, plan: 2, guard: 0.5, execute: 3, total: 6.5 },
    ...overrides,
  };
}

/** A pipeline that answers with a fixed answer, or fails with a given error, and records its inputs. */
export class FakePipeline implements AskUseCase {
  readonly calls: AskInput[] = [];
  answer: Answer = sampleAnswer();
  failure: unknown;
  delayMs = 0;

  async ask(input: AskInput): Promise<Answer> {
    this.calls.push(input);
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    if (this.failure !== undefined) throw this.failure;
    return { ...this.answer, question: input.question };
  }
}

/** A warehouse whose ping succeeds or fails on demand. */
export class FakeWarehouse implements Pingable {
  pings = 0;
  failure: unknown;

  async ping(): Promise<void> {
    this.pings += 1;
    if (this.failure !== undefined) throw this.failure;
  }
}
