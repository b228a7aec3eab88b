/**
 * The read-only login's credentials, read from its Secrets Manager secret (the one the question path
 * logs in with through the Data API), so that the migration function can give the login exactly the
 * password the secret holds — on the first deploy, before any rotation.
 *
 * Nothing read here is ever put in an error message or a log line: a secret that cannot be used is
 * reported by what is wrong with it (not JSON, no username, …), never by what it contains.
 */
import { GetSecretValueCommand, type GetSecretValueCommandOutput } from '@aws-sdk/client-secrets-manager';
import { cloneUsername } from './query-role.ts';

/** What the migration function needs of a Secrets Manager client (the real one, or a test's fake). */
export interface SecretReader {
  send(command: GetSecretValueCommand): Promise<Pick<GetSecretValueCommandOutput, 'SecretString'>>;
}

/** A login and its password, as the secret's current version holds them. */
export interface QueryCredentials {
  readonly username: string;
  readonly password: string;
}

/**
 * The current (`AWSCURRENT`) username and password of the secret `secretArn`. The username must be
 * `baseUsername` or its rotation twin (`<baseUsername>_clone`): the function sets passwords for
 * those two logins only, whatever a secret says.
 */
export async function readQueryCredentials(secrets: SecretReader, secretArn: string, baseUsername: string): Promise<QueryCredentials> {
  let output: Pick<GetSecretValueCommandOutput, 'SecretString'>;
  try {
    output = await secrets.send(new GetSecretValueCommand({ SecretId: secretArn }));
  } catch (error) {
    // The SDK's errors name the secret and the missing permission, never the value.
    throw new Error(`Cannot read the query login's secret ${secretArn}: ${(error as Error).message}`, { cause: error });
  }
  if (typeof output.SecretString !== 'string') throw new Error(`The query login's secret ${secretArn} has no SecretString`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(output.SecretString);
  } catch {
    // Not the parser's message: V8 quotes the start of the text it could not parse.
    throw new Error(`The query login's secret ${secretArn} is not a JSON object`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error(`The query login's secret ${secretArn} is not a JSON object`);
  const { username, password } = parsed as Record<string, unknown>;
  if (typeof username !== 'string' || typeof password !== 'string' || password.length === 0) {
    throw new Error(`The query login's secret ${secretArn} needs a string "username" and a non-empty string "password"`);
  }
  if (username !== baseUsername && username !== cloneUsername(baseUsername)) {
    throw new Error(
      `The query login's secret ${secretArn} is for a login other than ${baseUsername} or ${cloneUsername(baseUsername)}; ` +
        'the migration function sets the password of those two logins only',
    );
  }
  return { username, password };
}
