/**
 * Type mapping shared by every warehouse adapter: drivers hand over PostgreSQL's text output (or,
 * for the RDS Data API, typed fields), and this module turns them into the core's cells. Written
 * once so that the embedded default, node-postgres and Aurora give the same answer for the same
 * query — an evaluation compares results across them.
 */
import type { Cell, ColumnInfo } from '../../core/ports.ts';

export type ColumnType = ColumnInfo['type'];

/** Built-in type OIDs (pg_type.oid) of the types a BI query returns, by name. */
const typeNamesByOid: ReadonlyMap<number, string> = new Map([
  [16, 'bool'], [17, 'bytea'], [18, 'char'], [19, 'name'], [20, 'int8'], [21, 'int2'], [23, 'int4'],
  [25, 'text'], [26, 'oid'], [114, 'json'], [700, 'float4'], [701, 'float8'], [790, 'money'],
  [1042, 'bpchar'], [1043, 'varchar'], [1082, 'date'], [1083, 'time'], [1114, 'timestamp'],
  [1184, 'timestamptz'], [1186, 'interval'], [1266, 'timetz'], [1700, 'numeric'], [2950, 'uuid'],
  [3802, 'jsonb'], [705, 'unknown'],
]);

const classByTypeName: ReadonlyMap<string, ColumnType> = new Map<string, ColumnType>([
  ['int2', 'number'], ['int4', 'number'], ['int8', 'number'], ['oid', 'number'], ['float4', 'number'],
  ['float8', 'number'], ['numeric', 'number'], ['serial', 'number'], ['bigserial', 'number'],
  ['smallserial', 'number'], ['serial4', 'number'], ['serial8', 'number'], ['serial2', 'number'],
  ['date', 'date'],
  ['timestamp', 'timestamp'], ['timestamptz', 'timestamp'],
  ['bool', 'boolean'],
  ['text', 'text'], ['varchar', 'text'], ['bpchar', 'text'], ['char', 'text'], ['name', 'text'],
  ['uuid', 'text'], ['unknown', 'text'],
]);

/** The PostgreSQL type name of a built-in type OID; `undefined` for user-defined types. */
export function typeNameOfOid(oid: number): string | undefined {
  return typeNamesByOid.get(oid);
}

/**
 * The core's coarse column type for a PostgreSQL type name (`int8`, `numeric`, `timestamptz`, as in
 * pg_type.typname and in the Data API's `columnMetadata.typeName`). Unknown names are `other`:
 * their cells stay text, which is always safe to show.
 */
export function classifyTypeName(typeName: string | undefined): ColumnType {
  if (!typeName) return 'other';
  const name = typeName.toLowerCase().replace(/^"|"$/g, '');
  return classByTypeName.get(name) ?? 'other';
}

/** {@link classifyTypeName} for a type OID from a RowDescription (node-postgres, PGlite). */
export function classifyOid(oid: number): ColumnType {
  return classifyTypeName(typeNameOfOid(oid));
}

/**
 * One cell from PostgreSQL's text output format. Assumes the session settings every adapter sets
 * (`DateStyle = ISO`, `TimeZone = UTC`), so a date is already `YYYY-MM-DD` and is passed through
 * untouched — never through a JS `Date`, which would shift it by the process's time zone.
 */
export function decodeText(type: ColumnType, typeName: string | undefined, text: string | null): Cell {
  if (text === null) return null;
  switch (type) {
    case 'number':
      return decodeNumber(text);
    case 'boolean':
      return text === 't' || text === 'true' || text === 'TRUE' || text === '1';
    case 'timestamp':
      return decodeTimestamp(text, typeName === 'timestamptz');
    default:
      return text;
  }
}

/**
 * numeric, int8 and bigint sums become JS numbers: the answer step charts and formats them, and the
 * contract promises JSON numbers. Beyond 2^53 precision is lost; a BI total of that size is not
 * expected in this warehouse. `NaN`/`Infinity` (numeric and float allow them) become `null`, since
 * JSON has no way to carry them.
 */
export function decodeNumber(text: string): number | null {
  const value = Number(text);
  return Number.isFinite(value) ? value : null;
}

const timestampPattern =
  /^(\d{4,})-(\d\d)-(\d\d)[ T](\d\d):(\d\d):(\d\d)(\.\d+)?(Z|[+-]\d\d(?::?\d\d(?::?\d\d)?)?)?$/;

/**
 * ISO 8601 text for a timestamp. `timestamptz` comes back in UTC with a `Z` (with the fraction as
 * PostgreSQL printed it); a `timestamp` without time zone stays a local time, without an offset.
 * The Data API prints `timestamptz` in UTC without an offset, hence "no offset means UTC" for it.
 * Values ISO cannot express (`infinity`, BC dates) are returned as PostgreSQL printed them.
 */
export function decodeTimestamp(text: string, withTimeZone: boolean): string {
  const match = timestampPattern.exec(text);
  if (!match) return text;
  const [, year, month, day, hour, minute, second, fraction = '', offset] = match;
  const local = `${year}-${month}-${day}T${hour}:${minute}:${second}${fraction}`;
  if (!withTimeZone) return local;
  if (offset === undefined || offset === 'Z' || /^[+-]00(?::?00){0,2}$/.test(offset)) return `${local}Z`;
  const sign = offset.startsWith('-') ? -1 : 1;
  const [h = '0', m = '0', s = '0'] = offset.slice(1).match(/\d\d/g) ?? [];
  const offsetMs = sign * ((Number(h) * 60 + Number(m)) * 60 + Number(s)) * 1000;
  const utc = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second));
  const shifted = new Date(utc - offsetMs).toISOString().slice(0, 19);
  return `${shifted}${fraction}Z`;
}

/** A column as the core sees it, from a driver's name and type name. */
export function columnInfo(name: string, typeName: string | undefined): ColumnInfo {
  return { name, type: classifyTypeName(typeName) };
}

/**
 * Decodes rows of text cells (node-postgres and PGlite, both asked for raw text) by the type OIDs of
 * their RowDescription.
 */
export function decodeTextRows(
  fields: readonly { readonly name: string; readonly dataTypeID: number }[],
  rows: readonly (readonly unknown[])[],
): { columns: ColumnInfo[]; rows: Cell[][] } {
  const typeNames = fields.map((field) => typeNameOfOid(field.dataTypeID));
  const columns = fields.map((field, index) => columnInfo(field.name, typeNames[index]));
  const decoded = rows.map((row) =>
    columns.map((column, index) => {
      const raw = row[index];
      return decodeText(column.type, typeNames[index], raw === null || raw === undefined ? null : String(raw));
    }),
  );
  return { columns, rows: decoded };
}
