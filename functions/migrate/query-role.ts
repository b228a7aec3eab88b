/**
 * The read-only logins of the question path. Migration 007 creates `bi_viewer`, `bi_analyst` and
 * `bi_admin` (NOLOGIN, column grants per product role in schema `sales` only); the deployed
 * question path logs in through the Data API with its own secret and switches to one of them for
 * every statement, so it needs a login that may SET ROLE to those three and holds nothing else.
 * From PostgreSQL 16 the memberships are granted without INHERIT: the login itself reads nothing,
 * only the role it switches to does.
 *
 * There are two such logins, because the query secret is rotated by Secrets Manager's
 * alternating-users scheme: each rotation gives a new password to the login the secret does *not*
 * name (`bi_query` ↔ `bi_query_clone`) and then points the secret at it, so the login in use is never
 * changed under a running transaction. This script creates both, with the same grants and the same
 * `default_transaction_read_only`, so the rotation only ever sets a password (its first run would
 * otherwise create the clone itself, as a plain member of `bi_query`, without the read-only default).
 * A login created here has no password, so it cannot log in until it is given one.
 *
 * The login the secret names gets the secret's password here, so that the secret and the database
 * agree from the first deploy (the rotation's first run logs in with the secret's current
 * credentials before it changes anything, and fails if they do not work). The password travels as
 * a SCRAM verifier computed by the function (scram-verifier.ts): the statement text holds the
 * verifier, never the password, so neither `log_statement`, pgaudit nor an error message can show it.
 *
 * Row-level security (migration 007) binds the three roles, so both logins' statements see only the
 * rows of the region scope their transaction sets. (Logins created before migration 007 were made
 * members of `bi_reader`, which 007 retired: it holds no privilege in the warehouse any more.)
 */
import { quoteLiteral, TAKE_MIGRATION_LOCK } from '../warehouse/migrate.ts';
import { SCRAM_VERIFIER } from './scram-verifier.ts';

/** The database roles a query login may switch to (migration 007). */
export const QUERY_DATABASE_ROLES = ['bi_viewer', 'bi_analyst', 'bi_admin'] as const;

/** The login whose password is set, and its SCRAM verifier (never the password). */
export interface LoginPassword {
  readonly username: string;
  readonly verifier: string;
}

/** The second login of Secrets Manager's alternating-users rotation: the username plus `_clone`. */
export function cloneUsername(username: string): string {
  return `${username}_clone`;
}

/** PostgreSQL identifier quoting (for role names from the environment). */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * The script that creates (once) and grants the read-only login `baseUsername` and its rotation
 * twin, then sets the password of the one the secret names. Idempotent; one transaction.
 */
export function queryLoginsScript(baseUsername: string, password: LoginPassword): string {
  // 57 characters at most, so that the clone's name still fits PostgreSQL's 63.
  if (!/^[a-z_][a-z0-9_]{0,56}$/.test(baseUsername)) throw new Error(`Not a plain role name: ${baseUsername}`);
  const logins = [baseUsername, cloneUsername(baseUsername)];
  if (!logins.includes(password.username)) throw new Error(`Not one of the query logins: ${password.username}`);
  // The verifier is base64 and digits only, so the literal below cannot be broken out of.
  if (!SCRAM_VERIFIER.test(password.verifier)) throw new Error('Not a SCRAM-SHA-256 verifier');
  const list = (names: readonly string[]) => `ARRAY[${names.map(quoteLiteral).join(', ')}]`;
  return `BEGIN;
${TAKE_MIGRATION_LOCK};
DO $$
DECLARE
  login text;
  role_name text;
BEGIN
  FOREACH login IN ARRAY ${list(logins)} LOOP
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = login) THEN
      EXECUTE format('CREATE ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE INHERIT', login);
    END IF;
    FOREACH role_name IN ARRAY ${list(QUERY_DATABASE_ROLES)} LOOP
      IF current_setting('server_version_num')::int >= 160000 THEN
        EXECUTE format('GRANT %I TO %I WITH INHERIT FALSE, SET TRUE', role_name, login);
      ELSE
        EXECUTE format('GRANT %I TO %I', role_name, login);
      END IF;
    END LOOP;
    EXECUTE format('ALTER ROLE %I SET default_transaction_read_only = on', login);
    -- Migration 005 revokes set_config() from PUBLIC where it can and grants it back to the logins
    -- that set the region scope; these logins may be created after it ran, so they get it here.
    IF pg_catalog.pg_has_role(current_user, (SELECT proowner FROM pg_catalog.pg_proc
         WHERE oid = 'pg_catalog.set_config(text, text, boolean)'::regprocedure), 'USAGE') THEN
      EXECUTE format('GRANT EXECUTE ON FUNCTION pg_catalog.set_config(text, text, boolean) TO %I', login);
    END IF;
  END LOOP;
END
$$;
ALTER ROLE ${quoteIdentifier(password.username)} PASSWORD ${quoteLiteral(password.verifier)};
COMMIT;`;
}
