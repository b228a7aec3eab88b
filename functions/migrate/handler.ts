/**
 * CloudFormation custom resource that brings the warehouse's schema up to date during `cdk deploy`:
 * the project's migrations (functions/warehouse/migrations, applied by the same runner as everywhere
 * else), then the read-only logins of the question path, the one its secret names with the secret's
 * password. It runs as the cluster owner through the Data API, on Create and on every Update (the
 * stack changes a property whenever a migration file changes); Delete does nothing (the cluster
 * keeps its data and is snapshotted on removal).
 *
 * The function answers CloudFormation itself (a PUT to the pre-signed ResponseURL) instead of going
 * through the custom-resource provider framework: one function, no framework functions to maintain.
 */
import { RDSDataClient } from '@aws-sdk/client-rds-data';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';
import { requiredEnv, optionalEnv } from '../platform/env.ts';
import { migrate, type ExecuteScript, type MigrationReport } from '../warehouse/migrate.ts';
import { dataApiScript } from './data-api-script.ts';
import { queryLoginsScript } from './query-role.ts';
import { readQueryCredentials, type QueryCredentials, type SecretReader } from './query-secret.ts';
import { scramSha256Verifier } from './scram-verifier.ts';

/** The physical id of the one migrations resource of a stack (its data lives in the database). */
export const PHYSICAL_RESOURCE_ID = 'bi-agent-warehouse-migrations';

/** What the resource returns to the template (`Fn::GetAtt`). */
export interface MigrationsResult {
  readonly SchemaVersion: string;
  readonly Applied: string;
}

/** The read-only logins: the base username, and the credentials its secret currently holds. */
export interface QueryLogin {
  readonly baseUsername: string;
  readonly credentials: QueryCredentials;
}

/**
 * Runs the migrations, then creates and grants the query logins and sets the password of the one
 * the secret names (as a SCRAM verifier: the password itself never reaches `execute`). The part of
 * the handler that tests run on PGlite and PostgreSQL.
 */
export async function applySchema(execute: ExecuteScript, query: QueryLogin): Promise<MigrationReport> {
  const report = await migrate(execute);
  const script = queryLoginsScript(query.baseUsername, {
    username: query.credentials.username,
    verifier: scramSha256Verifier(query.credentials.password),
  });
  await execute(script).catch(async (error: unknown) => {
    await execute('ROLLBACK').catch(() => undefined);
    throw error;
  });
  return report;
}

/** The AWS clients and the environment the handler runs with (tests replace them). */
export interface MigrationsDependencies {
  readonly rdsData: () => RDSDataClient;
  readonly secrets: () => SecretReader;
  readonly env?: NodeJS.ProcessEnv;
}

let rdsDataClient: RDSDataClient | undefined;
let secretsClient: SecretsManagerClient | undefined;
const lambdaDependencies: MigrationsDependencies = {
  rdsData: () => (rdsDataClient ??= new RDSDataClient({})),
  secrets: () => (secretsClient ??= new SecretsManagerClient({})),
};

/** The custom resource's handler over `dependencies`. */
export function createHandler(dependencies: MigrationsDependencies = lambdaDependencies) {
  return async function handler(event: CloudFormationCustomResourceEvent, context: Context): Promise<void> {
    const physicalId = event.RequestType === 'Create' ? PHYSICAL_RESOURCE_ID : event.PhysicalResourceId;
    let response: CloudFormationResponse;
    try {
      const data = event.RequestType === 'Delete' ? undefined : await beforeDeadline(runFromEnv(dependencies), context);
      response = { Status: 'SUCCESS', PhysicalResourceId: physicalId, ...(data ? { Data: data } : {}), ...ids(event) };
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      console.error(JSON.stringify({ level: 'ERROR', message: 'migrations failed', reason }));
      response = { Status: 'FAILED', Reason: reason.slice(0, 1000), PhysicalResourceId: physicalId, ...ids(event) };
    }
    await respond(event.ResponseURL, response);
  };
}

/** Lambda entry point. */
export const handler = createHandler();

async function runFromEnv(dependencies: MigrationsDependencies): Promise<MigrationsResult> {
  const env = dependencies.env ?? process.env;
  const baseUsername = optionalEnv('BI_AGENT_QUERY_USERNAME', 'bi_query', env);
  // Read first: a secret the function cannot use fails the deploy before the database is touched.
  const credentials = await readQueryCredentials(dependencies.secrets(), requiredEnv('BI_AGENT_QUERY_SECRET_ARN', env), baseUsername);
  const execute = dataApiScript(dependencies.rdsData(), {
    resourceArn: requiredEnv('BI_AGENT_CLUSTER_ARN', env),
    secretArn: requiredEnv('BI_AGENT_OWNER_SECRET_ARN', env),
    database: optionalEnv('BI_AGENT_DATABASE', 'bi', env),
  });
  const report = await applySchema(execute, { baseUsername, credentials });
  console.log(JSON.stringify({ level: 'INFO', message: 'migrations applied', ...report, passwordSetFor: credentials.username }));
  return { SchemaVersion: String(report.schemaVersion), Applied: report.applied.join(',') };
}

/** Fails 10 s before the function times out, so CloudFormation hears FAILED instead of waiting an hour. */
async function beforeDeadline<T>(work: Promise<T>, context: Context): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error('Migrations did not finish before the function timeout; see the function log')),
      Math.max(1_000, context.getRemainingTimeInMillis() - 10_000),
    );
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

interface CloudFormationResponse {
  readonly Status: 'SUCCESS' | 'FAILED';
  readonly Reason?: string;
  readonly PhysicalResourceId: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly Data?: MigrationsResult;
}

function ids(event: CloudFormationCustomResourceEvent): Pick<CloudFormationResponse, 'StackId' | 'RequestId' | 'LogicalResourceId'> {
  return { StackId: event.StackId, RequestId: event.RequestId, LogicalResourceId: event.LogicalResourceId };
}

/** PUTs the response to the pre-signed S3 URL (no content type: the signature does not include one). */
export async function respond(url: string, response: CloudFormationResponse, fetcher: typeof fetch = fetch): Promise<void> {
  const body = JSON.stringify(response);
  const result = await fetcher(url, { method: 'PUT', body, headers: { 'content-type': '', 'content-length': String(Buffer.byteLength(body)) } });
  if (!result.ok) throw new Error(`CloudFormation did not accept the response: HTTP ${result.status}`);
}
