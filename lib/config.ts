/**
 * Deployment configuration: one zod schema over CDK context, with defaults per stage.
 *
 * Precedence, lowest first:
 * 1. `BASE_DEFAULTS` (below), then `STAGE_DEFAULTS[stage]`;
 * 2. the object under context key `biAgent:<stage>` (cdk.json, or `cdk.context.json`);
 * 3. any single key given on the command line, e.g. `npx cdk deploy -c stage=prod -c maxRows=2000`
 *    (command-line values arrive as strings; the schema coerces them).
 *
 * Nothing here is an account id or a secret: the account and region come from the deploying
 * credentials (`CDK_DEFAULT_ACCOUNT`/`CDK_DEFAULT_REGION`) unless `account`/`region` are given.
 * The table of every key, its default and its meaning is in docs/deploy.md.
 */
import { z } from 'zod';

/** The stages the product is deployed as. */
export const STAGES = ['dev', 'staging', 'prod'] as const;
export type Stage = (typeof STAGES)[number];

/** CloudWatch Logs accepts only these retention periods (days). */
const RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

const positiveInt = z.coerce.number().int().positive();
const nonNegative = z.coerce.number().nonnegative();
/** Booleans from the command line arrive as "true"/"false". */
const flag = z.union([z.boolean(), z.enum(['true', 'false']).transform((value) => value === 'true')]);
const retentionDays = z.coerce
  .number()
  .int()
  .refine((days) => (RETENTION_DAYS as readonly number[]).includes(days), {
    error: `must be one of CloudWatch's retention periods: ${RETENTION_DAYS.join(', ')}`,
  });
/** A JSON value (from cdk.json) or a JSON string (from `-c key='[...]'`). */
const jsonOrString = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (typeof value === 'string' ? JSON.parse(value) : value), schema);

/** A partner tier: one API Gateway usage plan (throttle + quota). Quotas know only DAY/WEEK/MONTH. */
export const PartnerTierSchema = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9-]{1,30}$/),
  rateLimit: z.number().positive(),
  burstLimit: z.number().int().positive(),
  quotaLimit: z.number().int().positive(),
  quotaPeriod: z.enum(['DAY', 'WEEK', 'MONTH']),
});
export type PartnerTier = z.infer<typeof PartnerTierSchema>;

/** Every tunable of the deployment. Each field's comment is its documentation. */
export const ConfigSchema = z.strictObject({
  stage: z.enum(STAGES),
  /** Target account; default: the deploying credentials' (`CDK_DEFAULT_ACCOUNT`). */
  account: z.string().regex(/^\d{12}$/).optional(),
  /** Target region; default: the deploying credentials' (`CDK_DEFAULT_REGION`). */
  region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/).optional(),

  // Functions
  /** Powertools service name (`service` on every log line and metric). */
  serviceName: z.string().min(1),
  /** CloudWatch namespace of the application's metrics. */
  metricsNamespace: z.string().min(1),
  /** Powertools log level. */
  logLevel: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR']),
  /** Retention of every log group (functions, API access logs, VPC flow logs). */
  logRetentionDays: retentionDays,
  /** Memory of the question-answering function (MB); CPU scales with it. */
  askMemoryMb: positiveInt.max(10_240),
  /** Timeout of the question-answering function; API Gateway gives up at 29 s anyway. */
  askTimeoutSeconds: positiveInt.max(29),
  /** Rows a statement may return at most (`BI_AGENT_MAX_ROWS`). */
  maxRows: positiveInt,
  /**
   * Bytes an answer's rows may take at most (`BI_AGENT_MAX_RESULT_BYTES`). A Lambda response is
   * capped at 6 MB and the chart repeats the rows, so this stays well under half of that.
   */
  maxResultBytes: positiveInt.max(2_500_000),
  /** Statement timeout on the question path (`BI_AGENT_STATEMENT_TIMEOUT_MS`); the Data API stops at 45 s. */
  statementTimeoutMs: positiveInt.max(44_000),
  /** The guard's ceiling on the planner's cost estimate (`BI_AGENT_MAX_QUERY_COST`); default: the application's (1e7 on Aurora). */
  maxQueryCost: z.coerce.number().positive().optional(),

  // Models (Bedrock). The adapters that call them are not wired yet; the functions get permissions and ids.
  /** Bedrock model or inference-profile id of the planner (a geo prefix such as `global.`/`us.` means a profile). */
  plannerModelId: z.string().min(1),
  /** Bedrock model id of the embeddings (Titan Text Embeddings V2). */
  embeddingModelId: z.string().min(1),
  /** Dimensions of the embeddings, and of the vector field of the search index. */
  embeddingDimensions: z.coerce.number().pipe(z.union([z.literal(256), z.literal(512), z.literal(1024)])),

  // API
  /** Stage-wide steady-state request rate (requests per second). */
  apiRateLimit: z.coerce.number().positive(),
  /** Stage-wide burst. */
  apiBurstLimit: positiveInt,
  /** Requests per 5 minutes per client IP before WAF blocks it. */
  wafRateLimitPer5Minutes: positiveInt.min(10),
  /** Partner tiers, one usage plan each (API keys are created per partner, outside the repo). */
  partnerTiers: jsonOrString(z.array(PartnerTierSchema).min(1)),

  // Identity
  /** Cognito domain prefix (globally unique in the region); default `bi-agent-<stage>-<account>`. */
  authDomainPrefix: z.string().regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/).optional(),
  /** OAuth callback URLs of the app client (the BI front end). */
  callbackUrls: jsonOrString(z.array(z.url()).min(1)),
  /** Where Cognito sends users after sign-out. */
  logoutUrls: jsonOrString(z.array(z.url()).min(1)),
  /** Lifetime of access and ID tokens, minutes. */
  accessTokenMinutes: positiveInt.min(5).max(1440),

  // Data
  /** Aurora PostgreSQL engine version (major.minor). */
  auroraEngineVersion: z.enum(['15.17', '16.13', '17.9']),
  /** Serverless v2 minimum capacity (ACU); 0 lets the cluster pause when idle (Data API answers "resuming"). */
  auroraMinCapacity: nonNegative.max(256),
  /** Serverless v2 maximum capacity (ACU). */
  auroraMaxCapacity: z.coerce.number().min(1).max(256),
  /** Database name. */
  databaseName: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/),
  /** Automated backup retention, days. */
  backupRetentionDays: positiveInt.max(35),
  /** Days between automatic rotations of both database secrets. */
  secretRotationDays: positiveInt.max(365),
  /** Deletion protection on the cluster (and RETAIN on tables). Off in dev, so a dev stack can be destroyed. */
  deletionProtection: flag,
  /** Read scaling beyond the writer: node-postgres through an RDS Proxy read-only endpoint. Not wired yet. */
  readReplicaProxy: flag,

  // Retrieval
  /** Name of the vector index in the OpenSearch Serverless collection. */
  searchIndexName: z.string().regex(/^[a-z][a-z0-9_-]{0,254}$/),
  /**
   * Roles allowed to create and manage the index (data-access policy). Default: the CDK bootstrap's
   * CloudFormation execution role, which creates the index during `cdk deploy`.
   */
  searchAdminRoleArns: jsonOrString(z.array(z.string().startsWith('arn:')).optional()),

  // Observability and releases
  /** E-mail that receives alarm notifications (optional; confirm the subscription once). */
  alarmEmail: z.email().optional(),
  /** p95 API latency above this (ms) for 3 of 5 minutes raises the latency alarm. */
  latencyP95AlarmMs: positiveInt,
  /** 5xx responses as a share of requests (0..1) over 5 minutes that raises the error alarm. */
  error5xxRateAlarm: z.coerce.number().gt(0).lt(1),
  /** Estimated LLM spend per hour (USD, from the `LlmCostUsd` metric) that raises the spend alarm. */
  llmSpendPerHourAlarmUsd: z.coerce.number().positive(),
  /** CodeDeploy configuration of every function's release. */
  deploymentConfig: z.enum(['CANARY_10PERCENT_5MINUTES', 'CANARY_10PERCENT_10MINUTES', 'LINEAR_10PERCENT_EVERY_1MINUTE', 'ALL_AT_ONCE']),
});

export type BiAgentConfig = z.infer<typeof ConfigSchema>;
/** The configuration as written (before coercion): what defaults and overrides may contain. */
export type ConfigInput = Partial<z.input<typeof ConfigSchema>>;

/** Defaults shared by every stage. */
export const BASE_DEFAULTS: ConfigInput = {
  serviceName: 'bi-agent',
  metricsNamespace: 'BiAgent',
  logLevel: 'INFO',
  logRetentionDays: 30,
  askMemoryMb: 1024,
  askTimeoutSeconds: 29,
  maxRows: 5000,
  maxResultBytes: 2_000_000,
  statementTimeoutMs: 15_000,
  plannerModelId: 'global.anthropic.claude-sonnet-4-5-20250929-v1:0',
  embeddingModelId: 'amazon.titan-embed-text-v2:0',
  embeddingDimensions: 1024,
  apiRateLimit: 50,
  apiBurstLimit: 100,
  wafRateLimitPer5Minutes: 1000,
  partnerTiers: [
    { name: 'standard', rateLimit: 2, burstLimit: 5, quotaLimit: 1_000, quotaPeriod: 'DAY' },
    { name: 'premium', rateLimit: 10, burstLimit: 20, quotaLimit: 20_000, quotaPeriod: 'DAY' },
  ],
  callbackUrls: ['http://localhost:5173/callback'],
  logoutUrls: ['http://localhost:5173/'],
  accessTokenMinutes: 60,
  auroraEngineVersion: '16.13',
  auroraMinCapacity: 0.5,
  auroraMaxCapacity: 8,
  databaseName: 'bi',
  backupRetentionDays: 7,
  secretRotationDays: 30,
  deletionProtection: true,
  readReplicaProxy: false,
  searchIndexName: 'bi-knowledge',
  latencyP95AlarmMs: 5000,
  error5xxRateAlarm: 0.05,
  llmSpendPerHourAlarmUsd: 5,
  deploymentConfig: 'CANARY_10PERCENT_5MINUTES',
};

/** What differs by stage. */
export const STAGE_DEFAULTS: Readonly<Record<Stage, ConfigInput>> = {
  dev: {
    logLevel: 'DEBUG',
    logRetentionDays: 14,
    auroraMinCapacity: 0,
    auroraMaxCapacity: 4,
    backupRetentionDays: 1,
    deletionProtection: false,
    apiRateLimit: 10,
    apiBurstLimit: 20,
    llmSpendPerHourAlarmUsd: 2,
    deploymentConfig: 'ALL_AT_ONCE',
  },
  staging: {
    logRetentionDays: 30,
    backupRetentionDays: 7,
    llmSpendPerHourAlarmUsd: 5,
  },
  prod: {
    logRetentionDays: 365,
    auroraMinCapacity: 0.5,
    auroraMaxCapacity: 32,
    backupRetentionDays: 35,
    apiRateLimit: 100,
    apiBurstLimit: 200,
    llmSpendPerHourAlarmUsd: 20,
    callbackUrls: ['https://bi.example.com/callback'],
    logoutUrls: ['https://bi.example.com/'],
  },
};

/** Reads context the way `App`/`Construct` do (`node.tryGetContext`). */
export interface ContextSource {
  tryGetContext(key: string): unknown;
}

/** Thrown when the context does not describe a valid deployment; lists every problem at once. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    message: string,
    readonly issues: readonly string[],
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * The configuration of the stage that context selects (`-c stage=…`, default `dev`).
 *
 * @example
 * const config = loadConfig(app.node); // in bin/app.ts
 * const config = loadConfig(contextOf({ stage: 'prod', maxRows: '2000' })); // in tests
 */
export function loadConfig(context: ContextSource): BiAgentConfig {
  const stageParse = z.enum(STAGES).safeParse(context.tryGetContext('stage') ?? 'dev');
  if (!stageParse.success) {
    throw new ConfigError(`Context "stage" must be one of ${STAGES.join(', ')}`, [String(context.tryGetContext('stage'))]);
  }
  const stage = stageParse.data;
  const fromFile = context.tryGetContext(`biAgent:${stage}`) ?? {};
  if (typeof fromFile !== 'object' || Array.isArray(fromFile)) {
    throw new ConfigError(`Context "biAgent:${stage}" must be an object of settings`, []);
  }
  const fromKeys: Record<string, unknown> = {};
  for (const key of Object.keys(ConfigSchema.shape)) {
    const value = context.tryGetContext(key);
    if (value !== undefined && key !== 'stage') fromKeys[key] = value;
  }
  const merged = { ...BASE_DEFAULTS, ...STAGE_DEFAULTS[stage], ...(fromFile as object), ...fromKeys, stage };
  const parsed = ConfigSchema.safeParse(merged);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration for stage ${stage}:\n  ${issues.join('\n  ')}`, issues, { cause: parsed.error });
  }
  if (parsed.data.auroraMaxCapacity < parsed.data.auroraMinCapacity) {
    throw new ConfigError(`Invalid configuration for stage ${stage}: auroraMaxCapacity is below auroraMinCapacity`, ['auroraMaxCapacity']);
  }
  return parsed.data;
}

/** A `ContextSource` over a plain object (tests, scripts). */
export function contextOf(values: Record<string, unknown>): ContextSource {
  return { tryGetContext: (key) => values[key] };
}
