/**
 * The regular-expression wall through `PostgresSqlGuard.check`: every route a pattern takes to the
 * regex engine, read as PostgreSQL reads it. Each refused case below ran through an earlier guard.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadParser } from '../../functions/core/guard/postgres-parser.ts';
import { PostgresSqlGuard } from '../../functions/core/guard/sql-guard.ts';

const guard = new PostgresSqlGuard();
const viewer = { subject: 't', role: 'viewer' } as const;

beforeAll(async () => {
  await loadParser();
});

async function refusalOf(sql: string) {
  const verdict = await guard.check(sql, viewer);
  if (verdict.allowed) throw new Error(`expected a refusal, got: ${verdict.sql}`);
  return verdict;
}

async function expectAllowed(sql: string) {
  const verdict = await guard.check(sql, viewer);
  if (!verdict.allowed) throw new Error(`expected it allowed, got (${verdict.rule}) ${verdict.reason}`);
}

const where = (condition: string) => `select count(*) from sales.products where ${condition}`;

describe('Wall: regular expressions — how a pattern is read', () => {
  it.each([
    ['expanded mode: white space between a group and its quantifier', where("product_name ~ '(?x)(a+) +'")],
    ['expanded mode: a # comment hiding a back-reference from a bracket scan', where("product_name ~ E'(?x)#[\\n(a)\\\\1]'")],
    ['expanded mode: a comment between a group and its quantifier', where("product_name ~ E'(?x)(a+)# c\\n+'")],
    ['an ARE (?#…) comment between a group and its quantifier', where("product_name ~ '(a+)(?#x)+'")],
    ['an ARE (?#…) comment hiding a back-reference from a bracket scan', where("product_name ~ '(?#[)(a)\\1]'")],
    ['a quantifier two groups deep', where("product_name ~ '((a+)b)+'")],
    ['embedded BRE mode (?b): \\( \\) are the groups', where("product_name ~ '(?b)\\(a*\\)*'")],
    ['embedded BRE mode: \\1 is a back-reference', where("product_name ~ '(?b)\\(a\\)\\1'")],
    ['the director ***: turning a BRE flag back into an ARE', where("regexp_like(product_name, '***:(a+)+', 'b')")],
    ['BRE flag of regexp_like', where("regexp_like(product_name, '\\(a*\\)*', 'b')")],
    ['BRE flag of regexp_replace', "select regexp_replace(product_name, '\\(a\\)\\1', '', 'b') from sales.products"],
    ['expanded flag of regexp_like', where("regexp_like(product_name, '(a+) +', 'x')")],
    ['expanded flag of regexp_match hiding a back-reference', "select regexp_match(product_name, E'#[\\n(a)\\\\1]', 'x') from sales.products"],
    ['expanded flag among others (gx)', "select regexp_replace(product_name, '(a+) *', '', 'gx') from sales.products"],
    ['flags read from a column', "select regexp_replace(product_name, '(a+) +', '', category) from sales.products"],
    ['an unknown flag', "select regexp_replace(product_name, 'a', '', 'z') from sales.products"],
    ['a bound spelled with spaces in expanded mode', where("product_name ~ '(?x)a{2 5 5}'")],
  ])('refuses %s', async (_label, sql) => {
    expect(await refusalOf(sql)).toMatchObject({ rule: 'complexity', reason: expect.stringMatching(/regular expression|flags/) });
  });

  it.each([
    ['an expanded pattern with comments', where("product_name ~ E'(?x) ^ Laptop \\\\s+ # the family\\n (Pro|Air) $'")],
    ['an escaped space in expanded mode, which is a literal space and no back-reference', where("product_name ~ '(?x)(a) \\ 1'")],
    ['the literal director ***=', where("product_name ~ '***=(a+)+'")],
    ['embedded literal mode (?q)', where("product_name ~ '(?q)(a+)+\\1'")],
    ['the literal flag q', "select regexp_replace(product_name, '(a+)+', '', 'q') from sales.products"],
    ['case-insensitive flags', where("regexp_like(product_name, '^lap', 'i')")],
    ['regexp_replace with a start position', "select regexp_replace(product_name, 'a', 'b', 2) from sales.products"],
    ['an open-ended bound', where("product_name ~ '^[0-9]{2,}'")],
    ['a braces character that is no bound', where("product_name ~ 'x{y'")],
  ])('allows %s', async (_label, sql) => {
    await expectAllowed(sql);
  });
});

describe('Wall: regular expressions — every route to the regex engine', () => {
  it.each([
    ['~ ANY (SELECT constant)', where("product_name ~ any (select '(a+)+')")],
    ['!~ ALL (SELECT constant)', where("product_name !~ all (select '(a+)+')")],
    ['~* ANY over a column of data', where('product_name ~* any (select category from sales.products)')],
    ['~ SOME (VALUES …)', where("product_name ~ some (values ('(a+)+'))")],
    ['OPERATOR(pg_catalog.~) ANY (SELECT …)', where("product_name operator(pg_catalog.~) any (select '(a+)+')")],
    ['@? ANY (SELECT …)', `select count(*) from sales.products where to_jsonb(product_name) @? any (select '$ ? (@ like_regex "(a+)+")')`],
    ['an array literal whose escaped + is a quantifier once read', where("product_name ~ any ('{\"(a\\+)+\"}')")],
    ['an array literal whose \\\\1 is a back-reference once read', where("product_name ~ any ('{\"(a)\\\\1\"}'::text[])")],
    ['an array of arrays', where("product_name ~ any (array[array['x', '(a*)*']])")],
    ['an array element from a column', where("product_name ~ any (array['x', category])")],
    ['an array built by a function', where("product_name ~ any (string_to_array('(a+)+,x', ','))")],
    ['a pattern truncated by char(n)', where("product_name ~ '(a+)'::char(4)")],
    ['SIMILAR TO whose % becomes a quantifier inside a repeated group', where("product_name similar to '(a%)*b'")],
    ['SIMILAR TO whose _ repeated in a repeated group', where("product_name similar to '(_+)+'")],
    ['SIMILAR TO with an escape character from a column', where("product_name similar to 'a' escape category")],
    ['substring(x from a column)', 'select substring(product_name from category) from sales.products'],
    ['substring(x from a subquery)', "select substring(product_name from (select '(a+)+')) from sales.products"],
    ['substring(x, column, escape) — a SIMILAR TO pattern from data', "select substring(product_name, category, '#') from sales.products"],
    ['substring(x similar …) with nested quantifiers once translated', "select substring(product_name similar '(a%)*#\"b#\"' escape '#') from sales.products"],
    ['a jsonpath like_regex spelled with an escape (lik\\x65_regex)', `select count(*) from sales.products where to_jsonb(product_name) @? '$ ? (@ lik\\x65_regex "(a+)+")'`],
    ['a jsonpath string decoding \\x5c to a back-reference', `select count(*) from sales.products where to_jsonb(product_name) @? '$ ? (@ like_regex "(a)\\x5c1")'`],
    ['a second like_regex behind a comment', `select count(*) from sales.products where to_jsonb(product_name) @? '$ ? (@ like_regex "a" && @ like_regex/**/"(a+)+")'`],
    ['a like_regex in upper case', `select count(*) from sales.products where to_jsonb(product_name) @? '$ ? (@ LIKE_REGEX "(a+)+")'`],
    ['a jsonpath the guard cannot scan', `select count(*) from sales.products where to_jsonb(product_name) @? '$ ? (@ like_regex "(a+)+)'`],
    ['a named argument to a regex function', where("regexp_like(product_name, pattern => '(a+)+')")],
    ['VARIADIC arguments to a regex function', where("regexp_like(variadic array[product_name, '(a+)+'])")],
  ])('refuses %s', async (_label, sql) => {
    expect(await refusalOf(sql)).toMatchObject({ rule: 'complexity' });
  });

  it.each([
    ['~ ANY (ARRAY[constants])', where("product_name ~ any (array['^Laptop', '^Desktop'])")],
    ['!~ ALL of an array literal', where("product_name !~* all ('{\"^usb\", ^cloud}')")],
    ['a typed array literal', where("product_name ~ any ('{^Lap,\"Air$\"}'::text[])")],
    ['LIKE ANY (SELECT …), which is no regular expression', where('product_name like any (select category || \'%\' from sales.products)')],
    ['a pattern under COLLATE', where("product_name ~ '^Lap' collate \"C\"")],
    ['substring(x from position(…) + 1): a position', "select substring(product_name from position(' ' in product_name) + 1) from sales.products"],
    ['substring(x, strpos(…), 3): positions', "select substring(product_name, strpos(product_name, ' '), 3) from sales.products"],
    ['substring(x from pattern)', "select substring(product_name from '[0-9]+') from sales.products"],
    ['bitwise NOT, which is no match', 'select ~ product_id from sales.products'],
    ['a jsonpath like_regex with the q flag', `select to_jsonb(product_name) @? '$ ? (@ like_regex "(a+)+" flag "q")' from sales.products`],
    ['text search @@, which is no jsonpath', "select count(*) from sales.products where product_name @@ 'laptop & pro'"],
  ])('allows %s', async (_label, sql) => {
    await expectAllowed(sql);
  });
});

describe('Wall: regular expressions — functions that match without looking like it', () => {
  it.each([
    ['textregexeq', where("textregexeq(product_name, '(a+)+')")],
    ['texticregexeq', where("texticregexeq(product_name, '(a+)+')")],
    ['regexp_matches', "select regexp_matches(product_name, '(a+)+') from sales.products"],
    ['regexp_split_to_table in FROM', "select * from regexp_split_to_table('a,b', '(a*)*') t"],
    ['similar_escape (the pre-13 SIMILAR TO helper)', where("product_name ~ similar_escape('(a%)*', null)")],
    ['jsonb_path_exists', where(`jsonb_path_exists(to_jsonb(product_name), '$ ? (@ like_regex "(a+)+")')`)],
  ])('refuses %s by name', async (_label, sql) => {
    expect(await refusalOf(sql)).toMatchObject({ rule: 'function' });
  });
});

describe('Property: expanded mode hides nothing', () => {
  // A pattern with a back-reference or a nested quantifier, as tokens between which expanded mode
  // lets white space and comments stand.
  const dangerous = fc.constantFrom(['(', 'a', ')', '\\1'], ['(', 'a', '+', ')', '+'], ['(', '[ab]', '*', ')', '*'], ['(', '(', 'a', '+', ')', 'b', ')', '{2}'], ['(?:', 'x', '|', 'y', '+', ')', '*']);
  const filler = fc.constantFrom('', ' ', '\t', '\n', '  ', '# note\n', ' #[\n', '#(\n');
  it('refuses every spacing and commenting of a pattern with a back-reference or nested quantifier', async () => {
    await fc.assert(
      fc.asyncProperty(dangerous, fc.array(filler, { minLength: 8, maxLength: 8 }), async (tokens, gaps) => {
        const pattern = '(?x)' + tokens.map((token, index) => token + gaps[index]!).join('');
        const literal = `E'${pattern.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\t/g, '\\t').replace(/'/g, "''")}'`;
        const verdict = await guard.check(where(`product_name ~ ${literal}`), viewer);
        expect(verdict.allowed).toBe(false);
      }),
      { numRuns: 150 },
    );
  });
});
