/**
 * Retrieval: an OpenSearch Serverless collection of type VECTORSEARCH with its encryption, network
 * and data-access policies, and the vector index, created at deploy time (AWS::OpenSearchServerless::Index,
 * by CloudFormation's execution role, which the data-access policy names).
 *
 * The functions will reach the collection over its public endpoint with SigV4 (service `aoss`):
 * IAM (`aoss:APIAccessAll` on the collection) and the data-access policy must both allow a caller
 * (`grantRead`). The OpenSearch retriever adapter is not wired yet (docs/deploy.md), so no function
 * is granted either until it lands.
 *
 * The index mapping holds only field types that `AWS::OpenSearchServerless::Index` accepts: its
 * schema allows `text` and `knn_vector` only (the CloudFormation reference's "Allowed values"), and
 * CloudFormation refuses the others before it creates anything (`date`: cfn-lint E3030). Fields of other types are added by the
 * ingestion adapter with the OpenSearch mapping API before it writes the first document
 * (`INGEST_MAPPED_FIELDS`).
 */
import { DefaultStackSynthesizer, Fn, Lazy, Stack } from 'aws-cdk-lib';
import { PolicyStatement, type IGrantable, type IRole } from 'aws-cdk-lib/aws-iam';
import { CfnAccessPolicy, CfnCollection, CfnIndex, CfnSecurityPolicy } from 'aws-cdk-lib/aws-opensearchserverless';
import { Construct } from 'constructs';
import type { BiAgentConfig } from '../config.ts';

export interface SearchProps {
  readonly config: BiAgentConfig;
}

/** Field names of the knowledge index (the hybrid query combines `text` BM25 with `embedding` k-NN). */
export const INDEX_FIELDS = { text: 'text', embedding: 'embedding', doc: 'doc', heading: 'heading', updatedAt: 'updated_at' } as const;

/**
 * Fields whose type the CloudFormation resource does not accept, with the mapping the ingestion
 * adapter puts (`PUT /<index>/_mapping`, which may add fields to an existing index) before its
 * first write. Until then no document has them.
 */
export const INGEST_MAPPED_FIELDS = {
  [INDEX_FIELDS.doc]: { type: 'keyword' },
  [INDEX_FIELDS.updatedAt]: { type: 'date' },
} as const;

export class Search extends Construct {
  readonly collection: CfnCollection;
  readonly index: CfnIndex;
  /** Who may manage and read the index; the index is created after it. */
  readonly dataAccessPolicy: CfnAccessPolicy;
  readonly collectionName: string;
  readonly indexName: string;
  readonly #readers: string[] = [];
  readonly #admins: string[];

  constructor(scope: Construct, id: string, props: SearchProps) {
    super(scope, id);
    const { config } = props;
    this.collectionName = `bi-agent-${config.stage}`;
    this.indexName = config.searchIndexName;
    this.#admins = config.searchAdminRoleArns ?? [cloudFormationExecutionRoleArn(this)];

    const encryption = new CfnSecurityPolicy(this, 'EncryptionPolicy', {
      name: `${this.collectionName}-enc`,
      type: 'encryption',
      description: 'Encryption at rest (AWS owned key) for the bi-agent collection',
      policy: JSON.stringify({ Rules: [{ ResourceType: 'collection', Resource: [`collection/${this.collectionName}`] }], AWSOwnedKey: true }),
    });
    // Public endpoint, IAM-authenticated: the functions are not in a VPC (docs/deploy.md).
    const network = new CfnSecurityPolicy(this, 'NetworkPolicy', {
      name: `${this.collectionName}-net`,
      type: 'network',
      description: 'Collection endpoint reachable with SigV4; no dashboards',
      policy: JSON.stringify([
        { Rules: [{ ResourceType: 'collection', Resource: [`collection/${this.collectionName}`] }], AllowFromPublic: true },
      ]),
    });

    this.collection = new CfnCollection(this, 'Collection', {
      name: this.collectionName,
      type: 'VECTORSEARCH',
      description: 'bi-agent knowledge: metric definitions, data dictionary, verified queries',
      standbyReplicas: config.stage === 'prod' ? 'ENABLED' : 'DISABLED',
    });
    this.collection.addResourceDependency(encryption);
    this.collection.addResourceDependency(network);

    this.dataAccessPolicy = new CfnAccessPolicy(this, 'DataAccessPolicy', {
      name: `${this.collectionName}-access`,
      type: 'data',
      description: 'Who may manage and read the bi-agent index',
      // Lazy: readers are added by grantRead after this construct is built.
      policy: Lazy.string({ produce: () => Stack.of(this).toJsonString(this.#dataAccessRules()) }),
    });

    this.index = new CfnIndex(this, 'Index', {
      collectionEndpoint: this.collection.attrCollectionEndpoint,
      indexName: this.indexName,
      settings: { index: { knn: true } },
      mappings: {
        properties: {
          [INDEX_FIELDS.text]: { type: 'text' },
          [INDEX_FIELDS.heading]: { type: 'text' },
          [INDEX_FIELDS.embedding]: {
            type: 'knn_vector',
            dimension: config.embeddingDimensions,
            method: { name: 'hnsw', engine: 'faiss', spaceType: 'innerproduct', parameters: { m: 16, efConstruction: 128 } },
          },
        },
      },
    });
    // CloudFormation's execution role may create the index only once the data-access policy names
    // it: without this edge the two are created in parallel and the index fails with 403. (The
    // collection needs no edge: the endpoint is a GetAtt of it.)
    this.index.addResourceDependency(this.dataAccessPolicy);
  }

  #dataAccessRules(): object[] {
    const rules: object[] = [
      {
        Description: 'Index management (CloudFormation creates the index)',
        Rules: [
          { ResourceType: 'collection', Resource: [`collection/${this.collectionName}`], Permission: ['aoss:DescribeCollectionItems'] },
          {
            ResourceType: 'index',
            Resource: [`index/${this.collectionName}/*`],
            Permission: ['aoss:CreateIndex', 'aoss:DescribeIndex', 'aoss:UpdateIndex', 'aoss:DeleteIndex'],
          },
        ],
        Principal: this.#admins,
      },
    ];
    if (this.#readers.length > 0) {
      rules.push({
        Description: 'The question path reads the index',
        Rules: [
          {
            ResourceType: 'index',
            Resource: [`index/${this.collectionName}/${this.indexName}`],
            Permission: ['aoss:ReadDocument', 'aoss:DescribeIndex'],
          },
        ],
        Principal: this.#readers,
      });
    }
    return rules;
  }

  /** IAM and data-access permission to search the index (no writes). */
  grantRead(grantee: IGrantable & { role?: IRole | undefined }): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['aoss:APIAccessAll'], resources: [this.collection.attrArn] }),
    );
    if (!grantee.role) throw new Error('Search.grantRead needs a grantee with a role (a function)');
    this.#readers.push(grantee.role.roleArn);
  }
}

/** The CDK bootstrap's CloudFormation execution role of this stack's environment. */
function cloudFormationExecutionRoleArn(scope: Construct): string {
  const synthesizer = Stack.of(scope).synthesizer;
  // The synthesizer's ARN holds ${AWS::AccountId}-style placeholders: Fn::Sub resolves them.
  if (synthesizer instanceof DefaultStackSynthesizer) return Fn.sub(synthesizer.cloudFormationExecutionRoleArn);
  throw new Error('Set searchAdminRoleArns: the stack does not use the default synthesizer, so the deploying role is unknown');
}
