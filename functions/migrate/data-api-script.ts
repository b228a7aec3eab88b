/**
 * `ExecuteScript` over the RDS Data API, for the migrations runner (functions/warehouse/migrate.ts).
 *
 * The runner writes scripts for a session: several statements per call, `BEGIN` in one call and
 * `COMMIT` in a later one. The Data API runs one statement a call and has no session, only
 * transactions by id. So each script is split into statements; `BEGIN`/`COMMIT`/`ROLLBACK` become
 * BeginTransaction/CommitTransaction/RollbackTransaction, and every statement in between runs with
 * the open transaction's id — one transaction across calls, as the runner expects.
 */
import {
  BeginTransactionCommand,
  CommitTransactionCommand,
  ExecuteStatementCommand,
  RollbackTransactionCommand,
  type RDSDataClient,
} from '@aws-sdk/client-rds-data';
import type { ExecuteScript } from '../warehouse/migrate.ts';
import { splitStatements, stripComments } from './split-statements.ts';

export interface DataApiTarget {
  readonly resourceArn: string;
  readonly secretArn: string;
  readonly database: string;
}

export interface DataApiScriptOptions {
  /** Retries while a paused Serverless v2 cluster resumes. Default 8 (about a minute). */
  readonly resumeRetries?: number;
  /** First wait between retries, doubled each time (capped at 10 s). Default 1 s. */
  readonly resumeBackoffMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** A script executor over the Data API, and the id of the transaction it holds open (if any). */
export interface DataApiScript extends ExecuteScript {
  readonly transactionId: () => string | undefined;
}

/**
 * @example
 * const execute = dataApiScript(new RDSDataClient({}), { resourceArn, secretArn, database: 'bi' });
 * await migrate(execute);
 */
export function dataApiScript(client: RDSDataClient, target: DataApiTarget, options: DataApiScriptOptions = {}): DataApiScript {
  let transactionId: string | undefined;
  const retrying = <T>(call: () => Promise<T>) => withResumeRetries(call, options);

  const runOne = async (statement: string): Promise<Record<string, unknown>[]> => {
    const head = stripComments(statement).toUpperCase();
    if (/^(BEGIN|START\s+TRANSACTION)\b/.test(head)) {
      if (transactionId) throw new Error('BEGIN inside an open transaction');
      const begun = await retrying(() => client.send(new BeginTransactionCommand({ ...target })));
      if (!begun.transactionId) throw new Error('The Data API began no transaction');
      transactionId = begun.transactionId;
      return [];
    }
    if (/^(COMMIT|END)\b/.test(head)) {
      if (!transactionId) return []; // as PostgreSQL: a warning, not an error
      const id = transactionId;
      transactionId = undefined;
      await client.send(new CommitTransactionCommand({ resourceArn: target.resourceArn, secretArn: target.secretArn, transactionId: id }));
      return [];
    }
    if (/^ROLLBACK\b/.test(head)) {
      if (!transactionId) return [];
      const id = transactionId;
      transactionId = undefined;
      await client.send(new RollbackTransactionCommand({ resourceArn: target.resourceArn, secretArn: target.secretArn, transactionId: id }));
      return [];
    }
    const result = await retrying(() =>
      client.send(
        new ExecuteStatementCommand({ ...target, sql: statement, formatRecordsAs: 'JSON', ...(transactionId ? { transactionId } : {}) }),
      ),
    );
    return result.formattedRecords ? (JSON.parse(result.formattedRecords) as Record<string, unknown>[]) : [];
  };

  const execute = async (sql: string): Promise<Record<string, unknown>[]> => {
    let rows: Record<string, unknown>[] = [];
    for (const statement of splitStatements(sql)) rows = await runOne(statement);
    return rows;
  };
  return Object.assign(execute, { transactionId: () => transactionId });
}

async function withResumeRetries<T>(call: () => Promise<T>, options: DataApiScriptOptions): Promise<T> {
  const retries = options.resumeRetries ?? 8;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  let wait = options.resumeBackoffMs ?? 1_000;
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      const name = error && typeof error === 'object' && 'name' in error ? String(error.name) : '';
      if (name !== 'DatabaseResumingException' || attempt >= retries) throw error;
      await sleep(wait);
      wait = Math.min(wait * 2, 10_000);
    }
  }
}
