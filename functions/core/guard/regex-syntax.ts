/**
 * Reads a regular expression the way PostgreSQL's regex library does (src/backend/regex:
 * regc_lex.c's tokens, regcomp.c's structure), to find what makes one expensive before it runs:
 * back-references, a repeated group that repeats inside itself (`(a+)+`), bounds above 100.
 *
 * Why a port and not a scan of the characters: what a character means depends on how the pattern
 * is read. A director prefix (`***:`, `***=`), embedded options (`(?x)`, `(?b)`, `(?q)`) and the
 * flags a function is given (`regexp_replace(s, p, r, 'x')`) switch between AREs, EREs, BREs and
 * literal strings; expanded mode drops white space and `#` comments between tokens; `(?#…)` is a
 * comment. A checker that reads `(a+) +`, `(a+)(?#)+` or `(?b)\(a*\)*` as harmless while the server
 * reads a nested quantifier is no wall. So this module tokenizes exactly as the server's lexer
 * does, and anything it cannot read as the server would (a locale-dependent space in expanded
 * mode, an escape the server rejects) is a problem too: it fails closed.
 */

/** The compile flags (regex.h) that change how a pattern is read, not what it matches. */
export interface RegexSyntax {
  /** REG_EXTENDED: ERE syntax; without it, BRE. */
  readonly extended: boolean;
  /** REG_ADVF: the ARE extensions over ERE (escapes, lazy quantifiers, `(?…)`, embedded options). */
  readonly advanced: boolean;
  /** REG_QUOTE: the whole pattern is a literal string. */
  readonly quote: boolean;
  /** REG_EXPANDED: white space and `#` comments between tokens are ignored. */
  readonly expanded: boolean;
}

/** How `~`, `~*`, `substring(x from p)` and the regexp_* functions read a pattern by default (REG_ADVANCED). */
export const ADVANCED: RegexSyntax = Object.freeze({ extended: true, advanced: true, quote: false, expanded: false });

/** The most repetitions a bound may ask for (PostgreSQL allows 255, and unrolls them). */
export const MAX_REGEX_BOUND = 100;

/** A pattern the server would reject, or one this module cannot read as the server would. */
class Unreadable extends Error {}

/**
 * The syntax a regexp_* function's flags argument selects (parse_re_flags in regexp.c), or
 * `undefined` when a flag is not one PostgreSQL knows (the server would reject it too).
 */
export function syntaxOfFlags(flags: string, base: RegexSyntax = ADVANCED): RegexSyntax | undefined {
  let { extended, advanced, quote, expanded } = base;
  for (const flag of flags) {
    switch (flag) {
      case 'b': // BREs
        extended = advanced = quote = false;
        break;
      case 'e': // plain EREs
        extended = true;
        advanced = quote = false;
        break;
      case 'q': // a literal string
        quote = true;
        extended = advanced = false;
        break;
      case 't':
        expanded = false;
        break;
      case 'x':
        expanded = true;
        break;
      case 'g': case 'c': case 'i': case 'm': case 'n': case 'p': case 's': case 'w':
        break; // what matches, not how the pattern is read
      default:
        return undefined;
    }
  }
  return { extended, advanced, quote, expanded };
}

type TokenType =
  | 'EOS' | 'PLAIN' | 'DIGIT' | 'BACKREF' | 'COLLEL' | 'ECLASS' | 'CCLASS' | 'END' | 'RANGE' | 'LACON'
  | 'SBEGIN' | 'SEND' | 'WBDRY' | 'NWBDRY' | 'CCLASSS' | 'CCLASSC' | 'EMPTY'
  | '|' | '*' | '+' | '?' | '{' | '}' | ',' | '(' | ')' | '[' | ']' | '.' | '^' | '$' | '<' | '>';

interface Token {
  readonly type: TokenType;
  /** DIGIT: its value; '{' '}' '*' '+' '?': 1 greedy, 0 lazy; '(' 1 capturing, 0 not. */
  readonly value: number;
}

type Context = 'ERE' | 'BRE' | 'Q' | 'EBND' | 'BBND' | 'BRACK' | 'CEL' | 'ECL' | 'CCL';

/** ASCII white space, as the server's `iscspace` reads it in every locale. */
const ASCII_SPACE = /^[ \t\n\v\f\r]$/;
/** White space outside ASCII, which `iscspace` may or may not see as space depending on the locale. */
const OTHER_SPACE = /^[\s\u0085\u180e\u200b]$/u;

/** The lexical analyzer of regc_lex.c, token types only (character values do not matter here). */
class Lexer {
  readonly #chars: string[];
  #at = 0;
  #context: Context;
  #syntax: RegexSyntax;
  #lastType: TokenType = 'EMPTY';
  #nextType: TokenType = 'EMPTY';

  constructor(pattern: string, syntax: RegexSyntax) {
    this.#chars = Array.from(pattern);
    this.#syntax = syntax;
    this.#prefixes();
    this.#context = this.#syntax.quote ? 'Q' : this.#syntax.extended ? 'ERE' : 'BRE';
  }

  /** The syntax after the director prefix and embedded options. */
  get syntax(): RegexSyntax {
    return this.#syntax;
  }

  next(): Token {
    for (;;) {
      this.#lastType = this.#nextType;
      const token = this.#scan();
      if (token === undefined) continue; // a (?#…) comment: scan again, the last type unchanged
      this.#nextType = token.type;
      return token;
    }
  }

  #peek(offset = 0): string | undefined {
    return this.#chars[this.#at + offset];
  }

  #have(count: number): boolean {
    return this.#chars.length - this.#at >= count;
  }

  /** `***=`, `***:` and `(?options)` at the start (prefixes() in regc_lex.c). */
  #prefixes(): void {
    if (this.#syntax.quote) return;
    if (this.#have(4) && this.#peek() === '*' && this.#peek(1) === '*' && this.#peek(2) === '*') {
      const director = this.#peek(3);
      if (director === '=') {
        this.#syntax = { extended: false, advanced: false, quote: true, expanded: false };
        this.#at += 4;
        return;
      }
      if (director !== ':') throw new Unreadable('***');
      this.#syntax = { ...this.#syntax, extended: true, advanced: true };
      this.#at += 4;
    }
    if (!(this.#syntax.extended && this.#syntax.advanced)) return;
    if (!(this.#have(3) && this.#peek() === '(' && this.#peek(1) === '?' && isLetter(this.#peek(2)!))) return;
    this.#at += 2;
    let syntax = this.#syntax;
    while (this.#at < this.#chars.length && isLetter(this.#peek()!)) {
      const option = this.#chars[this.#at++]!;
      // The embedded letters mean what the flags argument's do, except `g`, which is no option here.
      const next = option === 'g' ? undefined : syntaxOfFlags(option, syntax);
      if (next === undefined) throw new Unreadable(`(?${option}`);
      syntax = next;
    }
    if (this.#peek() !== ')') throw new Unreadable('(?');
    this.#at++;
    this.#syntax = syntax.quote ? { ...syntax, expanded: false } : syntax;
  }

  /** Skips white space and `#` comments in expanded mode (skip() in regc_lex.c). */
  #skip(): void {
    for (;;) {
      while (this.#at < this.#chars.length && isSpace(this.#chars[this.#at]!)) this.#at++;
      if (this.#peek() !== '#') return;
      while (this.#at < this.#chars.length && this.#chars[this.#at] !== '\n') this.#at++;
    }
  }

  #scan(): Token | undefined {
    const syntax = this.#syntax;
    const context = this.#context;
    if (syntax.expanded && (context === 'ERE' || context === 'BRE' || context === 'EBND' || context === 'BBND')) this.#skip();
    if (this.#at >= this.#chars.length) {
      if (context === 'ERE' || context === 'BRE' || context === 'Q') return token('EOS');
      throw new Unreadable('unterminated');
    }
    const c = this.#chars[this.#at++]!;
    switch (context) {
      case 'BRE':
        return this.#bre(c);
      case 'Q':
        return token('PLAIN');
      case 'EBND':
      case 'BBND':
        return this.#bound(c);
      case 'BRACK':
        return this.#bracket(c);
      case 'CEL':
      case 'ECL':
      case 'CCL': {
        const end = context === 'CEL' ? '.' : context === 'ECL' ? '=' : ':';
        if (c === end && this.#peek() === ']') {
          this.#at++;
          this.#context = 'BRACK';
          return token('END');
        }
        return token('PLAIN');
      }
    }
    return this.#ere(c);
  }

  #ere(c: string): Token | undefined {
    const { advanced, expanded } = this.#syntax;
    switch (c) {
      case '|':
        return token('|');
      case '*':
      case '+':
      case '?':
        if (advanced && this.#peek() === '?') {
          this.#at++;
          return token(c, 0);
        }
        return token(c, 1);
      case '{':
        if (expanded) this.#skip();
        if (!isDigit(this.#peek())) return token('PLAIN');
        this.#context = 'EBND';
        return token('{');
      case '(':
        if (advanced && this.#peek() === '?') {
          this.#at++;
          const kind = this.#chars[this.#at++];
          switch (kind) {
            case ':':
              return token('(', 0);
            case '#':
              while (this.#at < this.#chars.length && this.#chars[this.#at] !== ')') this.#at++;
              if (this.#at < this.#chars.length) this.#at++;
              return undefined;
            case '=':
            case '!':
              return token('LACON');
            case '<': {
              const which = this.#chars[this.#at++];
              if (which === '=' || which === '!') return token('LACON');
              throw new Unreadable('(?<');
            }
            default:
              throw new Unreadable('(?');
          }
        }
        return token('(', 1);
      case ')':
        return token(')');
      case '[':
        return this.#openBracket();
      case '.':
      case '^':
      case '$':
        return token(c);
      case '\\':
        if (this.#at >= this.#chars.length) throw new Unreadable('trailing backslash');
        if (!advanced) {
          this.#at++;
          return token('PLAIN');
        }
        return this.#escape();
      default:
        return token('PLAIN');
    }
  }

  /** `[`, or the word boundaries `[[:<:]]` and `[[:>:]]`. */
  #openBracket(): Token {
    if (this.#have(6) && this.#peek() === '[' && this.#peek(1) === ':' && (this.#peek(2) === '<' || this.#peek(2) === '>') &&
      this.#peek(3) === ':' && this.#peek(4) === ']' && this.#peek(5) === ']') {
      const which = this.#peek(2) as '<' | '>';
      this.#at += 6;
      return token(which);
    }
    this.#context = 'BRACK';
    if (this.#peek() === '^') {
      this.#at++;
      return token('[', 0);
    }
    return token('[', 1);
  }

  #bound(c: string): Token {
    if (isDigit(c)) return token('DIGIT', Number(c));
    if (c === ',') return token(',');
    if (c === '}' && this.#context === 'EBND') {
      this.#context = 'ERE';
      if (this.#syntax.advanced && this.#peek() === '?') {
        this.#at++;
        return token('}', 0);
      }
      return token('}', 1);
    }
    if (c === '\\' && this.#context === 'BBND' && this.#peek() === '}') {
      this.#at++;
      this.#context = 'BRE';
      return token('}', 1);
    }
    throw new Unreadable('bad bound');
  }

  #bracket(c: string): Token {
    switch (c) {
      case ']':
        if (this.#lastType === '[') return token('PLAIN');
        this.#context = this.#syntax.extended ? 'ERE' : 'BRE';
        return token(']');
      case '\\': {
        if (!this.#syntax.advanced) return token('PLAIN');
        if (this.#at >= this.#chars.length) throw new Unreadable('trailing backslash');
        const escape = this.#escape();
        if (escape.type === 'PLAIN' || escape.type === 'CCLASSS' || escape.type === 'CCLASSC') return escape;
        throw new Unreadable('escape in brackets');
      }
      case '-':
        return this.#lastType === '[' || this.#peek() === ']' ? token('PLAIN') : token('RANGE');
      case '[': {
        if (this.#at >= this.#chars.length) throw new Unreadable('unterminated bracket');
        const kind = this.#chars[this.#at++];
        if (kind === '.') {
          this.#context = 'CEL';
          return token('COLLEL');
        }
        if (kind === '=') {
          this.#context = 'ECL';
          return token('ECLASS');
        }
        if (kind === ':') {
          this.#context = 'CCL';
          return token('CCLASS');
        }
        this.#at--;
        return token('PLAIN');
      }
      default:
        return token('PLAIN');
    }
  }

  /** An ARE backslash escape, the backslash already read (lexescape() in regc_lex.c). */
  #escape(): Token {
    const c = this.#chars[this.#at++]!;
    if (!/^[A-Za-z0-9]$/.test(c)) return token('PLAIN');
    switch (c) {
      case 'A':
        return token('SBEGIN');
      case 'Z':
        return token('SEND');
      case 'm':
        return token('<');
      case 'M':
        return token('>');
      case 'y':
        return token('WBDRY');
      case 'Y':
        return token('NWBDRY');
      case 'd': case 's': case 'w':
        return token('CCLASSS');
      case 'D': case 'S': case 'W':
        return token('CCLASSC');
      case 'a': case 'b': case 'B': case 'e': case 'f': case 'n': case 'r': case 't': case 'v':
        return token('PLAIN');
      case 'c':
        if (this.#at >= this.#chars.length) throw new Unreadable('\\c');
        this.#at++;
        return token('PLAIN');
      case 'u':
        this.#digits(16, 4, 4);
        return token('PLAIN');
      case 'U':
        this.#digits(16, 8, 8);
        return token('PLAIN');
      case 'x':
        this.#digits(16, 1, 255);
        return token('PLAIN');
      case '0':
        this.#at--;
        this.#digits(8, 1, 3);
        return token('PLAIN');
      default:
        // \1 to \9 (and \12 when there are twelve groups): a back-reference. Where the server would
        // read more digits as an octal character instead, it is still refused: erring towards refusal.
        if (/^[1-9]$/.test(c)) return token('BACKREF');
        throw new Unreadable(`\\${c}`);
    }
  }

  #digits(base: number, least: number, most: number): void {
    let length = 0;
    while (length < most && this.#at < this.#chars.length && isDigitOf(this.#chars[this.#at]!, base)) {
      this.#at++;
      length++;
    }
    if (length < least) throw new Unreadable('escape digits');
  }

  /** A BRE token (brenext() in regc_lex.c): `\(`, `\{`, and `*` literal where nothing precedes it. */
  #bre(c: string): Token {
    switch (c) {
      case '*':
        return this.#lastType === 'EMPTY' || this.#lastType === '(' || this.#lastType === '^' ? token('PLAIN') : token('*', 1);
      case '[':
        return this.#openBracket();
      case '.':
        return token('.');
      case '^':
        return this.#lastType === 'EMPTY' || this.#lastType === '(' ? token('^') : token('PLAIN');
      case '$':
        if (this.#syntax.expanded) this.#skip();
        if (this.#at >= this.#chars.length) return token('$');
        if (this.#peek() === '\\' && this.#peek(1) === ')') return token('$');
        return token('PLAIN');
      case '\\': {
        if (this.#at >= this.#chars.length) throw new Unreadable('trailing backslash');
        const next = this.#chars[this.#at++]!;
        if (next === '{') {
          this.#context = 'BBND';
          return token('{');
        }
        if (next === '(') return token('(', 1);
        if (next === ')') return token(')');
        if (next === '<' || next === '>') return token(next);
        if (/^[1-9]$/.test(next)) return token('BACKREF');
        return token('PLAIN');
      }
      default:
        return token('PLAIN');
    }
  }
}

function token(type: TokenType, value = 0): Token {
  return { type, value };
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

function isDigitOf(c: string, base: number): boolean {
  const value = parseInt(c, 16);
  return /^[0-9A-Fa-f]$/.test(c) && value < base;
}

/** `iscalpha`: ASCII letters for sure; any other letter is locale-dependent, so it is one too (its option is then unknown, which fails closed). */
function isLetter(c: string): boolean {
  return /^\p{L}$/u.test(c);
}

/** `iscspace`, where the answer does not depend on the locale; where it does, the pattern cannot be read. */
function isSpace(c: string): boolean {
  if (ASCII_SPACE.test(c)) return true;
  if (OTHER_SPACE.test(c)) throw new Unreadable('locale-dependent space');
  return false;
}

/** One open group while the pattern is read: whether a quantifier stands anywhere inside it. */
interface Group {
  quantified: boolean;
}

/** What the token before a quantifier was. */
type Before = { readonly kind: 'nothing' | 'atom' | 'quantifier' } | { readonly kind: 'group'; readonly quantified: boolean };

/**
 * What makes `pattern` expensive to match when read with `syntax`, or undefined: a back-reference,
 * a quantified group with a quantifier inside it (at any depth), a bound above 100, or a pattern
 * that cannot be read exactly as the server reads it.
 */
export function regexProblem(pattern: string, syntax: RegexSyntax = ADVANCED): string | undefined {
  try {
    return structureProblem(new Lexer(pattern, syntax));
  } catch (error) {
    if (error instanceof Unreadable) return 'cannot be read exactly as PostgreSQL reads it (an invalid escape, option or bound, or a space whose meaning depends on the locale)';
    throw error;
  }
}

function structureProblem(lexer: Lexer): string | undefined {
  const groups: Group[] = [];
  let before: Before = { kind: 'nothing' };
  const quantify = (repeats: boolean): string | undefined => {
    if (!repeats) return undefined;
    if (before.kind === 'quantifier' || (before.kind === 'group' && before.quantified)) {
      return 'repeats a group that is itself repeated (nested quantifiers such as (a+)+)';
    }
    if (groups.length > 0) groups[groups.length - 1]!.quantified = true;
    before = { kind: 'quantifier' };
    return undefined;
  };
  for (;;) {
    const next = lexer.next();
    switch (next.type) {
      case 'EOS':
        if (groups.length > 0) throw new Unreadable('unbalanced parentheses');
        return undefined;
      case 'BACKREF':
        return 'uses a back-reference (\\1 to \\9)';
      case '(':
      case 'LACON':
        groups.push({ quantified: false });
        before = { kind: 'nothing' };
        break;
      case ')': {
        const group = groups.pop();
        if (!group) throw new Unreadable('unbalanced parentheses');
        if (group.quantified && groups.length > 0) groups[groups.length - 1]!.quantified = true;
        before = { kind: 'group', quantified: group.quantified };
        break;
      }
      case '*':
      case '+':
      case '?': {
        const problem = quantify(true);
        if (problem) return problem;
        break;
      }
      case '{': {
        const [least, most] = readBound(lexer);
        // `{m,}` is unrolled m times and then starred: m is what it costs.
        const largest = most === undefined || most === Infinity ? least : most;
        if (largest > MAX_REGEX_BOUND) return `repeats a part up to ${largest} times (at most ${MAX_REGEX_BOUND})`;
        // `{1}` and `{1,1}` (which SIMILAR TO's substring markers write) and `{0}` repeat nothing.
        const problem = quantify(!(largest <= 1 && (most === undefined || most === least)));
        if (problem) return problem;
        break;
      }
      case '[':
        readBracket(lexer);
        before = { kind: 'atom' };
        break;
      case '|':
        before = { kind: 'nothing' };
        break;
      default:
        before = { kind: 'atom' };
    }
  }
}

/** The numbers of a bound after its `{`: `{m}` gives [m, undefined], `{m,}` [m, Infinity], `{m,n}` [m, n]. */
function readBound(lexer: Lexer): [number, number | undefined] {
  const number = (first: Token): [number | undefined, Token] => {
    let value: number | undefined;
    let current = first;
    while (current.type === 'DIGIT') {
      value = (value ?? 0) * 10 + current.value;
      if (value > 255) throw new Unreadable('bound above 255');
      current = lexer.next();
    }
    return [value, current];
  };
  const [least, after] = number(lexer.next());
  if (least === undefined) throw new Unreadable('bound without a number');
  if (after.type === '}') return [least, undefined];
  if (after.type !== ',') throw new Unreadable('bad bound');
  const [most, end] = number(lexer.next());
  if (end.type !== '}') throw new Unreadable('bad bound');
  if (most !== undefined && most < least) throw new Unreadable('bound out of order');
  return [least, most ?? Infinity];
}

function readBracket(lexer: Lexer): void {
  for (;;) {
    const next = lexer.next();
    if (next.type === ']') return;
    if (next.type === 'EOS') throw new Unreadable('unterminated bracket');
  }
}
