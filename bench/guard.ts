/**
 * Guard throughput and latency, for `npm run bench` (bench/run.ts calls {@link benchGuard}): every
 * statement of a corpus the project owns, checked again and again, first without a warehouse (the
 * structural walls: what must stay well under a millisecond) and then with the EXPLAIN cost ceiling
 * planned on the embedded PGlite in its worker thread (what `bi-agent guard`, `sql` and the API pay).
 * Printed as markdown table rows; measured here, never asserted in tests.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PgliteWarehouse } from '../functions/adapters/warehouse/pglite.ts';
import { EMBEDDED_MAX_TOTAL_COST } from '../functions/core/guard/cost.ts';
import { PostgresSqlGuard } from '../functions/core/guard/sql-guard.ts';
import { isRole, type Principal } from '../functions/core/principal.ts';
import { openEmbeddedWarehouse } from '../functions/warehouse/embedded.ts';

/** One corpus line: a statement and who it is checked for. */
export interface GuardCase {
  readonly id: string;
  readonly sql: string;
  readonly principal: Principal;
}

export interface GuardBenchRow {
  readonly scenario: string;
  readonly statements: number;
  readonly checks: number;
  readonly checksPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly allowed: number;
}

export interface GuardBenchOptions {
  /** Rounds over the corpus without EXPLAIN (default 200) and with it (default 5). */
  readonly rounds?: number;
  readonly explainRounds?: number;
  /** A data folder holding the embedded warehouse; default: a temporary one, built (100k) and removed. */
  readonly dataDir?: string;
  readonly log?: (line: string) => void;
}

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * The corpus: the guard fixtures of test/fixtures/guard/*.jsonl when present (attacks and benign
 * statements the project's tests own), else bench/guard-corpus.jsonl.
 */
export function loadGuardCorpus(): GuardCase[] {
  const fixtures = join(root, 'test/fixtures/guard');
  const files = existsSync(fixtures)
    ? readdirSync(fixtures).filter((name) => name.endsWith('.jsonl')).map((name) => join(fixtures, name))
    : [];
  const sources = files.length > 0 ? files : [join(root, 'bench/guard-corpus.jsonl')];
  return sources.flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line.trim())
      .map((line) => JSON.parse(line) as { id: string; sql: string; role?: string; regions?: string[] })
      .map(({ id, sql, role, regions }) => ({
        id,
        sql,
        principal: { subject: 'bench', role: isRole(role) ? role : 'viewer', ...(regions ? { regions } : {}) },
      })),
  );
}

/** Runs the guard benchmark, prints a markdown table (header and rows) to `log`, and returns the rows. */
export async function benchGuard(options: GuardBenchOptions = {}): Promise<GuardBenchRow[]> {
  const log = options.log ?? ((line: string) => console.log(line));
  const corpus = loadGuardCorpus();
  const rows: GuardBenchRow[] = [];
  log('| scenario | statements | checks | checks/s | p50 ms | p99 ms | allowed |');
  log('|---|---|---|---|---|---|---|');
  const structural = await measure('guard, structural walls only (no EXPLAIN)', new PostgresSqlGuard(), corpus, options.rounds ?? 200);
  rows.push(structural);
  log(formatRow(structural));

  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'bi-agent-bench-guard-')));
  try {
    if (!options.dataDir) await (await openEmbeddedWarehouse(dataDir)).close();
    const warehouse = new PgliteWarehouse({ source: { kind: 'embedded', dataDir } });
    try {
      await warehouse.start();
      const guard = new PostgresSqlGuard({ estimator: warehouse, cost: { maxTotalCost: EMBEDDED_MAX_TOTAL_COST } });
      const planned = await measure('guard + EXPLAIN ceiling (embedded PGlite 100k, worker)', guard, corpus, options.explainRounds ?? 5);
      rows.push(planned);
      log(formatRow(planned));
    } finally {
      await warehouse.close();
    }
  } finally {
    if (!options.dataDir) await rm(dataDir, { recursive: true, force: true });
  }
  return rows;
}

async function measure(scenario: string, guard: PostgresSqlGuard, corpus: readonly GuardCase[], rounds: number): Promise<GuardBenchRow> {
  // One warm-up round: the parser's WebAssembly and the JIT.
  for (const item of corpus) await guard.check(item.sql, item.principal);
  const samples: number[] = [];
  let allowed = 0;
  const started = performance.now();
  for (let round = 0; round < rounds; round++) {
    for (const item of corpus) {
      const before = performance.now();
      const verdict = await guard.check(item.sql, item.principal);
      samples.push(performance.now() - before);
      if (round === 0 && verdict.allowed) allowed++;
    }
  }
  const elapsed = performance.now() - started;
  samples.sort((a, b) => a - b);
  const at = (q: number): number => samples[Math.min(samples.length - 1, Math.floor(samples.length * q))]!;
  return {
    scenario,
    statements: corpus.length,
    checks: samples.length,
    checksPerSecond: (samples.length / elapsed) * 1000,
    p50Ms: at(0.5),
    p99Ms: at(0.99),
    allowed,
  };
}

function formatRow(row: GuardBenchRow): string {
  return `| ${row.scenario} | ${row.statements} | ${row.checks} | ${row.checksPerSecond.toFixed(0)} | ${row.p50Ms.toFixed(3)} | ${row.p99Ms.toFixed(3)} | ${row.allowed} |`;
}
