-- One database role per product role (contract section 2), with the columns that role may read
-- granted column by column, so the database itself refuses a hidden column even if a statement
-- reached it without the guard: the question path switches to the principal's role inside the
-- read-only transaction (set_config('role', …, true), functions/adapters/warehouse/read-only-statement.ts).
--
-- | role        | regions, customer_segments, products | sales_transactions | customers                                     |
-- |-------------|---------------------------------------|--------------------|-----------------------------------------------|
-- | bi_viewer   | every column                          | all but cost       | customer_id, segment_id, region_id, signup_date |
-- | bi_analyst  | every column                          | every column       | customer_id, segment_id, region_id, signup_date |
-- | bi_admin    | every column                          | every column       | every column                                  |
--
-- functions/core/catalog/access.ts (HIDDEN_COLUMNS) is the source of truth; a test compares every
-- role, table, partition and column of the database with it. A statement that reads a column not
-- granted fails with "permission denied" (SQLSTATE 42501): `*` or a whole-row reference over a
-- table with a hidden column too. count(*) needs SELECT on one column of the table, which every
-- role has.
--
-- The same grants and the same row-level security policies are on every partition of migration
-- 006, since a statement could name a partition directly.
--
-- bi_reader (migration 002), the single role every statement ran as, is retired in this database:
-- it loses every privilege in schema sales, its default privileges and its policy. The role itself
-- is cluster-wide (other databases of the cluster may still use it), so it is not dropped.

DO $$
DECLARE
  role_name text;
BEGIN
  FOREACH role_name IN ARRAY ARRAY['bi_viewer', 'bi_analyst', 'bi_admin'] LOOP
    -- Roles are cluster-wide: create each only where it does not exist yet.
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = role_name) THEN
      EXECUTE format('CREATE ROLE %I NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT', role_name);
    END IF;
    -- The migrating login must be able to switch to it (as 002 does for bi_reader): a superuser
    -- always can; before PostgreSQL 16 creating a role does not make its creator a member, and
    -- from 16 on SET is a separate option of a membership.
    IF current_setting('server_version_num')::int >= 160000 THEN
      IF NOT pg_catalog.pg_has_role(current_user, role_name, 'SET') THEN
        EXECUTE format('GRANT %I TO %I WITH SET TRUE', role_name, current_user);
      END IF;
    ELSIF NOT pg_catalog.pg_has_role(current_user, role_name, 'MEMBER') THEN
      EXECUTE format('GRANT %I TO %I', role_name, current_user);
    END IF;
  END LOOP;
END
$$;

-- Schema sales and nothing else: no schema public, no application schema bi_agent.
REVOKE ALL ON SCHEMA public FROM bi_viewer, bi_analyst, bi_admin;
GRANT USAGE ON SCHEMA sales TO bi_viewer, bi_analyst, bi_admin;

-- Every role reads the three dimension tables whole.
GRANT SELECT ON sales.regions, sales.customer_segments, sales.products TO bi_viewer, bi_analyst, bi_admin;

-- Sales lines: the viewer reads every column but cost; analyst and admin every column.
GRANT SELECT (transaction_id, sale_date, region_id, product_id, customer_id, segment_id, units, sales, created_at)
  ON sales.sales_transactions, sales.sales_transactions_r1, sales.sales_transactions_r2, sales.sales_transactions_r3,
     sales.sales_transactions_r4, sales.sales_transactions_r5
  TO bi_viewer;
GRANT SELECT
  ON sales.sales_transactions, sales.sales_transactions_r1, sales.sales_transactions_r2, sales.sales_transactions_r3,
     sales.sales_transactions_r4, sales.sales_transactions_r5
  TO bi_analyst, bi_admin;

-- Customers: viewer and analyst read neither the name nor the e-mail; the admin reads every column.
GRANT SELECT (customer_id, segment_id, region_id, signup_date)
  ON sales.customers, sales.customers_r1, sales.customers_r2, sales.customers_r3, sales.customers_r4, sales.customers_r5
  TO bi_viewer, bi_analyst;
GRANT SELECT
  ON sales.customers, sales.customers_r1, sales.customers_r2, sales.customers_r3, sales.customers_r4, sales.customers_r5
  TO bi_admin;

-- Row-level security: the region scope of the transaction-local setting bi_agent.regions (region
-- names joined with commas, '' or unset for every region; set by the adapters as the login role,
-- before the switch of role), for the three roles, on the three tables and every partition.
-- The tables' owner and superusers bypass it (seeding, migrations); nothing is FORCEd; a role
-- without a policy sees no row at all.
--
-- The region tables compare region_id with an array computed once per statement, an init plan
-- over sales.regions, rather than with `region_id IN (subquery)` behind an OR: the planner
-- estimates `region_id = ANY ($init_plan)` from region_id's number of distinct values, which is 1
-- in a partition, so a partition's policy does not shrink the planner's row estimate (the cost
-- ceiling would be blind to the statement's real size) and does not depend on other regions.
-- sales.regions' own policy compares region_name directly and reads no table, so the policies
-- cannot recurse.
ALTER TABLE sales.regions ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS regions_in_scope ON sales.regions;
CREATE POLICY regions_in_scope ON sales.regions
  AS PERMISSIVE FOR SELECT TO bi_viewer, bi_analyst, bi_admin
  USING (
    coalesce(current_setting('bi_agent.regions', true), '') = ''
    OR region_name = ANY (string_to_array(current_setting('bi_agent.regions', true), ','))
  );

DO $$
DECLARE
  table_name text;
BEGIN
  FOREACH table_name IN ARRAY ARRAY[
    'customers', 'customers_r1', 'customers_r2', 'customers_r3', 'customers_r4', 'customers_r5',
    'sales_transactions', 'sales_transactions_r1', 'sales_transactions_r2', 'sales_transactions_r3',
    'sales_transactions_r4', 'sales_transactions_r5'
  ] LOOP
    EXECUTE format('ALTER TABLE sales.%I ENABLE ROW LEVEL SECURITY', table_name);
    EXECUTE format('DROP POLICY IF EXISTS %I ON sales.%I', table_name || '_in_scope', table_name);
    EXECUTE format($policy$
      CREATE POLICY %I ON sales.%I
        AS PERMISSIVE FOR SELECT TO bi_viewer, bi_analyst, bi_admin
        USING (region_id = ANY (ARRAY(
          SELECT scoped.region_id FROM sales.regions AS scoped
          WHERE coalesce(current_setting('bi_agent.regions', true), '') = ''
             OR scoped.region_name = ANY (string_to_array(current_setting('bi_agent.regions', true), ','))
        )))$policy$, table_name || '_in_scope', table_name);
  END LOOP;
END
$$;

-- set_config() widens the scope from inside a statement (see 005): the roles must not call it. 005
-- revoked it from PUBLIC where the migrating login may, and granted it back to the logins; the
-- logins that switch to the new roles get the same grant here (the application's login is among
-- them; functions/migrate/query-role.ts grants the deployed login its own).
DO $$
DECLARE
  set_config_fn constant regprocedure := 'pg_catalog.set_config(text, text, boolean)'::regprocedure;
  login regrole;
BEGIN
  IF NOT pg_catalog.pg_has_role(current_user, (SELECT proowner FROM pg_catalog.pg_proc WHERE oid = set_config_fn), 'USAGE') THEN
    RAISE NOTICE 'the roles keep set_config(): % cannot change the privileges of pg_catalog functions', current_user;
    RETURN;
  END IF;
  FOR login IN
    SELECT m.member::regrole FROM pg_catalog.pg_auth_members AS m
    WHERE m.roleid IN ('bi_viewer'::regrole, 'bi_analyst'::regrole, 'bi_admin'::regrole)
      AND m.member NOT IN ('bi_viewer'::regrole, 'bi_analyst'::regrole, 'bi_admin'::regrole)
    UNION SELECT current_user::regrole
  LOOP
    EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO %s', set_config_fn, login);
  END LOOP;
  EXECUTE format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC', set_config_fn);
END
$$;

-- bi_reader is retired here: nothing in this database runs as it any more.
ALTER DEFAULT PRIVILEGES IN SCHEMA sales REVOKE SELECT ON TABLES FROM bi_reader;
REVOKE ALL ON ALL TABLES IN SCHEMA sales FROM bi_reader;
REVOKE ALL ON SCHEMA sales FROM bi_reader;
