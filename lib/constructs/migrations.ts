/**
 * Applies the project's migrations at deploy time: a function (functions/migrate/handler.ts) behind
 * a custom resource whose properties change whenever a migration file does, so CloudFormation calls
 * it again exactly when there is something to apply. The rotations of both database secrets wait
 * for it: the read-only login must exist before its secret is first rotated.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CustomResource, Duration } from 'aws-cdk-lib';
import { CfnDBCluster, CfnDBInstance } from 'aws-cdk-lib/aws-rds';
import { CfnRotationSchedule } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { BiAgentConfig } from '../config.ts';
import { fromRoot } from '../paths.ts';
import { BiAgentFunction } from './bi-agent-function.ts';
import { QUERY_USERNAME, type Warehouse } from './warehouse.ts';

/** sha256 over the migration files' names and contents, in order. */
export function migrationsHash(directory = fromRoot('functions', 'warehouse', 'migrations')): string {
  const hash = createHash('sha256');
  for (const file of readdirSync(directory).filter((name) => name.endsWith('.sql')).sort()) {
    hash.update(file).update('\0').update(readFileSync(join(directory, file))).update('\0');
  }
  return hash.digest('hex');
}

export interface MigrationsProps {
  readonly config: BiAgentConfig;
  readonly warehouse: Warehouse;
}

export class Migrations extends Construct {
  readonly function: BiAgentFunction;
  readonly resource: CustomResource;

  constructor(scope: Construct, id: string, props: MigrationsProps) {
    super(scope, id);
    const { config, warehouse } = props;
    this.function = new BiAgentFunction(this, 'Function', {
      entry: 'functions/migrate/handler.ts',
      handler: 'handler',
      description: 'Applies the warehouse migrations through the Data API (custom resource)',
      config,
      files: ['migrations'],
      memorySize: 256,
      timeout: Duration.minutes(10),
      environment: {
        BI_AGENT_CLUSTER_ARN: warehouse.cluster.clusterArn,
        BI_AGENT_OWNER_SECRET_ARN: warehouse.ownerSecret.secretArn,
        BI_AGENT_QUERY_SECRET_ARN: warehouse.querySecret.secretArn,
        BI_AGENT_DATABASE: warehouse.databaseName,
        BI_AGENT_QUERY_USERNAME: QUERY_USERNAME,
      },
    });
    warehouse.grantMigrate(this.function);

    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: this.function.functionArn,
      resourceType: 'Custom::BiAgentMigrations',
      properties: {
        MigrationsHash: migrationsHash(),
        Database: warehouse.databaseName,
        QueryUsername: QUERY_USERNAME,
        // A replaced query secret runs the function again: the login gets the new secret's password.
        QuerySecretArn: warehouse.querySecret.secretArn,
      },
    });
    // The Data API needs the instances, not just the cluster. And the first rotation of each secret
    // waits for the read-only login to exist. (Resource-level dependencies: the rotation constructs
    // also hold security-group rules between the cluster and the rotation functions.)
    for (const child of warehouse.cluster.node.findAll()) {
      if (child instanceof CfnDBCluster || child instanceof CfnDBInstance) this.resource.node.addDependency(child);
    }
    for (const child of warehouse.node.findAll()) {
      if (child instanceof CfnRotationSchedule) child.node.addDependency(this.resource);
    }
  }

  /** The schema version the deploy left the database at. */
  get schemaVersion(): string {
    return this.resource.getAttString('SchemaVersion');
  }
}
