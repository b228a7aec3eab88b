/**
 * Identity: the Cognito user pool of the product's users, its groups (= roles), the `custom:regions`
 * attribute, a resource server with the API's scope, the app client of the BI front end, and the
 * trigger that copies `custom:regions` into access tokens.
 */
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import {
  AccountRecovery,
  CfnUserPoolGroup,
  FeaturePlan,
  LambdaVersion,
  Mfa,
  OAuthScope,
  ResourceServerScope,
  StringAttribute,
  UserPool,
  type UserPoolClient,
  type UserPoolDomain,
  UserPoolOperation,
  type UserPoolResourceServer,
} from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import type { BiAgentConfig } from '../config.ts';
import { BiAgentFunction } from './bi-agent-function.ts';

/** The groups, widest last; `principalFromClaims` maps `cognito:groups` to the widest role. */
export const USER_GROUPS = ['viewer', 'analyst', 'admin'] as const;
/** Identifier of the resource server, and prefix of its scopes. */
export const RESOURCE_SERVER_ID = 'bi-agent';
/** The scope every user route requires. */
export const ASK_SCOPE_NAME = 'ask';
/** The scope partner routes require (machine-to-machine clients, one per partner). */
export const PARTNER_SCOPE_NAME = 'partner';

export interface AuthProps {
  readonly config: BiAgentConfig;
}

export class Auth extends Construct {
  readonly userPool: UserPool;
  readonly client: UserPoolClient;
  readonly resourceServer: UserPoolResourceServer;
  readonly domain: UserPoolDomain;
  /** `bi-agent/ask`, as it appears in access tokens and in the authorizer's `AuthorizationScopes`. */
  readonly askScope: string;
  /** `bi-agent/partner`: granted to partners' client-credentials app clients (docs/deploy.md). */
  readonly partnerScope: string;
  readonly preTokenGeneration: BiAgentFunction;

  constructor(scope: Construct, id: string, props: AuthProps) {
    super(scope, id);
    const { config } = props;

    this.userPool = new UserPool(this, 'UserPool', {
      selfSignUpEnabled: false, // admins invite users (docs/deploy.md, "first admin user")
      signInAliases: { email: true },
      autoVerify: { email: true },
      // ESSENTIALS: needed for the V2 pre-token-generation trigger (claims in access tokens).
      featurePlan: FeaturePlan.ESSENTIALS,
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: {
        minLength: 12,
        requireDigits: true,
        requireLowercase: true,
        requireUppercase: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      customAttributes: {
        // Comma-separated region names; absent = every region. Only admins may set it.
        regions: new StringAttribute({ minLen: 0, maxLen: 512, mutable: true }),
      },
      deletionProtection: config.deletionProtection,
      removalPolicy: config.deletionProtection ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    Validations.of(this.userPool).acknowledge({
      id: 'AwsSolutions-COG8',
      reason:
        'The Plus feature plan (threat protection) costs per active user; Essentials is enough with MFA required, ' +
        'no self sign-up and admin-invited users. Revisit when the pool is opened to self sign-up.',
    });

    for (const group of USER_GROUPS) {
      new CfnUserPoolGroup(this, `Group${group[0]!.toUpperCase()}${group.slice(1)}`, {
        userPoolId: this.userPool.userPoolId,
        groupName: group,
        description: `bi-agent role ${group}`,
        precedence: USER_GROUPS.length - USER_GROUPS.indexOf(group), // admin = 1, the highest
      });
    }

    const askScope = new ResourceServerScope({ scopeName: ASK_SCOPE_NAME, scopeDescription: 'Ask business questions' });
    const partnerScope = new ResourceServerScope({ scopeName: PARTNER_SCOPE_NAME, scopeDescription: 'Partner access (with an API key)' });
    this.resourceServer = this.userPool.addResourceServer('ResourceServer', {
      identifier: RESOURCE_SERVER_ID,
      userPoolResourceServerName: 'bi-agent API',
      scopes: [askScope, partnerScope],
    });
    this.askScope = `${RESOURCE_SERVER_ID}/${ASK_SCOPE_NAME}`;
    this.partnerScope = `${RESOURCE_SERVER_ID}/${PARTNER_SCOPE_NAME}`;

    // Users (the front end) sign in through the managed login and get access tokens with the scope.
    this.client = this.userPool.addClient('WebClient', {
      generateSecret: false,
      authFlows: { userSrp: true },
      preventUserExistenceErrors: true,
      accessTokenValidity: Duration.minutes(config.accessTokenMinutes),
      idTokenValidity: Duration.minutes(config.accessTokenMinutes),
      refreshTokenValidity: Duration.days(1),
      enableTokenRevocation: true,
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.resourceServer(this.resourceServer, askScope)],
        callbackUrls: config.callbackUrls,
        logoutUrls: config.logoutUrls,
      },
    });

    this.domain = this.userPool.addDomain('Domain', {
      cognitoDomain: { domainPrefix: config.authDomainPrefix ?? `bi-agent-${config.stage}-${Stack.of(this).account}` },
    });

    this.preTokenGeneration = new BiAgentFunction(this, 'PreTokenGeneration', {
      entry: 'functions/auth/pre-token-generation.ts',
      handler: 'handler',
      description: 'Cognito V2 trigger: custom:regions into access tokens',
      config,
      memorySize: 256,
      timeout: Duration.seconds(5),
    });
    this.userPool.addTrigger(UserPoolOperation.PRE_TOKEN_GENERATION_CONFIG, this.preTokenGeneration, LambdaVersion.V2_0);
  }
}
