/**
 * Every migration and the query logins' script through the RDS Data API path the deploy uses
 * (functions/migrate/data-api-script.ts → @aws-sdk/client-rds-data → the local Data API endpoint →
 * PostgreSQL 15), where every statement must return only types the Data API can return; and the
 * endpoint's own refusal of the others, which is what makes that a test.
 */
import { randomBytes } from 'node:crypto';
import { ExecuteStatementCommand, RDSDataClient } from '@aws-sdk/client-rds-data';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataApiScript } from '../../functions/migrate/data-api-script.ts';
import { cloneUsername, queryLoginsScript } from '../../functions/migrate/query-role.ts';
import { scramSha256Verifier } from '../../functions/migrate/scram-verifier.ts';
import { loadMigrations, migrate } from '../../functions/warehouse/migrate.ts';
import { startFakeRdsDataEndpoint, type FakeRdsDataEndpoint } from '../adapters/warehouse/fake-rds-data-endpoint.ts';
import { createTestDatabase, postgresAvailable, TEST_POSTGRES_URL, type TestDatabase } from '../support/postgres.ts';

const target = {
  resourceArn: 'arn:aws:rds:eu-west-1:123456789012:cluster:bi-agent-test',
  secretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:owner-AbCdEf',
};

describe.skipIf(!(await postgresAvailable()))('Migrations through the RDS Data API, on PostgreSQL 15', () => {
  let database: TestDatabase;
  let endpoint: FakeRdsDataEndpoint;
  let client: RDSDataClient;
  // Roles are the server's, not the database's: a name of this run's own, dropped afterwards.
  const baseUsername = `bi_query_t${randomBytes(3).toString('hex')}`;

  beforeAll(async () => {
    database = await createTestDatabase({ migrate: false });
    endpoint = await startFakeRdsDataEndpoint({ connectionString: database.url, database: database.name });
    client = new RDSDataClient({ endpoint: endpoint.url, region: 'eu-west-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'example' }, maxAttempts: 1 });
  });
  afterAll(async () => {
    await endpoint?.close();
    await database?.drop();
    const admin = new pg.Client(TEST_POSTGRES_URL);
    await admin.connect();
    for (const role of [baseUsername, cloneUsername(baseUsername)]) await admin.query(`DROP ROLE IF EXISTS ${role}`);
    await admin.end();
  });

  const execute = (sql: string) => client.send(new ExecuteStatementCommand({ ...target, database: database.name, sql, includeResultMetadata: true }));

  describe('the local Data API endpoint', () => {
    it.each([
      ['void (pg_advisory_xact_lock)', 'SELECT pg_advisory_xact_lock(1)', 'VOID'],
      ['void (pg_sleep)', 'SELECT pg_sleep(0)', 'VOID'],
      ['an anonymous record', 'SELECT ROW(1, 2)', 'RECORD'],
      ['a table row', 'SELECT c FROM pg_catalog.pg_class AS c LIMIT 1', 'PG_CLASS'],
      ['"char"', 'SELECT relkind FROM pg_catalog.pg_class LIMIT 1', 'CHAR'],
      ['regclass', "SELECT 'pg_class'::regclass", 'REGCLASS'],
      ['oid', 'SELECT 1::oid', 'OID'],
      ['interval', "SELECT interval '1 day'", 'INTERVAL'],
      ['timetz', "SELECT '12:00+01'::timetz", 'TIMETZ'],
      ['an array of an unsupported type', "SELECT ARRAY[interval '1 day']", '_INTERVAL'],
    ])('refuses to return %s, as the service does', async (_, sql, type) => {
      await expect(execute(sql)).rejects.toMatchObject({ name: 'UnsupportedResultException', message: expect.stringContaining(`"${type}"`) });
    });

    it('refuses a multidimensional array, even of a supported element type', async () => {
      await expect(execute('SELECT ARRAY[[1, 2], [3, 4]]')).rejects.toMatchObject({ name: 'UnsupportedResultException', message: expect.stringMatching(/multidimensional/) });
      const flat = await execute('SELECT ARRAY[1, 2] AS a');
      expect(flat.records?.[0]).toEqual([{ stringValue: '{1,2}' }]);
    });

    it('returns the types the service returns, typed or as JSON', async () => {
      const sql = `SELECT 1::int2 AS a, 2::int4 AS b, 3::int8 AS c, 1.5::float4 AS d, 2.5::float8 AS e, 3.5::numeric AS f, true AS g,
        'x'::text AS h, 'y'::varchar AS i, 'z'::char(2) AS j, 'n'::name AS k, date '2025-01-02' AS l, timestamp '2025-01-02 03:04:05' AS m,
        timestamptz '2025-01-02 03:04:05+00' AS n, time '03:04:05' AS o, '{"k":1}'::jsonb AS p, '[1]'::json AS q,
        '00000000-0000-0000-0000-000000000001'::uuid AS r, '\\x00ff'::bytea AS s, '127.0.0.1'::inet AS t, '10.0.0.0/8'::cidr AS u, ARRAY['v'] AS v`;
      const typed = await execute(sql);
      expect(typed.columnMetadata?.map((column) => column.typeName)).toEqual([
        'int2', 'int4', 'int8', 'float4', 'float8', 'numeric', 'bool', 'text', 'varchar', 'bpchar', 'name', 'date', 'timestamp',
        'timestamptz', 'time', 'jsonb', 'json', 'uuid', 'bytea', 'inet', 'cidr', '_text',
      ]);
      const json = await client.send(new ExecuteStatementCommand({ ...target, database: database.name, sql, formatRecordsAs: 'JSON' }));
      expect(JSON.parse(json.formattedRecords!)).toEqual([
        expect.objectContaining({ a: 1, b: 2, c: 3, d: 1.5, e: 2.5, f: '3.5', g: true, h: 'x', k: 'n', n: '2025-01-02 03:04:05', p: '{"k": 1}' }),
      ]);
    });
  });

  it('applies every migration, one statement a call, BEGIN…COMMIT as one Data API transaction each', async () => {
    const versions = (await loadMigrations()).map((migration) => migration.version);
    const script = dataApiScript(client, { ...target, database: database.name });
    const report = await migrate(script);
    expect(report).toEqual({ applied: versions, schemaVersion: Math.max(...versions) });
    expect(script.transactionId()).toBeUndefined();
    expect(endpoint.openTransactions()).toBe(0);
    const commits = endpoint.calls.filter((call) => call.operation === 'CommitTransaction');
    expect(commits.length).toBe(versions.length + 1); // the runner's own schema, then one per migration
    const regions = await execute('SELECT count(*) AS n FROM sales.regions');
    expect(regions.records).toEqual([[{ longValue: 5 }]]);
  });

  it('creates the query logins and sets the password through the same path', async () => {
    const script = dataApiScript(client, { ...target, database: database.name });
    await script(queryLoginsScript(baseUsername, { username: baseUsername, verifier: scramSha256Verifier('a password') }));
    const roles = await execute(
      `SELECT rolname::text, rolcanlogin, rolpassword IS NOT NULL AS has_password FROM pg_catalog.pg_authid
        WHERE rolname IN ('${baseUsername}', '${cloneUsername(baseUsername)}') ORDER BY rolname`,
    );
    expect(roles.records).toEqual([
      [{ stringValue: baseUsername }, { booleanValue: true }, { booleanValue: true }],
      [{ stringValue: cloneUsername(baseUsername) }, { booleanValue: true }, { booleanValue: false }],
    ]);
  });

  it('checks only, and applies nothing, on a second run', async () => {
    const before = endpoint.calls.length;
    const report = await migrate(dataApiScript(client, { ...target, database: database.name }));
    expect(report.applied).toEqual([]);
    expect(endpoint.calls.length - before).toBeLessThan(10);
  });
});
