/**
 * The round trip the guard relies on, as the round-trip tests drive it: parse SQL, write the tree
 * back with the guard's deparser, parse what was written, and compare the two trees.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deparseTree, parseSql, type ParseTree } from '../../functions/core/guard/postgres-parser.ts';
import { sameTree, treeDifference } from '../../functions/core/guard/round-trip.ts';

export interface RoundTrip {
  /** The tree of the SQL as given. */
  readonly before: ParseTree;
  /** What the deparser wrote. */
  readonly written: string;
  /** The tree of what it wrote. */
  readonly after: ParseTree;
  /** Whether the two trees are the same, positions aside. */
  readonly same: boolean;
  /** Where they first differ (undefined when the same). */
  readonly difference: string | undefined;
}

/** Parses, deparses and re-parses `sql` (which must parse); throws what the deparser or the re-parse throws. */
export function roundTrip(sql: string): RoundTrip {
  const before = parseSql(sql);
  const written = deparseTree(before);
  const after = parseSql(written);
  return { before, written, after, same: sameTree(before, after), difference: treeDifference(before, after) };
}

/** The first statement's first select-list expression: where most single-expression tests look. */
export function firstTarget(tree: ParseTree): Record<string, any> {
  return (tree.stmts[0]!.stmt.SelectStmt as Record<string, any>).targetList[0].ResTarget.val;
}

/** One line of a JSONL fixture: at least an id and the SQL. */
export interface Statement {
  readonly id: string;
  readonly sql: string;
  readonly [field: string]: unknown;
}

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/guard');

/** Reads a JSONL fixture under test/fixtures/guard. */
export function loadStatements(name: string): Statement[] {
  return readFileSync(join(fixtures, name), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Statement);
}
