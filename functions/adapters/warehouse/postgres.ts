/**
 * The warehouse on any PostgreSQL reachable with a connection string (`DATABASE_URL`): a local
 * PostgreSQL for development, or Aurora from inside its VPC. node-postgres with a pool; the server
 * enforces the statement timeout, and a client-side guard catches a server that does not answer.
 */
import pg from 'pg';
import { QueryFailedError, QueryTimeoutError, WarehouseUnavailableError } from '../../core/errors.ts';
import type { ExplainOptions, PlanEstimate, QueryOptions, QueryResult, Warehouse } from '../../core/ports.ts';
import { readWithinBudget } from './budgeted-fetch.ts';
import { readPlanEstimate } from './explain-plan.ts';
import { mapDriverError } from './map-error.ts';
import { pingWith } from './ping.ts';
import { textResultCursor } from './text-result-cursor.ts';
import {
  beginReadOnly,
  explainStatement,
  rollback,
  sessionSettings,
  sessionSettingValues,
  type RoleSwitch,
  validateExplain,
  validateQuery,
} from './read-only-statement.ts';

export interface PostgresWarehouseOptions {
  /** `postgres://user@host:port/db`. Ignored when `pool` is given. */
  readonly connectionString?: string;
  /** A pool built elsewhere (tests, shared pools). The warehouse then does not end it on close. */
  readonly pool?: pg.Pool;
  /**
   * `null` keeps the login role for every statement (tests' ground truth: the tables' owner sees
   * every row and column). Default: each statement runs as the database role of its product role
   * (`QueryOptions.role`, `bi_viewer` when absent), which the login must be able to SET ROLE to.
   */
  readonly role?: null;
  /** Connections at most. Default 4: the Lambda or local server runs few statements at a time. */
  readonly maxConnections?: number;
  /** How long to wait for a connection before the warehouse counts as unavailable. Default 5 s. */
  readonly connectTimeoutMs?: number;
  /** Extra time the client waits past the statement timeout before it gives up on the server. Default 2 s. */
  readonly clientGraceMs?: number;
  /** Told about errors of idle connections (a restarted server); they are otherwise dropped. */
  readonly onPoolError?: (error: Error) => void;
}

/** Every value as PostgreSQL's text, per client (never the global `pg.types`); `decode.ts` decodes. */
const rawText: pg.CustomTypesConfig = { getTypeParser: (() => (value: string) => value) as pg.CustomTypesConfig['getTypeParser'] };

/** node-postgres options this module uses that its type definitions do not list on a query. */
interface RawQueryConfig extends pg.QueryArrayConfig {
  readonly queryMode?: 'extended';
  readonly query_timeout?: number;
}

/**
 * The warehouse over node-postgres. Each statement takes a pooled connection, runs in a read-only
 * transaction as the principal's database role behind a cursor capped at `maxRows + 1`, and is
 * rolled back.
 *
 * @example
 * const warehouse = new PostgresWarehouse({ connectionString: process.env.DATABASE_URL });
 * const result = await warehouse.query('select count(*) from sales.sales_transactions', { timeoutMs: 5000, maxRows: 1000 });
 */
export class PostgresWarehouse implements Warehouse {
  readonly kind = 'postgres';
  readonly #pool: pg.Pool;
  readonly #ownsPool: boolean;
  readonly #roleSwitch: RoleSwitch;
  readonly #clientGraceMs: number;

  constructor(options: PostgresWarehouseOptions) {
    this.#roleSwitch = options.role === null ? 'login-role' : 'database-role';
    this.#clientGraceMs = options.clientGraceMs ?? 2_000;
    if (options.pool) {
      this.#pool = options.pool;
      this.#ownsPool = false;
    } else {
      if (!options.connectionString) throw new Error('PostgresWarehouse needs a connectionString or a pool');
      this.#pool = new pg.Pool({
        connectionString: options.connectionString,
        max: options.maxConnections ?? 4,
        connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
        idleTimeoutMillis: 30_000,
        application_name: 'bi-agent',
        types: rawText,
      });
      this.#ownsPool = true;
    }
    // An idle connection that breaks (server restart) emits here; unhandled, it would end the process.
    const onPoolError = options.onPoolError ?? (() => undefined);
    this.#pool.on('error', onPoolError);
  }

  async query(sql: string, options: QueryOptions): Promise<QueryResult> {
    validateQuery(sql, options);
    return this.#readOnly(options, (run) => readWithinBudget(textResultCursor(run), sql, options));
  }

  /** Plans `sql` (EXPLAIN, never run) on a pooled connection, inside the same walls as `query`. */
  async explain(sql: string, options: ExplainOptions): Promise<PlanEstimate> {
    validateExplain(sql, options);
    return this.#readOnly(options, async (run) => {
      const planned = await run(explainStatement(sql));
      return readPlanEstimate(planned.rows[0]?.[0]);
    });
  }

  /**
   * Takes a pooled connection, opens the read-only transaction with the role, the region scope and
   * the statement timeout, runs `work`, and rolls back. A connection that stopped answering is dropped.
   */
  async #readOnly<T>(
    options: Pick<QueryOptions, 'timeoutMs' | 'regions' | 'role'>,
    work: (run: (text: string, values?: unknown[]) => Promise<pg.QueryArrayResult<unknown[]>>) => Promise<T>,
  ): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.#pool.connect();
    } catch (error) {
      const mapped = mapDriverError(error, options.timeoutMs);
      throw mapped instanceof WarehouseUnavailableError
        ? mapped
        : new WarehouseUnavailableError(`The warehouse cannot be reached right now (${mapped.message}); try again shortly.`, 5, { cause: error });
    }
    let broken: Error | undefined;
    try {
      const run = (text: string, values: unknown[] = []): Promise<pg.QueryArrayResult<unknown[]>> =>
        client.query({
          text,
          values,
          rowMode: 'array',
          types: rawText,
          queryMode: 'extended',
          query_timeout: options.timeoutMs + this.#clientGraceMs,
        } satisfies RawQueryConfig as pg.QueryArrayConfig);
      await run(beginReadOnly);
      await run(sessionSettings, sessionSettingValues(options, this.#roleSwitch));
      return await work(run);
    } catch (error) {
      if (error instanceof Error && error.message === 'Query read timeout') {
        // The server did not answer in time: this connection may still be busy, so it is dropped.
        broken = error;
        throw new QueryTimeoutError(
          `The warehouse did not answer within ${options.timeoutMs} ms; narrow the date range or aggregate more.`,
          { cause: error, details: { timeoutMs: options.timeoutMs } },
        );
      }
      if (error instanceof QueryFailedError) throw error;
      throw mapDriverError(error, options.timeoutMs);
    } finally {
      if (!broken) {
        try {
          await client.query(rollback);
        } catch (error) {
          broken = error instanceof Error ? error : new Error(String(error));
        }
      }
      client.release(broken ?? false);
    }
  }

  async ping(): Promise<void> {
    await pingWith(this, 5_000);
  }

  async close(): Promise<void> {
    if (this.#ownsPool) await this.#pool.end();
  }
}
