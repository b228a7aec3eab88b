import { beforeAll, describe, expect, it } from 'vitest';
import { Stack } from 'aws-cdk-lib';
import { FUNCTION_RUNTIME } from '../../lib/constructs/bi-agent-function.ts';
import { bedrockInvokeStatements } from '../../lib/constructs/service-functions.ts';
import { corsOriginsOf } from '../../lib/cors-origins.ts';
import { resourcesOf, roleIdOf, statementsOfRole, synthesize, type Synthesized } from './support/synth.ts';

let synth: Synthesized;
beforeAll(() => {
  synth = synthesize('prod');
});

const functions = () => Object.values(resourcesOf(synth.template, 'AWS::Lambda::Function')).map((fn) => fn.Properties!);
const actionsOf = (statement: { Action: string | string[] }) => [statement.Action].flat();

describe('Functions', () => {
  it('run on arm64 with the newest Node.js runtime, ESM bundles, active tracing and JSON logs', () => {
    expect(functions()).toHaveLength(6);
    for (const fn of functions()) {
      expect(fn.Architectures).toEqual(['arm64']);
      expect(fn.Runtime).toBe(FUNCTION_RUNTIME.name);
      expect(fn.Handler).toMatch(/^index\.\w+$/);
      expect(fn.TracingConfig).toEqual({ Mode: 'Active' });
      expect(fn.LoggingConfig).toMatchObject({ LogFormat: 'JSON', LogGroup: expect.anything() });
    }
  });

  it('give every function the Powertools environment the platform requires on Lambda', () => {
    const { config } = synth.stacks;
    for (const fn of functions()) {
      expect(fn.Environment.Variables).toMatchObject({
        POWERTOOLS_SERVICE_NAME: config.serviceName,
        POWERTOOLS_METRICS_NAMESPACE: config.metricsNamespace,
        POWERTOOLS_LOG_LEVEL: config.logLevel,
        NODE_OPTIONS: '--enable-source-maps',
      });
    }
  });

  it('let Lambda filter application logs at the stage\'s log level (the one Powertools logs at)', () => {
    const dev = synthesize('dev');
    for (const [synthesized, level] of [[synth, 'INFO'], [dev, 'DEBUG']] as const) {
      expect(synthesized.stacks.config.logLevel).toBe(level);
      for (const fn of Object.values(resourcesOf(synthesized.template, 'AWS::Lambda::Function')).map((f) => f.Properties!)) {
        expect(fn.Environment.Variables.POWERTOOLS_LOG_LEVEL).toBe(level);
        expect(fn.LoggingConfig).toMatchObject({ LogFormat: 'JSON', ApplicationLogLevel: level });
      }
    }
  });

  it('tell every HTTP function the front end\'s origins, for CORS on its responses', () => {
    const { main, config } = synth.stacks;
    const byLogicalId = resourcesOf(synth.template, 'AWS::Lambda::Function');
    for (const released of Object.values(main.functions.all)) {
      const fn = byLogicalId[main.getLogicalId(released.fn.node.defaultChild as never)]!.Properties!;
      expect(fn.Environment.Variables.BI_AGENT_CORS_ORIGINS).toBe(corsOriginsOf(config).join(','));
    }
  });

  it('point the composition root at the Data API warehouse with the read-only secret', () => {
    const { main, config } = synth.stacks;
    const ask = functions().find((fn) => String(fn.Description).startsWith('POST /v1/ask'))!;
    expect(ask.Environment.Variables).toMatchObject({
      BI_AGENT_CLUSTER_ARN: expect.anything(),
      BI_AGENT_SECRET_ARN: main.resolve(main.warehouse.querySecret.secretArn),
      BI_AGENT_DATABASE: config.databaseName,
      BI_AGENT_MAX_ROWS: String(config.maxRows),
      BI_AGENT_MAX_RESULT_BYTES: String(config.maxResultBytes),
      BI_AGENT_STATEMENT_TIMEOUT_MS: String(config.statementTimeoutMs),
      BI_AGENT_DATA: '/tmp/bi-agent',
    });
    expect(ask.Timeout).toBeLessThanOrEqual(29);
  });

  it('load the PostgreSQL parser from the layer where the guard runs', () => {
    const [layerId] = Object.keys(resourcesOf(synth.template, 'AWS::Lambda::LayerVersion'));
    const withLayer = functions().filter((fn) => JSON.stringify(fn.Layers ?? []).includes(layerId!));
    expect(withLayer.map((fn) => String(fn.Description).split(':')[0]).sort()).toEqual(['GET /ready', 'POST /v1/ask']);
  });

  it('each have a log group with the configured retention', () => {
    const groups = resourcesOf(synth.template, 'AWS::Logs::LogGroup');
    for (const fn of functions()) {
      const group = groups[fn.LoggingConfig.LogGroup.Ref]!;
      expect(group.Properties!.RetentionInDays).toBe(synth.stacks.config.logRetentionDays);
    }
    for (const group of Object.values(groups)) expect(group.Properties!.RetentionInDays).toBe(synth.stacks.config.logRetentionDays);
  });
});

describe('IAM: least privilege', () => {
  const allStatements = () =>
    Object.values(resourcesOf(synth.template, 'AWS::IAM::Policy')).flatMap((policy) => policy.Properties!.PolicyDocument.Statement as any[]);

  it('grants no wildcard action anywhere', () => {
    for (const statement of allStatements()) {
      for (const action of actionsOf(statement)) expect(action, JSON.stringify(statement)).not.toMatch(/^\*$|:\*$/);
    }
  });

  it('grants nothing on "*" to any function but the X-Ray trace calls', () => {
    for (const fn of Object.values(resourcesOf(synth.template, 'AWS::Lambda::Function'))) {
      const roleId = (fn.Properties!.Role as any)['Fn::GetAtt'][0];
      for (const statement of statementsOfRole(synth.template, roleId)) {
        if ([statement.Resource].flat().includes('*')) expect(actionsOf(statement).sort()).toEqual(['xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
      }
    }
  });

  it('uses no AWS managed policy on function roles', () => {
    for (const fn of Object.values(resourcesOf(synth.template, 'AWS::Lambda::Function'))) {
      const roleId = (fn.Properties!.Role as any)['Fn::GetAtt'][0];
      expect(resourcesOf(synth.template, 'AWS::IAM::Role')[roleId]!.Properties!.ManagedPolicyArns).toBeUndefined();
    }
  });

  it('grants no function Bedrock, the search collection or the tables before code uses them', () => {
    for (const fn of Object.values(resourcesOf(synth.template, 'AWS::Lambda::Function'))) {
      const text = JSON.stringify(statementsOfRole(synth.template, (fn.Properties!.Role as any)['Fn::GetAtt'][0]));
      expect(text, String(fn.Properties!.Description)).not.toMatch(/bedrock:|aoss:|dynamodb:/);
    }
    const [policy] = Object.values(resourcesOf(synth.template, 'AWS::OpenSearchServerless::AccessPolicy'));
    expect(JSON.stringify(policy!.Properties!.Policy)).not.toContain('aoss:ReadDocument');
  });

  it('lets the question path begin, run and roll back, never commit; only the migrations commit', () => {
    const { main } = synth.stacks;
    const dataApi = (fn: Parameters<typeof roleIdOf>[1]) =>
      statementsOfRole(synth.template, roleIdOf(main, fn)).flatMap(actionsOf).filter((action) => action.startsWith('rds-data:')).sort();
    for (const released of [main.functions.ask, main.functions.ready]) {
      expect(dataApi(released.fn)).toEqual(['rds-data:BeginTransaction', 'rds-data:ExecuteStatement', 'rds-data:RollbackTransaction']);
    }
    expect(dataApi(main.migrations.function)).toContain('rds-data:CommitTransaction');
  });
});

describe('bedrockInvokeStatements (for the Bedrock adapters, when they land)', () => {
  it('names the models exactly, with a region wildcard only for an inference profile', () => {
    const stack = new Stack();
    const { statements, regionWildcards } = bedrockInvokeStatements(stack, ['global.anthropic.claude-sonnet-4-5-20250929-v1:0', 'amazon.titan-embed-text-v2:0']);
    const resources = JSON.stringify(stack.resolve(statements.map((statement) => statement.toStatementJson())));
    expect(resources).toContain('foundation-model/amazon.titan-embed-text-v2:0');
    expect(resources).toContain('inference-profile/global.anthropic.claude-sonnet-4-5-20250929-v1:0');
    expect(resources).not.toMatch(/foundation-model\/\*/);
    expect(regionWildcards).toEqual(['arn:<AWS::Partition>:bedrock:*::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0']);
  });
});
