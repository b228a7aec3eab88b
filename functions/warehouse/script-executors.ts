/**
 * `ExecuteScript` for the two drivers the warehouse module loads data through. (Aurora's Data API
 * gets its own adapter elsewhere: it takes one statement a call.)
 */
import type { PGlite } from '@electric-sql/pglite';
import type pg from 'pg';
import type { ExecuteScript } from './migrate.ts';

/** Scripts on a PGlite instance (`exec`: simple query protocol, many statements). */
export function pgliteScript(db: PGlite): ExecuteScript {
  return async (sql) => {
    const results = await db.exec(sql);
    return (results[results.length - 1]?.rows ?? []) as Record<string, unknown>[];
  };
}

/** Scripts on a node-postgres client (a query without parameters goes out as a simple query). */
export function pgScript(client: pg.ClientBase): ExecuteScript {
  return async (sql) => {
    const result = (await client.query(sql)) as unknown as pg.QueryResult | pg.QueryResult[];
    const last = Array.isArray(result) ? result[result.length - 1] : result;
    return (last?.rows ?? []) as Record<string, unknown>[];
  };
}
