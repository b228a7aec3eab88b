import { beforeAll, describe, expect, it } from 'vitest';
import { resourcesOf, synthesize, type Synthesized } from './support/synth.ts';

let synth: Synthesized;
beforeAll(() => {
  synth = synthesize('prod');
});

describe('Observability: alarms', () => {
  it('alarms on 5xx rate, p95 latency and LLM spend per hour, with the configured thresholds', () => {
    const { config } = synth.stacks;
    const alarms = Object.values(resourcesOf(synth.template, 'AWS::CloudWatch::Alarm')).map((a) => a.Properties!);
    const rate = alarms.find((a) => JSON.stringify(a.Metrics ?? '').includes('errors / requests'))!;
    expect(rate.Threshold).toBe(config.error5xxRateAlarm);
    const latency = alarms.find((a) => /"MetricName":"Latency".*"Stat":"p95"/.test(JSON.stringify(a.Metrics ?? '')))!;
    expect(latency.Threshold).toBe(config.latencyP95AlarmMs);
    expect(JSON.stringify(latency.Metrics)).toContain('AWS/ApiGateway');
    expect([latency.DatapointsToAlarm, latency.EvaluationPeriods]).toEqual([3, 5]);
    const spend = alarms.find((a) => a.MetricName === 'LlmCostUsd')!;
    expect(spend.Threshold).toBe(config.llmSpendPerHourAlarmUsd);
    expect(spend.Period).toBe(3600);
    expect(spend.Namespace).toBe(config.metricsNamespace);
  });

  it('sends every alarm to the encrypted SNS topic', () => {
    const [topicId, topic] = Object.entries(resourcesOf(synth.template, 'AWS::SNS::Topic'))[0]!;
    expect(topic.Properties!.KmsMasterKeyId).toBeDefined();
    for (const alarm of Object.values(resourcesOf(synth.template, 'AWS::CloudWatch::Alarm'))) {
      expect(alarm.Properties!.AlarmActions).toEqual([{ Ref: topicId }]);
    }
  });

  it('has a dashboard with latency percentiles, errors, guard refusals, LLM cost, cache hit rate and answers by planner', () => {
    const [dashboard] = Object.values(resourcesOf(synth.template, 'AWS::CloudWatch::Dashboard'));
    const body = JSON.stringify(dashboard!.Properties!.DashboardBody);
    for (const needle of ['p50', 'p95', 'p99', 'guard_refused', 'LlmCostUsd', 'LlmInputTokens', 'hits / (hits + misses)', 'MetricName=\\\\\\"Answers\\\\\\"']) {
      expect(body, needle).toContain(needle);
    }
  });
});

describe('Releases: canaries that roll back on the alarms', () => {
  it('publishes each HTTP function behind a live alias', () => {
    const aliases = Object.values(resourcesOf(synth.template, 'AWS::Lambda::Alias')).map((a) => a.Properties!);
    expect(aliases).toHaveLength(4);
    for (const alias of aliases) expect(alias.Name).toBe('live');
  });

  it('gives every alias a deployment group with the configured canary, the release alarms and automatic rollback', () => {
    const { main } = synth.stacks;
    const groups = resourcesOf(synth.template, 'AWS::CodeDeploy::DeploymentGroup');
    expect(Object.keys(groups)).toHaveLength(4);
    const shared = [main.observability.error5xxRate, main.observability.latencyP95, main.observability.llmSpendPerHour].map((alarm) =>
      main.getLogicalId(alarm.node.defaultChild as never),
    );
    for (const group of Object.values(groups)) {
      const props = group.Properties!;
      expect(JSON.stringify(props.DeploymentConfigName)).toContain('LambdaCanary10Percent5Minutes');
      expect(props.AutoRollbackConfiguration).toEqual({ Enabled: true, Events: expect.arrayContaining(['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM']) });
      expect(props.AlarmConfiguration.Enabled).toBe(true);
      const wired = JSON.stringify(props.AlarmConfiguration.Alarms);
      for (const id of shared) expect(wired).toContain(id);
      expect(props.AlarmConfiguration.Alarms).toHaveLength(4); // the shared three and the alias's own errors
    }
  });

  it('updates each alias through CodeDeploy rather than in place', () => {
    for (const alias of Object.values(resourcesOf(synth.template, 'AWS::Lambda::Alias')) as any[]) {
      expect(alias.UpdatePolicy.CodeDeployLambdaAliasUpdate).toBeDefined();
    }
  });
});
