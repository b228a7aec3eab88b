/**
 * What the guard's round-trip check costs per statement: writing the checked tree back as SQL,
 * parsing that SQL again, and comparing the two trees (`npx tsx bench/round-trip.ts [rounds]`).
 *
 * The corpus is every query of the guard fixtures the guard would get as far as deparsing (benign,
 * attacks, and the analyst statements of test/fixtures/guard/round-trip/). Each statement is timed
 * `rounds` times after a warm-up; the percentiles are over all those samples. Printed as markdown.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deparseTree, loadParser, parseSql, type ParseTree } from '../functions/core/guard/postgres-parser.ts';
import { Refusal } from '../functions/core/guard/refusal.ts';
import { sameTree } from '../functions/core/guard/round-trip.ts';
import { parseSingleQuery } from '../functions/core/guard/statement.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const CORPORA = ['test/fixtures/guard/benign.jsonl', 'test/fixtures/guard/attacks.jsonl', 'test/fixtures/guard/round-trip/bi-statements.jsonl'];

/** The trees of the corpus statements the guard deparses: one read-only query each, writable. */
function loadTrees(): ParseTree[] {
  const trees: ParseTree[] = [];
  for (const file of CORPORA) {
    for (const line of readFileSync(join(root, file), 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      const { sql } = JSON.parse(line) as { sql: string };
      try {
        const { tree } = parseSingleQuery(sql, 20_000);
        deparseTree(tree);
        trees.push(tree);
      } catch (error) {
        // Refused before the guard writes anything, or a construct the deparser refuses: not timed.
        if (!(error instanceof Refusal) && !(error instanceof Error && /node type/.test(error.message))) throw error;
      }
    }
  }
  return trees;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function summary(label: string, samples: number[]): string {
  samples.sort((a, b) => a - b);
  const micros = (ms: number) => (ms * 1000).toFixed(1);
  return `| ${label} | ${micros(percentile(samples, 50))} | ${micros(percentile(samples, 99))} | ${micros(samples.at(-1)!)} |`;
}

async function main(): Promise<void> {
  const rounds = Number(process.argv[2] ?? 50);
  await loadParser();
  const trees = loadTrees();
  const deparse: number[] = [];
  const reparse: number[] = [];
  const compare: number[] = [];
  const total: number[] = [];
  let same = 0;
  for (let round = -5; round < rounds; round++) {
    for (const tree of trees) {
      const t0 = performance.now();
      const sql = deparseTree(tree);
      const t1 = performance.now();
      const again = parseSql(sql);
      const t2 = performance.now();
      const equal = sameTree(tree, again);
      const t3 = performance.now();
      if (round < 0) continue; // warm-up
      deparse.push(t1 - t0);
      reparse.push(t2 - t1);
      compare.push(t3 - t2);
      total.push(t3 - t0);
      if (round === 0 && equal) same++;
    }
  }
  console.log(`round trip over ${trees.length} statements × ${rounds} rounds; ${same} of ${trees.length} parse back to the same tree\n`);
  console.log('| phase | p50 µs | p99 µs | max µs |');
  console.log('| --- | ---: | ---: | ---: |');
  console.log(summary('deparse', deparse));
  console.log(summary('re-parse', reparse));
  console.log(summary('compare (sameTree)', compare));
  console.log(summary('total', total));
}

await main();
