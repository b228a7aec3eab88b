/**
 * Runs one statement on a PGlite instance with every wall of the port (read-only transaction, role,
 * region scope, row cap, rollback). Shared by the worker thread and the in-thread adapter, so both
 * behave the same; it knows nothing about threads.
 */
import type { PGlite } from '@electric-sql/pglite';
import type { ExplainOptions, PlanEstimate, QueryOptions, QueryResult } from '../../core/ports.ts';
import { decodeTextRows } from './decode.ts';
import { readPlanEstimate } from './explain-plan.ts';
import { capRows, declareCursor, explainStatement, fetchCapped, sessionSettings, sessionSettingValues } from './read-only-statement.ts';

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
 * Runs `sql` read-only as `role` (null: keep the login role). Uses PGlite's own transaction mutex,
 * so nothing else that shares the instance can slip a statement into this transaction. PGlite does
 * not enforce `statement_timeout`; the caller must stop a runaway statement (see `pglite.ts`).
 */
export async function runReadOnlyOnPglite(
  db: PGlite,
  sql: string,
  options: QueryOptions,
  role: string | null,
): Promise<QueryResult> {
  const parsers = rawTextParsers(db);
  return db.transaction(async (tx) => {
    try {
      await tx.query('SET TRANSACTION READ ONLY');
      await tx.query(sessionSettings, sessionSettingValues(options, role));
      await tx.query(declareCursor(sql));
      const fetched = await tx.query<unknown[]>(fetchCapped(options.maxRows), [], { rowMode: 'array', parsers });
      const { rows, truncated } = capRows(fetched.rows, options.maxRows);
      return { ...decodeTextRows(fetched.fields, rows), truncated };
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
export async function explainReadOnlyOnPglite(db: PGlite, sql: string, options: ExplainOptions, role: string | null): Promise<PlanEstimate> {
  const parsers = rawTextParsers(db);
  return db.transaction(async (tx) => {
    try {
      await tx.query('SET TRANSACTION READ ONLY');
      await tx.query(sessionSettings, sessionSettingValues(options, role));
      const planned = await tx.query<unknown[]>(explainStatement(sql), [], { rowMode: 'array', parsers });
      return readPlanEstimate(planned.rows[0]?.[0]);
    } finally {
      if (!tx.closed) await tx.rollback();
    }
  });
}
