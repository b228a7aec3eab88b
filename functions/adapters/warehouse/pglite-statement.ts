/**
 * Runs one statement on a PGlite instance with every wall of the port (read-only transaction, role,
 * region scope, row cap and byte budgets, rollback). Shared by the worker thread and the in-thread adapter, so both
 * behave the same; it knows nothing about threads.
 */
import type { PGlite } from '@electric-sql/pglite';
import type { ExplainOptions, PlanEstimate, QueryOptions, QueryResult } from '../../core/ports.ts';
import { readWithinBudget } from './budgeted-fetch.ts';
import { readPlanEstimate } from './explain-plan.ts';
import {
  explainStatement,
  sessionSettings,
  sessionSettingValues,
  type RoleSwitch,
} from './read-only-statement.ts';
import { textResultCursor } from './text-result-cursor.ts';

type Parsers = Record<number, (value: string) => string>;
const rawParsers = new WeakMap<PGlite, Parsers>();

/**
 * Parsers that leave every value as PostgreSQL's text: PGlite would otherwise turn a `date` into a
 * JS Date (shifted by the time zone) and numerics into strings; `decode.ts` decodes instead. PGlite
 * merges per-query parsers over its own with a spread, so every OID it knows is overridden by name.
 */
function rawTextParsers(db: PGlite): Parsers {
  let parsers = rawParsers.get(db);
  if (!parsers) {
    const identity = (value: string): string => value;
    parsers = Object.fromEntries(Object.keys(db.parsers).map((oid) => [oid, identity])) as Parsers;
    rawParsers.set(db, parsers);
  }
  return parsers;
}

/**
 * Runs `sql` read-only as the database role of `options.role` (or, with `login-role`, as the login
 * role). Uses PGlite's own transaction mutex, so nothing else that shares the instance can slip a
 * statement into this transaction. PGlite does not enforce `statement_timeout`; the caller must
 * stop a runaway statement (see `pglite.ts`).
 */
export async function runReadOnlyOnPglite(
  db: PGlite,
  sql: string,
  options: QueryOptions,
  roleSwitch: RoleSwitch,
): Promise<QueryResult> {
  const parsers = rawTextParsers(db);
  return db.transaction(async (tx) => {
    try {
      await tx.query('SET TRANSACTION READ ONLY');
      await tx.query(sessionSettings, sessionSettingValues(options, roleSwitch));
      return await readWithinBudget(
        textResultCursor((text) => tx.query<unknown[]>(text, [], { rowMode: 'array', parsers })),
        sql,
        options,
      );
    } finally {
      if (!tx.closed) await tx.rollback();
    }
  });
}

/**
 * Plans `sql` with EXPLAIN (never runs it) inside the same walls as {@link runReadOnlyOnPglite}: a
 * read-only transaction, the role, the region scope. Planning folds constants, so the caller bounds
 * it like a statement (the guard's structural limits come first; the worker's timer stops it).
 */
export async function explainReadOnlyOnPglite(
  db: PGlite,
  sql: string,
  options: ExplainOptions,
  roleSwitch: RoleSwitch,
): Promise<PlanEstimate> {
  const parsers = rawTextParsers(db);
  return db.transaction(async (tx) => {
    try {
      await tx.query('SET TRANSACTION READ ONLY');
      await tx.query(sessionSettings, sessionSettingValues(options, roleSwitch));
      const planned = await tx.query<unknown[]>(explainStatement(sql), [], { rowMode: 'array', parsers });
      return readPlanEstimate(planned.rows[0]?.[0]);
    } finally {
      if (!tx.closed) await tx.rollback();
    }
  });
}
