-- The role every query of the question path runs as (SET LOCAL ROLE inside a read-only
-- transaction): it can read schema `sales` and nothing else, and can write nowhere. Roles are
-- cluster-wide in PostgreSQL, so create it only where it does not exist yet.
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'bi_reader') THEN
    CREATE ROLE bi_reader NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT;
  END IF;
END
$$;

REVOKE ALL ON SCHEMA public FROM bi_reader;
GRANT USAGE ON SCHEMA sales TO bi_reader;
GRANT SELECT ON ALL TABLES IN SCHEMA sales TO bi_reader;
