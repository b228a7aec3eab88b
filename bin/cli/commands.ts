/**
 * The `bi-agent` commands. Each opens only what it needs (the guard plans on the warehouse but never runs), runs the
 * same core as the API, and prints either JSON Lines for machines (`--jsonl`, contract section 3)
 * or tables for people.
 */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { BiAgentError, InvalidRequestError } from '../../functions/core/errors.ts';
import type { Answer } from '../../functions/core/pipeline.ts';
import type { Principal } from '../../functions/core/principal.ts';
import {
  buildDependencies,
  buildGuard,
  closeDependencies,
  configFromEnv,
  openLocalIndex,
  openWarehouse,
  useDependencies,
  type ContainerConfig,
} from '../../functions/platform/container.ts';
import { applyLocalDefaults } from '../../functions/local/environment.ts';
import { startLocalServer } from '../../functions/local/server.ts';
import { openEmbeddedWarehouse, readEmbeddedWarehouseManifest } from '../../functions/warehouse/embedded.ts';
import { resolveGeneratorOptions, type GeneratorOptions } from '../../functions/warehouse/generator.ts';
import { createProgressReporter } from '../../functions/warehouse/progress.ts';
import { redactUrl, seedPostgres } from '../../functions/warehouse/seed-postgres.ts';
import { requireString, runBatch, type BatchHandler } from './batch.ts';
import { UsageError } from './errors.ts';
import { isCalendarDate } from '../../functions/core/calendar-date.ts';
import { dateFlag, integerFlag, parseCommandLine, principalFrom, type Flags } from './options.ts';
import { renderTable } from './table.ts';

/** Longest question accepted, as on the HTTP API. */
const MAX_QUESTION = 2000;

interface Io {
  readonly stdin: NodeJS.ReadableStream;
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
}

/** Builds the container configuration of a command, with a progress bar on stderr for first builds. */
async function withConfig<T>(flags: Flags, io: Io, run: (config: ContainerConfig) => Promise<T>): Promise<T> {
  const progress = createProgressReporter({ stream: io.stderr as NodeJS.WritableStream & { isTTY?: boolean } });
  try {
    return await run(configuration(flags, progress.onProgress));
  } finally {
    progress.stop();
  }
}

/**
 * The container configuration from the environment and `--data`. A setting that does not parse
 * (`BI_AGENT_MAX_CELL_BYTES=100`) is the caller's to fix: it is reported as a usage error with the
 * setting's own message, not as an internal error.
 */
function configuration(flags: Flags, onProgress?: ContainerConfig['onProgress']): ContainerConfig {
  try {
    return configFromEnv(process.env, { dataDir: flags.data, ...(onProgress ? { onProgress } : {}) });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

// ── ask ────────────────────────────────────────────────────────────────────────────────────────

export async function ask(args: string[], io: Io): Promise<number> {
  const { flags, positionals } = parseCommandLine(args, ['data', 'jsonl', 'json', 'role', 'regions', 'as-of']);
  const asOf = dateFlag(flags['as-of'], 'as-of');
  if (!flags.jsonl && positionals.length === 0) throw new UsageError('ask needs a question, or --jsonl to read questions from standard input');
  const dependencies = await withConfig(flags, io, (config) => buildDependencies(config));
  try {
    const answerOne = (question: string, principal: Principal, lineAsOf: string | undefined) => {
      if (question.length > MAX_QUESTION) throw new InvalidRequestError(`the question is ${question.length} characters long; the limit is ${MAX_QUESTION}`);
      return dependencies.pipeline.ask({ question, principal, ...(lineAsOf ? { asOf: lineAsOf } : {}) });
    };
    if (flags.jsonl) {
      const handle: BatchHandler = async (input) => {
        const lineAsOf = optionalDate(input.asOf) ?? asOf;
        const answer = await answerOne(requireString(input, 'question').trim(), principalFrom(input.role, input.regions), lineAsOf);
        return machineAnswer(answer);
      };
      await runBatch(handle, { input: io.stdin as never, output: io.stdout as never });
      return 0;
    }
    const answer = await answerOne(positionals.join(' ').trim(), principalFrom(flags.role, flags.regions), asOf);
    io.stdout.write(flags.json ? JSON.stringify(answer, null, 2) + '\n' : humanAnswer(answer));
    return 0;
  } finally {
    await dependencies.close();
  }
}

function machineAnswer(answer: Answer): Record<string, unknown> {
  const { sql, columns, rows, planner, summary, chart, interpretation, confidence, asOf, truncated, truncatedBy } = answer;
  return { sql, columns, rows, planner, summary, chart, interpretation, confidence, asOf, truncated, ...(truncatedBy ? { truncatedBy } : {}) };
}

/** Why a result has fewer rows than the statement would return, for people; '' when it was not cut. */
function cutNote(truncated: boolean, truncatedBy: 'rows' | 'bytes' | undefined): string {
  if (!truncated) return '';
  return truncatedBy === 'bytes' ? " (cut at the answer's size limit, BI_AGENT_MAX_RESULT_BYTES)" : ' (cut at the row cap, BI_AGENT_MAX_ROWS)';
}

function humanAnswer(answer: Answer): string {
  const chart = answer.chart ? `${(answer.chart.mark as { type?: string })?.type ?? answer.chart.mark} chart` : 'no chart';
  return [
    '',
    answer.summary,
    '',
    renderTable(answer.columns, answer.rows),
    '',
    `SQL (as run, as of ${answer.asOf}):`,
    indent(answer.sql),
    '',
    `planner: ${answer.planner} (confidence ${answer.confidence.toFixed(2)}) · ${answer.rowCount} row${answer.rowCount === 1 ? '' : 's'}${cutNote(answer.truncated, answer.truncatedBy)} · ${chart} · ${Math.round(answer.timingsMs.total)} ms`,
    '',
  ].join('\n');
}

// ── sql and guard ──────────────────────────────────────────────────────────────────────────────

export async function sql(args: string[], io: Io): Promise<number> {
  const { flags, positionals } = parseCommandLine(args, ['data', 'jsonl', 'json', 'role', 'regions']);
  if (!flags.jsonl && positionals.length === 0) throw new UsageError('sql needs a statement, or --jsonl to read statements from standard input');
  return withConfig(flags, io, async (config) => {
    const warehouse = await openWarehouse(config);
    try {
      const guard = buildGuard(config, warehouse);
      const run = async (statement: string, principal: Principal) => {
        const verdict = await guard.check(statement, principal);
        if (!verdict.allowed) return { allowed: false, rule: verdict.rule, reason: verdict.reason };
        const result = await warehouse.query(verdict.sql, {
          regions: principal.regions,
          role: principal.role,
          timeoutMs: config.timeoutMs,
          maxRows: config.maxRows,
          maxResultBytes: config.maxResultBytes,
          maxCellBytes: config.maxCellBytes,
        });
        return {
          allowed: true,
          sql: verdict.sql,
          columns: result.columns.map((c) => c.name),
          rows: result.rows,
          truncated: result.truncated,
          ...(result.truncatedBy ? { truncatedBy: result.truncatedBy } : {}),
        };
      };
      if (flags.jsonl) {
        await runBatch(async (input) => {
          try {
            return await run(requireString(input, 'sql'), principalFrom(input.role, input.regions));
          } catch (error) {
            // Allowed by the guard but failed in the database: still an answer about this line.
            if (error instanceof BiAgentError && error.code !== 'invalid_request') return { allowed: true, error: error.message };
            throw error;
          }
        }, { input: io.stdin as never, output: io.stdout as never });
        return 0;
      }
      const outcome = await run(positionals.join(' '), principalFrom(flags.role, flags.regions));
      if (flags.json) io.stdout.write(JSON.stringify(outcome, null, 2) + '\n');
      else if (!outcome.allowed) io.stdout.write(`refused (${outcome.rule}): ${outcome.reason}\n`);
      else if ('rows' in outcome) {
        const { rows } = outcome;
        const cut = cutNote(outcome.truncated, outcome.truncatedBy);
        io.stdout.write(`${renderTable(outcome.columns, rows)}\n${cut ? `${rows.length} row${rows.length === 1 ? '' : 's'}${cut}\n` : ''}`);
      }
      return outcome.allowed ? 0 : 1;
    } finally {
      await warehouse.close();
    }
  });
}

/**
 * Every check that comes before execution, the cost ceiling included: the statement is planned
 * (EXPLAIN) on the configured warehouse — the embedded one by default, opened for that — and never run.
 */
export async function guard(args: string[], io: Io): Promise<number> {
  const { flags, positionals } = parseCommandLine(args, ['data', 'jsonl', 'json', 'role', 'regions']);
  if (!flags.jsonl && positionals.length === 0) throw new UsageError('guard needs a statement, or --jsonl to read statements from standard input');
  return withConfig(flags, io, async (config) => {
    const warehouse = await openWarehouse(config);
    try {
      const checker = buildGuard(config, warehouse);
      const check = async (statement: string, principal: Principal) => {
        const verdict = await checker.check(statement, principal);
        return verdict.allowed ? { allowed: true, sql: verdict.sql } : { allowed: false, rule: verdict.rule, reason: verdict.reason };
      };
      if (flags.jsonl) {
        await runBatch((input) => check(requireString(input, 'sql'), principalFrom(input.role, input.regions)), {
          input: io.stdin as never,
          output: io.stdout as never,
        });
        return 0;
      }
      const verdict = await check(positionals.join(' '), principalFrom(flags.role, flags.regions));
      if (flags.json) io.stdout.write(JSON.stringify(verdict, null, 2) + '\n');
      else io.stdout.write(verdict.allowed ? `allowed; it will run as:\n${indent(String(verdict.sql))}\n` : `refused (${verdict.rule}): ${verdict.reason}\n`);
      return verdict.allowed ? 0 : 1;
    } finally {
      await warehouse.close();
    }
  });
}

// ── retrieval ──────────────────────────────────────────────────────────────────────────────────

export async function search(args: string[], io: Io): Promise<number> {
  const { flags, positionals } = parseCommandLine(args, ['data', 'jsonl', 'json', 'k']);
  const defaultK = integerFlag(flags.k, 'k', 5, 1, 50);
  if (!flags.jsonl && positionals.length === 0) throw new UsageError('search needs a query, or --jsonl to read queries from standard input');
  const index = await openLocalIndex(configuration(flags));
  const find = async (query: string, k: number) => (await index.search(query, k)).map(({ doc, text, score }) => ({ doc, text, score: round(score) }));
  if (flags.jsonl) {
    await runBatch(async (input) => {
      const k = input.k === undefined ? defaultK : input.k;
      if (typeof k !== 'number' || !Number.isInteger(k) || k < 1 || k > 50) throw new InvalidRequestError('field "k" must be a whole number from 1 to 50');
      return { results: await find(requireString(input, 'query'), k) };
    }, { input: io.stdin as never, output: io.stdout as never });
    return 0;
  }
  const results = await find(positionals.join(' '), defaultK);
  if (flags.json) io.stdout.write(JSON.stringify(results, null, 2) + '\n');
  else for (const hit of results) io.stdout.write(`\n${hit.doc}  (score ${hit.score})\n${indent(hit.text)}\n`);
  return 0;
}

export async function ingest(args: string[], io: Io): Promise<number> {
  const { flags, positionals } = parseCommandLine(args, ['data', 'json']);
  if (positionals.length !== 1) throw new UsageError('ingest needs exactly one folder: bi-agent ingest DIR');
  const dir = resolve(positionals[0]!);
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) throw new UsageError(`${dir} is not a folder`);
  const index = await openLocalIndex(configuration(flags));
  const tty = Boolean((io.stderr as { isTTY?: boolean }).isTTY);
  const report = await index.ingest(dir, {
    onProgress: (p) => {
      if (tty && p.phase === 'index') io.stderr.write(`\ringesting ${p.done}/${p.total} ${p.doc ?? ''}`.padEnd(80).slice(0, 80));
    },
  });
  if (tty) io.stderr.write('\n');
  io.stdout.write(flags.json ? JSON.stringify(report) + '\n' : `${describeIngest(report)}\n`);
  return 0;
}

function describeIngest(report: object): string {
  const r = report as Record<string, unknown>;
  const parts = Object.entries(r).filter(([, v]) => typeof v === 'number').map(([k, v]) => `${v} ${k}`);
  return `indexed: ${parts.join(', ')}`;
}

// ── warehouse ──────────────────────────────────────────────────────────────────────────────────

export async function seed(args: string[], io: Io): Promise<number> {
  const { flags } = parseCommandLine(args, ['data', 'seed', 'rows', 'customers', 'from', 'to', 'database-url', 'json']);
  const options: Partial<GeneratorOptions> = {
    ...(flags.seed !== undefined ? { seed: integerFlag(flags.seed, 'seed', 42, 0, 2 ** 32 - 1) } : {}),
    ...(flags.rows !== undefined ? { transactions: integerFlag(flags.rows, 'rows', 100_000, 1, 1_000_000_000) } : {}),
    ...(flags.customers !== undefined ? { customers: integerFlag(flags.customers, 'customers', 5_000, 1, 100_000_000) } : {}),
    ...(flags.from !== undefined ? { from: dateFlag(flags.from, 'from')! } : {}),
    ...(flags.to !== undefined ? { to: dateFlag(flags.to, 'to')! } : {}),
  };
  const resolved = resolveGeneratorOptions(options);
  const url = flags['database-url'] ?? process.env.DATABASE_URL;
  const progress = createProgressReporter({ stream: io.stderr as NodeJS.WritableStream & { isTTY?: boolean } });
  const started = performance.now();
  try {
    if (url) {
      const metadata = await seedPostgres(url, resolved, progress.onProgress);
      progress.stop();
      io.stdout.write(`${flags.json ? JSON.stringify(metadata) : `seeded ${redactUrl(url)}: ${describeSeed(resolved)}`} in ${seconds(started)}\n`);
      return 0;
    }
    const dataDir = configuration(flags).dataDir;
    const db = await openEmbeddedWarehouse(dataDir, { seedOptions: resolved, onProgress: progress.onProgress });
    await db.close();
    progress.stop();
    const manifest = await readEmbeddedWarehouseManifest(dataDir);
    io.stdout.write(flags.json ? JSON.stringify(manifest) + '\n' : `embedded warehouse in ${dataDir}: ${describeSeed(resolved)} (${seconds(started)})\n`);
    return 0;
  } finally {
    progress.stop();
  }
}

function describeSeed(options: GeneratorOptions): string {
  return `${options.transactions.toLocaleString('en-US')} transactions, ${options.customers.toLocaleString('en-US')} customers, ${options.from}..${options.to}, seed ${options.seed}`;
}

// ── serve ──────────────────────────────────────────────────────────────────────────────────────

export async function serve(args: string[], io: Io): Promise<number> {
  const { flags } = parseCommandLine(args, ['data', 'port']);
  const port = integerFlag(flags.port ?? process.env.PORT, 'port', 3000, 0, 65535);
  applyLocalDefaults();
  const dependencies = await withConfig(flags, io, (config) => {
    io.stderr.write(`bi-agent: starting on the ${describeWarehouse(config)}\n`);
    return buildDependencies(config);
  });
  useDependencies(dependencies);
  let server;
  try {
    server = await startLocalServer({ port, onShutdown: closeDependencies });
  } catch (error) {
    await closeDependencies();
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new UsageError(`port ${port} is already in use on 127.0.0.1; choose another with --port N or PORT=N`);
    }
    throw error;
  }
  io.stdout.write(
    `bi-agent listening on ${server.url}\n` +
      `  try: curl -s ${server.url}/v1/ask -H 'content-type: application/json' -d '{"question":"total sales by region in 2024"}'\n` +
      `  API description: ${server.url}/openapi.json · Ctrl-C stops\n`,
  );
  await server.closed;
  return 0;
}

function describeWarehouse(config: ContainerConfig): string {
  switch (config.warehouse.kind) {
    case 'embedded':
      return `embedded warehouse in ${config.dataDir}`;
    case 'postgres':
      return `PostgreSQL warehouse at ${redactUrl(config.warehouse.url)}`;
    case 'rds-data':
      return `Aurora warehouse through the Data API`;
  }
}

// ── helpers ────────────────────────────────────────────────────────────────────────────────────

function optionalDate(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || !isCalendarDate(value)) throw new InvalidRequestError('field "asOf" must be a date as YYYY-MM-DD');
  return value;
}

function indent(text: string): string {
  return text.split('\n').map((line) => `  ${line}`).join('\n');
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

function seconds(started: number): string {
  return `${((performance.now() - started) / 1000).toFixed(1)} s`;
}
