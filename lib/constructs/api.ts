/**
 * The REST API: user routes behind a Cognito authorizer that requires the API scope (so it takes
 * access tokens), partner routes that also require an API key (metered by a usage plan per tier),
 * the public liveness probe and OpenAPI document, request validation, access logs, stage
 * throttling, tracing, and a WAF web ACL with AWS's managed common rule set.
 *
 * Readiness (`GET /ready`) is a user route: it runs a Data API transaction (and wakes dev's pausing
 * cluster), so anonymous probes may not call it; the front end (to show "warehouse resuming") and
 * operators call it with an access token, and the function reuses its result for 30 s.
 *
 * CORS: the preflight, API Gateway's own error responses and the functions' responses
 * (functions/platform/cors.ts) all name the front end's origins (`lib/cors-origins.ts`).
 */
import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import {
  AccessLogFormat,
  ApiKeySourceType,
  AuthorizationType,
  CognitoUserPoolsAuthorizer,
  EndpointType,
  type IModel,
  JsonSchemaType,
  JsonSchemaVersion,
  LambdaIntegration,
  LogGroupLogDestination,
  MethodLoggingLevel,
  type Method,
  type MethodOptions,
  Period,
  RequestValidator,
  RestApi,
  type UsagePlan,
} from 'aws-cdk-lib/aws-apigateway';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { CfnWebACL, CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { MAX_CONVERSATION_ID_CHARS, MAX_QUESTION_CHARS } from '../../functions/platform/schemas.ts';
import type { BiAgentConfig } from '../config.ts';
import { corsOriginsOf } from '../cors-origins.ts';
import { gatewayProblemTemplate, GATEWAY_PROBLEMS } from './gateway-problems.ts';
import type { Auth } from './auth.ts';
import type { ServiceFunctions } from './service-functions.ts';

/** Which routes are which (tests check each kind has what it must). */
export type RouteKind = 'user' | 'partner' | 'public';

export interface RouteInfo {
  readonly kind: RouteKind;
  readonly method: Method;
}

export interface ApiProps {
  readonly config: BiAgentConfig;
  readonly auth: Auth;
  readonly functions: ServiceFunctions;
}

export class Api extends Construct {
  readonly restApi: RestApi;
  readonly accessLogs: LogGroup;
  readonly webAcl: CfnWebACL;
  readonly usagePlans: Record<string, UsagePlan> = {};
  readonly routes: RouteInfo[] = [];

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    const { config, auth, functions } = props;

    this.accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: config.logRetentionDays as RetentionDays,
      removalPolicy: config.deletionProtection ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });

    const corsOrigins = corsOriginsOf(config);
    this.restApi = new RestApi(this, 'RestApi', {
      restApiName: `bi-agent-${config.stage}`,
      description: 'Contextual BI Agent: business questions answered with guarded read-only SQL',
      endpointTypes: [EndpointType.REGIONAL],
      apiKeySourceType: ApiKeySourceType.HEADER,
      cloudWatchRole: true, // the account-level role that lets API Gateway write execution logs
      cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN,
      deployOptions: {
        stageName: config.stage,
        throttlingRateLimit: config.apiRateLimit,
        throttlingBurstLimit: config.apiBurstLimit,
        accessLogDestination: new LogGroupLogDestination(this.accessLogs),
        accessLogFormat: AccessLogFormat.jsonWithStandardFields(),
        loggingLevel: MethodLoggingLevel.ERROR,
        dataTraceEnabled: false, // request bodies are questions about the business: never in logs
        tracingEnabled: true,
        metricsEnabled: true,
      },
    });
    Validations.of(this.restApi).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
      reason:
        "API Gateway's account-level logging role: AWS's managed policy is the documented one, scoped to CloudWatch Logs, and kept current by AWS.",
    });
    this.#problemResponses(corsOrigins);

    const authorizer = new CognitoUserPoolsAuthorizer(this, 'Authorizer', {
      cognitoUserPools: [auth.userPool],
      authorizerName: 'cognito-access-token',
      identitySource: 'method.request.header.Authorization',
    });
    const bodyValidator = new RequestValidator(this, 'BodyValidator', {
      restApi: this.restApi,
      requestValidatorName: 'body-and-parameters',
      validateRequestBody: true,
      validateRequestParameters: true,
    });
    const paramsValidator = new RequestValidator(this, 'ParamsValidator', {
      restApi: this.restApi,
      requestValidatorName: 'parameters',
      validateRequestParameters: true,
    });
    const askModel = this.#askModel();

    const userOptions: MethodOptions = {
      authorizer,
      authorizationType: AuthorizationType.COGNITO,
      authorizationScopes: [auth.askScope],
      requestValidator: bodyValidator,
      requestModels: { 'application/json': askModel },
      requestParameters: { 'method.request.header.Authorization': true },
    };
    const partnerOptions: MethodOptions = {
      ...userOptions,
      authorizationScopes: [auth.partnerScope],
      apiKeyRequired: true,
    };
    const signedInOptions: MethodOptions = {
      authorizer,
      authorizationType: AuthorizationType.COGNITO,
      authorizationScopes: [auth.askScope],
      requestValidator: paramsValidator,
      requestParameters: { 'method.request.header.Authorization': true },
    };
    const publicOptions: MethodOptions = { authorizationType: AuthorizationType.NONE, requestValidator: paramsValidator };

    const v1 = this.restApi.root.addResource('v1');
    const ask = v1.addResource('ask', {
      defaultCorsPreflightOptions: { allowOrigins: corsOrigins, allowMethods: ['POST', 'OPTIONS'], allowHeaders: ['Authorization', 'Content-Type'] },
    });
    this.#route('user', ask.addMethod('POST', new LambdaIntegration(functions.ask.alias), userOptions));
    const partnerAsk = v1.addResource('partner').addResource('ask');
    this.#route('partner', partnerAsk.addMethod('POST', new LambdaIntegration(functions.ask.alias), partnerOptions));

    const ready = this.restApi.root.addResource('ready', {
      defaultCorsPreflightOptions: { allowOrigins: corsOrigins, allowMethods: ['GET', 'OPTIONS'], allowHeaders: ['Authorization'] },
    });
    this.#route('user', ready.addMethod('GET', new LambdaIntegration(functions.ready.alias), signedInOptions));

    const publicRoutes: [string, LambdaIntegration][] = [
      ['health', new LambdaIntegration(functions.health.alias)],
      ['openapi.json', new LambdaIntegration(functions.openapi.alias)],
    ];
    for (const [path, integration] of publicRoutes) {
      const method = this.restApi.root.addResource(path).addMethod('GET', integration, publicOptions);
      this.#route('public', method);
      Validations.of(method).acknowledge(
        {
          id: 'AwsSolutions-APIG4',
          reason: `GET /${path} is public by design: the liveness probe (it touches no dependency) and the API description carry no business data; stage throttling and WAF rate limiting bound it.`,
        },
        { id: 'AwsSolutions-COG4', reason: `GET /${path} takes no user token (see APIG4).` },
      );
    }
    for (const preflight of [ask.node.tryFindChild('OPTIONS'), ready.node.tryFindChild('OPTIONS')]) {
      if (!preflight) continue;
      Validations.of(preflight).acknowledge(
        { id: 'AwsSolutions-APIG4', reason: 'CORS preflight (OPTIONS) cannot carry credentials; it is a mock integration that returns headers only.' },
        { id: 'AwsSolutions-COG4', reason: 'CORS preflight (OPTIONS) cannot carry a token (see APIG4).' },
      );
    }

    for (const tier of config.partnerTiers) {
      const plan = this.restApi.addUsagePlan(`UsagePlan-${tier.name}`, {
        name: `bi-agent-${config.stage}-${tier.name}`,
        description: `Partner tier ${tier.name}: ${tier.rateLimit} rps, ${tier.quotaLimit} requests a ${tier.quotaPeriod.toLowerCase()}`,
        throttle: { rateLimit: tier.rateLimit, burstLimit: tier.burstLimit },
        quota: { limit: tier.quotaLimit, period: Period[tier.quotaPeriod] },
        apiStages: [{ api: this.restApi, stage: this.restApi.deploymentStage }],
      });
      this.usagePlans[tier.name] = plan;
    }

    this.webAcl = this.#webAcl(config);
    new CfnWebACLAssociation(this, 'WebAclAssociation', {
      resourceArn: this.restApi.deploymentStage.stageArn,
      webAclArn: this.webAcl.attrArn,
    });
  }

  /** The routes of one kind. */
  routesOf(kind: RouteKind): Method[] {
    return this.routes.filter((route) => route.kind === kind).map((route) => route.method);
  }

  #route(kind: RouteKind, method: Method): void {
    this.routes.push({ kind, method });
  }

  /** `POST /v1/ask`'s body, as API Gateway checks it before any function runs (JSON Schema draft 4). */
  #askModel(): IModel {
    return this.restApi.addModel('AskRequest', {
      contentType: 'application/json',
      modelName: 'AskRequest',
      schema: {
        schema: JsonSchemaVersion.DRAFT4,
        title: 'AskRequest',
        type: JsonSchemaType.OBJECT,
        required: ['question'],
        additionalProperties: false,
        properties: {
          question: { type: JsonSchemaType.STRING, minLength: 1, maxLength: MAX_QUESTION_CHARS },
          asOf: { type: JsonSchemaType.STRING, pattern: '^\\d{4}-\\d{2}-\\d{2}$' },
          conversationId: { type: JsonSchemaType.STRING, minLength: 1, maxLength: MAX_CONVERSATION_ID_CHARS, pattern: '^[A-Za-z0-9._:-]+$' },
        },
      },
    });
  }

  /**
   * API Gateway's own refusals in the same problem+json shape as the handlers' (platform/problem.ts),
   * readable by the front end (CORS). Which responses, and why their bodies are static text, is in
   * gateway-problems.ts.
   */
  #problemResponses(corsOrigins: readonly string[]): void {
    // A gateway response cannot choose among origins (its headers are static or copied from the
    // request). One front end, the usual case, is named exactly; with several, any origin may read
    // these bodies, which hold nothing but the refusal and the request id.
    const allowOrigin = corsOrigins.length === 1 ? corsOrigins[0]! : '*';
    for (const problem of GATEWAY_PROBLEMS) {
      this.restApi.addGatewayResponse(`Problem${problem.type.responseType}`, {
        type: problem.type,
        ...(problem.status ? { statusCode: String(problem.status) } : {}),
        responseHeaders: {
          'Content-Type': "'application/problem+json'",
          'Access-Control-Allow-Origin': `'${allowOrigin}'`,
        },
        templates: { 'application/json': gatewayProblemTemplate(problem) },
      });
    }
  }

  #webAcl(config: BiAgentConfig): CfnWebACL {
    const visibility = (metricName: string) => ({ cloudWatchMetricsEnabled: true, metricName, sampledRequestsEnabled: true });
    const managed = (priority: number, name: string) => ({
      name,
      priority,
      overrideAction: { none: {} },
      statement: { managedRuleGroupStatement: { vendorName: 'AWS', name } },
      visibilityConfig: visibility(name),
    });
    return new CfnWebACL(this, 'WebAcl', {
      name: `bi-agent-${config.stage}`,
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: visibility(`bi-agent-${config.stage}`),
      rules: [
        {
          name: 'RateLimitPerIp',
          priority: 0,
          action: { block: {} },
          statement: { rateBasedStatement: { limit: config.wafRateLimitPer5Minutes, aggregateKeyType: 'IP' } },
          visibilityConfig: visibility('RateLimitPerIp'),
        },
        managed(1, 'AWSManagedRulesCommonRuleSet'),
        managed(2, 'AWSManagedRulesKnownBadInputsRuleSet'),
      ],
    });
  }
}
