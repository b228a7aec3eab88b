/**
 * The product's one stack. It only composes constructs, one concern each; the order below is the
 * order of dependencies (data first, then functions, then the API, then what watches them).
 */
import { Aspects, CfnOutput, Stack, type StackProps, Tags } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { ApplicationLogLevelFromPowertools } from './application-log-level.ts';
import type { BiAgentConfig } from './config.ts';
import { Api } from './constructs/api.ts';
import { Auth } from './constructs/auth.ts';
import { Migrations } from './constructs/migrations.ts';
import { Observability } from './constructs/observability.ts';
import { ParserLayer } from './constructs/parser-layer.ts';
import { Releases } from './constructs/releases.ts';
import { Search } from './constructs/search.ts';
import { ServiceFunctions } from './constructs/service-functions.ts';
import { Tables } from './constructs/tables.ts';
import { Warehouse } from './constructs/warehouse.ts';
import { acknowledgeStackFindings } from './nag-acknowledgements.ts';

export interface BiAgentStackProps extends StackProps {
  readonly config: BiAgentConfig;
}

export class BiAgentStack extends Stack {
  readonly config: BiAgentConfig;
  readonly warehouse: Warehouse;
  readonly migrations: Migrations;
  readonly search: Search;
  readonly tables: Tables;
  readonly auth: Auth;
  readonly functions: ServiceFunctions;
  readonly api: Api;
  readonly observability: Observability;
  readonly releases: Releases;

  constructor(scope: Construct, id: string, props: BiAgentStackProps) {
    super(scope, id, props);
    const { config } = props;
    this.config = config;
    Tags.of(this).add('application', 'bi-agent');
    Tags.of(this).add('stage', config.stage);

    this.warehouse = new Warehouse(this, 'Warehouse', { config });
    this.migrations = new Migrations(this, 'Migrations', { config, warehouse: this.warehouse });
    this.search = new Search(this, 'Search', { config });
    this.tables = new Tables(this, 'Tables', { config });
    this.auth = new Auth(this, 'Auth', { config });
    const parserLayer = new ParserLayer(this, 'ParserLayer');
    this.functions = new ServiceFunctions(this, 'Functions', {
      config,
      parserLayer: parserLayer.layer,
      warehouse: this.warehouse,
    });
    this.api = new Api(this, 'Api', { config, auth: this.auth, functions: this.functions });
    this.observability = new Observability(this, 'Observability', { config, api: this.api, functions: this.functions });
    this.releases = new Releases(this, 'Releases', { config, functions: this.functions, observability: this.observability });
    acknowledgeStackFindings(this);
    // Lambda filters each function's application logs at the level Powertools logs at.
    Aspects.of(this).add(new ApplicationLogLevelFromPowertools());

    new CfnOutput(this, 'ApiUrl', { value: this.api.restApi.url });
    new CfnOutput(this, 'UserPoolId', { value: this.auth.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: this.auth.client.userPoolClientId });
    new CfnOutput(this, 'AuthDomain', { value: this.auth.domain.baseUrl() });
    new CfnOutput(this, 'ClusterArn', { value: this.warehouse.cluster.clusterArn });
    new CfnOutput(this, 'SchemaVersion', { value: this.migrations.schemaVersion });
    new CfnOutput(this, 'SearchEndpoint', { value: this.search.collection.attrCollectionEndpoint });
    new CfnOutput(this, 'DashboardName', { value: this.observability.dashboard.dashboardName });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.observability.topic.topicArn });
  }
}
