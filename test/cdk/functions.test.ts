import { beforeAll, describe, expect, it } from 'vitest';
import { FUNCTION_RUNTIME } from '../../lib/constructs/bi-agent-function.ts';
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

  it('lets only the ask function call Bedrock, read the index and use the tables', () => {
    const { main } = synth.stacks;
    for (const [name, released] of Object.entries(main.functions.all)) {
      const text = JSON.stringify(statementsOfRole(synth.template, roleIdOf(main, released.fn)));
      const expected = name === 'Ask';
      expect(text.includes('bedrock:InvokeModel'), name).toBe(expected);
      expect(text.includes('aoss:APIAccessAll'), name).toBe(expected);
      expect(text.includes('dynamodb:'), name).toBe(expected);
    }
  });

  it('names the Bedrock models exactly (a region wildcard only for an inference profile)', () => {
    const { main, config } = synth.stacks;
    const bedrock = statementsOfRole(synth.template, roleIdOf(main, main.functions.ask.fn)).find((s) => actionsOf(s).includes('bedrock:InvokeModel'))!;
    const resources = JSON.stringify(bedrock.Resource);
    expect(resources).toContain(`foundation-model/${config.embeddingModelId}`);
    expect(resources).toContain(`inference-profile/${config.plannerModelId}`);
    expect(resources).not.toMatch(/foundation-model\/\*/);
  });

  it('gives the partner-key table read-only access to the ask function', () => {
    const { main } = synth.stacks;
    const partnerTable = main.getLogicalId(main.tables.partnerKeys.node.defaultChild as never);
    const statements = statementsOfRole(synth.template, roleIdOf(main, main.functions.ask.fn)).filter((s) => JSON.stringify(s.Resource).includes(partnerTable));
    for (const statement of statements) for (const action of actionsOf(statement)) expect(action).not.toMatch(/Put|Update|Delete|Write/);
  });
});
