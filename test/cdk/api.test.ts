import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { ASK_SCOPE_NAME, PARTNER_SCOPE_NAME, RESOURCE_SERVER_ID, USER_GROUPS } from '../../lib/constructs/auth.ts';
import { GATEWAY_PROBLEMS, SAFE_REFERENCES } from '../../lib/constructs/gateway-problems.ts';
import { corsOriginsOf } from '../../lib/cors-origins.ts';
import { referencesIn, renderGatewayTemplate } from './support/gateway-template.ts';
import { resourcesOf, synthesize, type Synthesized } from './support/synth.ts';

let synth: Synthesized;
beforeAll(() => {
  synth = synthesize('prod');
});

const methodsOf = (kind: 'user' | 'partner' | 'public') =>
  synth.stacks.main.api.routesOf(kind).map((method) => {
    const id = synth.stacks.main.getLogicalId(method.node.defaultChild as never);
    return { id, props: resourcesOf(synth.template, 'AWS::ApiGateway::Method')[id]!.Properties! };
  });

describe('API: routes', () => {
  it('has user, partner and public routes, and no other method but CORS preflight', () => {
    const all = Object.values(resourcesOf(synth.template, 'AWS::ApiGateway::Method')).map((m) => m.Properties!);
    const classified = methodsOf('user').length + methodsOf('partner').length + methodsOf('public').length;
    const preflight = all.filter((m) => m.HttpMethod === 'OPTIONS');
    expect(methodsOf('user').length).toBeGreaterThan(0);
    expect(methodsOf('partner').length).toBeGreaterThan(0);
    expect(classified + preflight.length).toBe(all.length);
  });

  it('puts the Cognito authorizer with the ask scope on every user route', () => {
    const authorizers = resourcesOf(synth.template, 'AWS::ApiGateway::Authorizer');
    const [authorizerId, authorizer] = Object.entries(authorizers)[0]!;
    expect(authorizer.Properties!.Type).toBe('COGNITO_USER_POOLS');
    for (const { props } of methodsOf('user')) {
      expect(props.AuthorizationType).toBe('COGNITO_USER_POOLS');
      expect(props.AuthorizerId).toEqual({ Ref: authorizerId });
      // With scopes, the authorizer takes access tokens (without, it expects ID tokens).
      expect(props.AuthorizationScopes).toEqual([`${RESOURCE_SERVER_ID}/${ASK_SCOPE_NAME}`]);
    }
  });

  it('requires an API key and the partner scope on every partner route', () => {
    for (const { props } of methodsOf('partner')) {
      expect(props.ApiKeyRequired).toBe(true);
      expect(props.AuthorizationType).toBe('COGNITO_USER_POOLS');
      expect(props.AuthorizationScopes).toEqual([`${RESOURCE_SERVER_ID}/${PARTNER_SCOPE_NAME}`]);
    }
  });

  it('leaves only the liveness probe and the OpenAPI document public', () => {
    const paths = synth.stacks.main.api.routesOf('public').map((method) => method.resource.path);
    expect(paths.sort()).toEqual(['/health', '/openapi.json']);
    for (const { props } of methodsOf('public')) expect(props.HttpMethod).toBe('GET');
  });

  it('makes readiness a signed-in route (it opens a database transaction), with a CORS preflight', () => {
    const ready = synth.stacks.main.api.routesOf('user').filter((method) => method.resource.path === '/ready');
    expect(ready.map((method) => method.httpMethod)).toEqual(['GET']);
    const methods = Object.values(resourcesOf(synth.template, 'AWS::ApiGateway::Method')).map((m) => m.Properties!);
    const readyResourceId = synth.stacks.main.getLogicalId(ready[0]!.resource.node.defaultChild as never);
    const onReady = methods.filter((m) => JSON.stringify(m.ResourceId).includes(readyResourceId)).map((m) => m.HttpMethod);
    expect(onReady.sort()).toEqual(['GET', 'OPTIONS']);
  });

  it('validates the body of every POST against the ask model before a function runs', () => {
    const validators = resourcesOf(synth.template, 'AWS::ApiGateway::RequestValidator');
    for (const { props } of [...methodsOf('user'), ...methodsOf('partner')].filter(({ props }) => props.HttpMethod === 'POST')) {
      const validator = validators[props.RequestValidatorId.Ref]!.Properties!;
      expect(validator.ValidateRequestBody).toBe(true);
      expect(props.RequestModels['application/json']).toBeDefined();
    }
    synth.template.hasResourceProperties('AWS::ApiGateway::Model', {
      Schema: Match.objectLike({ required: ['question'], additionalProperties: false }),
    });
  });

  it('sends every route to a function alias, not to $LATEST', () => {
    for (const { props } of [...methodsOf('user'), ...methodsOf('partner'), ...methodsOf('public')]) {
      expect(JSON.stringify(props.Integration.Uri)).toMatch(/Live[0-9A-F]{8}/);
    }
  });
});

describe('API: stage', () => {
  it('throttles the stage, writes access logs and traces', () => {
    const { config } = synth.stacks;
    synth.template.hasResourceProperties('AWS::ApiGateway::Stage', {
      AccessLogSetting: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('requestId') },
      TracingEnabled: true,
      MethodSettings: Match.arrayWith([
        Match.objectLike({ ThrottlingRateLimit: config.apiRateLimit, ThrottlingBurstLimit: config.apiBurstLimit, DataTraceEnabled: false }),
      ]),
    });
  });

  it('has one usage plan per partner tier, with throttle and quota', () => {
    const { config } = synth.stacks;
    const plans = Object.values(resourcesOf(synth.template, 'AWS::ApiGateway::UsagePlan')).map((plan) => plan.Properties!);
    expect(plans).toHaveLength(config.partnerTiers.length);
    for (const tier of config.partnerTiers) {
      const plan = plans.find((candidate) => String(candidate.UsagePlanName).endsWith(tier.name))!;
      expect(plan.Throttle).toEqual({ RateLimit: tier.rateLimit, BurstLimit: tier.burstLimit });
      expect(plan.Quota).toEqual({ Limit: tier.quotaLimit, Period: tier.quotaPeriod });
      expect(plan.ApiStages).toHaveLength(1);
    }
  });

  it('puts a WAF web ACL with the AWS managed common rule set in front of the stage', () => {
    synth.template.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'REGIONAL',
      Rules: Match.arrayWith([
        Match.objectLike({ Statement: { ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesCommonRuleSet' } } }),
      ]),
    });
    synth.template.resourceCountIs('AWS::WAFv2::WebACLAssociation', 1);
  });

});

describe('API: gateway responses (API Gateway\'s own refusals)', () => {
  const gatewayResponses = () => Object.values(resourcesOf(synth.template, 'AWS::ApiGateway::GatewayResponse')).map((r) => r.Properties!);
  /** Realistic values for the references a body may hold (API Gateway draws them from a plain alphabet). */
  const SAFE_VALUES = { '$context.requestId': 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef', '$context.error.responseType': 'BAD_REQUEST_BODY' };
  /** Values with every character that breaks a JSON string, for the references a body must not hold. */
  const HOSTILE = 'it\'s [object has missing required properties (["question"])] \\ \n end';

  it('customizes the catch-alls and every refusal the routes can produce', () => {
    const types = gatewayResponses().map((r) => r.ResponseType);
    expect(types).toEqual(expect.arrayContaining(['DEFAULT_4XX', 'DEFAULT_5XX', 'BAD_REQUEST_BODY', 'UNAUTHORIZED', 'THROTTLED', 'INTEGRATION_TIMEOUT']));
    expect(types).toHaveLength(GATEWAY_PROBLEMS.length);
  });

  it('answers every one as problem+json that the front end may read (CORS)', () => {
    const [origin] = corsOriginsOf(synth.stacks.config);
    for (const response of gatewayResponses()) {
      expect(response.ResponseParameters, response.ResponseType).toEqual({
        'gatewayresponse.header.Content-Type': "'application/problem+json'",
        'gatewayresponse.header.Access-Control-Allow-Origin': `'${origin}'`,
      });
    }
  });

  it('lets any origin read them only when several front ends share the API (a gateway response cannot pick one)', () => {
    const several = synthesize('dev', { callbackUrls: ['https://a.example.com/cb', 'https://b.example.com/cb'] });
    for (const response of Object.values(resourcesOf(several.template, 'AWS::ApiGateway::GatewayResponse'))) {
      expect(response.Properties!.ResponseParameters['gatewayresponse.header.Access-Control-Allow-Origin']).toBe("'*'");
    }
  });

  it('puts only references with plain values into the bodies (API Gateway substitutes them unescaped)', () => {
    for (const response of gatewayResponses()) {
      const template = response.ResponseTemplates['application/json'];
      for (const reference of referencesIn(template)) expect(SAFE_REFERENCES, `${response.ResponseType}: ${reference}`).toContain(reference);
    }
  });

  it('renders valid problem+json, with the status it answers with, even when the validation message holds quotes', () => {
    for (const response of gatewayResponses()) {
      const body = renderGatewayTemplate(response.ResponseTemplates['application/json'], {
        ...SAFE_VALUES,
        '$context.error.validationErrorString': HOSTILE,
        '$context.error.message': HOSTILE,
      });
      const problem = JSON.parse(body);
      expect(problem, response.ResponseType).toMatchObject({
        type: expect.stringMatching(/^urn:bi-agent:problem:[a-z_]+$/),
        title: expect.any(String),
        detail: expect.any(String),
        code: expect.stringMatching(/^[a-z_]+$/),
        correlationId: SAFE_VALUES['$context.requestId'],
      });
      if (response.StatusCode !== undefined) expect(problem.status).toBe(Number(response.StatusCode));
      else expect(['DEFAULT_4XX', 'DEFAULT_5XX']).toContain(response.ResponseType);
    }
  });

  it('would have caught the old body: a validation message inserted as it comes is not JSON', () => {
    const old = '{"status":400,"detail":"$context.error.validationErrorString"}';
    expect(() => JSON.parse(renderGatewayTemplate(old, { '$context.error.validationErrorString': HOSTILE }))).toThrow();
  });
});

describe('Identity', () => {
  it('has the three role groups, the regions attribute and required MFA', () => {
    const groups = Object.values(resourcesOf(synth.template, 'AWS::Cognito::UserPoolGroup')).map((g) => g.Properties!.GroupName);
    expect(groups.sort()).toEqual([...USER_GROUPS].sort());
    synth.template.hasResourceProperties('AWS::Cognito::UserPool', {
      MfaConfiguration: 'ON',
      Schema: Match.arrayWith([Match.objectLike({ Name: 'regions', AttributeDataType: 'String', Mutable: true })]),
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      LambdaConfig: { PreTokenGenerationConfig: { LambdaVersion: 'V2_0', LambdaArn: Match.anyValue() } },
    });
  });

  it('has a resource server with the ask and partner scopes, and an app client allowed the ask scope', () => {
    synth.template.hasResourceProperties('AWS::Cognito::UserPoolResourceServer', {
      Identifier: RESOURCE_SERVER_ID,
      Scopes: Match.arrayWith([Match.objectLike({ ScopeName: ASK_SCOPE_NAME }), Match.objectLike({ ScopeName: PARTNER_SCOPE_NAME })]),
    });
    const [client] = Object.values(resourcesOf(synth.template, 'AWS::Cognito::UserPoolClient'));
    expect(JSON.stringify(client!.Properties!.AllowedOAuthScopes)).toContain(`/${ASK_SCOPE_NAME}`);
    expect(client!.Properties!.AllowedOAuthFlows).toEqual(['code']);
    expect(client!.Properties!.GenerateSecret).toBe(false);
  });
});
