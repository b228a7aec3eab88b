/**
 * Whether two libpg_query trees mean the same statement: the guard checks one tree and runs the SQL
 * deparsed from it, so the tree that SQL parses back to must equal the checked one. Positions in the
 * source text (where a token stood, how long a statement was) differ between the two texts and say
 * nothing about meaning, so they are ignored; every other field must match exactly.
 *
 * Both functions walk the two trees once, side by side, without copying or serialising them: the
 * comparison runs on every statement the guard allows, inside its sub-millisecond budget.
 */

/**
 * The purely positional fields of libpg_query's JSON: byte offsets into the source text. Each is a
 * number in the tree (`CreateTableSpaceStmt.location` is a string, a directory, and is compared).
 */
const POSITIONAL_FIELDS: ReadonlySet<string> = new Set([
  'location',
  'stmt_location',
  'stmt_len',
  'name_location',
  'list_start',
  'list_end',
  'rexpr_list_start',
  'rexpr_list_end',
]);

function isPositional(key: string, value: unknown): boolean {
  return (value === undefined || typeof value === 'number') && POSITIONAL_FIELDS.has(key);
}

/**
 * Deep equality of two libpg_query JSON trees, ignoring every positional field.
 * @example sameTree(parseSql('select 1'), parseSql('SELECT   1')) // true
 */
export function sameTree(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameTree(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  let compared = 0;
  for (const key in left) {
    const value = left[key];
    if (isPositional(key, value)) continue;
    if (!(key in right) || !sameTree(value, right[key])) return false;
    compared++;
  }
  // Every meaningful field of `right` must have been met on the left: count them.
  for (const key in right) if (!isPositional(key, right[key])) compared--;
  return compared === 0;
}

/**
 * Where two trees first differ, in words, or `undefined` when `sameTree` holds: a path from the root
 * and what stands there on each side, short enough for a refusal message.
 * @example treeDifference(parseSql('select 1'), parseSql('select 2'))
 * // 'stmts[0].stmt.SelectStmt.targetList[0].ResTarget.val.A_Const.ival.ival: 1 became 2'
 */
export function treeDifference(a: unknown, b: unknown, path = ''): string | undefined {
  if (a === b) return undefined;
  const here = path === '' ? 'the root' : path;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) {
    return `${here}: ${describe(a)} became ${describe(b)}`;
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b)) return `${here}: ${describe(a)} became ${describe(b)}`;
    const shared = Math.min(a.length, b.length);
    for (let i = 0; i < shared; i++) {
      const difference = treeDifference(a[i], b[i], `${path}[${i}]`);
      if (difference) return difference;
    }
    return a.length === b.length ? undefined : `${here}: a list of ${a.length} became a list of ${b.length}`;
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const at = (key: string) => (path === '' ? key : `${path}.${key}`);
  for (const key in left) {
    if (isPositional(key, left[key])) continue;
    if (!(key in right)) return `${at(key)}: ${describe(left[key])} is missing after the round trip`;
    const difference = treeDifference(left[key], right[key], at(key));
    if (difference) return difference;
  }
  for (const key in right) {
    if (!isPositional(key, right[key]) && !(key in left)) return `${at(key)}: ${describe(right[key])} appeared in the round trip`;
  }
  return undefined;
}

/** A value in a few words: scalars as written, a node by its type, a list by its length. */
function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `a list of ${value.length}`;
  const keys = Object.keys(value);
  const first = keys[0];
  return keys.length === 1 && first !== undefined && /^[A-Z]/.test(first) ? `a ${first}` : `{${keys.join(', ')}}`;
}
