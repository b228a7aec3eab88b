/**
 * A statement's text as PostgreSQL's lexer sees it, for wrapping it in a subquery
 * (`measured-cursor.ts`): where it really ends, and whether it stands alone inside parentheses.
 * A trailing `;` or `-- comment`, harmless after `DECLARE … CURSOR FOR`, would break the wrapper or
 * swallow its closing parenthesis; an unbalanced `)` would close the wrapper's parenthesis and let
 * the statement reshape the SQL around it (skip the measuring, for one). The guard's output never
 * has any of these; callers of the adapters without the guard may.
 */
import { QueryFailedError } from '../../core/errors.ts';

/**
 * {@link withoutTrailingSemicolons}, after checking that every parenthesis the statement opens
 * outside strings, identifiers and comments it also closes, and none before it opened: a statement
 * that does not is a syntax error in PostgreSQL anyway, and is refused here as one rather than
 * wrapped.
 */
export function standaloneStatement(sql: string): string {
  const { end, balanced } = scan(sql);
  if (!balanced) {
    throw new QueryFailedError('The query has a syntax error: its parentheses do not match (SQLSTATE 42601)', {
      details: { sqlState: '42601', postgresMessage: 'unbalanced parentheses' },
    });
  }
  return sql.slice(0, end);
}

/**
 * `sql` without what follows its last token: semicolons, whitespace and comments. Strings
 * (`'…'` with `''`, `E'…'` with backslash escapes, `U&'…'`), quoted identifiers (`"…"`), dollar
 * quotes (`$tag$…$tag$`) and nested block comments are skipped whole, so a `;` or `--` inside
 * them is never taken for the end. Text that would not lex is left for the database to refuse:
 * an unterminated string runs to the end, an unterminated comment is cut like a comment — and the
 * statement's own cursor, declared first from the text as given, fails on either.
 */
export function withoutTrailingSemicolons(sql: string): string {
  return sql.slice(0, scan(sql).end);
}

/** One pass of the lexer: where the last token other than `;` ends, and whether parentheses balance. */
function scan(sql: string): { end: number; balanced: boolean } {
  let index = 0;
  /** Just past the last character that belongs to a token other than `;`. */
  let end = 0;
  let depth = 0;
  let balanced = true;
  while (index < sql.length) {
    const char = sql[index]!;
    const next = sql[index + 1];
    if (char === ';' || /\s/.test(char)) {
      index += 1;
    } else if (char === '-' && next === '-') {
      const newline = sql.slice(index).search(/[\n\r]/);
      index = newline < 0 ? sql.length : index + newline;
    } else if (char === '/' && next === '*') {
      index = endOfBlockComment(sql, index);
    } else if (char === "'") {
      index = endOfQuoted(sql, index, "'", isEscapeString(sql, index));
      end = index;
    } else if (char === '"') {
      index = endOfQuoted(sql, index, '"', false);
      end = index;
    } else if (char === '$' && !continuesIdentifier(sql, index)) {
      const tag = /^\$(?:[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/.exec(sql.slice(index))?.[0];
      if (tag) {
        const close = sql.indexOf(tag, index + tag.length);
        index = close < 0 ? sql.length : close + tag.length;
      } else {
        index += 1; // `$1`, a parameter
      }
      end = index;
    } else {
      if (char === '(') depth += 1;
      if (char === ')') depth -= 1;
      if (depth < 0) balanced = false;
      index += 1;
      end = index;
    }
  }
  return { end, balanced: balanced && depth === 0 };
}

/** Past the `*\/` that closes the comment opened at `start`; comments nest in PostgreSQL. */
function endOfBlockComment(sql: string, start: number): number {
  let depth = 0;
  let index = start;
  while (index < sql.length) {
    if (sql.startsWith('/*', index)) {
      depth += 1;
      index += 2;
    } else if (sql.startsWith('*/', index)) {
      depth -= 1;
      index += 2;
      if (depth === 0) return index;
    } else {
      index += 1;
    }
  }
  return sql.length;
}

/** Past the quote that closes the one at `start`; a doubled quote is part of the text. */
function endOfQuoted(sql: string, start: number, quote: string, backslashEscapes: boolean): number {
  let index = start + 1;
  while (index < sql.length) {
    const char = sql[index]!;
    if (backslashEscapes && char === '\\') {
      index += 2;
    } else if (char === quote) {
      if (sql[index + 1] !== quote) return index + 1;
      index += 2;
    } else {
      index += 1;
    }
  }
  return sql.length;
}

/** `E'…'`: the quote follows an `E` that starts a token (not the end of an identifier like `name'`). */
function isEscapeString(sql: string, quoteAt: number): boolean {
  return (sql[quoteAt - 1] === 'E' || sql[quoteAt - 1] === 'e') && !continuesIdentifier(sql, quoteAt - 1);
}

/** Whether the character at `index` continues an identifier or number (`a$b`, `x1`). */
function continuesIdentifier(sql: string, index: number): boolean {
  return index > 0 && /[A-Za-z0-9_$\u0080-\uffff]/.test(sql[index - 1]!);
}
