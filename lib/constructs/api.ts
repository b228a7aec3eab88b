/**
 * The REST API: user routes behind a Cognito authorizer that requires the API scope (so it takes
 * access tokens), partner routes that also require an API key (metered by a usage plan per tier),
 * public probes and the OpenAPI document, request validation, access logs, stage throttling,
 * tracing, and a WAF web ACL with AWS's managed common rule set.
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
  ResponseType,
  RestApi,
  type UsagePlan,
} from 'aws-cdk-lib/aws-apigateway';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { CfnWebACL, CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { MAX_CONVERSATION_ID_CHARS, MAX_QUESTION_CHARS } from '../../functions/platform/schemas.ts';
import type { BiAgentConfig } from '../config.ts';
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

    const corsOrigins = [...new Set(config.callbackUrls.map((url) => new URL(url).origin))];
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
    this.#problemResponses();

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
    const publicOptions: MethodOptions = { authorizationType: AuthorizationType.NONE, requestValidator: paramsValidator };

    const v1 = this.restApi.root.addResource('v1');
    const ask = v1.addResource('ask', {
      defaultCorsPreflightOptions: { allowOrigins: corsOrigins, allowMethods: ['POST', 'OPTIONS'], allowHeaders: ['Authorization', 'Content-Type'] },
    });
    this.#route('user', ask.addMethod('POST', new LambdaIntegration(functions.ask.alias), userOptions));
    const partnerAsk = v1.addResource('partner').addResource('ask');
    this.#route('partner', partnerAsk.addMethod('POST', new LambdaIntegration(functions.ask.alias), partnerOptions));

    const publicRoutes: [string, LambdaIntegration][] = [
      ['health', new LambdaIntegration(functions.health.alias)],
      ['ready', new LambdaIntegration(functions.ready.alias)],
      ['openapi.json', new LambdaIntegration(functions.openapi.alias)],
    ];
    for (const [path, integration] of publicRoutes) {
      const method = this.restApi.root.addResource(path).addMethod('GET', integration, publicOptions);
      this.#route('public', method);
      Validations.of(method).acknowledge(
        {
          id: 'AwsSolutions-APIG4',
          reason: `GET /${path} is public by design: load-balancer and uptime probes and the API description carry no business data; stage throttling and WAF rate limiting bound it.`,
        },
        { id: 'AwsSolutions-COG4', reason: `GET /${path} takes no user token (see APIG4).` },
      );
    }
    const preflight = ask.node.tryFindChild('OPTIONS');
    if (preflight) {
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

  /** API Gateway's own refusals in the same problem+json shape as the handlers' (platform/problem.ts). */
  #problemResponses(): void {
    // validationErrorString is not JSON-escaped by API Gateway; it holds schema paths, not user input.
    const problem = (code: string, status: string, title: string, detail: string) =>
      `{"type":"urn:bi-agent:problem:${code}","title":"${title}","status":${status},"detail":"${detail}","code":"${code}","correlationId":"$context.requestId"}`;
    const responses: [ResponseType, string, string, string, string][] = [
      [ResponseType.BAD_REQUEST_BODY, '400', 'invalid_request', 'Invalid request', '$context.error.validationErrorString'],
      [ResponseType.UNAUTHORIZED, '401', 'unauthenticated', 'Authentication required', 'Send an access token with the bi-agent scope.'],
      [ResponseType.ACCESS_DENIED, '403', 'forbidden', 'Forbidden', 'The token does not carry the scope this route requires.'],
      [ResponseType.MISSING_AUTHENTICATION_TOKEN, '404', 'not_found', 'Not found', 'No such route.'],
      [ResponseType.THROTTLED, '429', 'throttled', 'Too many requests', 'Slow down and retry later.'],
      [ResponseType.QUOTA_EXCEEDED, '429', 'quota_exceeded', 'Quota exceeded', "The API key's usage-plan quota is used up for this period."],
      [ResponseType.WAF_FILTERED, '403', 'forbidden', 'Forbidden', 'The request was blocked.'],
    ];
    for (const [type, statusCode, code, title, detail] of responses) {
      this.restApi.addGatewayResponse(`Problem${type.responseType}`, {
        type,
        statusCode,
        responseHeaders: { 'Content-Type': "'application/problem+json'" },
        templates: { 'application/json': problem(code, statusCode, title, detail) },
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
