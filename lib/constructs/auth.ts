/**
 * Identity: the Cognito user pool of the product's users, its groups (= roles), the `custom:regions`
 * attribute, a resource server with the API's scope, the app client of the BI front end, and the
 * trigger that copies `custom:regions` into access tokens.
 *
 * `custom:regions` is a security boundary: a user who could clear it would read every region. So
 * only admins set it (AdminUpdateUserAttributes, which no app client's settings restrict), and no
 * app client may write it — checked at synth time for every client in the stack.
 */
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import {
  AccountRecovery,
  CfnUserPoolClient,
  CfnUserPoolGroup,
  ClientAttributes,
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
import { Construct, type IConstruct } from 'constructs';
import { REGIONS_ATTRIBUTE } from '../../functions/auth/pre-token-generation.ts';
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

/** The custom attribute's name in the pool's schema (`custom:regions` without its prefix). */
const REGIONS_SCHEMA_NAME = REGIONS_ATTRIBUTE.replace(/^custom:/, '');

/**
 * What users may change about themselves through the front end's client: profile fields only.
 * Not `custom:regions` (the scope), and not `email` (the sign-in name of an invite-only pool:
 * admins change it). Must not be empty: Cognito reads an empty list as "the default", which
 * lets the client write every attribute, custom ones included.
 */
const WEB_CLIENT_WRITE_ATTRIBUTES = new ClientAttributes().withStandardAttributes({ fullname: true, locale: true, timezone: true });

/** What the front end may read: the writable fields, the e-mail, and the user's own region scope (to show it). */
const WEB_CLIENT_READ_ATTRIBUTES = WEB_CLIENT_WRITE_ATTRIBUTES.withStandardAttributes({ email: true, emailVerified: true }).withCustomAttributes(
  REGIONS_SCHEMA_NAME,
);

/**
 * Paths of the app clients under `scope` that could let a user write `custom:regions`: those whose
 * write attributes list it, and those with no (or an empty) list, which Cognito reads as every attribute.
 */
export function clientsThatMayWriteRegions(scope: IConstruct): string[] {
  return scope.node
    .findAll()
    .filter((construct): construct is CfnUserPoolClient => construct instanceof CfnUserPoolClient)
    .filter((client) => {
      const writable: unknown = Stack.of(client).resolve(client.writeAttributes);
      // An unresolved token cannot be proven safe, so it counts as writable.
      if (!Array.isArray(writable) || writable.length === 0) return true;
      return writable.some((attribute) => typeof attribute !== 'string' || attribute === REGIONS_ATTRIBUTE);
    })
    .map((client) => client.node.path);
}

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
        // Comma-separated region names; absent = every region. Mutable so that admins can change a
        // user's scope; no app client may write it (WEB_CLIENT_WRITE_ATTRIBUTES and the validation
        // below), so only admins can. (Cognito cannot change a custom attribute once created.)
        [REGIONS_SCHEMA_NAME]: new StringAttribute({ minLen: 0, maxLen: 512, mutable: true }),
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
      // Explicit, or every attribute is writable: with `userSrp`, a user's access token carries
      // `aws.cognito.signin.user.admin`, which authorizes UpdateUserAttributes/DeleteUserAttributes.
      writeAttributes: WEB_CLIENT_WRITE_ATTRIBUTES,
      readAttributes: WEB_CLIENT_READ_ATTRIBUTES,
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

    // Any app client added to the stack later (here or elsewhere) must keep `custom:regions` admin-only.
    const stack = Stack.of(this);
    this.node.addValidation({
      validate: () =>
        clientsThatMayWriteRegions(stack).map(
          (path) => `${path}: app clients must list their write attributes, without ${REGIONS_ATTRIBUTE} (only admins set a user's regions)`,
        ),
    });
  }
}
