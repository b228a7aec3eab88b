/**
 * A local stand-in for the RDS Data API, for the adapter tests: an HTTP/1.1 server that speaks the
 * API's REST-JSON protocol as `@aws-sdk/client-rds-data` sends it (POST /BeginTransaction, /Execute,
 * /RollbackTransaction, /CommitTransaction) and runs the statements on a real PostgreSQL, so the
 * results, types and errors the adapter decodes are real PostgreSQL ones.
 *
 * What it imitates of the service, as documented or observed: one dedicated connection per
 * transaction; named parameters (`:name`); typed records (`longValue` for integers, `doubleValue`
 * for floats, `stringValue` for numeric, dates, timestamps — `timestamptz` printed in UTC without
 * an offset — and text, `booleanValue`, `isNull`) with `columnMetadata.typeName` from pg_type, or
 * with `formatRecordsAs: 'JSON'` the same values as one JSON array of objects keyed by column name;
 * PostgreSQL errors as `DatabaseErrorException` with `…; SQLState: XXXXX`; the 1 MiB response cap as
 * a `BadRequestException`; the result types the service cannot return (see
 * {@link dataApiCanReturn}: `void`, records, `"char"`, the reg* and other system types, `interval`,
 * multidimensional arrays, …) as an `UnsupportedResultException` after the statement ran; on
 * demand, logging in with each secret's own username and password (`login`), so a wrong password
 * fails every call as it does on Aurora; and, on demand, injected service errors
 * (`DatabaseResumingException`, throttling) for the next calls of an operation.
 *
 * What it does not prove: IAM and Secrets Manager (no signature is checked; a secret is whatever
 * `login` says), the real service's exact limits, timings and messages (the size-limit, unsupported
 * type and failed-login messages are guesses the code under test must match loosely), the network
 * (latency, TLS), the exact JSON shapes of `formatRecordsAs: 'JSON'` and of array values (arrays come
 * back as their PostgreSQL text in `stringValue`, not as `arrayValue`), or how the real service
 * treats a statement still running when a transaction is rolled back.
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
  /**
   * The credentials the service reads from a request's secret. When given, every call logs in to
   * PostgreSQL with them (a pool per login), so a secret whose password the database does not
   * accept fails as on Aurora. Default: every secret logs in as the connection string's user.
   */
  readonly login?: (secretArn: string) => DatabaseLogin | Promise<DatabaseLogin>;
}

/** A database login as a Data API secret holds it. */
export interface DatabaseLogin {
  readonly username: string;
  readonly password: string;
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
  const newPool = (connectionString: string): pg.Pool => {
    const created = new pg.Pool({ connectionString, max: 8, types: rawText });
    created.on('error', () => undefined);
    return created;
  };
  const pool = newPool(options.connectionString);
  const loginPools = new Map<string, pg.Pool>();
  /** A connection as the request's secret logs in (see `login`). */
  const connect = async (body: Record<string, unknown>): Promise<pg.PoolClient> => {
    let target = pool;
    if (options.login) {
      const { username, password } = await options.login(String(body.secretArn));
      const url = new URL(options.connectionString);
      url.username = encodeURIComponent(username);
      url.password = encodeURIComponent(password);
      const key = url.toString();
      target = loginPools.get(key) ?? newPool(key);
      loginPools.set(key, target);
    }
    try {
      return await target.connect();
    } catch (error) {
      const { code, message } = error as { code?: string; message: string };
      // As Aurora Serverless v1 was seen to answer; v2's exact error type is not documented.
      throw new ServiceError('BadRequestException', `FATAL: ${message}; SQLState: ${code ?? '08006'}`);
    }
  };
  const types = new Map<number, PgType>();
  const loadTypes = async (oid?: number): Promise<void> => {
    const { rows } = await pool.query<{ oid: string; typname: string; typtype: string; typelem: string }>(
      `SELECT oid, typname, typtype, typelem FROM pg_type${oid === undefined ? '' : ' WHERE oid = $1'}`,
      oid === undefined ? [] : [oid],
    );
    for (const row of rows) types.set(Number(row.oid), { name: row.typname, kind: row.typtype, element: Number(row.typelem) });
  };
  await loadTypes();
  /** The type of a result column; types created after start (an enum in a migration) are looked up then. */
  const typeOf = async (oid: number): Promise<PgType | undefined> => {
    if (!types.has(oid)) await loadTypes(oid);
    return types.get(oid);
  };
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
      const client = await connect(body);
      await client.query('BEGIN');
      const transactionId = Buffer.from(randomUUID()).toString('base64');
      transactions.set(transactionId, client);
      return { transactionId };
    },
    async Execute(body) {
      target(body);
      const { text, values } = positional(String(body.sql), (body.parameters as SqlParameter[] | undefined) ?? []);
      const transactionId = body.transactionId as string | undefined;
      const client = transactionId ? transactions.get(transactionId) : await connect(body);
      if (!client) throw new ServiceError('TransactionNotFoundException', `Transaction ${transactionId} is not found`);
      try {
        let result: pg.QueryArrayResult;
        try {
          result = await client.query({ text, values, rowMode: 'array', types: rawText, queryMode: 'extended' } as pg.QueryArrayConfig);
        } catch (error) {
          const { code, message } = error as { code?: string; message: string };
          throw new ServiceError('DatabaseErrorException', `ERROR: ${message}; SQLState: ${code ?? 'XX000'}`);
        }
        const fields = result.fields ?? [];
        const response: Record<string, unknown> = { numberOfRecordsUpdated: result.command === 'SELECT' || result.command === 'FETCH' ? 0 : (result.rowCount ?? 0) };
        if (fields.length > 0) {
          const columnTypes = await Promise.all(fields.map((field) => typeOf(field.dataTypeID)));
          // The statement has run (and stays run in its transaction); only its result cannot be returned.
          for (const type of columnTypes) {
            if (!dataApiCanReturn(type, (oid) => types.get(oid))) {
              throw new ServiceError('UnsupportedResultException', `The result contains the unsupported data type "${(type?.name ?? 'unknown').toUpperCase()}".`);
            }
          }
          for (const row of result.rows) {
            row.forEach((cell, index) => {
              if (!isArray(columnTypes[index]) || typeof cell !== 'string') return;
              if (/^(\[[^\]]*\])+=|^\{\s*\{/.test(cell)) {
                throw new ServiceError('UnsupportedResultException', 'The result contains a multidimensional array.');
              }
            });
          }
          const records = result.rows.map((row) => row.map((cell, index) => toField(cell as string | null, columnTypes[index]?.name)));
          if (body.formatRecordsAs === 'JSON') {
            response.formattedRecords = JSON.stringify(
              records.map((record) => Object.fromEntries(record.map((field, index) => [fields[index]!.name, fieldValue(field)]))),
            );
          } else {
            response.records = records;
          }
          if (body.includeResultMetadata) {
            response.columnMetadata = fields.map((field, index) => ({
              name: field.name,
              label: field.name,
              typeName: columnTypes[index]?.name ?? 'unknown',
              type: 12,
              nullable: 2,
            }));
          }
        }
        return response;
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
      await Promise.all([pool, ...loginPools.values()].map((each) => each.end()));
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

/** The value of a typed field, as `formatRecordsAs: 'JSON'` gives it. */
function fieldValue(field: Field): string | number | boolean | null {
  if ('isNull' in field) return null;
  if ('longValue' in field) return field.longValue;
  if ('doubleValue' in field) return field.doubleValue;
  if ('booleanValue' in field) return field.booleanValue;
  return field.stringValue;
}

/** A row of pg_type: name, `typtype` (b base, e enum, p pseudo, c composite, …) and array element. */
export interface PgType {
  readonly name: string;
  readonly kind: string;
  readonly element: number;
}

/**
 * The scalar types the Data API returns for Aurora PostgreSQL (Serverless v2 and provisioned), by
 * pg_type name: the list of the Aurora User Guide's "Data API operations reference" (BOOL, BYTEA,
 * DATE, CIDR, DECIMAL/NUMERIC, ENUM, FLOAT8, INET, INT/INT4, INT2, INT8, JSON/JSONB, REAL, TEXT,
 * CHAR(N), VARCHAR, NAME, TIME, TIMESTAMP, UUID, VECTOR), plus `timestamptz`, which the service
 * returns as a UTC string. Everything else — `void`, `record` and other pseudo-types, composite
 * rows, `"char"` (pg_class.relkind), `regclass`/`regtype` and the other reg* and system types
 * (`oid`, `xid`, `pg_lsn`, `aclitem`, …), `interval`, `timetz`, `money`, `xml`, `bit`, ranges, geometry,
 * text search — is answered with UnsupportedResultException (observed for `"char"` and `regtype`).
 */
const SCALARS = new Set([
  'bool', 'bytea', 'date', 'cidr', 'numeric', 'float8', 'inet', 'int4', 'int2', 'int8', 'json', 'jsonb', 'float4',
  'text', 'bpchar', 'varchar', 'name', 'time', 'timestamp', 'timestamptz', 'uuid', 'vector',
]);
/** The one-dimensional arrays the Data API returns (the same guide: BOOL[]/BIT[], DATE[], … UUID[]). */
const ARRAY_ELEMENTS = new Set([
  'bool', 'bit', 'date', 'numeric', 'float8', 'int4', 'int2', 'int8', 'json', 'float4', 'text', 'bpchar', 'varchar', 'name', 'time', 'timestamp', 'uuid',
]);

/** An array type (`_int4`, …) rather than a type that merely has an element (`name`, `point`). */
function isArray(type: PgType | undefined): boolean {
  return type !== undefined && type.element !== 0 && type.name.startsWith('_');
}

/** Whether the Data API can return a result column of `type` (`typeOf` finds an array's element type). */
export function dataApiCanReturn(type: PgType | undefined, typeOf: (oid: number) => PgType | undefined): boolean {
  if (!type) return false;
  if (type.kind === 'e') return true;
  if (type.kind !== 'b') return false;
  if (isArray(type)) {
    const element = typeOf(type.element);
    return element !== undefined && ARRAY_ELEMENTS.has(element.name);
  }
  return SCALARS.has(type.name);
}
