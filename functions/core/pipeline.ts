/**
 * The question path: retrieve context → plan → guard → execute → answer. Pure orchestration over
 * the ports; the composition roots (`platform/container.ts`) decide which adapters stand behind them.
 */
import { describeResult } from './answer/summary.ts';
import { chooseChart, type ChartSpec } from './answer/chart.ts';
import { GuardRefusedError } from './errors.ts';
import type { Principal } from './principal.ts';
import type { Cell, ColumnInfo, ContextHit, Planner, Retriever, SqlGuard, Warehouse } from './ports.ts';

export interface AskInput {
  readonly question: string;
  /** `YYYY-MM-DD`; defaults to the pipeline's `defaultAsOf` (the last day of the data). */
  readonly asOf?: string;
  readonly conversationId?: string;
  readonly principal: Principal;
}

export interface Answer {
  readonly question: string;
  readonly asOf: string;
  /** The statement exactly as it ran (after the guard's rewrite). */
  readonly sql: string;
  readonly columns: string[];
  readonly columnTypes: ColumnInfo['type'][];
  readonly rows: Cell[][];
  readonly rowCount: number;
  /** True when the row cap or the answer's byte budget cut the rows short. */
  readonly truncated: boolean;
  /** What cut them, when `truncated`: the row cap (`rows`) or the byte budget (`bytes`). */
  readonly truncatedBy?: 'rows' | 'bytes';
  readonly summary: string;
  /** A Vega-Lite spec (data, never code), or null where a chart would not help (one figure). */
  readonly chart: ChartSpec | null;
  readonly planner: string;
  readonly confidence: number;
  readonly interpretation: string;
  readonly context: { doc: string; score: number }[];
  readonly timingsMs: Record<'retrieve' | 'plan' | 'guard' | 'execute' | 'total', number>;
}

export interface PipelineOptions {
  readonly retriever: Retriever;
  readonly planner: Planner;
  readonly guard: SqlGuard;
  readonly warehouse: Warehouse;
  /** Resolves the default as-of date once (the last day of the warehouse's data). */
  readonly defaultAsOf: () => Promise<string>;
  readonly contextSize?: number;
  readonly timeoutMs?: number;
  readonly maxRows?: number;
  /** Byte budgets of an answer and of a cell (the warehouse's defaults when absent). */
  readonly maxResultBytes?: number;
  readonly maxCellBytes?: number;
}

/** The agent's one use case: answer a question for a principal. */
export class AskPipeline {
  constructor(private readonly options: PipelineOptions) {}

  async ask(input: AskInput): Promise<Answer> {
    const { retriever, planner, guard, warehouse } = this.options;
    const started = performance.now();
    const lap = stopwatch();

    const asOf = input.asOf ?? (await this.options.defaultAsOf());
    const context: ContextHit[] = await retriever.search(input.question, this.options.contextSize ?? 6);
    const retrieve = lap();

    const plan = await planner.plan({ question: input.question, asOf, principal: input.principal, context });
    const planMs = lap();

    const verdict = await guard.check(plan.sql, input.principal);
    if (!verdict.allowed) {
      throw new GuardRefusedError(`The planned query was refused: ${verdict.reason}`, verdict.rule, {
        details: { rule: verdict.rule, planner: plan.planner },
      });
    }
    const guardMs = lap();

    const result = await warehouse.query(verdict.sql, {
      regions: input.principal.regions,
      role: input.principal.role,
      timeoutMs: this.options.timeoutMs ?? 15_000,
      maxRows: this.options.maxRows ?? 5_000,
      ...(this.options.maxResultBytes !== undefined ? { maxResultBytes: this.options.maxResultBytes } : {}),
      ...(this.options.maxCellBytes !== undefined ? { maxCellBytes: this.options.maxCellBytes } : {}),
    });
    const execute = lap();

    const columns = result.columns.map((c) => c.name);
    return {
      question: input.question,
      asOf,
      sql: verdict.sql,
      columns,
      columnTypes: result.columns.map((c) => c.type),
      rows: result.rows.map((row) => [...row]),
      rowCount: result.rows.length,
      truncated: result.truncated,
      ...(result.truncatedBy ? { truncatedBy: result.truncatedBy } : {}),
      summary: describeResult({ question: input.question, interpretation: plan.interpretation, result }),
      chart: chooseChart(result, plan.interpretation),
      planner: plan.planner,
      confidence: plan.confidence,
      interpretation: plan.interpretation,
      context: context.map((c) => ({ doc: c.doc, score: c.score })),
      timingsMs: { retrieve, plan: planMs, guard: guardMs, execute, total: round(performance.now() - started) },
    };
  }
}

function stopwatch(): () => number {
  let last = performance.now();
  return () => {
    const now = performance.now();
    const elapsed = round(now - last);
    last = now;
    return elapsed;
  };
}

const round = (ms: number) => Math.round(ms * 10) / 10;
