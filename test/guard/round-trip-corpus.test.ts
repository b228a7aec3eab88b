import { describe, expect, it } from 'vitest';
import { deparseTree, loadParser, parseSql } from '../../functions/core/guard/postgres-parser.ts';
import { Refusal } from '../../functions/core/guard/refusal.ts';
import { parseSingleQuery } from '../../functions/core/guard/statement.ts';
import { walk } from '../../functions/core/guard/walk.ts';
import { loadStatements, roundTrip, type Statement } from '../support/round-trip.ts';

/**
 * Every query of the guard's corpora, and some 180 analyst statements written for this suite
 * (round-trip/bi-statements.jsonl: windows, CTEs, grouping sets, FILTER and WITHIN GROUP, dates and
 * intervals, set operations, LATERAL, quoting, escapes, casts of every kind), written back by the
 * guard's deparser, parse to the very tree they came from.
 *
 * Statements the guard refuses before it writes anything (not one query, writes, nests too deep)
 * are left out. The queries the deparser cannot write are listed below: each must be refused by the
 * deparser itself, naming the construct, never written as something else.
 */

/** Constructs the deparser refuses to write, and why that is acceptable. */
const UNWRITABLE: Readonly<Record<string, string>> = {
  JsonFuncExpr: 'JSON_VALUE, JSON_QUERY, JSON_EXISTS: pgsql-deparser has no writer for them, so the guard refuses them with that reason',
  JsonTable: 'JSON_TABLE: likewise',
};

const MAX_LENGTH = 20_000;

// The corpora are filtered while the suite is collected, so the parser loads first.
await loadParser();

/** Whether the guard would get as far as deparsing `sql`: one read-only query of bounded depth. */
function reachesTheDeparser(sql: string): boolean {
  try {
    parseSingleQuery(sql, MAX_LENGTH);
    return true;
  } catch (error) {
    if (error instanceof Refusal) return false;
    throw error;
  }
}

/** The node types a statement's tree holds. */
function nodeTypes(sql: string): Set<string> {
  const types = new Set<string>();
  walk(parseSql(sql), (type) => {
    types.add(type);
  });
  return types;
}

function specify(name: string, statements: readonly Statement[]): void {
  const queries = statements.filter((statement) => reachesTheDeparser(statement.sql));

  describe(`Corpus: ${name}`, () => {
    it('holds queries for the deparser to write', () => {
      expect(queries.length).toBeGreaterThan(statements.length / 3);
    });

    it.each(queries.map((statement) => [statement.id, statement.sql] as const))('%s parses back to the same tree', (_id, sql) => {
      // act
      let trip;
      try {
        trip = roundTrip(sql);
      } catch (error) {
        // assess: only a listed construct may be refused, and the refusal names it.
        const message = error instanceof Error ? error.message : String(error);
        const node = /node type:?\s*(\w+)/i.exec(message)?.[1];
        expect(node && UNWRITABLE[node], `${message}\n(for ${sql})`).toBeTruthy();
        expect(nodeTypes(sql).has(node!)).toBe(true);
        return;
      }

      // assess
      expect(trip.difference, `${trip.written}\n(for ${sql})`).toBeUndefined();
      expect(trip.same).toBe(true);
    });
  });
}

specify('benign.jsonl', loadStatements('benign.jsonl'));
specify('attacks.jsonl', loadStatements('attacks.jsonl'));
specify('round-trip/bi-statements.jsonl', loadStatements('round-trip/bi-statements.jsonl'));

describe('Corpus: the statements the deparser cannot write', () => {
  it.each([
    ['JsonFuncExpr', "select json_value('{\"a\": 1}', '$.a')"],
    ['JsonFuncExpr', "select json_query('[1]', '$[0]')"],
    ['JsonFuncExpr', "select json_exists('{}', '$.a')"],
    ['JsonTable', "select * from json_table('[1]', '$[*]' columns (x int path '$'))"],
  ])('refuses %s instead of writing something else', (node, sql) => {
    expect(UNWRITABLE[node]).toBeDefined();
    expect(() => deparseTree(parseSingleQuery(sql, MAX_LENGTH).tree)).toThrow(new RegExp(`node type: ${node}`));
  });
});
