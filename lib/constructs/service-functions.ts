/**
 * The HTTP functions, one per handler, each published behind a `live` alias (API Gateway calls the
 * alias; CodeDeploy shifts it between versions, see releases.ts), each with only the permissions
 * its handler uses today: the Data API on the cluster as the read-only login for ask and ready,
 * nothing for health and openapi. Bedrock, the search collection and the tables are granted by the
 * change that brings the adapter using them (docs/deploy.md, "Not wired yet"), not before.
 */
import { Arn, ArnFormat, Duration, type Stack } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Alias, type ILayerVersion } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { CORS_ORIGINS_ENV } from '../../functions/platform/cors.ts';
import type { BiAgentConfig } from '../config.ts';
import { corsOriginsOf } from '../cors-origins.ts';
import { BiAgentFunction } from './bi-agent-function.ts';
import type { Warehouse } from './warehouse.ts';

/** The name of the alias API Gateway invokes. */
export const LIVE_ALIAS = 'live';

export interface ServiceFunctionsProps {
  readonly config: BiAgentConfig;
  readonly parserLayer: ILayerVersion;
  readonly warehouse: Warehouse;
}

/** A function and the alias traffic goes to. */
export interface ReleasedFunction {
  readonly fn: BiAgentFunction;
  readonly alias: Alias;
}

export class ServiceFunctions extends Construct {
  readonly ask: ReleasedFunction;
  readonly health: ReleasedFunction;
  readonly ready: ReleasedFunction;
  readonly openapi: ReleasedFunction;
  /** `BI_AGENT_CORS_ORIGINS` (the front end's origins, comma-separated) of every function here. */
  readonly #corsOrigins: string;

  constructor(scope: Construct, id: string, props: ServiceFunctionsProps) {
    super(scope, id);
    const { config, warehouse } = props;
    // Every HTTP function names the caller's origin on its responses when it is the front end's
    // (functions/platform/cors.ts); the preflight and the gateway's own errors use the same list.
    this.#corsOrigins = corsOriginsOf(config).join(',');

    // What the composition root reads (functions/platform/container.ts): the Data API warehouse as
    // the read-only login, the row cap, the timeout; the local index lives in /tmp.
    const warehouseEnv = {
      BI_AGENT_CLUSTER_ARN: warehouse.cluster.clusterArn,
      BI_AGENT_SECRET_ARN: warehouse.querySecret.secretArn,
      BI_AGENT_DATABASE: warehouse.databaseName,
      BI_AGENT_MAX_ROWS: String(config.maxRows),
      BI_AGENT_MAX_RESULT_BYTES: String(config.maxResultBytes),
      BI_AGENT_STATEMENT_TIMEOUT_MS: String(config.statementTimeoutMs),
      BI_AGENT_DATA: '/tmp/bi-agent',
      ...(config.maxQueryCost ? { BI_AGENT_MAX_QUERY_COST: String(config.maxQueryCost) } : {}),
    };

    this.ask = this.#released('Ask', {
      entry: 'functions/ask/handler.ts',
      handler: 'handler',
      description: 'POST /v1/ask: a business question answered with guarded read-only SQL',
      config,
      parserLayer: props.parserLayer,
      files: ['knowledge'],
      memorySize: config.askMemoryMb,
      timeout: Duration.seconds(config.askTimeoutSeconds),
      environment: warehouseEnv,
    });
    warehouse.grantQuery(this.ask.fn);

    this.health = this.#released('Health', {
      entry: 'functions/health/handler.ts',
      handler: 'healthHandler',
      description: 'GET /health: liveness (touches nothing)',
      config,
      memorySize: 256,
      timeout: Duration.seconds(5),
    });

    // Readiness builds the same dependencies as the ask function (guard, index, warehouse) and pings.
    this.ready = this.#released('Ready', {
      entry: 'functions/ready/handler.ts',
      handler: 'readyHandler',
      description: 'GET /ready: readiness (the warehouse answers)',
      config,
      parserLayer: props.parserLayer,
      files: ['knowledge'],
      memorySize: 512,
      timeout: Duration.seconds(20),
      environment: warehouseEnv,
    });
    warehouse.grantQuery(this.ready.fn);

    this.openapi = this.#released('OpenApi', {
      entry: 'functions/openapi/handler.ts',
      handler: 'handler',
      description: 'GET /openapi.json: the API description',
      config,
      memorySize: 256,
      timeout: Duration.seconds(5),
    });
  }

  /** Every released function, for alarms, dashboards and deployment groups. */
  get all(): Record<'Ask' | 'Health' | 'Ready' | 'OpenApi', ReleasedFunction> {
    return { Ask: this.ask, Health: this.health, Ready: this.ready, OpenApi: this.openapi };
  }

  #released(id: string, props: ConstructorParameters<typeof BiAgentFunction>[2]): ReleasedFunction {
    const fn = new BiAgentFunction(this, id, { ...props, environment: { ...props.environment, [CORS_ORIGINS_ENV]: this.#corsOrigins } });
    const alias = new Alias(this, `${id}Live`, { aliasName: LIVE_ALIAS, version: fn.currentVersion });
    return { fn, alias };
  }
}

/** Geo prefixes of Bedrock cross-region inference profiles (`global.anthropic…`, `us.amazon…`). */
const INFERENCE_PROFILE_PREFIX = /^(global|us|eu|apac|us-gov|jp|au|ca)\./;

/**
 * `bedrock:InvokeModel*` on exactly the configured models, for the Bedrock adapters when they land
 * (no function is granted Bedrock before code calls it). A foundation model id is one ARN in this
 * region. An inference-profile id needs the profile and the foundation model in every region the
 * profile may route to, which is the one place a region wildcard appears (see the acknowledgement
 * in the stack).
 */
export function bedrockInvokeStatements(
  stack: Stack,
  modelIds: readonly string[],
): { statements: PolicyStatement[]; regionWildcards: string[] } {
  const resources = new Set<string>();
  /** The wildcard resources as cdk-nag prints them (for the acknowledgements). */
  const regionWildcards: string[] = [];
  for (const modelId of modelIds) {
    const profile = INFERENCE_PROFILE_PREFIX.exec(modelId);
    if (profile) {
      resources.add(stack.formatArn({ service: 'bedrock', resource: 'inference-profile', resourceName: modelId }));
      const base = modelId.slice(profile[0].length);
      resources.add(
        Arn.format({
          partition: stack.partition,
          service: 'bedrock',
          region: '*',
          account: '',
          resource: 'foundation-model',
          resourceName: base,
          arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
        }),
      );
      regionWildcards.push(`arn:<AWS::Partition>:bedrock:*::foundation-model/${base}`);
    } else {
      resources.add(stack.formatArn({ service: 'bedrock', account: '', resource: 'foundation-model', resourceName: modelId }));
    }
  }
  return {
    statements: [
      new PolicyStatement({
        actions: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'],
        resources: [...resources],
      }),
    ],
    regionWildcards,
  };
}
