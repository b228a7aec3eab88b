/**
 * Secrets Manager's alternating-users rotation for PostgreSQL, step by step as AWS's rotation
 * function does it (SecretsManagerRDSPostgreSQLRotationMultiUser, the one the stack's
 * `addRotationMultiUser` deploys), against a real server, so the tests can prove that the logins
 * the migration function leaves behind survive their first rotations:
 *
 * - createSecret: AWSPENDING = the current secret with the other username (`x` ↔ `x_clone`) and a
 *   new random password.
 * - setSecret: done if the pending credentials already log in; else the *current* credentials must
 *   log in ("Unable to log into database using current credentials" otherwise — the failure the
 *   first deploy used to hit), then as the master (the secret's `masterarn`): CREATE ROLE the pending
 *   user WITH LOGIN PASSWORD and GRANT the current user to it when it does not exist, else ALTER
 *   USER … WITH PASSWORD.
 * - testSecret: the pending credentials log in and run `SELECT NOW()`.
 * - finishSecret: AWSPENDING becomes AWSCURRENT.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { FakeSecretsManager } from './fake-secrets-manager.ts';

/** Where the rotation connects: a URL for a login on the database the secret names. */
export type LoginUrl = (login: { user: string; password: string }) => string;

/** The username the rotation alternates to. */
function alternate(username: string): string {
  return username.endsWith('_clone') ? username.slice(0, -'_clone'.length) : `${username}_clone`;
}

async function canLogIn(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
    await client.query('SELECT NOW()');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** One whole rotation of `secretArn`; throws (leaving AWSPENDING staged) where AWS's function would. */
export async function rotateMultiUser(secrets: FakeSecretsManager, secretArn: string, loginUrl: LoginUrl): Promise<void> {
  // createSecret
  const current = secrets.value(secretArn);
  const pending = { ...current, username: alternate(current.username), password: randomBytes(24).toString('base64url') };
  secrets.putPending(secretArn, pending);

  // setSecret
  if (!(await canLogIn(loginUrl({ user: pending.username, password: pending.password })))) {
    if (!(await canLogIn(loginUrl({ user: current.username, password: current.password })))) {
      throw new Error(`Unable to log into database using current credentials for secret ${secretArn}`);
    }
    if (!current.masterarn) throw new Error('the secret has no masterarn');
    const master = secrets.value(current.masterarn);
    const client = new pg.Client({ connectionString: loginUrl({ user: master.username, password: master.password }) });
    await client.connect();
    try {
      const pendingUser = client.escapeIdentifier(pending.username);
      const exists = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [pending.username]);
      // As the AWS function: the password is interpolated into the statement text (PyGreSQL does it client-side).
      if (exists.rowCount === 0) {
        await client.query(`CREATE ROLE ${pendingUser} WITH LOGIN PASSWORD ${client.escapeLiteral(pending.password)}`);
        await client.query(`GRANT ${client.escapeIdentifier(current.username)} TO ${pendingUser}`);
      } else {
        await client.query(`ALTER USER ${pendingUser} WITH PASSWORD ${client.escapeLiteral(pending.password)}`);
      }
    } finally {
      await client.end();
    }
  }

  // testSecret
  if (!(await canLogIn(loginUrl({ user: pending.username, password: pending.password })))) {
    throw new Error(`Unable to log into database with pending secret of secret ARN ${secretArn}`);
  }

  // finishSecret
  secrets.promotePending(secretArn);
}
