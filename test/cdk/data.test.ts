import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { migrationsHash } from '../../lib/constructs/migrations.ts';
import { INDEX_FIELDS, INGEST_MAPPED_FIELDS } from '../../lib/constructs/search.ts';
import { resourcesOf, roleIdOf, statementsOfRole, synthesize, type Synthesized } from './support/synth.ts';

let prod: Synthesized;
let dev: Synthesized;
beforeAll(() => {
  prod = synthesize('prod');
  dev = synthesize('dev');
});

describe('Warehouse: Aurora PostgreSQL Serverless v2', () => {
  it('enables the Data API, encrypts storage with our key and exports the PostgreSQL log', () => {
    prod.template.hasResourceProperties('AWS::RDS::DBCluster', {
      Engine: 'aurora-postgresql',
      EngineVersion: prod.stacks.config.auroraEngineVersion,
      EnableHttpEndpoint: true,
      StorageEncrypted: true,
      KmsKeyId: Match.anyValue(),
      EnableIAMDatabaseAuthentication: true,
      EnableCloudwatchLogsExports: ['postgresql'],
      ServerlessV2ScalingConfiguration: { MinCapacity: prod.stacks.config.auroraMinCapacity, MaxCapacity: prod.stacks.config.auroraMaxCapacity },
    });
  });

  it('has a serverless writer and a reader that scales with it', () => {
    const instances = Object.values(resourcesOf(prod.template, 'AWS::RDS::DBInstance')).map((i) => i.Properties!);
    expect(instances).toHaveLength(2);
    for (const instance of instances) expect(instance.DBInstanceClass).toBe('db.serverless');
    expect(instances.map((i) => i.PromotionTier).sort()).toEqual([0, 1]);
  });

  it('keeps backups for the configured days, protects prod from deletion and snapshots on removal', () => {
    const [cluster] = Object.values(resourcesOf(prod.template, 'AWS::RDS::DBCluster'));
    expect(cluster!.Properties!.BackupRetentionPeriod).toBe(35);
    expect(cluster!.Properties!.DeletionProtection).toBe(true);
    expect(cluster!.DeletionPolicy).toBe('Snapshot');
    const [devCluster] = Object.values(resourcesOf(dev.template, 'AWS::RDS::DBCluster'));
    expect(devCluster!.Properties!.DeletionProtection).toBe(false);
    expect(devCluster!.DeletionPolicy).toBe('Snapshot');
  });

  it('keeps two secrets (owner and read-only login), both encrypted with our key and rotated', () => {
    const secrets = Object.values(resourcesOf(prod.template, 'AWS::SecretsManager::Secret')).map((s) => s.Properties!);
    expect(secrets).toHaveLength(2);
    for (const secret of secrets) expect(secret.KmsKeyId).toBeDefined();
    const templates = secrets.map((s) => JSON.stringify(s.GenerateSecretString.SecretStringTemplate));
    expect(templates.some((t) => t.includes('bi_owner'))).toBe(true);
    expect(templates.some((t) => t.includes('bi_query'))).toBe(true);
    const schedules = Object.values(resourcesOf(prod.template, 'AWS::SecretsManager::RotationSchedule'));
    expect(schedules).toHaveLength(2);
    for (const schedule of schedules) {
      expect(schedule.Properties!.RotationRules.ScheduleExpression).toBe(`rate(${prod.stacks.config.secretRotationDays} days)`);
    }
  });

  it('names the cluster and its retained log group after this stack\'s id, so a create after a rolled-back one does not collide', () => {
    const [cluster] = Object.values(resourcesOf(prod.template, 'AWS::RDS::DBCluster'));
    const groups = Object.entries(resourcesOf(prod.template, 'AWS::Logs::LogGroup'));
    const [groupId, group] = groups.find(([, g]) => JSON.stringify(g.Properties!.LogGroupName ?? '').includes('/aws/rds/cluster/'))!;
    // Both are Fn::Join over the same Fn::Select of the stack id: fixed for the stack, new for every create.
    const suffix = { 'Fn::Select': [0, { 'Fn::Split': ['-', { 'Fn::Select': [2, { 'Fn::Split': ['/', { Ref: 'AWS::StackId' }] }] }] }] };
    expect(cluster!.Properties!.DBClusterIdentifier).toEqual({ 'Fn::Join': ['', ['bi-agent-prod-', suffix]] });
    expect(group!.Properties!.LogGroupName).toEqual({ 'Fn::Join': ['', ['/aws/rds/cluster/bi-agent-prod-', suffix, '/postgresql']] });
    expect(group!.DeletionPolicy).toBe('Retain');
    expect(cluster!.DependsOn).toContain(groupId);
  });

  it('keeps the cluster in isolated subnets with no NAT and no internet gateway', () => {
    prod.template.resourceCountIs('AWS::EC2::NatGateway', 0);
    prod.template.resourceCountIs('AWS::EC2::InternetGateway', 0);
    prod.template.resourceCountIs('AWS::EC2::FlowLog', 1);
  });
});

describe('Warehouse: migrations at deploy time', () => {
  it('runs the migrations custom resource after the instances, and rotates secrets only after it', () => {
    const [id, migrations] = Object.entries(prod.template.findResources('Custom::BiAgentMigrations'))[0] as [string, any];
    expect(migrations.Properties.MigrationsHash).toBe(migrationsHash());
    const instanceIds = Object.keys(resourcesOf(prod.template, 'AWS::RDS::DBInstance'));
    expect(migrations.DependsOn).toEqual(expect.arrayContaining(instanceIds));
    for (const schedule of Object.values(resourcesOf(prod.template, 'AWS::SecretsManager::RotationSchedule'))) {
      expect(schedule.DependsOn).toContain(id);
    }
  });

  it("gives the migration function the owner's secret (and the read-only one, to set its password), and the question path only the read-only one", () => {
    const { main } = prod.stacks;
    const owner = JSON.stringify(main.resolve(main.warehouse.ownerSecret.secretArn));
    const query = JSON.stringify(main.resolve(main.warehouse.querySecret.secretArn));
    const statements = (fn: Parameters<typeof roleIdOf>[1]) => JSON.stringify(statementsOfRole(prod.template, roleIdOf(main, fn)));
    expect(statements(main.migrations.function)).toContain(owner);
    expect(statements(main.migrations.function)).toContain(query);
    for (const released of Object.values(main.functions.all)) expect(statements(released.fn)).not.toContain(owner);
    expect(statements(main.functions.ask.fn)).toContain(query);
    expect(statements(main.functions.ready.fn)).toContain(query);
    expect(statements(main.functions.health.fn)).not.toContain('rds-data');
  });
});

describe('Retrieval: OpenSearch Serverless', () => {
  it('has a VECTORSEARCH collection created after its encryption and network policies', () => {
    const [collection] = Object.values(resourcesOf(prod.template, 'AWS::OpenSearchServerless::Collection'));
    expect(collection!.Properties!.Type).toBe('VECTORSEARCH');
    const policies = resourcesOf(prod.template, 'AWS::OpenSearchServerless::SecurityPolicy');
    expect(Object.values(policies).map((p) => p.Properties!.Type).sort()).toEqual(['encryption', 'network']);
    expect(collection!.DependsOn).toEqual(expect.arrayContaining(Object.keys(policies)));
  });

  it('creates the vector index at deploy time, with the embedding dimensions of the config', () => {
    prod.template.hasResourceProperties('AWS::OpenSearchServerless::Index', {
      IndexName: prod.stacks.config.searchIndexName,
      Settings: { Index: { Knn: true } },
      Mappings: { Properties: Match.objectLike({ embedding: Match.objectLike({ Type: 'knn_vector', Dimension: prod.stacks.config.embeddingDimensions }) }) },
    });
  });

  it('maps only field types the index resource accepts, and leaves the others to the ingestion adapter', () => {
    const [index] = Object.values(resourcesOf(prod.template, 'AWS::OpenSearchServerless::Index'));
    const mapped = index!.Properties!.Mappings.Properties as Record<string, { Type: string }>;
    for (const [field, mapping] of Object.entries(mapped)) expect(['text', 'knn_vector'], field).toContain(mapping.Type);
    expect(Object.keys(mapped).sort()).toEqual([INDEX_FIELDS.embedding, INDEX_FIELDS.heading, INDEX_FIELDS.text].sort());
    for (const field of Object.keys(INGEST_MAPPED_FIELDS)) expect(mapped[field]).toBeUndefined();
  });

  it('creates the index only once the data-access policy lets the deploying role manage it', () => {
    const [policyId, policy] = Object.entries(resourcesOf(prod.template, 'AWS::OpenSearchServerless::AccessPolicy'))[0]!;
    const [index] = Object.values(resourcesOf(prod.template, 'AWS::OpenSearchServerless::Index'));
    expect(index!.DependsOn).toContain(policyId);
    const text = JSON.stringify(policy!.Properties!.Policy);
    expect(text).toContain('cfn-exec-role');
    expect(text).toContain('aoss:CreateIndex');
    expect(text).not.toContain('aoss:WriteDocument');
  });
});

describe('Key-value state: DynamoDB', () => {
  it('has four on-demand tables with TTL, point-in-time recovery and encryption', () => {
    const tables = Object.values(resourcesOf(prod.template, 'AWS::DynamoDB::Table')).map((t) => t.Properties!);
    expect(tables).toHaveLength(4);
    for (const table of tables) {
      expect(table.BillingMode).toBe('PAY_PER_REQUEST');
      expect(table.TimeToLiveSpecification).toEqual({ AttributeName: 'expiresAt', Enabled: true });
      expect(table.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
      expect(table.SSESpecification).toEqual({ SSEEnabled: true });
    }
  });

  it('retains tables in prod and lets dev destroy them', () => {
    for (const table of Object.values(resourcesOf(prod.template, 'AWS::DynamoDB::Table'))) expect(table.DeletionPolicy).toBe('Retain');
    for (const table of Object.values(resourcesOf(dev.template, 'AWS::DynamoDB::Table'))) expect(table.DeletionPolicy).toBe('Delete');
  });
});
