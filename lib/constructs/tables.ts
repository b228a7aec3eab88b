/**
 * Key-value state: rate-limit counters, caches, conversations, partner key metadata. On demand,
 * TTL on `expiresAt` (epoch seconds), point-in-time recovery, encrypted (AWS managed key).
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import type { BiAgentConfig } from '../config.ts';

/** The attribute DynamoDB expires items by (epoch seconds). */
export const TTL_ATTRIBUTE = 'expiresAt';

export interface TablesProps {
  readonly config: BiAgentConfig;
}

export class Tables extends Construct {
  /** `pk` = principal or API key + window (e.g. `sub#2025-06-01T10`); hourly counts API Gateway quotas cannot express. */
  readonly rateLimits: Table;
  /** `pk` = cache key (question fingerprint, embedding of a text, …). */
  readonly cache: Table;
  /** `pk` = conversation id, `sk` = turn number: follow-up questions. */
  readonly conversations: Table;
  /** `pk` = API Gateway key id: the partner, its tier, its role and regions. */
  readonly partnerKeys: Table;

  constructor(scope: Construct, id: string, props: TablesProps) {
    super(scope, id);
    const removalPolicy = props.config.deletionProtection ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const table = (name: string, withSortKey: boolean): Table =>
      new Table(this, name, {
        partitionKey: { name: 'pk', type: AttributeType.STRING },
        ...(withSortKey ? { sortKey: { name: 'sk', type: AttributeType.NUMBER } } : {}),
        billingMode: BillingMode.PAY_PER_REQUEST,
        timeToLiveAttribute: TTL_ATTRIBUTE,
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        encryption: TableEncryption.AWS_MANAGED,
        deletionProtection: props.config.deletionProtection,
        removalPolicy,
      });
    this.rateLimits = table('RateLimits', false);
    this.cache = table('Cache', false);
    this.conversations = table('Conversations', true);
    this.partnerKeys = table('PartnerKeys', false);
  }
}
