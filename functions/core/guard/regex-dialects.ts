/**
 * The other languages a regular expression reaches the server in, translated to what the regex
 * library then compiles: a SIMILAR TO pattern (rewritten by similar_to_escape), and the
 * `like_regex` predicates of a jsonpath (read by the jsonpath scanner, with its own escapes).
 *
 * Why translate rather than check the text as written: SIMILAR TO's `%` becomes `.*` and `(`
 * becomes `(?:`, so `(a%)*` is a nested quantifier only once translated; a jsonpath string decodes
 * `\x5c` to a backslash and `lik\x65_regex` to the keyword, so the pattern that runs is not the
 * text that was sent. Each translation here follows the server's source, and anything it cannot
 * follow is refused by the callers.
 */
import { ADVANCED, syntaxOfFlags, type RegexSyntax } from './regex-syntax.ts';

/**
 * The regular expressions PostgreSQL compiles for a SIMILAR TO `pattern` with `escape` (absent:
 * backslash; empty: none), per similar_escape_internal() in regexp.c. Two releases of that function
 * read a `]` that opens a bracket expression differently; both readings are returned, so a pattern
 * is checked as every supported server reads it. `undefined` when the escape is not one character.
 */
export function similarToRegexes(pattern: string, escape: string | undefined): string[] | undefined {
  const escapeChar = escape === undefined ? '\\' : escape === '' ? undefined : escape;
  if (escapeChar !== undefined && Array.from(escapeChar).length !== 1) return undefined;
  const both = [translateSimilar(pattern, escapeChar, true), translateSimilar(pattern, escapeChar, false)];
  return [...new Set(both)];
}

/**
 * One translation. `nested`: the current rule (brackets nest, a `]` right after `[` or `[^` is a
 * member); otherwise the earlier one (the first `]` closes the class).
 */
function translateSimilar(pattern: string, escape: string | undefined, nested: boolean): string {
  let out = '^(?:';
  let afterEscape = false;
  let depth = 0; // bracket nesting
  let position = 0; // where in the class we are: 1 after '[', 2 after '[^', 3 later
  let quotes = 0;
  for (const c of pattern) {
    if (afterEscape) {
      if (c === '"' && depth < 1) {
        out += quotes === 0 ? '){1,1}?(' : '){1,1}(?:';
        quotes++;
      } else {
        out += `\\${c}`;
        position = 3;
      }
      afterEscape = false;
    } else if (escape !== undefined && c === escape) {
      afterEscape = true;
    } else if (depth > 0) {
      if (c === '\\') out += '\\';
      out += c;
      if (!nested) {
        if (c === ']') depth = 0;
      } else if (c === ']' && position > 2) {
        depth--;
      } else if (c === '[') {
        depth++;
        position = 3;
      } else if (c === '^') {
        position++;
      } else {
        position = 3;
      }
    } else if (c === '[') {
      out += c;
      depth = 1;
      position = 1;
    } else if (c === '%') {
      out += '.*';
    } else if (c === '_') {
      out += '.';
    } else if (c === '(') {
      out += '(?:';
    } else if (c === '\\' || c === '.' || c === '^' || c === '$') {
      out += `\\${c}`;
    } else {
      out += c;
    }
  }
  return `${out})$`;
}

/** One `like_regex` predicate of a jsonpath: its pattern and how the server reads it. */
export interface JsonPathRegex {
  readonly pattern: string;
  readonly syntax: RegexSyntax;
}

/**
 * Every `like_regex` pattern of a jsonpath, with the syntax its `flag` string selects (XQuery `q`
 * quotes the pattern; jspConvertRegexFlags() rejects `x`); `undefined` when the text cannot be
 * scanned as the server scans a jsonpath, or a `like_regex` is not followed by a string.
 */
export function jsonPathRegexes(path: string): JsonPathRegex[] | undefined {
  const tokens = scanJsonPath(path);
  if (!tokens) return undefined;
  const found: JsonPathRegex[] = [];
  for (let index = 0; index < tokens.length; index++) {
    const current = tokens[index]!;
    // A word ending in like_regex: the keyword itself, or one after a number (`1.5like_regex`,
    // which older servers scan as a number and the keyword). Keys named so are refused with them.
    if (current.kind !== 'word' || !current.text.toLowerCase().endsWith('like_regex')) continue;
    const pattern = tokens[index + 1];
    if (pattern?.kind !== 'string') return undefined;
    let flags = '';
    const flag = tokens[index + 2];
    if (flag?.kind === 'word' && flag.text.toLowerCase().endsWith('flag')) {
      const value = tokens[index + 3];
      if (value?.kind !== 'string') return undefined;
      flags = value.text;
    }
    if (/[^ismxq]/.test(flags) || (flags.includes('x') && !flags.includes('q'))) return undefined;
    const syntax = flags.includes('q') ? syntaxOfFlags('q', ADVANCED)! : ADVANCED;
    found.push({ pattern: pattern.text, syntax });
  }
  return found;
}

interface PathToken {
  readonly kind: 'word' | 'string' | 'other';
  /** A word or string as the scanner decodes it (escapes resolved). */
  readonly text: string;
}

/** Characters that end a jsonpath word (`special`, blanks, quotes and the backslash in jsonpath_scan.l). */
const SPECIAL = new Set('?%$.[]{}()|&!=<>@#,*:-+/'.split(''));
const BLANK = new Set([' ', '\t', '\n', '\r', '\f']);

/**
 * Splits a jsonpath into words, strings and everything else, the way jsonpath_scan.l does: blanks
 * and C comments between tokens, double- (and, on servers that had them, single-) quoted strings,
 * and words with the same escapes as strings. `undefined` for what the server would reject.
 */
function scanJsonPath(path: string): PathToken[] | undefined {
  const chars = Array.from(path);
  const tokens: PathToken[] = [];
  let at = 0;
  const escape = (): string | undefined => {
    // chars[at] is the backslash.
    const next = chars[at + 1];
    if (next === undefined) return undefined;
    const simple: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };
    if (next in simple) {
      at += 2;
      return simple[next];
    }
    if (next === 'x') {
      const hex = chars.slice(at + 2, at + 4).join('');
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) return undefined;
      at += 4;
      return String.fromCodePoint(parseInt(hex, 16));
    }
    if (next === 'u') {
      let code: number;
      if (chars[at + 2] === '{') {
        const close = chars.indexOf('}', at + 3);
        const hex = close < 0 ? '' : chars.slice(at + 3, close).join('');
        if (!/^[0-9A-Fa-f]{1,6}$/.test(hex)) return undefined;
        code = parseInt(hex, 16);
        at = close + 1;
      } else {
        const hex = chars.slice(at + 2, at + 6).join('');
        if (!/^[0-9A-Fa-f]{4}$/.test(hex)) return undefined;
        code = parseInt(hex, 16);
        at += 6;
        if (code >= 0xd800 && code <= 0xdbff) {
          // A high surrogate pairs with the low one that follows as \uXXXX.
          const low = chars.slice(at, at + 6).join('');
          const match = /^\\u([dD][c-fC-F][0-9A-Fa-f]{2})$/.exec(low);
          if (!match) return undefined;
          code = 0x10000 + ((code & 0x3ff) << 10) + (parseInt(match[1]!, 16) & 0x3ff);
          at += 6;
        }
      }
      if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return undefined;
      return String.fromCodePoint(code);
    }
    // \" \' \\ stand for themselves; servers differ on other escapes, which stand for the character or fail.
    at += 2;
    return next;
  };
  while (at < chars.length) {
    const c = chars[at]!;
    if (BLANK.has(c)) {
      at++;
    } else if (c === '/' && chars[at + 1] === '*') {
      let end = at + 2;
      while (end < chars.length && !(chars[end] === '*' && chars[end + 1] === '/')) end++;
      if (end >= chars.length) return undefined;
      at = end + 2;
    } else if (c === '"' || c === "'") {
      let text = '';
      at++;
      for (;;) {
        const d = chars[at];
        if (d === undefined) return undefined;
        if (d === c) {
          at++;
          break;
        }
        if (d === '\\') {
          const decoded = escape();
          if (decoded === undefined) return undefined;
          text += decoded;
        } else {
          text += d;
          at++;
        }
      }
      tokens.push({ kind: 'string', text });
    } else if (SPECIAL.has(c)) {
      tokens.push({ kind: 'other', text: c });
      at++;
    } else {
      // A word: a run of other characters and escapes, ended by a blank, a special, a quote or a comment.
      let text = '';
      while (at < chars.length) {
        const d = chars[at]!;
        if (BLANK.has(d) || SPECIAL.has(d) || d === '"' || d === "'") break;
        if (d === '\\') {
          const decoded = escape();
          if (decoded === undefined) return undefined;
          text += decoded;
        } else {
          text += d;
          at++;
        }
      }
      tokens.push({ kind: 'word', text });
    }
  }
  return tokens;
}
