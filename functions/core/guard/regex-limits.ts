/**
 * The regular-expression wall: every route a pattern takes to the server's regex engine must carry
 * a constant the guard can read, read the way the server will read it, and free of what makes
 * matching or compiling blow up (regex-syntax.ts).
 *
 * The routes: the operators `~ ~* !~ !~*` (also as `OPERATOR(pg_catalog.~)`, and quantified:
 * `~ ANY (ARRAY[…])`, `~ ALL ('{…}')`); the regexp_* functions, with the flags argument that
 * changes how the pattern is read; `substring(x from pattern)`; SIMILAR TO and
 * `substring(x similar pattern escape c)`, translated as the server translates them; a jsonpath's
 * `like_regex` behind `@?` and `@@`. A pattern from a column, a subquery (`~ ANY (SELECT …)`), a
 * concatenation or a function cannot be checked before it runs, so it is refused.
 */
import { constantStrings, isSurelyNumeric } from './constant-operands.ts';
import type { AstNode } from './postgres-parser.ts';
import { jsonPathRegexes, similarToRegexes } from './regex-dialects.ts';
import { ADVANCED, regexProblem, syntaxOfFlags, type RegexSyntax } from './regex-syntax.ts';
import { Refusal } from './refusal.ts';
import { nameParts } from './walk.ts';

/** The longest regular expression accepted, in characters. */
export const MAX_PATTERN_LENGTH = 500;

/** Operators whose right operand is a POSIX regular expression. */
const REGEX_OPERATORS: ReadonlySet<string> = new Set(['~', '~*', '!~', '!~*']);
/** Operators whose right operand may be a jsonpath (`jsonb @? path`, `jsonb @@ path`). */
const JSONPATH_OPERATORS: ReadonlySet<string> = new Set(['@?', '@@']);

/**
 * The regexp_* functions: the pattern is the second argument; the index of the flags argument
 * depends on how many arguments there are (PostgreSQL's signatures), `undefined` without one.
 */
const REGEX_FUNCTIONS: ReadonlyMap<string, (args: readonly unknown[]) => number | undefined> = new Map<string, (args: readonly unknown[]) => number | undefined>([
  ['regexp_match', (args) => (args.length >= 3 ? 2 : undefined)],
  ['regexp_matches', (args) => (args.length >= 3 ? 2 : undefined)],
  ['regexp_like', (args) => (args.length >= 3 ? 2 : undefined)],
  ['regexp_split_to_array', (args) => (args.length >= 3 ? 2 : undefined)],
  ['regexp_split_to_table', (args) => (args.length >= 3 ? 2 : undefined)],
  ['regexp_count', (args) => (args.length >= 4 ? 3 : undefined)],
  ['regexp_substr', (args) => (args.length >= 5 ? 4 : undefined)],
  ['regexp_instr', (args) => (args.length >= 6 ? 5 : undefined)],
  // regexp_replace(s, p, r, flags) or (s, p, r, start), (s, p, r, start, n), (s, p, r, start, n, flags).
  ['regexp_replace', (args) => (args.length === 4 ? (isSurelyNumeric(args[3]) ? undefined : 3) : args.length >= 6 ? 5 : undefined)],
]);

/** Checks the patterns of a function call: regexp_*, SIMILAR TO's similar_to_escape, substring. */
export function checkRegexCall(call: AstNode): void {
  const name = nameParts(call.funcname).at(-1)?.toLowerCase() ?? '';
  const flagsAt = REGEX_FUNCTIONS.get(name);
  const isSubstring = name === 'substring';
  if (!flagsAt && !isSubstring && name !== 'similar_to_escape') return;
  const args = (call.args as unknown[] | undefined) ?? [];
  if (call.func_variadic || args.some((arg) => (arg as AstNode | undefined)?.NamedArgExpr)) {
    throw new Refusal('complexity', `${name}() takes its pattern as a plain argument here (no VARIADIC, no named arguments), so that it can be checked`);
  }
  if (flagsAt) {
    const index = flagsAt(args);
    const syntax = index === undefined ? ADVANCED : flagsSyntax(args[index], `${name}()`);
    if (args.length > 1) checkPattern(args[1], 'scalar', syntax, `${name}()`);
    return;
  }
  if (name === 'similar_to_escape') {
    if (args.length >= 1) checkSimilarPattern(args[0], args[1], 'SIMILAR TO');
    return;
  }
  // substring(x from pattern) and substring(x, pattern) match a POSIX expression;
  // substring(x similar pattern escape c) and substring(x from pattern for c) a SIMILAR TO one;
  // substring(x from 2), substring(x from 2 for 3) and substring(x, 1, 4) are positions.
  if (args.length === 2 && !isSurelyNumeric(args[1])) checkPattern(args[1], 'scalar', ADVANCED, 'substring()');
  if (args.length === 3 && !(isSurelyNumeric(args[1]) && isSurelyNumeric(args[2]))) checkSimilarPattern(args[1], args[2], 'substring()');
}

/** Checks the pattern of an operator expression (`x ~ p`, `x ~* ANY (ARRAY[…])`, `j @? path`). */
export function checkRegexExpression(expression: AstNode): void {
  const kind = expression.kind;
  if (kind !== 'AEXPR_OP' && kind !== 'AEXPR_OP_ANY' && kind !== 'AEXPR_OP_ALL') return;
  if (expression.lexpr === undefined) return; // prefix `~` is bitwise NOT, not a match
  const operator = nameParts(expression.name).at(-1) ?? '';
  const shape = kind === 'AEXPR_OP' ? 'scalar' : 'array';
  if (REGEX_OPERATORS.has(operator)) checkPattern(expression.rexpr, shape, ADVANCED, `the ${operator} operator`);
  if (JSONPATH_OPERATORS.has(operator)) checkJsonPaths(expression.rexpr, shape, operator);
}

/** `x ~ ANY (SELECT …)`, `x !~ ALL (SELECT …)`: patterns that only exist once the subquery runs. */
export function checkRegexSubLink(sublink: AstNode): void {
  const operator = nameParts(sublink.operName).at(-1) ?? '';
  if (!REGEX_OPERATORS.has(operator) && !JSONPATH_OPERATORS.has(operator)) return;
  throw new Refusal(
    'complexity',
    `the regular expressions of the ${operator} operator come from a subquery, so they cannot be checked before they run; list them as constants instead, e.g. x ${operator} ANY (ARRAY['^a', '^b'])`,
  );
}

/** The syntax a constant flags argument selects; refuses a flags argument that is not a known constant. */
function flagsSyntax(node: unknown, where: string): RegexSyntax {
  const flags = constantStrings(node, 'scalar');
  if (flags === undefined) {
    throw new Refusal('complexity', `the flags of ${where} must be a constant string, since they change how the regular expression is read`);
  }
  const syntax = syntaxOfFlags(flags[0] ?? '');
  if (!syntax) throw new Refusal('complexity', `the flags of ${where} ('${flags[0]}') are not regular-expression options PostgreSQL knows`);
  return syntax;
}

/** Refuses a pattern operand that is not constant, or one of whose values is too long or too expensive. */
function checkPattern(node: unknown, shape: 'scalar' | 'array', syntax: RegexSyntax, where: string): void {
  for (const pattern of patternTexts(node, shape, where)) checkText(pattern, syntax, where);
}

function checkText(pattern: string, syntax: RegexSyntax, where: string, shown: string = pattern): void {
  if (shown.length > MAX_PATTERN_LENGTH) {
    throw new Refusal('complexity', `the regular expression of ${where} is ${shown.length} characters long; at most ${MAX_PATTERN_LENGTH} are allowed`);
  }
  const problem = regexProblem(pattern, syntax);
  if (problem) throw new Refusal('complexity', `the regular expression of ${where} ${problem}; simplify it`);
}

function patternTexts(node: unknown, shape: 'scalar' | 'array', where: string): string[] {
  const texts = constantStrings(node, shape);
  if (texts === undefined) {
    throw new Refusal(
      'complexity',
      `the regular expression of ${where} must be a constant string${shape === 'array' ? ' (or an ARRAY[...] or array literal of them)' : ''}, so that it can be checked before it runs`,
    );
  }
  return texts;
}

/** A SIMILAR TO pattern is checked as the regular expression the server translates it to. */
function checkSimilarPattern(pattern: unknown, escape: unknown, where: string): void {
  let escapeText: string | undefined;
  if (escape !== undefined) {
    const escapes = constantStrings(escape, 'scalar');
    if (escapes === undefined) throw new Refusal('complexity', `the escape character of ${where} must be a constant, since it changes how the pattern is read`);
    if (escapes.length === 0) return; // ESCAPE NULL: the match is NULL, nothing is compiled
    escapeText = escapes[0];
  }
  for (const text of patternTexts(pattern, 'scalar', where)) {
    const regexes = similarToRegexes(text, escapeText);
    if (!regexes) throw new Refusal('complexity', `the escape of ${where} must be a single character (or empty)`);
    for (const regex of regexes) checkText(regex, ADVANCED, where, text);
  }
}

/**
 * A jsonpath's `like_regex "pattern" flag "…"` is a regular expression like any other. A jsonpath
 * can only be a literal (no cast to jsonpath is allowed), so every pattern in it is visible here.
 */
function checkJsonPaths(node: unknown, shape: 'scalar' | 'array', operator: string): void {
  const paths = constantStrings(node, shape);
  if (paths === undefined) {
    throw new Refusal('complexity', `the right operand of ${operator} must be a constant, so that the regular expressions of a jsonpath can be checked before they run`);
  }
  for (const path of paths) {
    const regexes = jsonPathRegexes(path);
    if (!regexes) {
      throw new Refusal('complexity', `the jsonpath of ${operator} cannot be read exactly as PostgreSQL reads it, so its like_regex patterns cannot be checked; write like_regex "pattern" with plain quotes`);
    }
    for (const { pattern, syntax } of regexes) checkText(pattern, syntax, 'a jsonpath like_regex');
  }
}
