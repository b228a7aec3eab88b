/**
 * The composition root: the one place that decides which adapter stands behind each port, from
 * configuration. Lambdas, the local server and the command line all build their dependencies here,
 * so the same core runs everywhere.
 *
 * | configuration                                   | warehouse                     |
 * |-------------------------------------------------|-------------------------------|
 * | `BI_AGENT_CLUSTER_ARN` + `BI_AGENT_SECRET_ARN`  | Aurora through the Data API   |
 * | `DATABASE_URL`                                  | PostgreSQL (node-postgres)    |
 * | neither                                         | embedded PGlite (`--data`)    |
 */
import { RDSDataClient } from '@aws-sdk/client-rds-data';
import { AskPipeline } from '../core/pipeline.ts';
import { DEFAULT_MAX_TOTAL_COST, EMBEDDED_MAX_TOTAL_COST } from '../core/guard/cost.ts';
import { PostgresSqlGuard } from '../core/guard/sql-guard.ts';
import { OfflinePlanner } from '../core/planner/offline-planner.ts';
import type { Retriever, SqlGuard, Warehouse } from '../core/ports.ts';
import { LocalIndex } from '../adapters/retrieval/local-index.ts';
import { LocalRetriever } from '../adapters/retrieval/local-retriever.ts';
import { ensureSampleIndex } from '../adapters/retrieval/sample-index.ts';
import { PgliteWarehouse, PgliteInThreadWarehouse } from '../adapters/warehouse/pglite.ts';
import { PostgresWarehouse } from '../adapters/warehouse/postgres.ts';
import { RdsDataWarehouse } from '../adapters/warehouse/rds-data.ts';
import { DEFAULT_MAX_CELL_BYTES, DEFAULT_MAX_RESULT_BYTES, MIN_CELL_BYTES } from '../adapters/warehouse/result-budget.ts';
import { openEmbeddedWarehouse } from '../warehouse/embedded.ts';
import type { OnWarehouseProgress } from '../warehouse/progress-event.ts';
import { catalogSynonyms } from './catalog-synonyms.ts';
import { optionalEnv } from './env.ts';
import { resolveDataDir } from './paths.ts';

export interface ContainerConfig {
  /** The embedded default's folder: warehouse dump, retrieval index, signing key. */
  readonly dataDir: string;
  readonly warehouse:
    | { readonly kind: 'embedded'; readonly isolation: 'worker' | 'in-thread' }
    | { readonly kind: 'postgres'; readonly url: string }
    | { readonly kind: 'rds-data'; readonly resourceArn: string; readonly secretArn: string; readonly database: string };
  /** Rows a statement may return at most (the guard's LIMIT and the executor's cap). */
  readonly maxRows: number;
  /** Statement timeout of the question path. */
  readonly timeoutMs: number;
  /** Byte budget of one answer, enforced while rows stream (`BI_AGENT_MAX_RESULT_BYTES`, default 8 MiB). */
  readonly maxResultBytes: number;
  /** Byte budget of one cell, enforced by the database (`BI_AGENT_MAX_CELL_BYTES`, default 64 KiB). */
  readonly maxCellBytes: number;
  /**
   * The guard's ceiling on the planner's cost estimate (`BI_AGENT_MAX_QUERY_COST`). Absent: 1e6 on
   * the embedded PGlite, 1e7 on PostgreSQL and Aurora (measurements in core/guard/cost.ts).
   */
  readonly maxQueryCost?: number;
  /** Progress of a first build of the embedded warehouse or index (the command line draws bars). */
  readonly onProgress?: OnWarehouseProgress;
}

/** Everything a handler or command needs, built once per process. */
export interface Dependencies {
  readonly config: ContainerConfig;
  readonly pipeline: AskPipeline;
  readonly guard: SqlGuard;
  readonly warehouse: Warehouse;
  readonly retriever: Retriever;
  /** The local retrieval index (ingest); absent where retrieval is a remote service. */
  readonly index?: LocalIndex;
  close(): Promise<void>;
}

/**
 * Reads the container's configuration from the environment (and command-line overrides).
 *
 * @example
 * const config = configFromEnv(process.env, { dataDir: flags.data });
 */
export function configFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  overrides: { dataDir?: string; isolation?: 'worker' | 'in-thread'; onProgress?: OnWarehouseProgress } = {},
): ContainerConfig {
  const clusterArn = env.BI_AGENT_CLUSTER_ARN;
  const secretArn = env.BI_AGENT_SECRET_ARN;
  const warehouse: ContainerConfig['warehouse'] =
    clusterArn && secretArn
      ? { kind: 'rds-data', resourceArn: clusterArn, secretArn, database: optionalEnv('BI_AGENT_DATABASE', 'bi', env) }
      : env.DATABASE_URL
        ? { kind: 'postgres', url: env.DATABASE_URL }
        : { kind: 'embedded', isolation: overrides.isolation ?? 'worker' };
  return {
    dataDir: resolveDataDir(overrides.dataDir, env),
    warehouse,
    maxRows: positiveInteger(optionalEnv('BI_AGENT_MAX_ROWS', '5000', env), 'BI_AGENT_MAX_ROWS'),
    timeoutMs: positiveInteger(optionalEnv('BI_AGENT_STATEMENT_TIMEOUT_MS', '15000', env), 'BI_AGENT_STATEMENT_TIMEOUT_MS'),
    maxResultBytes: positiveInteger(optionalEnv('BI_AGENT_MAX_RESULT_BYTES', String(DEFAULT_MAX_RESULT_BYTES), env), 'BI_AGENT_MAX_RESULT_BYTES'),
    maxCellBytes: atLeast(
      positiveInteger(optionalEnv('BI_AGENT_MAX_CELL_BYTES', String(DEFAULT_MAX_CELL_BYTES), env), 'BI_AGENT_MAX_CELL_BYTES'),
      MIN_CELL_BYTES,
      'BI_AGENT_MAX_CELL_BYTES',
    ),
    ...(env.BI_AGENT_MAX_QUERY_COST ? { maxQueryCost: positiveNumber(env.BI_AGENT_MAX_QUERY_COST, 'BI_AGENT_MAX_QUERY_COST') } : {}),
    ...(overrides.onProgress ? { onProgress: overrides.onProgress } : {}),
  };
}

/** Builds every adapter for `config` and wires the pipeline. */
export async function buildDependencies(config: ContainerConfig): Promise<Dependencies> {
  const warehouse = await openWarehouse(config);
  try {
    const guard = buildGuard(config, warehouse);
    const index = await openLocalIndex(config);
    const retriever = new LocalRetriever(index);
    const pipeline = new AskPipeline({
      retriever,
      planner: new OfflinePlanner(),
      guard,
      warehouse,
      defaultAsOf: once(() => lastDayOfData(warehouse, config.timeoutMs)),
      timeoutMs: config.timeoutMs,
      maxRows: config.maxRows,
      maxResultBytes: config.maxResultBytes,
      maxCellBytes: config.maxCellBytes,
    });
    return { config, pipeline, guard, warehouse, retriever, index, close: () => warehouse.close() };
  } catch (error) {
    await warehouse.close();
    throw error;
  }
}

/**
 * The guard of the question path: the row cap, and the cost ceiling planned on `warehouse` (when
 * the adapter can EXPLAIN). Every command and handler that checks SQL builds it here, so `bi-agent
 * guard` applies exactly the checks that come before execution in `sql`, `ask` and the API.
 *
 * @example
 * const warehouse = await openWarehouse(config);
 * const verdict = await buildGuard(config, warehouse).check(sql, principal);
 */
export function buildGuard(config: ContainerConfig, warehouse?: Warehouse): PostgresSqlGuard {
  const explain = warehouse?.explain?.bind(warehouse);
  return new PostgresSqlGuard({
    maxRows: config.maxRows,
    ...(explain ? { estimator: { explain } } : {}),
    cost: { maxTotalCost: config.maxQueryCost ?? defaultMaxQueryCost(config) },
  });
}

/** The cost ceiling for the configured warehouse when none is configured (see core/guard/cost.ts). */
export function defaultMaxQueryCost(config: Pick<ContainerConfig, 'warehouse'>): number {
  return config.warehouse.kind === 'embedded' ? EMBEDDED_MAX_TOTAL_COST : DEFAULT_MAX_TOTAL_COST;
}

/** The local retrieval index of the data folder, with the sample documents indexed on first use. */
export async function openLocalIndex(config: Pick<ContainerConfig, 'dataDir'>): Promise<LocalIndex> {
  const index = new LocalIndex({ dataDir: config.dataDir, synonyms: [catalogSynonyms()] });
  await ensureSampleIndex(index);
  return index;
}

/** The warehouse adapter `config` names, started and ready for statements. */
export async function openWarehouse(config: ContainerConfig): Promise<Warehouse> {
  const { warehouse } = config;
  switch (warehouse.kind) {
    case 'rds-data':
      return new RdsDataWarehouse({
        client: new RDSDataClient({}),
        resourceArn: warehouse.resourceArn,
        secretArn: warehouse.secretArn,
        database: warehouse.database,
      });
    case 'postgres':
      return new PostgresWarehouse({ connectionString: warehouse.url });
    case 'embedded': {
      const onProgress = config.onProgress;
      if (warehouse.isolation === 'in-thread') {
        const db = await openEmbeddedWarehouse(config.dataDir, onProgress ? { onProgress } : {});
        return new PgliteInThreadWarehouse(db, { ownsDatabase: true });
      }
      const pglite = new PgliteWarehouse({
        source: { kind: 'embedded', dataDir: config.dataDir },
        ...(onProgress ? { onProgress } : {}),
      });
      await pglite.start();
      return pglite;
    }
  }
}

/** "As of" defaults to the last day of the data, so relative dates mean something on sample data. */
async function lastDayOfData(warehouse: Warehouse, timeoutMs: number): Promise<string> {
  const result = await warehouse.query('select max(sale_date) as last_day from sales.sales_transactions', { timeoutMs, maxRows: 1 });
  const last = result.rows[0]?.[0];
  return typeof last === 'string' ? last : new Date().toISOString().slice(0, 10);
}

function once<T>(fn: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () => {
    value ??= fn().catch((error: unknown) => {
      value = undefined; // a failure (warehouse resuming) is retried on the next request
      throw error;
    });
    return value;
  };
}

function positiveNumber(text: string, name: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number (such as 1e7); got "${text}"`);
  return value;
}

function atLeast(value: number, minimum: number, name: string): number {
  if (value < minimum) throw new Error(`${name} must be at least ${minimum}; got ${value}`);
  return value;
}

function positiveInteger(text: string, name: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive whole number; got "${text}"`);
  return value;
}

let shared: Promise<Dependencies> | undefined;

/**
 * The process's dependencies, built on first call from the environment and shared afterwards
 * (module scope survives between Lambda invocations). A failed build is retried on the next call.
 */
export function getDependencies(): Promise<Dependencies> {
  shared ??= buildDependencies(configFromEnv()).catch((error: unknown) => {
    shared = undefined;
    throw error;
  });
  return shared;
}

/** Installs dependencies built elsewhere (the command line builds them with progress bars). */
export function useDependencies(dependencies: Dependencies): void {
  shared = Promise.resolve(dependencies);
}

/** Closes what `getDependencies` built (graceful shutdown of the local server). */
export async function closeDependencies(): Promise<void> {
  const current = shared;
  shared = undefined;
  if (current) await (await current.catch(() => undefined))?.close();
}
