/**
 * The read-only login of the question path. Migration 007 creates `bi_viewer`, `bi_analyst` and
 * `bi_admin` (NOLOGIN, column grants per product role in schema `sales` only); the deployed
 * question path logs in through the Data API with its own secret and switches to one of them for
 * every statement, so it needs a login that may SET ROLE to those three and holds nothing else.
 * From PostgreSQL 16 the memberships are granted without INHERIT: the login itself reads nothing,
 * only the role it switches to does.
 *
 * The login is created with a random password nobody knows: Secrets Manager's multi-user rotation
 * (ordered after this step by the stack) then sets the password it keeps in the query secret,
 * alternating between `bi_query` and `bi_query_clone` (which it creates as a member of `bi_query`).
 * So no password passes through this code or the template.
 *
 * Row-level security (migration 007) binds the three roles, so both logins' statements see only the
 * rows of the region scope their transaction sets. (Logins created before migration 007 were made
 * members of `bi_reader`, which 007 retired: it holds no privilege in the warehouse any more.)
 */
import { quoteLiteral } from '../warehouse/migrate.ts';

/** PostgreSQL identifier quoting (for role names from the environment). */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** The script that creates (once) and grants the read-only login `username`. Idempotent. */
export function queryRoleScript(username: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(username)) throw new Error(`Not a plain role name: ${username}`);
  const role = quoteIdentifier(username);
  return `BEGIN;
SELECT pg_advisory_xact_lock(4216042);
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = ${quoteLiteral(username)}) THEN
    EXECUTE format('CREATE ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE INHERIT PASSWORD %L',
                   ${quoteLiteral(username)}, gen_random_uuid()::text || gen_random_uuid()::text);
  END IF;
END
$$;
DO $$
DECLARE
  role_name text;
BEGIN
  FOREACH role_name IN ARRAY ARRAY['bi_viewer', 'bi_analyst', 'bi_admin'] LOOP
    IF current_setting('server_version_num')::int >= 160000 THEN
      EXECUTE format('GRANT %I TO %I WITH INHERIT FALSE, SET TRUE', role_name, ${quoteLiteral(username)});
    ELSE
      EXECUTE format('GRANT %I TO %I', role_name, ${quoteLiteral(username)});
    END IF;
  END LOOP;
END
$$;
ALTER ROLE ${role} SET default_transaction_read_only = on;
-- Migration 005 revokes set_config() from PUBLIC where it can and grants it back to the logins that
-- set the region scope; this login is created after it ran, so it gets the same grant here.
DO $$
BEGIN
  IF pg_catalog.pg_has_role(current_user, (SELECT proowner FROM pg_catalog.pg_proc
       WHERE oid = 'pg_catalog.set_config(text, text, boolean)'::regprocedure), 'USAGE') THEN
    EXECUTE format('GRANT EXECUTE ON FUNCTION pg_catalog.set_config(text, text, boolean) TO %I', ${quoteLiteral(username)});
  END IF;
END
$$;
COMMIT;`;
}
