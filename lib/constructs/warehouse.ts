/**
 * The warehouse: Aurora PostgreSQL Serverless v2 with the Data API, a writer and a reader, two
 * secrets (the owner, and the read-only query login), both rotated, encrypted, backed up.
 *
 * The cluster sits in isolated subnets of its own VPC (no NAT, no internet route): nothing on the
 * request path connects to it over the network, the functions reach it through the Data API. The
 * VPC exists for the instances and the rotation functions (which reach Secrets Manager through an
 * interface endpoint).
 */
import { Aws, Duration, Fn, RemovalPolicy, Validations } from 'aws-cdk-lib';
import {
  FlowLogDestination,
  FlowLogTrafficType,
  InterfaceVpcEndpoint,
  InterfaceVpcEndpointAwsService,
  IpAddresses,
  SubnetType,
  Vpc,
} from 'aws-cdk-lib/aws-ec2';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  AuroraPostgresEngineVersion,
  ClusterInstance,
  Credentials,
  DatabaseCluster,
  DatabaseClusterEngine,
  DatabaseSecret,
} from 'aws-cdk-lib/aws-rds';
import type { ISecret, SecretRotation } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { BiAgentConfig } from '../config.ts';

/** The cluster's owner login (the migrations run as it). */
export const OWNER_USERNAME = 'bi_owner';
/** The read-only login of the question path; the migration function creates it (see functions/migrate). */
export const QUERY_USERNAME = 'bi_query';

/**
 * Data API actions, split by who needs them. The question path only ever rolls back
 * (functions/adapters/warehouse/rds-data.ts), so it cannot commit: a statement that slipped past
 * every wall still could not make a change stick. The migrations commit.
 */
const QUERY_ACTIONS = ['rds-data:BeginTransaction', 'rds-data:ExecuteStatement', 'rds-data:RollbackTransaction'];
const MIGRATE_ACTIONS = [...QUERY_ACTIONS, 'rds-data:CommitTransaction'];
const SECRET_READ_ACTIONS = ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'];

export interface WarehouseProps {
  readonly config: BiAgentConfig;
}

export class Warehouse extends Construct {
  readonly vpc: Vpc;
  readonly cluster: DatabaseCluster;
  readonly key: Key;
  /** The owner's secret (rotated, single user). */
  readonly ownerSecret: ISecret;
  /** The read-only login's secret (rotated, alternating users): the only one the question path may read. */
  readonly querySecret: ISecret;
  readonly ownerRotation: SecretRotation;
  readonly queryRotation: SecretRotation;
  readonly databaseName: string;

  constructor(scope: Construct, id: string, props: WarehouseProps) {
    super(scope, id);
    const { config } = props;
    this.databaseName = config.databaseName;
    const removal = config.deletionProtection ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    this.key = new Key(this, 'Key', {
      description: 'bi-agent warehouse: storage, secrets, performance insights',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN, // snapshots outlive the cluster; so must their key
    });

    this.vpc = new Vpc(this, 'Vpc', {
      ipAddresses: IpAddresses.cidr('10.40.0.0/16'),
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [{ name: 'data', subnetType: SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
    });
    this.vpc.addFlowLog('FlowLog', {
      trafficType: FlowLogTrafficType.REJECT,
      destination: FlowLogDestination.toCloudWatchLogs(
        new LogGroup(this, 'FlowLogs', { retention: config.logRetentionDays as RetentionDays, removalPolicy: removal }),
      ),
    });
    const secretsEndpoint = new InterfaceVpcEndpoint(this, 'SecretsManagerEndpoint', {
      vpc: this.vpc,
      service: InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
      subnets: { subnetType: SubnetType.PRIVATE_ISOLATED },
      privateDnsEnabled: true,
    });
    Validations.of(secretsEndpoint).acknowledge({
      id: 'AwsSolutions-EC23',
      reason:
        "The rule cannot read the ingress CIDR (it is the VPC's own CIDR, an Fn::GetAtt): HTTPS from inside this isolated VPC only, " +
        'for the rotation functions.',
    });

    // The cluster's log group, created here with its retention (instead of `cloudwatchLogsRetention`,
    // which adds a log-retention function with a wildcard policy); the cluster waits for it. RDS
    // dictates its name (`/aws/rds/cluster/<cluster id>/postgresql`), and it outlives the stack where
    // deletion is protected, so the cluster id carries a suffix unique to this stack (see
    // `stackInstanceSuffix`): a create that rolls back leaves its log group (and a protected cluster
    // the rollback may not delete) under names the next create does not use.
    const clusterIdentifier = `bi-agent-${config.stage}-${stackInstanceSuffix()}`;
    const postgresLogs = new LogGroup(this, 'PostgresLogs', {
      logGroupName: `/aws/rds/cluster/${clusterIdentifier}/postgresql`,
      retention: config.logRetentionDays as RetentionDays,
      removalPolicy: removal,
    });
    this.cluster = new DatabaseCluster(this, 'Cluster', {
      engine: DatabaseClusterEngine.auroraPostgres({ version: engineVersion(config.auroraEngineVersion) }),
      credentials: Credentials.fromGeneratedSecret(OWNER_USERNAME, { encryptionKey: this.key }),
      defaultDatabaseName: config.databaseName,
      writer: ClusterInstance.serverlessV2('Writer', { enablePerformanceInsights: true, performanceInsightEncryptionKey: this.key }),
      // Same capacity as the writer so a failover does not land on a smaller instance.
      readers: [
        ClusterInstance.serverlessV2('Reader', {
          scaleWithWriter: true,
          enablePerformanceInsights: true,
          performanceInsightEncryptionKey: this.key,
        }),
      ],
      serverlessV2MinCapacity: config.auroraMinCapacity,
      serverlessV2MaxCapacity: config.auroraMaxCapacity,
      enableDataApi: true,
      iamAuthentication: true,
      storageEncrypted: true,
      storageEncryptionKey: this.key,
      backup: { retention: Duration.days(config.backupRetentionDays), preferredWindow: '02:00-03:00' },
      preferredMaintenanceWindow: 'Sun:03:30-Sun:04:30',
      deletionProtection: config.deletionProtection,
      removalPolicy: RemovalPolicy.SNAPSHOT,
      copyTagsToSnapshot: true,
      clusterIdentifier,
      cloudwatchLogsExports: ['postgresql'],
      vpc: this.vpc,
      vpcSubnets: { subnetType: SubnetType.PRIVATE_ISOLATED },
    });
    this.cluster.node.addDependency(postgresLogs);
    if (!config.deletionProtection) {
      Validations.of(this.cluster).acknowledge({
        id: 'AwsSolutions-RDS10',
        reason: `Stage ${config.stage} turns deletion protection off (deletionProtection=false) so the stack can be destroyed; removal still takes a final snapshot.`,
      });
    }
    Validations.of(this.cluster).acknowledge({
      id: 'AwsSolutions-RDS11',
      reason:
        'The cluster is reached through the RDS Data API only: it sits in isolated subnets with no route in, ' +
        'so a non-default port would hide nothing.',
    });
    this.ownerSecret = this.cluster.secret!;

    const rotationOptions = {
      automaticallyAfter: Duration.days(config.secretRotationDays),
      endpoint: secretsEndpoint,
      vpcSubnets: { subnetType: SubnetType.PRIVATE_ISOLATED },
    };
    this.ownerRotation = this.cluster.addRotationSingleUser(rotationOptions);

    // The read-only login: a separate secret, rotated by the owner (alternating bi_query and
    // bi_query_clone, both able to SET ROLE to bi_viewer/bi_analyst/bi_admin), so the question path never holds the owner's secret.
    const querySecret = new DatabaseSecret(this, 'QuerySecret', {
      username: QUERY_USERNAME,
      masterSecret: this.ownerSecret,
      dbname: config.databaseName,
      encryptionKey: this.key,
    });
    this.querySecret = querySecret.attach(this.cluster);
    this.queryRotation = this.cluster.addRotationMultiUser('QueryRotation', { secret: this.querySecret, ...rotationOptions });
  }

  /** The question path: Data API statements as the read-only login. No owner secret, no commit, no batch writes. */
  grantQuery(grantee: IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(new PolicyStatement({ actions: QUERY_ACTIONS, resources: [this.cluster.clusterArn] }));
    grantee.grantPrincipal.addToPrincipalPolicy(new PolicyStatement({ actions: SECRET_READ_ACTIONS, resources: [this.querySecret.secretArn] }));
    this.key.grantDecrypt(grantee);
  }

  /**
   * The migrations: Data API statements as the owner, and the read-only login's secret (read only,
   * never used to log in) so that the login gets the secret's password from the first deploy.
   */
  grantMigrate(grantee: IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(new PolicyStatement({ actions: MIGRATE_ACTIONS, resources: [this.cluster.clusterArn] }));
    grantee.grantPrincipal.addToPrincipalPolicy(new PolicyStatement({ actions: SECRET_READ_ACTIONS, resources: [this.ownerSecret.secretArn] }));
    grantee.grantPrincipal.addToPrincipalPolicy(new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [this.querySecret.secretArn] }));
    this.key.grantDecrypt(grantee); // both secrets are encrypted with this key
  }
}

/**
 * The first group of this stack's id (`arn:…:stack/BiAgent-prod/1a2b3c4d-…` → `1a2b3c4d`): fixed
 * for the life of the stack, new for every create, so a name built on it never meets the leftovers
 * of an earlier, rolled-back create. Eight hex digits keep the cluster id well under 63 characters.
 */
function stackInstanceSuffix(): string {
  return Fn.select(0, Fn.split('-', Fn.select(2, Fn.split('/', Aws.STACK_ID))));
}

function engineVersion(version: BiAgentConfig['auroraEngineVersion']): AuroraPostgresEngineVersion {
  return AURORA_ENGINE_VERSIONS[version];
}

/**
 * The newest minor of each major that the pinned aws-cdk-lib knows: AWS deprecates old minors on a
 * schedule (a deprecated one fails CreateDBCluster), so the newest is the one that stays creatable
 * longest. All three run Serverless v2 at 0 ACU and support the Data API.
 */
const AURORA_ENGINE_VERSIONS: Record<BiAgentConfig['auroraEngineVersion'], AuroraPostgresEngineVersion> = {
  '15.17': AuroraPostgresEngineVersion.VER_15_17,
  '16.13': AuroraPostgresEngineVersion.VER_16_13,
  '17.9': AuroraPostgresEngineVersion.VER_17_9,
};
