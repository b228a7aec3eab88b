/**
 * Splits a SQL script into its top-level statements, because the RDS Data API runs one statement a
 * call. Knows just enough of PostgreSQL's lexical rules to find the real semicolons: quoted strings
 * ('…' with '' and E'…\'…'), quoted identifiers ("…"), dollar-quoted bodies ($$…$$, $tag$…$tag$,
 * as in `DO $$ … $$`), line comments (-- …) and nested block comments.
 */

/** The statements of `sql`, trimmed, without their terminating semicolons; empty ones dropped. */
export function splitStatements(sql: string): string[] {
  const statements: string[] = [];
  let start = 0;
  let i = 0;
  const n = sql.length;
  const push = (end: number): void => {
    const text = sql.slice(start, end).trim();
    if (stripComments(text).trim()) statements.push(text);
  };
  while (i < n) {
    const c = sql[i]!;
    const next = sql[i + 1];
    if (c === '-' && next === '-') {
      const end = sql.indexOf('\n', i);
      i = end === -1 ? n : end + 1;
    } else if (c === '/' && next === '*') {
      i = skipBlockComment(sql, i);
    } else if (c === "'") {
      const escaped = i > 0 && /[eE]/.test(sql[i - 1]!) && !/[\w$]/.test(sql[i - 2] ?? ' ');
      i = skipQuoted(sql, i, "'", escaped);
    } else if (c === '"') {
      i = skipQuoted(sql, i, '"', false);
    } else if (c === '$') {
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i));
      // `$1` is a parameter and `a$b$` part of an identifier, not a dollar quote.
      if (tag && !/[\w$]/.test(sql[i - 1] ?? ' ')) {
        const end = sql.indexOf(tag[0], i + tag[0].length);
        if (end === -1) throw new Error(`Unterminated dollar-quoted string starting at offset ${i}`);
        i = end + tag[0].length;
      } else {
        i += 1;
      }
    } else if (c === ';') {
      push(i);
      i += 1;
      start = i;
    } else {
      i += 1;
    }
  }
  push(n);
  return statements;
}

/** The statement without leading comments and whitespace (to recognise BEGIN, COMMIT, ROLLBACK). */
export function stripComments(statement: string): string {
  let text = statement;
  for (;;) {
    const trimmed = text.trimStart();
    if (trimmed.startsWith('--')) {
      const end = trimmed.indexOf('\n');
      text = end === -1 ? '' : trimmed.slice(end + 1);
    } else if (trimmed.startsWith('/*')) {
      text = trimmed.slice(skipBlockComment(trimmed, 0));
    } else {
      return trimmed;
    }
  }
}

function skipBlockComment(sql: string, from: number): number {
  let depth = 0;
  let i = from;
  while (i < sql.length) {
    if (sql[i] === '/' && sql[i + 1] === '*') {
      depth += 1;
      i += 2;
    } else if (sql[i] === '*' && sql[i + 1] === '/') {
      depth -= 1;
      i += 2;
      if (depth === 0) return i;
    } else {
      i += 1;
    }
  }
  throw new Error(`Unterminated block comment starting at offset ${from}`);
}

function skipQuoted(sql: string, from: number, quote: string, backslashEscapes: boolean): number {
  let i = from + 1;
  while (i < sql.length) {
    const c = sql[i];
    if (backslashEscapes && c === '\\') {
      i += 2;
    } else if (c === quote) {
      if (sql[i + 1] === quote) i += 2;
      else return i + 1;
    } else {
      i += 1;
    }
  }
  throw new Error(`Unterminated ${quote === "'" ? 'string' : 'quoted identifier'} starting at offset ${from}`);
}
