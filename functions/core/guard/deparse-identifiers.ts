/**
 * How the deparser spells names and literals so that PostgreSQL's lexer reads back exactly the
 * value the tree holds: quoting follows PostgreSQL's own `quote_identifier` (ruleutils.c), and
 * string constants are written in a form whose meaning does not depend on
 * `standard_conforming_strings`.
 */
import { keywordKindOf } from '@pgsql/quotes';

/** An identifier that needs no quotes for the lexer: lower case, digits, underscores. */
const PLAIN_IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

function quoted(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * A name in any identifier position, quoted unless it is plain and no keyword beyond the
 * unreserved ones: `order` → `"order"`, `Region` → `"Region"`, `name` → `name`. Quoting more than
 * needed is always safe (a quoted identifier is never a keyword and keeps its case).
 */
export function quoteIdentifier(name: string): string {
  if (!PLAIN_IDENTIFIER.test(name)) return quoted(name);
  const kind = keywordKindOf(name);
  return kind === 'NO_KEYWORD' || kind === 'UNRESERVED_KEYWORD' ? name : quoted(name);
}

/**
 * A part of a dotted name after the first (`t.order`, `pg_catalog.default`): the grammar takes any
 * keyword there (`attr_name` is a `ColLabel`), so only the lexer's needs count.
 */
export function quoteAfterDot(name: string): string {
  return PLAIN_IDENTIFIER.test(name) ? name : quoted(name);
}

/** A dotted name (schema.table, table.column, collation): the first part as an identifier. */
export function quoteQualifiedName(parts: readonly string[]): string {
  return parts.map((part, index) => (index === 0 ? quoteIdentifier(part) : quoteAfterDot(part))).join('.');
}

/**
 * Function names the grammar reads as something other than a call when written bare: `cube(…)` and
 * `rollup(…)` inside GROUP BY are grouping sets, not functions.
 */
const ALWAYS_QUOTED_FUNCTIONS: ReadonlySet<string> = new Set(['cube', 'rollup']);

/**
 * The name of a function or of a named argument (`type_function_name`): unquoted when plain and an
 * ordinary name, an unreserved keyword or one of the type-and-function keywords (`left(…)`,
 * `right(…)`); a column-name keyword such as `coalesce` must be quoted, or it would be read as the
 * COALESCE construct.
 */
export function quoteFunctionName(name: string): string {
  if (!PLAIN_IDENTIFIER.test(name) || ALWAYS_QUOTED_FUNCTIONS.has(name)) return quoted(name);
  const kind = keywordKindOf(name);
  return kind === 'COL_NAME_KEYWORD' || kind === 'RESERVED_KEYWORD' ? quoted(name) : name;
}

/** A possibly qualified function name: the last part as a function name, the others as identifiers. */
export function quoteQualifiedFunctionName(parts: readonly string[]): string {
  if (parts.length === 1) return quoteFunctionName(parts[0]!);
  return quoteQualifiedName(parts);
}

/**
 * A string constant. A value with a backslash is written as an escape string (`E'a\\b'`), which
 * reads the same whether or not the server has `standard_conforming_strings` on; any other value is
 * a plain string with doubled quotes. Newlines and other characters stand as they are.
 */
export function quoteString(value: string): string {
  const body = value.replace(/'/g, "''");
  return value.includes('\\') ? `E'${body.replace(/\\/g, '\\\\')}'` : `'${body}'`;
}
