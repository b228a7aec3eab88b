/**
 * The embedded default's warehouse: PGlite (PostgreSQL in WebAssembly), no network, no server.
 *
 * PGlite runs on the thread that calls it and does not enforce `statement_timeout`, so one runaway
 * statement would stall a server for good. `PgliteWarehouse` therefore keeps the database in a
 * worker thread and terminates (then restarts) the worker when a statement overruns its timeout.
 * `PgliteInThreadWarehouse` skips the worker for tests and one-shot command-line runs, where a
 * stuck statement only stalls the caller who asked for it.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker, type ResourceLimits } from 'node:worker_threads';
import type { PGlite } from '@electric-sql/pglite';
import { QueryFailedError, QueryTimeoutError, WarehouseUnavailableError } from '../../core/errors.ts';
import type { ExplainOptions, PlanEstimate, QueryOptions, QueryResult, Warehouse } from '../../core/ports.ts';
import { mapDriverError, toCoreError } from './map-error.ts';
import { pingWith } from './ping.ts';
import type { OnWarehouseProgress } from '../../warehouse/progress-event.ts';
import type { PgliteSource } from './pglite-source.ts';
import { explainReadOnlyOnPglite, runReadOnlyOnPglite } from './pglite-statement.ts';
import type { WorkerInit, WorkerReply, WorkerRequest } from './pglite-worker-protocol.ts';
import { validateExplain, validateQuery, type RoleSwitch } from './read-only-statement.ts';

export type { PgliteSource } from './pglite-source.ts';

/** How to start the worker: its module and the Node options it needs. */
export interface PgliteWorkerLocation {
  readonly url: URL;
  readonly execArgv?: readonly string[];
  /**
   * The worker's own heap limits (Node's `resourceLimits`); default Node's. A worker that exceeds
   * its heap is ended with `ERR_WORKER_OUT_OF_MEMORY` and replaced, the process never is.
   */
  readonly resourceLimits?: ResourceLimits;
}

/**
 * Where the worker module is. From the bundle (dist/bi-agent.mjs) this module is inlined into the
 * bundle, and scripts/build.mjs writes the worker beside it as dist/pglite-worker.mjs. From source
 * (vitest, tsx) this module's URL ends in `.ts`; the worker is the `.ts` file beside it, loaded
 * through tsx's require hook by a one-line bootstrap. (`execArgv: ['--import', 'tsx']` does not
 * work here: on Node 20 the ESM hooks it registers are not applied to a worker's own modules.)
 */
export function defaultWorkerLocation(moduleUrl: string = import.meta.url): PgliteWorkerLocation {
  if (!moduleUrl.endsWith('.ts')) return { url: new URL('./pglite-worker.mjs', moduleUrl) };
  const workerFile = fileURLToPath(new URL('./pglite-worker.ts', moduleUrl));
  const tsxRequireHook = createRequire(moduleUrl).resolve('tsx/cjs');
  const bootstrap =
    `const { createRequire } = await import('node:module');` +
    `const load = createRequire(${JSON.stringify(workerFile)});` +
    `load(${JSON.stringify(tsxRequireHook)});` +
    `load(${JSON.stringify(workerFile)});`;
  return { url: new URL(`data:text/javascript,${encodeURIComponent(bootstrap)}`) };
}

export interface PgliteWarehouseOptions {
  /** The database the worker opens (again after every restart). */
  readonly source: PgliteSource;
  /**
   * `null` keeps the login role for every statement (tests' ground truth). Default: each statement
   * runs as the database role of its product role (`QueryOptions.role`, `bi_viewer` when absent).
   */
  readonly role?: null;
  /**
   * How long opening the database may take before the warehouse counts as unavailable. Default
   * 30 minutes for `embedded` (the first use builds it), 120 s otherwise.
   */
  readonly startTimeoutMs?: number;
  /** Allowance on top of a statement's timeout for the hop to the worker and back. Default 100 ms. */
  readonly timeoutGraceMs?: number;
  /** Override where the worker module is (tests, other bundles). Default {@link defaultWorkerLocation}. */
  readonly worker?: PgliteWorkerLocation;
  /** Progress of building or loading the embedded default, forwarded from the worker (CLI bars). */
  readonly onProgress?: OnWarehouseProgress;
}

interface Pending {
  readonly resolve: (value: never) => void;
  readonly reject: (error: Error) => void;
}

interface RunningWorker {
  readonly thread: Worker;
  readonly ready: Promise<void>;
  readonly pending: Map<number, Pending>;
  stopping: boolean;
}

/**
 * PGlite in a worker thread that can be stopped: the adapter for the local server. Statements run
 * one at a time (PGlite is a single connection); a statement that overruns `timeoutMs` fails with
 * `QueryTimeoutError`, the worker is terminated and a new one opens the same source, so the next
 * statement works again once the database has reopened (≈ 1 s for a data folder).
 *
 * @example
 * const warehouse = new PgliteWarehouse({ source: { kind: 'data-dir', dataDir } });
 * await warehouse.start();
 * const result = await warehouse.query('select region_name from sales.regions', { timeoutMs: 5000, maxRows: 1000 });
 */
export class PgliteWarehouse implements Warehouse {
  readonly kind = 'pglite';
  readonly #options: Required<Omit<PgliteWarehouseOptions, 'role' | 'onProgress'>> & { roleSwitch: RoleSwitch };
  readonly #onProgress: OnWarehouseProgress | undefined;
  #current: RunningWorker | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  #nextId = 1;
  #restarts = 0;
  #closed = false;

  constructor(options: PgliteWarehouseOptions) {
    this.#options = {
      source: options.source,
      roleSwitch: options.role === null ? 'login-role' : 'database-role',
      startTimeoutMs: options.startTimeoutMs ?? (options.source.kind === 'embedded' ? 30 * 60_000 : 120_000),
      timeoutGraceMs: options.timeoutGraceMs ?? 100,
      worker: options.worker ?? defaultWorkerLocation(),
    };
    this.#onProgress = options.onProgress;
  }

  /** How many times a worker was replaced after a timeout or a crash (for logs and tests). */
  get restarts(): number {
    return this.#restarts;
  }

  /** Opens the database now rather than on the first query (a server calls this at startup). */
  async start(): Promise<void> {
    await this.#ensureWorker().ready;
  }

  query(sql: string, options: QueryOptions): Promise<QueryResult> {
    try {
      validateQuery(sql, options);
    } catch (error) {
      return Promise.reject(error);
    }
    const run = this.#queue.then(() => this.#run<QueryResult>({ type: 'query', sql, options }, options.timeoutMs));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** Plans in the worker, behind the statements already queued; a planning overrun restarts it like a query. */
  explain(sql: string, options: ExplainOptions): Promise<PlanEstimate> {
    try {
      validateExplain(sql, options);
    } catch (error) {
      return Promise.reject(error);
    }
    const planned = this.#queue.then(() => this.#run<PlanEstimate>({ type: 'explain', sql, options }, options.timeoutMs));
    this.#queue = planned.catch(() => undefined);
    return planned;
  }

  async ping(): Promise<void> {
    await pingWith(this, 30_000);
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#queue;
    const running = this.#current;
    this.#current = undefined;
    if (!running) return;
    running.stopping = true;
    const exited = new Promise<void>((resolve) => running.thread.once('exit', () => resolve()));
    try {
      await running.ready;
      running.thread.postMessage({ type: 'close' } satisfies WorkerRequest);
      await Promise.race([exited, delay(10_000)]);
    } catch {
      // It never opened: nothing to close gracefully.
    }
    await running.thread.terminate();
  }

  async #run<T>(request: DistributiveOmit<Extract<WorkerRequest, { id: number }>, 'id'>, timeoutMs: number): Promise<T> {
    if (this.#closed) throw new WarehouseUnavailableError('The warehouse has been closed.', undefined);
    const running = this.#ensureWorker();
    await running.ready;
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        running.pending.delete(id);
        this.#replace(running);
        reject(
          new QueryTimeoutError(
            `The ${request.type === 'explain' ? 'planning of the query' : 'query'} ran longer than ${timeoutMs} ms and was stopped; narrow the date range or aggregate more.`,
            { details: { timeoutMs } },
          ),
        );
      }, timeoutMs + this.#options.timeoutGraceMs);
      running.pending.set(id, {
        resolve: (value: T) => {
          clearTimeout(timer);
          resolve(value);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      running.thread.postMessage({ ...request, id } satisfies WorkerRequest);
    });
  }

  /** Terminates a worker that overran and starts its successor in the background. */
  #replace(running: RunningWorker): void {
    running.stopping = true;
    void running.thread.terminate();
    if (this.#current === running) this.#current = undefined;
    this.#restarts++;
    if (!this.#closed) this.#ensureWorker().ready.catch(() => undefined);
  }

  #ensureWorker(): RunningWorker {
    if (this.#current) return this.#current;
    const { source, roleSwitch, worker, startTimeoutMs } = this.#options;
    const thread = new Worker(worker.url, {
      workerData: { source, roleSwitch } satisfies WorkerInit,
      ...(worker.execArgv ? { execArgv: [...worker.execArgv] } : {}),
      ...(worker.resourceLimits ? { resourceLimits: worker.resourceLimits } : {}),
    });
    const pending = new Map<number, Pending>();
    let settleReady: { resolve: () => void; reject: (error: Error) => void } | undefined;
    const ready = new Promise<void>((resolve, reject) => {
      settleReady = { resolve, reject };
    });
    const running: RunningWorker = { thread, ready, pending, stopping: false };
    const startTimer = setTimeout(() => {
      fail(new WarehouseUnavailableError(`The embedded warehouse did not open within ${startTimeoutMs} ms.`, 5));
      running.stopping = true;
      void thread.terminate();
    }, startTimeoutMs);
    const fail = (error: Error): void => {
      clearTimeout(startTimer);
      if (this.#current === running) this.#current = undefined;
      settleReady?.reject(error);
      for (const entry of pending.values()) entry.reject(error);
      pending.clear();
    };
    thread.on('message', (reply: WorkerReply) => {
      switch (reply.type) {
        case 'progress':
          this.#onProgress?.(reply.progress);
          return;
        case 'ready':
          clearTimeout(startTimer);
          settleReady?.resolve();
          return;
        case 'failed':
          fail(
            new WarehouseUnavailableError(`The embedded warehouse could not be opened: ${reply.failure.message}`, undefined, {
              details: { ...reply.failure },
            }),
          );
          return;
        case 'result':
          pending.get(reply.id)?.resolve(reply.result as never);
          pending.delete(reply.id);
          return;
        case 'plan':
          pending.get(reply.id)?.resolve(reply.estimate as never);
          pending.delete(reply.id);
          return;
        case 'error':
          pending.get(reply.id)?.reject(toCoreError(reply.failure, reply.failure));
          pending.delete(reply.id);
          return;
        case 'query-failed':
          pending.get(reply.id)?.reject(new QueryFailedError(reply.message, { details: reply.details }));
          pending.delete(reply.id);
          return;
        case 'closed':
          return;
      }
    });
    thread.on('error', (error) => {
      // The worker's heap is its own: running out of it ends the worker (restarted on the next
      // statement), never the process. Retrying the same statement would only end it again.
      if ((error as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY') {
        fail(new QueryFailedError('The embedded warehouse ran out of memory on this statement and was restarted; select fewer or smaller rows, or aggregate.', { cause: error, details: { reason: 'out_of_memory' } }));
        return;
      }
      fail(new WarehouseUnavailableError('The embedded warehouse stopped unexpectedly; try again.', 1, { cause: error }));
    });
    thread.on('exit', (code) => {
      if (running.stopping) {
        clearTimeout(startTimer);
        return;
      }
      this.#restarts++;
      fail(new WarehouseUnavailableError(`The embedded warehouse stopped unexpectedly (exit ${code}); try again.`, 1));
    });
    this.#current = running;
    return running;
  }
}

export interface PgliteInThreadWarehouseOptions {
  /**
   * `null` keeps the login role for every statement (tests' ground truth). Default: each statement
   * runs as the database role of its product role (`QueryOptions.role`, `bi_viewer` when absent).
   */
  readonly role?: null;
  /** Close the database with the warehouse. Default false: whoever opened it closes it. */
  readonly ownsDatabase?: boolean;
}

/**
 * PGlite on the caller's thread, for tests and one-shot command-line runs that already hold an open
 * instance. It applies the same walls as `PgliteWarehouse` but cannot enforce `timeoutMs`: PGlite
 * ignores `statement_timeout` and nothing can interrupt it here. Never use it behind a server.
 */
export class PgliteInThreadWarehouse implements Warehouse {
  readonly kind = 'pglite';
  readonly #roleSwitch: RoleSwitch;
  readonly #ownsDatabase: boolean;

  readonly #db: PGlite;

  constructor(db: PGlite, options: PgliteInThreadWarehouseOptions = {}) {
    this.#db = db;
    this.#roleSwitch = options.role === null ? 'login-role' : 'database-role';
    this.#ownsDatabase = options.ownsDatabase ?? false;
  }

  async query(sql: string, options: QueryOptions): Promise<QueryResult> {
    validateQuery(sql, options);
    try {
      return await runReadOnlyOnPglite(this.#db, sql, options, this.#roleSwitch);
    } catch (error) {
      throw error instanceof QueryFailedError ? error : mapDriverError(error, options.timeoutMs);
    }
  }

  /** Plans on the caller's thread; planning is bounded by the guard's structural limits, not by a timer. */
  async explain(sql: string, options: ExplainOptions): Promise<PlanEstimate> {
    validateExplain(sql, options);
    try {
      return await explainReadOnlyOnPglite(this.#db, sql, options, this.#roleSwitch);
    } catch (error) {
      throw error instanceof QueryFailedError ? error : mapDriverError(error, options.timeoutMs);
    }
  }

  async ping(): Promise<void> {
    await pingWith(this, 30_000);
  }

  async close(): Promise<void> {
    if (this.#ownsDatabase && !this.#db.closed) await this.#db.close();
  }
}

/** `Omit` applied to each member of a union (plain `Omit` would merge the members). */
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
