/**
 * Where a statement ends (statement-end.ts), and how many rows a batch asks for (budgeted-fetch.ts):
 * the two pure pieces the byte budget rests on.
 */
import { describe, expect, it } from 'vitest';
import { batchRows } from '../../../functions/adapters/warehouse/budgeted-fetch.ts';
import { standaloneStatement, withoutTrailingSemicolons } from '../../../functions/adapters/warehouse/statement-end.ts';
import { QueryFailedError } from '../../../functions/core/errors.ts';

describe('Function: withoutTrailingSemicolons', () => {
  it.each([
    ['SELECT 1', 'SELECT 1'],
    ['SELECT 1;', 'SELECT 1'],
    ['SELECT 1 ;  ;\n', 'SELECT 1'],
    ['SELECT 1; -- all of them', 'SELECT 1'],
    ['SELECT 1 /* a /* nested */ comment; */ ;', 'SELECT 1'],
    ['SELECT 1 -- a comment; with a semicolon', 'SELECT 1'],
  ])('cuts what follows the last token: %j', (sql, expected) => {
    expect(withoutTrailingSemicolons(sql)).toBe(expected);
  });

  it.each([
    ["SELECT 'a;'", 'a string'],
    ["SELECT 'it''s;'", 'a string with a doubled quote'],
    ["SELECT E'\\';'", 'an escape string with an escaped quote'],
    ["SELECT '\\' AS backslash", 'a standard string ending in a backslash'],
    ['SELECT 1 AS "x;"', 'a quoted identifier'],
    ['SELECT 1 AS "say ""hi"";"', 'a quoted identifier with doubled quotes'],
    ['SELECT $$;$$', 'a dollar quote'],
    ['SELECT $tag$ ; -- $$ $tag$', 'a tagged dollar quote holding $$ and a comment'],
    ['SELECT $1', 'a parameter'],
    ['SELECT a$b$ FROM t', 'an identifier with dollar signs, not a quote'],
  ])('keeps %j whole (%s)', (sql) => {
    expect(withoutTrailingSemicolons(sql)).toBe(sql);
    expect(withoutTrailingSemicolons(`${sql}; -- trailing`)).toBe(sql);
  });

  it('treats a string after an identifier ending in E as a standard string', () => {
    expect(withoutTrailingSemicolons("SELECT 1 AS some'\\'; -- x")).toBe("SELECT 1 AS some'\\'");
  });

  it('returns an unterminated string or comment up to its end, for the database to refuse', () => {
    expect(withoutTrailingSemicolons("SELECT 'open; ")).toBe("SELECT 'open; ");
    expect(withoutTrailingSemicolons('SELECT 1 /* open; ')).toBe('SELECT 1');
  });
});

describe('Function: standaloneStatement', () => {
  it('returns the statement without its trailing semicolons when its parentheses balance', () => {
    expect(standaloneStatement("SELECT (1 + (2)), ')' AS \")\", $$($$ /* ( */; -- )")).toBe("SELECT (1 + (2)), ')' AS \")\", $$($$");
  });

  it.each([
    ['SELECT 1) AS x, (SELECT pg_sleep(10)', 'closes a parenthesis it did not open'],
    ['SELECT (1', 'leaves one open'],
    ["SELECT 1)) AS r(c1) OFFSET 0) AS m, (SELECT '('", 'tries to close the wrapper around it'],
  ])('refuses %j, which %s, as a syntax error', (sql) => {
    expect(() => standaloneStatement(sql)).toThrow(QueryFailedError);
    expect(() => standaloneStatement(sql)).toThrow(/parentheses do not match/);
  });
});

describe('Function: batchRows', () => {
  const state = { batch: 0, wanted: 5001, left: 8 * 1024 * 1024, widest: 64 * 1024 + 4, largest: 0 };

  it('asks for no more rows than the batch bytes, or the budget left if more, can take with every cell at its largest (worst case)', () => {
    const batching = { kind: 'worst-case', batchBytes: 4 * 1024 * 1024 } as const;
    expect(batchRows(batching, state)).toBe(127);
    expect(batchRows(batching, { ...state, left: 1_000 })).toBe(63);
    expect(batchRows({ ...batching, batchBytes: 1_000 }, { ...state, left: 1_000 })).toBe(1);
    expect(batchRows(batching, { ...state, widest: 72 })).toBe(5001);
  });

  it('asks for a first batch, then sizes by twice the largest row seen, within the response cap (observed)', () => {
    const batching = { kind: 'observed', firstRows: 100, responseBytes: 512 * 1024 } as const;
    expect(batchRows(batching, state)).toBe(100);
    expect(batchRows(batching, { ...state, batch: 1, largest: 1_024 })).toBe(256);
    expect(batchRows(batching, { ...state, batch: 1, largest: 1_024, left: 20_480 })).toBe(10);
    expect(batchRows(batching, { ...state, batch: 1, largest: 1_024, wanted: 3 })).toBe(3);
  });

  it('asks for at least one row, so the cap and the budget can always be told apart from the end', () => {
    expect(batchRows({ kind: 'worst-case', batchBytes: 0 }, { ...state, left: 0 })).toBe(1);
    expect(batchRows({ kind: 'observed', firstRows: 100, responseBytes: 1 }, { ...state, batch: 3, largest: 10_000 })).toBe(1);
  });
});
