/**
 * The SQL every adapter wraps around a statement, written once so the three adapters cannot drift:
 * a read-only transaction, the principal's database role, a statement timeout, the region scope
 * for row-level security, and a cursor that fetches at most `maxRows + 1` rows. The adapters
 * differ only in how they send these texts (a pg client, PGlite, Data API calls).
 */
import { InvalidRequestError } from '../../core/errors.ts';
import type { ExplainOptions, QueryOptions } from '../../core/ports.ts';
import { isRole, type Role } from '../../core/principal.ts';
import { resultBudget } from './result-budget.ts';

/**
 * The database role each product role's statements run as (migration 007): column grants exactly
 * as contract section 2, row-level security by region, SELECT in schema `sales` only.
 */
export const databaseRoles: Readonly<Record<Role, string>> = Object.freeze({
  viewer: 'bi_viewer',
  analyst: 'bi_analyst',
  admin: 'bi_admin',
});

/**
 * The database role for a statement of product role `role`. Fails closed: no role (or anything
 * that is not a role) means the narrowest, `bi_viewer`, never the widest or the login role (a
 * caller that forgot to pass the role loses columns, it does not gain them).
 */
export function databaseRoleFor(role: Role | undefined): string {
  return isRole(role) ? databaseRoles[role] : databaseRoles.viewer;
}

/** The transaction-local setting that row-level security policies read the region scope from. */
export const regionsSetting = 'bi_agent.regions';

/** Starts the transaction; no statement can write while it is open, whatever the role may do. */
export const beginReadOnly = 'BEGIN READ ONLY';

/** Ends every statement: nothing is ever committed. */
export const rollback = 'ROLLBACK';

const cursorName = 'bi_agent_result';
const planCursorName = 'bi_agent_plan';

/**
 * One statement that sets everything transaction-local, with parameters rather than SQL text, so a
 * role or region name can never inject SQL: `set_config('role', …, true)` is `SET LOCAL ROLE`, and
 * `transaction_read_only` repeats the READ ONLY of the BEGIN for the Data API, where the transaction
 * is opened by BeginTransaction. DateStyle and TimeZone fix the text output that `decode.ts` reads.
 * `search_path` is `sales`, so an unqualified table name means schema `sales` (contract section 2)
 * both when the guard plans a statement and when it runs; `pg_catalog` is still searched first, and
 * the guard refuses every relation outside the warehouse tables by name.
 * Placeholders, in the driver's syntax (`$1`, `:timeout`): statement timeout in ms, comma-separated
 * regions ('' = all), database role ('' = keep the login role).
 */
export function sessionSettingsSql([timeout, regions, role]: readonly [string, string, string]): string {
  return (
    "SELECT set_config('transaction_read_only', 'on', true), " +
    `set_config('statement_timeout', ${timeout}, true), ` +
    `set_config('${regionsSetting}', ${regions}, true), ` +
    "set_config('DateStyle', 'ISO, YMD', true), " +
    "set_config('TimeZone', 'UTC', true), " +
    "set_config('IntervalStyle', 'iso_8601', true), " +
    "set_config('search_path', 'sales', true), " +
    `CASE WHEN ${role} = '' THEN NULL ELSE set_config('role', ${role}, true) END`
  );
}

/** {@link sessionSettingsSql} for drivers with positional parameters (node-postgres, PGlite). */
export const sessionSettings = sessionSettingsSql(['$1', '$2', '$3']);

/** Whether an adapter switches to the statement's database role (the default) or keeps its login role. */
export type RoleSwitch = 'database-role' | 'login-role';

/**
 * Values for {@link sessionSettingsSql}'s placeholders, in order. The role is the database role of
 * `options.role` ({@link databaseRoleFor}), or '' when the adapter keeps its login role (tests'
 * ground truth only).
 */
export function sessionSettingValues(
  options: Pick<QueryOptions, 'timeoutMs' | 'regions' | 'role'>,
  roleSwitch: RoleSwitch,
): [string, string, string] {
  const role = roleSwitch === 'database-role' ? databaseRoleFor(options.role) : '';
  return [String(Math.max(1, Math.ceil(options.timeoutMs))), regionsValue(options.regions), role];
}

/** The region scope as the setting carries it: names joined with commas, '' for all regions. */
export function regionsValue(regions: readonly string[] | undefined): string {
  return (regions ?? []).join(',');
}

/**
 * Opens the statement as a cursor. Only a query can be declared as a cursor, and the extended
 * protocol that every adapter uses refuses a second statement, so this is a wall of its own. Nothing
 * is appended after the caller's text, so a trailing comment or semicolon is harmless.
 */
export function declareCursor(sql: string): string {
  return `DECLARE ${cursorName} NO SCROLL CURSOR FOR ${sql}`;
}

/**
 * Fetches the next `count` rows of a cursor: by default the statement's own (`declareCursor`).
 * `budgeted-fetch.ts` fetches in batches, up to one row past the cap to know whether the cap cut
 * the result short.
 */
export function fetchForward(count: number, cursor: string = cursorName): string {
  if (!Number.isSafeInteger(count) || count < 0) throw new RangeError(`a FETCH count must be a non-negative whole number, got ${count}`);
  return `FETCH FORWARD ${count} FROM ${cursor}`;
}

/**
 * Plans the statement without running it: `EXPLAIN` without `ANALYZE` never executes, and the plan
 * comes back as one JSON value (see explain-plan.ts). It plans the cursor that `query` declares,
 * with the same options, because that is the plan that runs: a cursor is planned for its first
 * rows (`cursor_tuple_fraction`), which can prefer nested loops where a plain statement would
 * hash, so the plain statement's estimate could pass a ceiling the cursor's would not. Like the
 * cursor, nothing is appended after the caller's text, and the extended protocol refuses a second
 * statement. (The cursor is only planned, never opened: its name cannot clash.)
 */
export function explainStatement(sql: string): string {
  return `EXPLAIN (FORMAT JSON) DECLARE ${planCursorName} NO SCROLL CURSOR FOR ${sql}`;
}

/** {@link validateQuery} for `explain`: a statement, and a positive time limit on planning. */
export function validateExplain(sql: string, options: ExplainOptions): void {
  validateQuery(sql, { ...options, maxRows: 0 });
}

/** Refuses options that would make the walls meaningless (no timeout, no cap). */
export function validateQuery(sql: string, options: QueryOptions): void {
  if (!sql.trim()) throw new InvalidRequestError('The query is empty.');
  if (!Number.isInteger(options.maxRows) || options.maxRows < 0) {
    throw new InvalidRequestError(`maxRows must be a non-negative integer, got ${options.maxRows}.`);
  }
  if (!(options.timeoutMs > 0) || !Number.isFinite(options.timeoutMs)) {
    throw new InvalidRequestError(`timeoutMs must be a positive number, got ${options.timeoutMs}.`);
  }
  // Options cross a worker boundary and may come from untyped code: a role that is not one of the
  // contract's is refused rather than mapped to some database role.
  if (options.role !== undefined && !isRole(options.role)) {
    throw new InvalidRequestError(`role must be one of viewer, analyst, admin, got ${JSON.stringify(options.role)}.`);
  }
  // The byte budgets, resolved here only to refuse meaningless ones before anything is sent.
  resultBudget(options);
}

