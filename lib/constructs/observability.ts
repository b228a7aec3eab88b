/**
 * The dashboard and the alarms (to an encrypted SNS topic). The same alarms gate every release:
 * releases.ts hands them to each function's CodeDeploy deployment group, which rolls back when one
 * fires during the canary.
 *
 * Application metrics are Powertools EMF (functions/platform/observability.ts) in the configured
 * namespace with a `service` dimension. `LlmInputTokens`, `LlmOutputTokens`, `LlmCostUsd`,
 * `CacheHits` and `CacheMisses` are emitted by adapters that are not wired yet: their widgets and
 * the spend alarm stay empty (missing data is not breaching) until then.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IAlarm,
  MathExpression,
  Metric,
  TextWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import type { BiAgentConfig } from '../config.ts';
import type { Api } from './api.ts';
import type { ReleasedFunction, ServiceFunctions } from './service-functions.ts';

export interface ObservabilityProps {
  readonly config: BiAgentConfig;
  readonly api: Api;
  readonly functions: ServiceFunctions;
}

export class Observability extends Construct {
  readonly topic: Topic;
  readonly dashboard: Dashboard;
  readonly error5xxRate: Alarm;
  readonly latencyP95: Alarm;
  readonly llmSpendPerHour: Alarm;
  /** Errors of each function's `live` alias (the new version's own errors during a canary). */
  readonly functionErrors: Record<string, Alarm> = {};

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    const { config, api, functions } = props;
    const ns = config.metricsNamespace;
    const service = { service: config.serviceName };

    const key = new Key(this, 'TopicKey', {
      description: 'bi-agent alarm topic',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    key.grantEncryptDecrypt(new ServicePrincipal('cloudwatch.amazonaws.com'));
    this.topic = new Topic(this, 'AlarmTopic', { displayName: `bi-agent ${config.stage} alarms`, masterKey: key, enforceSSL: true });
    if (config.alarmEmail) this.topic.addSubscription(new EmailSubscription(config.alarmEmail));
    const notify = new SnsAction(this.topic);

    // 5xx as a share of requests (API Gateway counts), over 5 minutes.
    const requests = api.restApi.metricCount({ period: Duration.minutes(5), statistic: 'Sum' });
    const serverErrors = api.restApi.metricServerError({ period: Duration.minutes(5), statistic: 'Sum' });
    const errorRate = new MathExpression({
      expression: 'IF(requests > 0, errors / requests, 0)',
      usingMetrics: { requests, errors: serverErrors },
      period: Duration.minutes(5),
      label: '5xx rate',
    });
    this.error5xxRate = new Alarm(this, 'Error5xxRate', {
      alarmDescription: `5xx responses above ${config.error5xxRateAlarm * 100}% of requests over 5 minutes`,
      metric: errorRate,
      threshold: config.error5xxRateAlarm,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });

    const latency = (statistic: string) => api.restApi.metricLatency({ period: Duration.minutes(1), statistic, label: `latency ${statistic}` });
    this.latencyP95 = new Alarm(this, 'LatencyP95', {
      alarmDescription: `p95 API latency above ${config.latencyP95AlarmMs} ms in 3 of 5 minutes`,
      metric: latency('p95'),
      threshold: config.latencyP95AlarmMs,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });

    const appMetric = (metricName: string, statistic = 'Sum', period = Duration.minutes(5), dimensionsMap: Record<string, string> = service) =>
      new Metric({ namespace: ns, metricName, dimensionsMap, statistic, period });
    const llmCost = appMetric('LlmCostUsd', 'Sum', Duration.hours(1));
    this.llmSpendPerHour = new Alarm(this, 'LlmSpendPerHour', {
      alarmDescription: `Estimated LLM spend above ${config.llmSpendPerHourAlarmUsd} USD in an hour`,
      metric: llmCost,
      threshold: config.llmSpendPerHourAlarmUsd,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });

    for (const [name, released] of Object.entries(functions.all)) {
      this.functionErrors[name] = this.#aliasErrors(name, released);
    }
    for (const alarm of this.alarms) {
      alarm.addAlarmAction(notify);
      alarm.addOkAction(notify);
    }

    const guardRefusals = appMetric('Errors', 'Sum', Duration.minutes(5), { ...service, route: 'ask', code: 'guard_refused' });
    const cacheHits = appMetric('CacheHits');
    const cacheMisses = appMetric('CacheMisses');
    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: `bi-agent-${config.stage}`,
      defaultInterval: Duration.hours(6),
    });
    this.dashboard.addWidgets(
      new TextWidget({ markdown: `# bi-agent ${config.stage}\nAlarms go to SNS; each alarm also rolls back a canary release in progress.`, width: 24, height: 2 }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({ title: 'Request latency (API Gateway)', left: [latency('p50'), latency('p95'), latency('p99')], width: 12 }),
      new GraphWidget({
        title: 'Errors',
        left: [
          api.restApi.metricClientError({ period: Duration.minutes(5), statistic: 'Sum', label: '4xx' }),
          api.restApi.metricServerError({ period: Duration.minutes(5), statistic: 'Sum', label: '5xx' }),
          appMetric('Errors', 'Sum', Duration.minutes(5)),
        ],
        right: [errorRate],
        width: 12,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({ title: 'Guard refusals', left: [guardRefusals.with({ label: 'guard_refused' })], width: 8 }),
      new GraphWidget({
        title: 'LLM tokens and cost',
        left: [appMetric('LlmInputTokens'), appMetric('LlmOutputTokens')],
        right: [llmCost.with({ label: 'cost USD / hour' })],
        width: 8,
      }),
      new GraphWidget({
        title: 'Cache hit rate',
        left: [
          new MathExpression({
            expression: 'IF(hits + misses > 0, 100 * hits / (hits + misses), 0)',
            usingMetrics: { hits: cacheHits, misses: cacheMisses },
            label: 'hit rate %',
          }),
        ],
        width: 8,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Answers by planner',
        left: [
          new MathExpression({
            expression: `SEARCH('{${ns},planner,service} MetricName="Answers" service="${config.serviceName}"', 'Sum', 300)`,
            label: '',
            period: Duration.minutes(5),
          }),
        ],
        width: 12,
      }),
      new AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 12 }),
    );
  }

  /** Every alarm: the ones that gate releases and page. */
  get alarms(): Alarm[] {
    return [this.error5xxRate, this.latencyP95, this.llmSpendPerHour, ...Object.values(this.functionErrors)];
  }

  /** The alarms that roll back a release of `name` (the shared ones and its own). */
  releaseAlarms(name: string): IAlarm[] {
    const own = this.functionErrors[name];
    return [this.error5xxRate, this.latencyP95, this.llmSpendPerHour, ...(own ? [own] : [])];
  }

  #aliasErrors(name: string, released: ReleasedFunction): Alarm {
    return new Alarm(this, `${name}AliasErrors`, {
      alarmDescription: `${name}: errors of the live alias (the version being released) over 1 minute`,
      metric: released.alias.metricErrors({ period: Duration.minutes(1), statistic: 'Sum' }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }
}
