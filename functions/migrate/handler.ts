/**
 * CloudFormation custom resource that brings the warehouse's schema up to date during `cdk deploy`:
 * the project's migrations (functions/warehouse/migrations, applied by the same runner as everywhere
 * else), then the read-only login of the question path. It runs as the cluster owner through the
 * Data API, on Create and on every Update (the stack changes a property whenever a migration file
 * changes); Delete does nothing (the cluster keeps its data and is snapshotted on removal).
 *
 * The function answers CloudFormation itself (a PUT to the pre-signed ResponseURL) instead of going
 * through the custom-resource provider framework: one function, no framework functions to maintain.
 */
import { RDSDataClient } from '@aws-sdk/client-rds-data';
import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';
import { requiredEnv, optionalEnv } from '../platform/env.ts';
import { migrate, type ExecuteScript, type MigrationReport } from '../warehouse/migrate.ts';
import { dataApiScript } from './data-api-script.ts';
import { queryRoleScript } from './query-role.ts';

/** The physical id of the one migrations resource of a stack (its data lives in the database). */
export const PHYSICAL_RESOURCE_ID = 'bi-agent-warehouse-migrations';

/** What the resource returns to the template (`Fn::GetAtt`). */
export interface MigrationsResult {
  readonly SchemaVersion: string;
  readonly Applied: string;
}

/** Runs the migrations and the query role on `execute`; the part of the handler that tests run on PGlite. */
export async function applySchema(execute: ExecuteScript, queryUsername: string): Promise<MigrationReport> {
  const report = await migrate(execute);
  await execute(queryRoleScript(queryUsername)).catch(async (error: unknown) => {
    await execute('ROLLBACK').catch(() => undefined);
    throw error;
  });
  return report;
}

/** Lambda entry point. */
export async function handler(event: CloudFormationCustomResourceEvent, context: Context): Promise<void> {
  const physicalId = event.RequestType === 'Create' ? PHYSICAL_RESOURCE_ID : event.PhysicalResourceId;
  let response: CloudFormationResponse;
  try {
    const data = event.RequestType === 'Delete' ? undefined : await beforeDeadline(runFromEnv(), context);
    response = { Status: 'SUCCESS', PhysicalResourceId: physicalId, ...(data ? { Data: data } : {}), ...ids(event) };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    console.error(JSON.stringify({ level: 'ERROR', message: 'migrations failed', reason }));
    response = { Status: 'FAILED', Reason: reason.slice(0, 1000), PhysicalResourceId: physicalId, ...ids(event) };
  }
  await respond(event.ResponseURL, response);
}

async function runFromEnv(): Promise<MigrationsResult> {
  const execute = dataApiScript(new RDSDataClient({}), {
    resourceArn: requiredEnv('BI_AGENT_CLUSTER_ARN'),
    secretArn: requiredEnv('BI_AGENT_OWNER_SECRET_ARN'),
    database: optionalEnv('BI_AGENT_DATABASE', 'bi'),
  });
  const report = await applySchema(execute, optionalEnv('BI_AGENT_QUERY_USERNAME', 'bi_query'));
  console.log(JSON.stringify({ level: 'INFO', message: 'migrations applied', ...report }));
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
