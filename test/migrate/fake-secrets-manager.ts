/**
 * An in-memory Secrets Manager for the migration tests: secrets by ARN with the two staging labels
 * rotation uses (AWSCURRENT, AWSPENDING). It answers `GetSecretValueCommand` as the migration
 * function sends it (the current version, or a staged one), so it stands in for the SDK client, and
 * the fake Data API endpoint reads the same store to log in as a secret's user.
 */
import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import type { SecretReader } from '../../functions/migrate/query-secret.ts';

/** The JSON a database secret holds (the fields the rotation and the Data API read). */
export interface DatabaseSecretValue {
  readonly username: string;
  readonly password: string;
  readonly masterarn?: string;
  readonly [key: string]: unknown;
}

export interface FakeSecretsManager extends SecretReader {
  /** Sets the AWSCURRENT value of `arn` (raw text, to test secrets that are not JSON). */
  put(arn: string, value: DatabaseSecretValue | string): void;
  /** Stages `value` as AWSPENDING of `arn`. */
  putPending(arn: string, value: DatabaseSecretValue): void;
  /** Moves AWSPENDING to AWSCURRENT (what the rotation's finishSecret step does). */
  promotePending(arn: string): void;
  /** The parsed value of a stage. */
  value(arn: string, stage?: 'AWSCURRENT' | 'AWSPENDING'): DatabaseSecretValue;
  /** Every GetSecretValue call: the SecretId and the stage asked for. */
  readonly reads: { secretId: string; stage: string }[];
}

/** An empty store. */
export function fakeSecretsManager(): FakeSecretsManager {
  const current = new Map<string, string>();
  const pending = new Map<string, string>();
  const reads: { secretId: string; stage: string }[] = [];
  const stageOf = (stage: string | undefined) => (stage === 'AWSPENDING' ? pending : current);
  return {
    reads,
    async send(command: GetSecretValueCommand) {
      if (!(command instanceof GetSecretValueCommand)) throw new Error('this fake answers GetSecretValue only');
      const { SecretId, VersionStage } = command.input;
      reads.push({ secretId: String(SecretId), stage: VersionStage ?? 'AWSCURRENT' });
      const text = stageOf(VersionStage).get(String(SecretId));
      if (text === undefined) {
        throw Object.assign(new Error("Secrets Manager can't find the specified secret."), { name: 'ResourceNotFoundException' });
      }
      return { SecretString: text };
    },
    put(arn, value) {
      current.set(arn, typeof value === 'string' ? value : JSON.stringify(value));
    },
    putPending(arn, value) {
      pending.set(arn, JSON.stringify(value));
    },
    promotePending(arn) {
      const staged = pending.get(arn);
      if (staged === undefined) throw new Error(`no AWSPENDING version of ${arn}`);
      current.set(arn, staged);
      pending.delete(arn);
    },
    value(arn, stage = 'AWSCURRENT') {
      const text = stageOf(stage).get(arn);
      if (text === undefined) throw new Error(`no ${stage} version of ${arn}`);
      return JSON.parse(text) as DatabaseSecretValue;
    },
  };
}
