/**
 * The regular-expression wall's translations against PostgreSQL 15 itself: the SIMILAR TO
 * translation (regex-dialects.ts), array literals (constant-operands.ts), jsonpath `like_regex`
 * scanning, and expanded mode (regex-syntax.ts). Where the guard reads a text, the server must read
 * it the same way; generated inputs are built from the characters that change the reading.
 */
import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseArrayLiteral } from '../../functions/core/guard/constant-operands.ts';
import { jsonPathRegexes, similarToRegexes } from '../../functions/core/guard/regex-dialects.ts';
import { regexProblem } from '../../functions/core/guard/regex-syntax.ts';
import { postgresAvailable, TEST_POSTGRES_URL } from '../support/postgres.ts';

const available = await postgresAvailable();

describe.skipIf(!available)('Regular expressions read as PostgreSQL 15 reads them', () => {
  let client: pg.Client;
  beforeAll(async () => {
    client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
    await client.connect();
  });
  afterAll(async () => {
    await client?.end();
  });

  /** The first column of the first row, or `undefined` when the server rejects the query. */
  async function valueOf<T>(sql: string, params: unknown[]): Promise<T | undefined> {
    try {
      return (await client.query(sql, params)).rows[0]?.value as T;
    } catch {
      return undefined;
    }
  }

  it('translates SIMILAR TO patterns as similar_to_escape does', async () => {
    const pattern = fc.array(fc.constantFrom('[', ']', '^', '%', '_', '(', ')', '\\', '#', '"', 'a', '|', '*', '{', '1', '}', '.', '$'), { maxLength: 12 }).map((chars) => chars.join(''));
    await fc.assert(
      fc.asyncProperty(pattern, fc.constantFrom<string | undefined>(undefined, '\\', '#', ''), async (text, escape) => {
        const server = escape === undefined
          ? await valueOf<string>('select similar_to_escape($1) as value', [text])
          : await valueOf<string>('select similar_to_escape($1, $2) as value', [text, escape]);
        if (server === undefined) return; // the server rejects it (too many escape-double-quotes)
        expect(similarToRegexes(text, escape)).toContain(server);
      }),
      { numRuns: 400 },
    );
  });

  it('reads array literals as array input does', async () => {
    const literal = fc.array(fc.constantFrom('{', '}', ',', '"', '\\', ' ', 'a', 'b', 'NULL', 'null', '\t'), { maxLength: 14 }).map((parts) => parts.join(''));
    await fc.assert(
      fc.asyncProperty(fc.oneof(literal, literal.map((inner) => `{${inner}}`)), async (text) => {
        const elements = parseArrayLiteral(text);
        if (elements === undefined) return; // refused
        const server = await valueOf<(string | null)[]>('select $1::text[] as value', [text]);
        expect(server, `'${text}' is read by the guard but rejected by the server`).not.toBeUndefined();
        expect(server!.filter((element) => element !== null)).toEqual(elements);
      }),
      { numRuns: 500 },
    );
  });

  it('finds the like_regex patterns of a jsonpath as the server decodes them', async () => {
    const piece = fc.constantFrom(
      '$ ? (@ like_regex "a+")', '@ like_regex "(a)\\x5c1"', '@ LIKE_REGEX "b"', '@ lik\\x65_regex "c"', ' flag "i"', ' flag "q"',
      '/* like_regex "x" */', ' && ', ' || ', '@ like_regex/**/"d\\u0029"', '@ starts with "like_regex"', '$."like_regex"', ' ', '(', ')',
    );
    await fc.assert(
      fc.asyncProperty(fc.array(piece, { minLength: 1, maxLength: 6 }), async (pieces) => {
        const text = pieces.join('');
        const canonical = await valueOf<string>('select $1::jsonpath::text as value', [text]);
        if (canonical === undefined) return; // not a jsonpath
        const found = jsonPathRegexes(text);
        if (found === undefined) return; // refused
        expect(found).toEqual(jsonPathRegexes(canonical));
      }),
      { numRuns: 400 },
    );
  });

  it('reads a pattern with white space and comments in expanded mode as the same pattern written tight', async () => {
    const atom = fc.constantFrom('a', 'b', '[ab]', '\\d', '.', '(a)', '(?:ab)', '(a|b)', '[ #]', '\\ ', '\\#', '(a+)', '(b*)');
    const quantifier = fc.constantFrom('', '*', '+', '?', '{2}', '*?', '{1,3}');
    const gap = fc.constantFrom('', ' ', '\n', '  ', '# note\n');
    const tokens = fc.array(fc.tuple(atom, quantifier, gap, gap), { minLength: 1, maxLength: 5 });
    await fc.assert(
      fc.asyncProperty(tokens, fc.constantFrom('ab', 'a b', 'aab1', ' #', 'ba#'), async (parts, subject) => {
        const tight = parts.map(([a, q]) => a + q).join('');
        const spaced = '(?x)' + parts.map(([a, q, g1, g2]) => g1 + a + g2 + q).join('');
        expect(regexProblem(spaced)).toBe(regexProblem(tight));
        const [left, right] = await Promise.all([
          valueOf<boolean>('select $1 ~ $2 as value', [subject, tight]),
          valueOf<boolean>('select $1 ~ $2 as value', [subject, spaced]),
        ]);
        expect(right).toBe(left);
      }),
      { numRuns: 200 },
    );
  });
});
