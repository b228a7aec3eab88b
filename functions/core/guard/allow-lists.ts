/**
 * What an analyst's query may call and cast to. Anything not listed is refused by name: an
 * allow-list fails closed when PostgreSQL (or an extension) adds a function.
 */

/** The warehouse's tables: the only relations a statement may read. */
export const WAREHOUSE_SCHEMA = 'sales';
export const WAREHOUSE_TABLES: ReadonlySet<string> = new Set([
  'regions',
  'customer_segments',
  'products',
  'customers',
  'sales_transactions',
]);

const AGGREGATES = [
  'count', 'sum', 'avg', 'min', 'max', 'stddev', 'stddev_pop', 'stddev_samp', 'variance', 'var_pop',
  'var_samp', 'bool_and', 'bool_or', 'every', 'string_agg', 'array_agg', 'percentile_cont',
  'percentile_disc', 'mode', 'corr', 'covar_pop', 'covar_samp', 'regr_slope', 'regr_intercept',
  'regr_r2', 'regr_count', 'regr_avgx', 'regr_avgy', 'json_agg', 'jsonb_agg', 'any_value',
  'json_object_agg', 'jsonb_object_agg', 'bit_and', 'bit_or', 'bit_xor',
];
const WINDOWS = [
  'row_number', 'rank', 'dense_rank', 'percent_rank', 'cume_dist', 'ntile', 'lag', 'lead',
  'first_value', 'last_value', 'nth_value',
];
const DATES = [
  'date_trunc', 'date_part', 'extract', 'age', 'make_date', 'make_interval', 'make_timestamp',
  'to_char', 'to_date', 'to_timestamp', 'date_bin', 'justify_days', 'justify_hours',
  'justify_interval', 'isfinite', 'now', 'timezone', 'date_add', 'date_subtract',
  // `(start1, end1) OVERLAPS (start2, end2)` is a call of pg_catalog.overlaps.
  'overlaps',
];
const MATHS = [
  'abs', 'ceil', 'ceiling', 'floor', 'round', 'trunc', 'sign', 'sqrt', 'cbrt', 'power', 'pow', 'exp',
  'ln', 'log', 'log10', 'mod', 'div', 'width_bucket', 'greatest', 'least', 'pi', 'degrees', 'radians',
  'scale', 'numeric', 'float8', 'int4', 'int8',
];
const STRINGS = [
  'lower', 'upper', 'initcap', 'length', 'char_length', 'character_length', 'octet_length', 'trim',
  'btrim', 'ltrim', 'rtrim', 'substr', 'substring', 'position', 'strpos', 'replace', 'split_part',
  'concat', 'concat_ws', 'left', 'right', 'lpad', 'rpad', 'repeat', 'reverse', 'starts_with',
  'translate', 'md5', 'format', 'regexp_replace', 'regexp_match', 'regexp_like', 'to_number',
  'overlay', 'string_to_array', 'array_to_string', 'array_length', 'cardinality', 'ascii', 'chr',
  // What the parser calls for `x SIMILAR TO pattern` and `x LIKE pattern ESCAPE c`: they rewrite the
  // pattern (limits.ts checks a SIMILAR TO pattern like any regular expression).
  'similar_to_escape', 'like_escape',
];
const CONDITIONALS_AND_JSON = [
  'coalesce', 'nullif', 'row_to_json', 'to_json', 'to_jsonb', 'json_build_object', 'jsonb_build_object',
  'json_build_array', 'jsonb_build_array',
];

/** Functions callable by name (optionally qualified with `pg_catalog`). */
export const ALLOWED_FUNCTIONS: ReadonlySet<string> = new Set([
  ...AGGREGATES, ...WINDOWS, ...DATES, ...MATHS, ...STRINGS, ...CONDITIONALS_AND_JSON,
]);

/**
 * Set-returning functions a FROM clause may call: date spines and number series, and constant lists.
 * Only in FROM (never in the select list, where a set-returning call multiplies rows unseen), one
 * call per FROM item, with constant arguments whose size limits.ts checks and the EXPLAIN ceiling
 * (cost.ts) bounds again.
 */
export const ALLOWED_FROM_FUNCTIONS: ReadonlySet<string> = new Set(['generate_series', 'unnest']);

/** Types a value may be cast to (the parser's internal names and the spelled ones). */
export const ALLOWED_TYPES: ReadonlySet<string> = new Set([
  'int2', 'int4', 'int8', 'smallint', 'integer', 'int', 'bigint', 'numeric', 'decimal', 'float4',
  'float8', 'real', 'double precision', 'money', 'text', 'varchar', 'bpchar', 'char', 'character',
  'character varying', 'date', 'timestamp', 'timestamptz', 'time', 'timetz', 'interval', 'bool',
  'boolean', 'json', 'jsonb',
]);
