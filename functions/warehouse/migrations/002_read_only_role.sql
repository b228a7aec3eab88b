-- The role every query of the question path runs as (SET LOCAL ROLE inside a read-only
-- transaction): it can read schema `sales` and nothing else, and can write nowhere. Roles are
-- cluster-wide in PostgreSQL, so create it only where it does not exist yet.
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'bi_reader') THEN
    CREATE ROLE bi_reader NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT;
  END IF;
  -- The application's own login must be able to SET ROLE bi_reader. A superuser always can; on
  -- Aurora the master user is not one, and before PostgreSQL 16 creating a role does not make its
  -- creator a member.
  -- PostgreSQL 16 made SET a separate option of a membership.
  IF current_setting('server_version_num')::int >= 160000 THEN
    IF NOT pg_catalog.pg_has_role(current_user, 'bi_reader', 'SET') THEN
      EXECUTE format('GRANT bi_reader TO %I WITH SET TRUE', current_user);
    END IF;
  ELSIF NOT pg_catalog.pg_has_role(current_user, 'bi_reader', 'MEMBER') THEN
    EXECUTE format('GRANT bi_reader TO %I', current_user);
  END IF;
END
$$;

REVOKE ALL ON SCHEMA public FROM bi_reader;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA sales TO bi_reader;
GRANT SELECT ON ALL TABLES IN SCHEMA sales TO bi_reader;
-- Tables that later migrations add to `sales` are readable too, without a GRANT of their own.
ALTER DEFAULT PRIVILEGES IN SCHEMA sales GRANT SELECT ON TABLES TO bi_reader;
