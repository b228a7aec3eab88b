/**
 * How the deparser writes a type name (`TypeName` node) so that it parses back to the same node.
 *
 * The parser turns SQL's type keywords into names in pg_catalog (`bigint` → `pg_catalog.int8`,
 * `timestamp(3) with time zone` → `pg_catalog.timestamptz` with modifier 3), while a quoted or
 * schema-less name stays as written (`"bigint"` is a type literally named bigint, found on the
 * search path). So a pg_catalog name is spelled with its keyword when one reproduces it exactly,
 * and otherwise written qualified (`pg_catalog.interval(8)` is the very node `interval day` makes);
 * every other name is quoted wherever a keyword would take it over.
 */
import { keywordKindOf } from '@pgsql/quotes';
import { quoteIdentifier, quoteQualifiedName } from './deparse-identifiers.ts';

/** A node of libpg_query's JSON, as the deparser reads it. */
export type Fields = Record<string, any>;

/** Writes an expression (a type modifier) as SQL. */
export type WriteExpression = (node: Fields) => string;

/** The interval field masks of PostgreSQL's `INTERVAL_MASK` (datetime.h), as the parser stores them. */
const YEAR = 1 << 2;
const MONTH = 1 << 1;
const DAY = 1 << 3;
const HOUR = 1 << 10;
const MINUTE = 1 << 11;
const SECOND = 1 << 12;
const INTERVAL_FULL_RANGE = 0x7fff;

const INTERVAL_FIELDS: ReadonlyMap<number, string> = new Map([
  [YEAR, 'year'],
  [MONTH, 'month'],
  [DAY, 'day'],
  [HOUR, 'hour'],
  [MINUTE, 'minute'],
  [SECOND, 'second'],
  [YEAR | MONTH, 'year to month'],
  [DAY | HOUR, 'day to hour'],
  [DAY | HOUR | MINUTE, 'day to minute'],
  [DAY | HOUR | MINUTE | SECOND, 'day to second'],
  [HOUR | MINUTE, 'hour to minute'],
  [HOUR | MINUTE | SECOND, 'hour to second'],
  [MINUTE | SECOND, 'minute to second'],
]);

/** pg_catalog types spelled by a keyword that takes no modifier. */
const PLAIN_KEYWORD_TYPES: ReadonlyMap<string, string> = new Map([
  ['int2', 'smallint'],
  ['int4', 'integer'],
  ['int8', 'bigint'],
  ['float4', 'real'],
  ['float8', 'double precision'],
  ['bool', 'boolean'],
  ['json', 'json'],
]);

/**
 * Unqualified type names that must be quoted: every keyword a type name cannot be without quotes
 * (`int`, `char`, `interval`, …), and `double`, which starts DOUBLE PRECISION.
 */
function quoteTypeName(name: string): string {
  const kind = keywordKindOf(name);
  if (name === 'double' || (kind !== 'NO_KEYWORD' && kind !== 'UNRESERVED_KEYWORD')) return `"${name.replace(/"/g, '""')}"`;
  return quoteIdentifier(name);
}

/** The integer value of a modifier that is a plain integer constant, if it is one. */
function integerModifier(node: Fields | undefined): number | undefined {
  const constant = node?.A_Const;
  if (!constant || constant.ival === undefined) return undefined;
  const value = constant.ival.ival ?? 0;
  return Number.isInteger(value) && value >= 0 ? value : undefined;
}

/** A keyword spelling for a pg_catalog type with these modifiers, or undefined when none is exact. */
function keywordSpelling(name: string, typmods: Fields[]): string | undefined {
  const plain = PLAIN_KEYWORD_TYPES.get(name);
  if (plain) return typmods.length === 0 ? plain : undefined;
  const first = integerModifier(typmods[0]);
  const one = typmods.length === 1 && first !== undefined;
  switch (name) {
    case 'numeric':
      return typmods.every((mod) => integerModifier(mod) !== undefined) ? `numeric${typmods.length > 0 ? `(${typmods.map(integerModifier).join(', ')})` : ''}` : undefined;
    case 'bpchar':
      return one ? `char(${first})` : undefined;
    case 'varchar':
      return typmods.length === 0 ? 'varchar' : one ? `varchar(${first})` : undefined;
    case 'bit':
      return one ? `bit(${first})` : undefined;
    case 'varbit':
      return typmods.length === 0 ? 'bit varying' : one ? `bit varying(${first})` : undefined;
    case 'timestamp':
    case 'time':
      return typmods.length === 0 ? name : one ? `${name}(${first})` : undefined;
    case 'timestamptz':
    case 'timetz': {
      const base = name.slice(0, -2);
      return typmods.length === 0 ? `${base} with time zone` : one ? `${base}(${first}) with time zone` : undefined;
    }
    case 'interval':
      return intervalSpelling(typmods);
    default:
      return undefined;
  }
}

/** `interval`, `interval(3)`, `interval day to second`, `interval second(3)`, as the modifiers say. */
function intervalSpelling(typmods: Fields[]): string | undefined {
  if (typmods.length === 0) return 'interval';
  const range = integerModifier(typmods[0]);
  const precision = typmods.length === 2 ? integerModifier(typmods[1]) : undefined;
  if (range === undefined || typmods.length > 2 || (typmods.length === 2 && precision === undefined)) return undefined;
  if (range === INTERVAL_FULL_RANGE) return precision === undefined ? undefined : `interval(${precision})`;
  const fields = INTERVAL_FIELDS.get(range);
  if (!fields) return undefined;
  if (precision === undefined) return `interval ${fields}`;
  // Only a range ending in SECOND takes a precision.
  return range & SECOND ? `interval ${fields}(${precision})` : undefined;
}

/**
 * Writes a `TypeName` node: `bigint`, `numeric(10, 2)`, `timestamp(3) with time zone`, `"bigint"`,
 * `sales."Money"`, `int[]`. Throws on what a query cannot hold (`%TYPE`).
 */
export function writeTypeName(typeName: Fields, writeExpression: WriteExpression): string {
  if (typeName.pct_type) throw new Error('Deparser does not handle node type: TypeName %TYPE');
  const names: string[] = (typeName.names ?? []).map((name: Fields) => String(name.String?.sval ?? ''));
  const typmods: Fields[] = typeName.typmods ?? [];
  const modifiers = typmods.length > 0 ? `(${typmods.map(writeExpression).join(', ')})` : '';
  let text: string;
  const spelled = names.length === 2 && names[0] === 'pg_catalog' ? keywordSpelling(names[1]!, typmods) : undefined;
  if (spelled !== undefined) text = spelled;
  else if (names.length === 1) text = quoteTypeName(names[0]!) + modifiers;
  else text = quoteQualifiedName(names) + modifiers;
  for (const bound of typeName.arrayBounds ?? []) {
    const size = (bound as Fields).Integer?.ival ?? 0;
    text += size === -1 ? '[]' : `[${size}]`;
  }
  return typeName.setof ? `SETOF ${text}` : text;
}
