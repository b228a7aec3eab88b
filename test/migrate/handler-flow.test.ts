/**
 * The deploy-time migration function end to end, as CloudFormation and the rotation drive it: the
 * custom resource's Create and Update events → the handler → the query secret read from (a fake)
 * Secrets Manager → every migration and the query logins through the RDS Data API (the local
 * endpoint) → a password-checking PostgreSQL 15 → the response PUT to the pre-signed URL. The
 * endpoint logs in with each secret's own credentials, as the Data API does, so "the question path
 * can log in" is proven by the server accepting the password, not assumed.
 *
 * The database is set up like Aurora's: the migrations run as `bi_owner`, a CREATEROLE login that
 * owns the database but is not a superuser (Aurora's master user is a member of rds_superuser).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ExecuteStatementCommand, RDSDataClient } from '@aws-sdk/client-rds-data';
import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { RdsDataWarehouse } from '../../functions/adapters/warehouse/rds-data.ts';
import { createHandler } from '../../functions/migrate/handler.ts';
import { loadMigrations } from '../../functions/warehouse/migrate.ts';
import { startFakeRdsDataEndpoint, type FakeRdsDataEndpoint } from '../adapters/warehouse/fake-rds-data-endpoint.ts';
import { fakeSecretsManager, type FakeSecretsManager } from './fake-secrets-manager.ts';
import { rotateMultiUser } from './multi-user-rotation.ts';
import { scramClusterUnavailable, startScramCluster, type ScramCluster } from './scram-cluster.ts';

const CLUSTER_ARN = 'arn:aws:rds:eu-west-1:123456789012:cluster:bi-agent-test';
const OWNER_SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:owner-AbCdEf';
const QUERY_SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:query-GhIjKl';
const DATABASE = 'bi';
/** As Secrets Manager generates them for a DatabaseSecret: 30 printable characters, no quotes. */
const FIRST_QUERY_PASSWORD = 'Zq7,XbN9=e.R2^kW-u5Lm_T8yA3c4Hd';
const OWNER_PASSWORD = 'owner-password-0123456789';

/** What the handler PUT to the pre-signed URL, one body per event. */
interface CapturedResponse {
  readonly Status: 'SUCCESS' | 'FAILED';
  readonly Reason?: string;
  readonly PhysicalResourceId: string;
  readonly Data?: { SchemaVersion: string; Applied: string };
}

describe.skipIf(scramClusterUnavailable() !== undefined)('Deploy-time migrations, end to end: handler, secrets, Data API, rotation', () => {
  let cluster: ScramCluster;
  let endpoint: FakeRdsDataEndpoint;
  let secrets: FakeSecretsManager;
  let responses: CapturedResponse[];
  let responseServer: Server;
  let responseUrl: string;
  const output: string[] = [];

  const rdsData = () =>
    new RDSDataClient({ endpoint: endpoint.url, region: 'eu-west-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'example' }, maxAttempts: 1 });
  const handler = createHandler({
    rdsData,
    secrets: () => secrets,
    env: {
      BI_AGENT_CLUSTER_ARN: CLUSTER_ARN,
      BI_AGENT_OWNER_SECRET_ARN: OWNER_SECRET_ARN,
      BI_AGENT_QUERY_SECRET_ARN: QUERY_SECRET_ARN,
      BI_AGENT_DATABASE: DATABASE,
      BI_AGENT_QUERY_USERNAME: 'bi_query',
    },
  });
  const context = { getRemainingTimeInMillis: () => 600_000 } as Context;
  const event = (requestType: 'Create' | 'Update' | 'Delete'): CloudFormationCustomResourceEvent =>
    ({
      RequestType: requestType,
      ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:migrate',
      ResponseURL: responseUrl,
      StackId: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/BiAgent-test/1',
      RequestId: `request-${responses.length + 1}`,
      LogicalResourceId: 'MigrationsResource',
      ResourceType: 'Custom::BiAgentMigrations',
      ResourceProperties: { ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:migrate' },
      ...(requestType === 'Create' ? {} : { PhysicalResourceId: 'bi-agent-warehouse-migrations', OldResourceProperties: {} }),
    }) as CloudFormationCustomResourceEvent;
  const invoke = async (requestType: 'Create' | 'Update' | 'Delete'): Promise<CapturedResponse> => {
    const before = responses.length;
    await handler(event(requestType), context);
    expect(responses).toHaveLength(before + 1);
    return responses[before]!;
  };
  /** The question path as deployed: the adapter, logging in with the query secret. */
  const questionPath = () => new RdsDataWarehouse({ client: rdsData(), resourceArn: CLUSTER_ARN, secretArn: QUERY_SECRET_ARN, database: DATABASE });
  const asQueryLogin = async (sql: string) =>
    rdsData().send(new ExecuteStatementCommand({ resourceArn: CLUSTER_ARN, secretArn: QUERY_SECRET_ARN, database: DATABASE, sql }));
  const loginUrl = ({ user, password }: { user: string; password: string }) => cluster.url({ user, password, database: DATABASE });

  beforeAll(async () => {
    cluster = await startScramCluster();
    const admin = new pg.Client(cluster.url({ user: 'postgres', password: cluster.superuserPassword }));
    await admin.connect();
    await admin.query(`CREATE ROLE bi_owner LOGIN CREATEROLE PASSWORD ${admin.escapeLiteral(OWNER_PASSWORD)}`);
    await admin.query(`CREATE DATABASE ${DATABASE} OWNER bi_owner`);
    await admin.end();

    secrets = fakeSecretsManager();
    secrets.put(OWNER_SECRET_ARN, { username: 'bi_owner', password: OWNER_PASSWORD, engine: 'postgres', dbname: DATABASE });
    secrets.put(QUERY_SECRET_ARN, { username: 'bi_query', password: FIRST_QUERY_PASSWORD, engine: 'postgres', dbname: DATABASE, masterarn: OWNER_SECRET_ARN });
    endpoint = await startFakeRdsDataEndpoint({
      connectionString: cluster.url({ user: 'postgres', password: cluster.superuserPassword, database: DATABASE }),
      database: DATABASE,
      login: (arn) => secrets.value(arn),
    });

    responses = [];
    responseServer = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        responses.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as CapturedResponse);
        response.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => responseServer.listen(0, '127.0.0.1', resolve));
    responseUrl = `http://127.0.0.1:${(responseServer.address() as AddressInfo).port}/signed?X-Amz-Signature=abc`;

    for (const method of ['log', 'error', 'warn', 'info'] as const) {
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void output.push(args.map(String).join(' ')));
    }
  }, 120_000);

  afterAll(async () => {
    vi.restoreAllMocks();
    await endpoint?.close();
    await new Promise<void>((resolve) => (responseServer ? responseServer.close(() => resolve()) : resolve()));
    await cluster?.stop();
  });

  it('refuses the query secret before the first deploy: its login does not exist yet', async () => {
    await expect(asQueryLogin('SELECT 1 AS one')).rejects.toThrow(/password authentication failed for user "bi_query"/);
  });

  it('on Create, applies every migration as the owner and answers SUCCESS with the schema version', async () => {
    const versions = (await loadMigrations()).map((migration) => migration.version);
    const response = await invoke('Create');
    expect(response).toMatchObject({
      Status: 'SUCCESS',
      PhysicalResourceId: 'bi-agent-warehouse-migrations',
      Data: { SchemaVersion: String(Math.max(...versions)), Applied: versions.join(',') },
    });
    expect(secrets.reads).toContainEqual({ secretId: QUERY_SECRET_ARN, stage: 'AWSCURRENT' });
  });

  it('lets the question path log in with its secret from the first deploy, as bi_query, switching to bi_viewer', async () => {
    const who = await asQueryLogin('SELECT current_user::text AS login, current_setting($$default_transaction_read_only$$) AS read_only');
    expect(who.records?.[0]).toEqual([{ stringValue: 'bi_query' }, { stringValue: 'on' }]);
    const regions = await questionPath().query('SELECT count(*) AS regions FROM sales.regions', { timeoutMs: 5_000, maxRows: 10, role: 'viewer' });
    expect(regions.rows).toEqual([[5]]);
  });

  it('never sends the password: the statements carry a SCRAM verifier, and neither the server log nor the output shows the password', async () => {
    const sent = JSON.stringify(endpoint.calls);
    expect(sent).toMatch(/ALTER ROLE \\"bi_query\\" PASSWORD 'SCRAM-SHA-256\$4096:/);
    expect(sent).not.toContain(FIRST_QUERY_PASSWORD);
    const log = await cluster.serverLog();
    expect(log).toMatch(/(statement|execute <unnamed>): ALTER ROLE "bi_query" PASSWORD 'SCRAM-SHA-256\$/);
    expect(log).not.toContain(FIRST_QUERY_PASSWORD);
    expect(output.join('\n')).toContain('migrations applied');
    expect(output.join('\n')).not.toContain(FIRST_QUERY_PASSWORD);
  });

  it("survives the rotation's first run: bi_query_clone gets a password and the question path works as it, read-only", async () => {
    await rotateMultiUser(secrets, QUERY_SECRET_ARN, loginUrl);
    expect(secrets.value(QUERY_SECRET_ARN).username).toBe('bi_query_clone');
    const who = await asQueryLogin('SELECT current_user::text AS login, current_setting($$default_transaction_read_only$$) AS read_only');
    expect(who.records?.[0]).toEqual([{ stringValue: 'bi_query_clone' }, { stringValue: 'on' }]);
    for (const role of ['viewer', 'analyst', 'admin'] as const) {
      const regions = await questionPath().query('SELECT count(*) FROM sales.regions', { timeoutMs: 5_000, maxRows: 10, role });
      expect(regions.rows, role).toEqual([[5]]);
    }
  });

  it('on Update after a rotation, keeps the current login and the previous one working, each with its own password', async () => {
    const previous = { user: 'bi_query', password: FIRST_QUERY_PASSWORD };
    expect(await logsIn(loginUrl(previous))).toBe(true);
    const response = await invoke('Update');
    expect(response).toMatchObject({ Status: 'SUCCESS', Data: { Applied: '' } });
    expect(await logsIn(loginUrl(previous))).toBe(true);
    const current = secrets.value(QUERY_SECRET_ARN);
    expect(await logsIn(loginUrl({ user: current.username, password: current.password }))).toBe(true);
    const regions = await questionPath().query('SELECT count(*) FROM sales.regions', { timeoutMs: 5_000, maxRows: 10, role: 'viewer' });
    expect(regions.rows).toEqual([[5]]);
  });

  it('rotates back to bi_query on the second run, with a new password', async () => {
    await rotateMultiUser(secrets, QUERY_SECRET_ARN, loginUrl);
    const current = secrets.value(QUERY_SECRET_ARN);
    expect(current.username).toBe('bi_query');
    expect(current.password).not.toBe(FIRST_QUERY_PASSWORD);
    expect(await logsIn(loginUrl({ user: 'bi_query', password: FIRST_QUERY_PASSWORD }))).toBe(false);
    const who = await asQueryLogin('SELECT current_user::text AS login');
    expect(who.records?.[0]).toEqual([{ stringValue: 'bi_query' }]);
  });

  it('fails the deploy, quoting nothing of it, when the query secret names another login', async () => {
    const saved = secrets.value(QUERY_SECRET_ARN);
    secrets.put(QUERY_SECRET_ARN, { ...saved, username: 'bi_owner', password: 'not-to-be-shown-1' });
    try {
      const callsBefore = endpoint.calls.length;
      const response = await invoke('Update');
      expect(response.Status).toBe('FAILED');
      expect(response.Reason).toMatch(/other than bi_query or bi_query_clone/);
      expect(JSON.stringify(response)).not.toContain('not-to-be-shown-1');
      expect(endpoint.calls.length).toBe(callsBefore); // the database was not touched
      expect(await logsIn(loginUrl({ user: 'bi_owner', password: OWNER_PASSWORD }))).toBe(true);
    } finally {
      secrets.put(QUERY_SECRET_ARN, saved);
    }
  });

  it('fails the deploy, quoting nothing of it, when the query secret is not JSON', async () => {
    const saved = secrets.value(QUERY_SECRET_ARN);
    secrets.put(QUERY_SECRET_ARN, 'password=not-to-be-shown-2');
    try {
      const response = await invoke('Update');
      expect(response.Status).toBe('FAILED');
      expect(response.Reason).toMatch(/is not a JSON object/);
      expect(JSON.stringify(response)).not.toContain('not-to-be-shown-2');
      expect(output.join('\n')).not.toContain('not-to-be-shown-2');
    } finally {
      secrets.put(QUERY_SECRET_ARN, saved);
    }
  });

  it('does nothing on Delete but answer SUCCESS (the cluster keeps its data)', async () => {
    const callsBefore = endpoint.calls.length;
    const response = await invoke('Delete');
    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'bi-agent-warehouse-migrations' });
    expect(response.Data).toBeUndefined();
    expect(endpoint.calls.length).toBe(callsBefore);
  });
});

async function logsIn(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}
