/**
 * A local stand-in for the RDS Data API, for the adapter tests: an HTTP/1.1 server that speaks the
 * API's REST-JSON protocol as `@aws-sdk/client-rds-data` sends it (POST /BeginTransaction, /Execute,
 * /RollbackTransaction, /CommitTransaction) and runs the statements on a real PostgreSQL, so the
 * results, types and errors the adapter decodes are real PostgreSQL ones.
 *
 * What it imitates of the service, as documented or observed: one dedicated connection per
 * transaction; named parameters (`:name`); typed records (`longValue` for integers, `doubleValue`
 * for floats, `stringValue` for numeric, dates, timestamps — `timestamptz` printed in UTC without
 * an offset — and text, `booleanValue`, `isNull`) with `columnMetadata.typeName` from pg_type;
 * PostgreSQL errors as `DatabaseErrorException` with `…; SQLState: XXXXX`; the 1 MiB response cap as
 * a `BadRequestException`; and, on demand, injected service errors (`DatabaseResumingException`,
 * throttling) for the next calls of an operation.
 *
 * What it does not prove: IAM and Secrets Manager (no signature or secret is checked), the real
 * service's exact limits, timings and messages (the size-limit message in particular is a guess the
 * adapter matches loosely), the network (latency, TLS), `formatRecordsAs: 'JSON'` (refused here),
 * or how the real service treats a statement still running when a transaction is rolled back.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';

export interface FakeRdsDataEndpointOptions {
  /** The PostgreSQL the statements run on. */
  readonly connectionString: string;
  /** The database name requests must carry (the Data API's `database`). */
  readonly database: string;
  /** Response cap in bytes. Default 1 MiB, as the real service. */
  readonly maxResponseBytes?: number;
}

export interface RecordedCall {
  readonly operation: string;
  readonly body: Record<string, unknown>;
}

export interface InjectedFailure {
  readonly operation: string;
  readonly errorType: string;
  readonly status?: number;
  readonly message?: string;
  /** How many calls in a row fail. Default 1. */
  readonly times?: number;
}

export interface FakeRdsDataEndpoint {
  readonly url: string;
  /** Every call received, in order. */
  readonly calls: RecordedCall[];
  /** Makes the next calls of an operation fail with a service error. */
  failNext(failure: InjectedFailure): void;
  /** Transactions begun and not yet committed or rolled back. */
  openTransactions(): number;
  close(): Promise<void>;
}

class ServiceError extends Error {
  constructor(
    readonly errorType: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

type Field =
  | { isNull: true }
  | { longValue: number }
  | { doubleValue: number }
  | { booleanValue: boolean }
  | { stringValue: string };

const rawText: pg.CustomTypesConfig = { getTypeParser: (() => (value: string) => value) as pg.CustomTypesConfig['getTypeParser'] };

/** Starts the fake on 127.0.0.1, on a free port. */
export async function startFakeRdsDataEndpoint(options: FakeRdsDataEndpointOptions): Promise<FakeRdsDataEndpoint> {
  const pool = new pg.Pool({ connectionString: options.connectionString, max: 8, types: rawText });
  pool.on('error', () => undefined);
  const typeNames = new Map<number, string>();
  for (const row of (await pool.query<{ oid: string; typname: string }>('SELECT oid, typname FROM pg_type')).rows) {
    typeNames.set(Number(row.oid), row.typname);
  }
  const transactions = new Map<string, pg.PoolClient>();
  const calls: RecordedCall[] = [];
  const failures: { failure: InjectedFailure; left: number }[] = [];
  const maxResponseBytes = options.maxResponseBytes ?? 1024 * 1024;

  const target = (body: Record<string, unknown>): void => {
    if (typeof body.resourceArn !== 'string' || typeof body.secretArn !== 'string') {
      throw new ServiceError('BadRequestException', 'resourceArn and secretArn are required');
    }
  };

  const operations: Record<string, (body: Record<string, unknown>) => Promise<unknown>> = {
    async BeginTransaction(body) {
      target(body);
      if (body.database !== options.database) throw new ServiceError('DatabaseNotFoundException', `Database ${String(body.database)} not found`);
      const client = await pool.connect();
      await client.query('BEGIN');
      const transactionId = Buffer.from(randomUUID()).toString('base64');
      transactions.set(transactionId, client);
      return { transactionId };
    },
    async Execute(body) {
      target(body);
      if (body.formatRecordsAs === 'JSON') throw new ServiceError('BadRequestException', 'formatRecordsAs JSON is not supported by this fake');
      const { text, values } = positional(String(body.sql), (body.parameters as SqlParameter[] | undefined) ?? []);
      const transactionId = body.transactionId as string | undefined;
      const client = transactionId ? transactions.get(transactionId) : await pool.connect();
      if (!client) throw new ServiceError('TransactionNotFoundException', `Transaction ${transactionId} is not found`);
      try {
        const result = await client.query({ text, values, rowMode: 'array', types: rawText, queryMode: 'extended' } as pg.QueryArrayConfig);
        const fields = result.fields ?? [];
        const response: Record<string, unknown> = { numberOfRecordsUpdated: result.command === 'SELECT' || result.command === 'FETCH' ? 0 : (result.rowCount ?? 0) };
        if (fields.length > 0) {
          response.records = result.rows.map((row) => row.map((cell, index) => toField(cell as string | null, typeNames.get(fields[index]!.dataTypeID))));
          if (body.includeResultMetadata) {
            response.columnMetadata = fields.map((field) => ({
              name: field.name,
              label: field.name,
              typeName: typeNames.get(field.dataTypeID) ?? 'unknown',
              type: 12,
              nullable: 2,
            }));
          }
        }
        return response;
      } catch (error) {
        const { code, message } = error as { code?: string; message: string };
        throw new ServiceError('DatabaseErrorException', `ERROR: ${message}; SQLState: ${code ?? 'XX000'}`);
      } finally {
        if (!transactionId) client.release();
      }
    },
    async RollbackTransaction(body) {
      return end(body, 'ROLLBACK', 'Rollback Complete');
    },
    async CommitTransaction(body) {
      return end(body, 'COMMIT', 'Transaction Committed');
    },
  };

  async function end(body: Record<string, unknown>, command: string, status: string): Promise<unknown> {
    target(body);
    const transactionId = String(body.transactionId);
    const client = transactions.get(transactionId);
    if (!client) throw new ServiceError('NotFoundException', `Transaction ${transactionId} is not found`);
    transactions.delete(transactionId);
    try {
      await client.query(command);
      client.release();
    } catch (error) {
      client.release(error as Error);
    }
    return { transactionStatus: status };
  }

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    void (async () => {
      const operation = (request.url ?? '').replace(/^\//, '').split('?')[0] ?? '';
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      let body: Record<string, unknown> = {};
      try {
        body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>) : {};
        calls.push({ operation, body });
        const injected = failures.find((entry) => entry.failure.operation === operation && entry.left > 0);
        if (injected) {
          injected.left--;
          const { errorType, status, message } = injected.failure;
          throw new ServiceError(errorType, message ?? `${errorType} (injected)`, status ?? 400);
        }
        const handler = request.method === 'POST' ? operations[operation] : undefined;
        if (!handler) throw new ServiceError('UnknownOperationException', `Unknown operation ${operation}`, 404);
        const json = JSON.stringify(await handler(body));
        if (Buffer.byteLength(json) > maxResponseBytes) {
          throw new ServiceError('BadRequestException', 'Database returned more than the allowed response size limit');
        }
        response.writeHead(200, { 'content-type': 'application/json' }).end(json);
      } catch (error) {
        const serviceError = error instanceof ServiceError ? error : new ServiceError('InternalServerErrorException', String(error), 500);
        response
          .writeHead(serviceError.status, { 'content-type': 'application/json', 'x-amzn-errortype': serviceError.errorType })
          .end(JSON.stringify({ message: serviceError.message }));
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    failNext(failure) {
      failures.push({ failure, left: failure.times ?? 1 });
    },
    openTransactions: () => transactions.size,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      for (const client of transactions.values()) client.release(true);
      transactions.clear();
      await pool.end();
    },
  };
}

interface SqlParameter {
  readonly name: string;
  readonly value: Record<string, unknown>;
}

/** `:name` placeholders → `$n`, skipping `::` casts. Only names that were passed are replaced. */
function positional(sql: string, parameters: readonly SqlParameter[]): { text: string; values: unknown[] } {
  const order: string[] = [];
  const byName = new Map(parameters.map((parameter) => [parameter.name, parameter.value]));
  const text = sql.replace(/(?<![:\w]):([A-Za-z_]\w*)/g, (whole, name: string) => {
    if (!byName.has(name)) return whole;
    if (!order.includes(name)) order.push(name);
    return `$${order.indexOf(name) + 1}`;
  });
  const values = order.map((name) => {
    const value = byName.get(name)!;
    if (value.isNull) return null;
    return value.stringValue ?? value.longValue ?? value.doubleValue ?? value.booleanValue ?? null;
  });
  return { text, values };
}

/** A PostgreSQL text value as the Data API's typed field for its type. */
function toField(text: string | null, typeName: string | undefined): Field {
  if (text === null) return { isNull: true };
  switch (typeName) {
    case 'int2':
    case 'int4':
    case 'int8':
    case 'oid':
      return { longValue: Number(text) };
    case 'float4':
    case 'float8':
      return { doubleValue: Number(text) };
    case 'bool':
      return { booleanValue: text === 't' };
    case 'timestamptz':
      return { stringValue: text.replace(/[+-]00(:00)?$/, '') };
    default:
      return { stringValue: text };
  }
}
