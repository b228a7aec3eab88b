/**
 * The warehouse on Aurora PostgreSQL through the RDS Data API: HTTPS calls instead of connections,
 * so a Lambda needs no VPC and no pool. Each statement is BeginTransaction → ExecuteStatement (the
 * settings, the cursor, its description, the FETCHes) → RollbackTransaction.
 *
 * Results come as typed records with `columnMetadata` rather than `formatRecordsAs: 'JSON'`: JSON
 * records are objects keyed by column name (a repeated name loses a column, the column order is the
 * JSON's) and carry no types, while typed records keep order and name each column's PostgreSQL type.
 *
 * The Data API caps a response at 1 MiB. The cursor is read in batches within the answer's byte
 * budget (`budgeted-fetch.ts`), sized from the rows seen so that a typical answer takes one or two
 * calls; a batch that still exceeds the cap fails with an actionable `QueryFailedError`.
 */
import {
  BeginTransactionCommand,
  ExecuteStatementCommand,
  RollbackTransactionCommand,
} from '@aws-sdk/client-rds-data';
import type { ColumnMetadata, ExecuteStatementCommandOutput, Field, RDSDataClient, SqlParameter } from '@aws-sdk/client-rds-data';
import { QueryFailedError, QueryTimeoutError, WarehouseUnavailableError } from '../../core/errors.ts';
import type { BiAgentError } from '../../core/errors.ts';
import type { Cell, ExplainOptions, PlanEstimate, QueryOptions, QueryResult, Warehouse } from '../../core/ports.ts';
import { readWithinBudget, type BudgetCursor } from './budgeted-fetch.ts';
import { columnInfo, decodeNumber, decodeText } from './decode.ts';
import { readPlanEstimate } from './explain-plan.ts';
import { toCoreError } from './map-error.ts';
import { pingWith } from './ping.ts';
import { CELL_OVERHEAD_BYTES, textCellBytes } from './result-budget.ts';
import {
  explainStatement,
  sessionSettingsSql,
  sessionSettingValues,
  type RoleSwitch,
  validateExplain,
  validateQuery,
} from './read-only-statement.ts';

export interface RdsDataWarehouseOptions {
  /** An RDS Data client (region, credentials, retry policy and endpoint are the caller's choice). */
  readonly client: RDSDataClient;
  /** The Aurora cluster's ARN. */
  readonly resourceArn: string;
  /** The Secrets Manager secret the Data API logs in with: the read-only database user. */
  readonly secretArn: string;
  readonly database: string;
  /**
   * `null` keeps the login role for every statement (tests only). Default: each statement runs as
   * the database role of its product role (`QueryOptions.role`, `bi_viewer` when absent); the
   * secret's login is a member of those roles (functions/migrate/query-role.ts).
   */
  readonly role?: null;
  /** How often to retry while a paused Serverless v2 cluster resumes. Default 4 (≈ 15 s in all). */
  readonly resumeRetries?: number;
  /** First wait between resume retries, doubled each time. Default 1 s. */
  readonly resumeBackoffMs?: number;
  /** Extra time a call may take past the statement timeout before the client gives up. Default 2 s. */
  readonly clientGraceMs?: number;
  /** Waits between resume retries (replaceable in tests). */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** The Data API's own ceiling on one statement (without `continueAfterTimeout`). */
const dataApiTimeoutMs = 45_000;
/** What a resuming cluster typically needs, told to callers that should come back later. */
const resumeRetryAfterSeconds = 15;

/**
 * The warehouse over the RDS Data API.
 *
 * @example
 * const warehouse = new RdsDataWarehouse({ client: new RDSDataClient({}), resourceArn, secretArn, database: 'bi' });
 * const result = await warehouse.query('select region_name from sales.regions', { timeoutMs: 5000, maxRows: 1000 });
 */
export class RdsDataWarehouse implements Warehouse {
  readonly kind = 'rds-data';
  readonly #options: RdsDataWarehouseOptions;
  readonly #target: { resourceArn: string; secretArn: string; database: string };
  readonly #roleSwitch: RoleSwitch;

  constructor(options: RdsDataWarehouseOptions) {
    this.#options = options;
    this.#target = { resourceArn: options.resourceArn, secretArn: options.secretArn, database: options.database };
    this.#roleSwitch = options.role === null ? 'login-role' : 'database-role';
  }

  async query(sql: string, options: QueryOptions): Promise<QueryResult> {
    validateQuery(sql, options);
    return this.#readOnly(options, (execute) => readWithinBudget(dataApiCursor(execute), sql, options));
  }

  /** Plans `sql` (EXPLAIN, never run) in a Data API transaction with the same settings as `query`. */
  async explain(sql: string, options: ExplainOptions): Promise<PlanEstimate> {
    validateExplain(sql, options);
    return this.#readOnly(options, async (execute) => {
      const planned = await execute(explainStatement(sql));
      const field = planned.records?.[0]?.[0];
      return readPlanEstimate(field?.stringValue);
    });
  }

  /** BeginTransaction, the session settings, `work`, RollbackTransaction: the walls around every call. */
  async #readOnly<T>(
    options: Pick<QueryOptions, 'timeoutMs' | 'regions' | 'role'>,
    work: (execute: (text: string, parameters?: SqlParameter[]) => Promise<ExecuteStatementCommandOutput>) => Promise<T>,
  ): Promise<T> {
    if (options.timeoutMs > dataApiTimeoutMs) {
      // The Data API would cut the statement off at 45 s anyway, with a less helpful error.
      options = { ...options, timeoutMs: dataApiTimeoutMs - 1_000 };
    }
    const { client } = this.#options;
    const callOptions = (): { abortSignal: AbortSignal } => ({
      abortSignal: AbortSignal.timeout(options.timeoutMs + (this.#options.clientGraceMs ?? 2_000)),
    });
    const transactionId = await this.#beginTransaction();
    const execute = (text: string, parameters?: SqlParameter[]) =>
      client.send(
        new ExecuteStatementCommand({ ...this.#target, transactionId, sql: text, parameters, includeResultMetadata: true }),
        callOptions(),
      );
    let failed = false;
    try {
      const [timeout, regions, role] = sessionSettingValues(options, this.#roleSwitch);
      await execute(sessionSettingsSql([':timeout', ':regions', ':role']), [
        { name: 'timeout', value: { stringValue: timeout } },
        { name: 'regions', value: { stringValue: regions } },
        { name: 'role', value: { stringValue: role } },
      ]);
      return await work(execute);
    } catch (error) {
      failed = true;
      if (error instanceof QueryFailedError) throw error;
      throw mapRdsDataError(error, options.timeoutMs);
    } finally {
      const rolledBack = client
        .send(new RollbackTransactionCommand({ resourceArn: this.#target.resourceArn, secretArn: this.#target.secretArn, transactionId }))
        .catch(() => undefined);
      // After a failure the statement may still be running; don't hold the caller for the rollback
      // (the Data API also ends an abandoned transaction on its own after its timeout).
      if (!failed) await rolledBack;
    }
  }

  async ping(): Promise<void> {
    await pingWith(this, 10_000);
  }

  /** Nothing to release: the client is the caller's, and the Data API holds no connection for us. */
  async close(): Promise<void> {}

  /** BeginTransaction, retried with backoff while a paused Serverless v2 cluster resumes. */
  async #beginTransaction(): Promise<string> {
    const retries = this.#options.resumeRetries ?? 4;
    const sleep = this.#options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    let wait = this.#options.resumeBackoffMs ?? 1_000;
    for (let attempt = 0; ; attempt++) {
      try {
        const begun = await this.#options.client.send(new BeginTransactionCommand(this.#target), {
          abortSignal: AbortSignal.timeout(dataApiTimeoutMs),
        });
        if (!begun.transactionId) throw new WarehouseUnavailableError('The Data API began no transaction; try again.', 1);
        return begun.transactionId;
      } catch (error) {
        if (errorName(error) === 'DatabaseResumingException' && attempt < retries) {
          await sleep(wait);
          wait *= 2;
          continue;
        }
        throw mapRdsDataError(error, undefined);
      }
    }
  }
}

/** The Data API's own cap on one response; batches aim at half of it (JSON adds to what cells count for). */
const dataApiResponseBytes = 1024 * 1024;

/**
 * The Data API as a `BudgetCursor`: typed fields and column metadata. The service caps every
 * response at 1 MiB, so a batch can never hold more than that in this process; batches are sized
 * from the rows seen (few calls for a typical answer), and one that still overflows fails as the
 * actionable "larger than the Data API allows" error.
 */
function dataApiCursor(
  execute: (text: string) => Promise<ExecuteStatementCommandOutput>,
): BudgetCursor<ColumnMetadata, readonly Field[]> {
  return {
    batching: { kind: 'observed', firstRows: 100, responseBytes: dataApiResponseBytes / 2 },
    async execute(text) {
      await execute(text);
    },
    async fetch(text) {
      const fetched = await execute(text);
      return { columns: fetched.columnMetadata ?? [], rows: fetched.records ?? [] };
    },
    typeName: (column) => column.typeName,
    cellBytes: (record, index) => fieldBytes(record[index]),
    cellText: (record, index) => record[index]?.stringValue ?? null,
    decode: (metadata, records) => ({
      columns: metadata.map((column, index) => columnInfo(column.label || column.name || `column${index + 1}`, column.typeName)),
      rows: records.map((record) => metadata.map((column, index) => decodeField(record[index], column))),
    }),
  };
}

/** What one Data API field counts for in the byte budget: the length of its value as text. */
function fieldBytes(field: Field | undefined): number {
  if (!field || field.isNull) return CELL_OVERHEAD_BYTES;
  if (field.stringValue !== undefined) return textCellBytes(field.stringValue);
  if (field.longValue !== undefined || field.doubleValue !== undefined) return textCellBytes(String(field.longValue ?? field.doubleValue));
  if (field.booleanValue !== undefined) return textCellBytes(String(field.booleanValue));
  if (field.blobValue !== undefined) return CELL_OVERHEAD_BYTES + Math.ceil(field.blobValue.length / 3) * 4;
  if (field.arrayValue !== undefined) return textCellBytes(JSON.stringify(field.arrayValue));
  return CELL_OVERHEAD_BYTES;
}

/** One Data API field as a core cell; `decode.ts` interprets the text of typed strings. */
export function decodeField(field: Field | undefined, column: ColumnMetadata): Cell {
  if (!field || field.isNull) return null;
  if (field.longValue !== undefined) return field.longValue;
  if (field.doubleValue !== undefined) return Number.isFinite(field.doubleValue) ? field.doubleValue : null;
  if (field.booleanValue !== undefined) return field.booleanValue;
  if (field.stringValue !== undefined) {
    const info = columnInfo('', column.typeName);
    return info.type === 'number' ? decodeNumber(field.stringValue) : decodeText(info.type, column.typeName?.toLowerCase(), field.stringValue);
  }
  if (field.blobValue !== undefined) return Buffer.from(field.blobValue).toString('base64');
  if (field.arrayValue !== undefined) return JSON.stringify(field.arrayValue);
  return null;
}

function errorName(error: unknown): string | undefined {
  return error && typeof error === 'object' && 'name' in error ? String((error as { name: unknown }).name) : undefined;
}

const unavailable: Readonly<Record<string, { retryAfterSeconds: number | undefined; reason: string }>> = {
  DatabaseResumingException: { retryAfterSeconds: resumeRetryAfterSeconds, reason: 'The warehouse is resuming from pause' },
  DatabaseUnavailableException: { retryAfterSeconds: 10, reason: 'The warehouse is unavailable' },
  ServiceUnavailableError: { retryAfterSeconds: 5, reason: 'The RDS Data API is unavailable' },
  InternalServerErrorException: { retryAfterSeconds: 5, reason: 'The RDS Data API failed' },
  ThrottlingException: { retryAfterSeconds: 2, reason: 'The RDS Data API is throttling requests' },
  TooManyRequestsException: { retryAfterSeconds: 2, reason: 'The RDS Data API is throttling requests' },
  TransactionNotFoundException: { retryAfterSeconds: 1, reason: 'The warehouse ended the transaction' },
  DatabaseNotFoundException: { retryAfterSeconds: undefined, reason: 'The configured database does not exist' },
  HttpEndpointNotEnabledException: { retryAfterSeconds: undefined, reason: 'The Data API is not enabled on the cluster' },
  InvalidSecretException: { retryAfterSeconds: undefined, reason: 'The database secret is not valid' },
  SecretsErrorException: { retryAfterSeconds: undefined, reason: 'The database secret cannot be read' },
  AccessDeniedException: { retryAfterSeconds: undefined, reason: 'This service may not call the Data API' },
  ForbiddenException: { retryAfterSeconds: undefined, reason: 'This service may not call the Data API' },
  InvalidResourceStateException: { retryAfterSeconds: 10, reason: 'The cluster is not in a state to run queries' },
};

/**
 * Data API errors → core errors. A PostgreSQL error comes as `DatabaseErrorException` (or
 * `BadRequestException`) whose message ends in `; SQLState: 42501`; it is mapped by SQLSTATE like
 * every other adapter's. Service states (resuming, throttled, misconfigured) mean unavailable.
 */
export function mapRdsDataError(error: unknown, timeoutMs: number | undefined): BiAgentError {
  const name = errorName(error);
  const message = error instanceof Error ? error.message : String(error);
  if (name === 'AbortError' || name === 'TimeoutError' || name === 'StatementTimeoutException') {
    return new QueryTimeoutError(
      `The query ran longer than ${timeoutMs !== undefined ? `${timeoutMs} ms` : 'its time limit'} and was stopped; narrow the date range or aggregate more.`,
      { cause: error, details: timeoutMs !== undefined ? { timeoutMs } : {} },
    );
  }
  const service = name ? unavailable[name] : undefined;
  if (service) {
    return new WarehouseUnavailableError(`${service.reason}; ${service.retryAfterSeconds ? 'try again shortly' : 'check the deployment'}.`, service.retryAfterSeconds, {
      cause: error,
      details: { dataApiError: name },
    });
  }
  if (/response size limit|exceeds? the (maximum|allowed) (response )?size|1 ?MiB/i.test(message)) {
    return new QueryFailedError(
      'The result is larger than the RDS Data API allows in one response (1 MiB): select fewer or narrower columns, or aggregate, rather than listing raw rows.',
      { cause: error, details: { dataApiError: name, limit: '1 MiB' } },
    );
  }
  const sqlState = /SQLState:\s*([0-9A-Z]{5})/i.exec(message)?.[1]?.toUpperCase();
  if (sqlState) {
    const postgresMessage = message
      .replace(/;?\s*SQLState:\s*[0-9A-Z]{5}\s*$/i, '')
      .replace(/^ERROR:\s*/, '')
      .trim();
    return toCoreError({ sqlState, message: postgresMessage }, error, timeoutMs);
  }
  const systemCode = error && typeof error === 'object' && 'code' in error ? String((error as { code: unknown }).code) : undefined;
  return toCoreError({ message, systemCode }, error, timeoutMs);
}
