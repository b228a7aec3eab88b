-- Row-level security: the region scope (contract section 2) enforced a second time, by the
-- database itself, for the role the question path runs as. The guard already rewrites every read
-- of these tables into a region-filtered subquery; these policies hold even if a statement reached
-- the database without that rewrite.
--
-- The scope comes from the transaction-local setting bi_agent.regions, which every warehouse
-- adapter sets (as the login role, before SET LOCAL ROLE bi_reader) in the read-only transaction
-- around a statement: region names joined with commas, '' (or never set) for every region.
--
-- Who the policies bind: only bi_reader. The tables' owner (the login that runs the migrations and
-- the seeding) and superusers bypass row-level security, so seeding and the migrations themselves
-- are unaffected; the tables are not FORCEd. Any other role without a policy sees no rows at all.
--
-- sales_transactions and customers are filtered by their own region_id, looked up through
-- sales.regions; the regions policy compares region_name directly and reads no table, so the
-- policies cannot recurse. Re-running this file is harmless (each policy is dropped first).

ALTER TABLE sales.regions ENABLE ROW LEVEL SECURITY;
ALTER TABLE sales.customers ENABLE ROW LEVEL SECURITY;
ALTER TABLE sales.sales_transactions ENABLE ROW LEVEL SECURITY;

DROP POLICY IF EXISTS regions_in_scope ON sales.regions;
CREATE POLICY regions_in_scope ON sales.regions
  AS PERMISSIVE FOR SELECT TO bi_reader
  USING (
    coalesce(current_setting('bi_agent.regions', true), '') = ''
    OR region_name = ANY (string_to_array(current_setting('bi_agent.regions', true), ','))
  );

DROP POLICY IF EXISTS customers_in_scope ON sales.customers;
CREATE POLICY customers_in_scope ON sales.customers
  AS PERMISSIVE FOR SELECT TO bi_reader
  USING (
    coalesce(current_setting('bi_agent.regions', true), '') = ''
    OR region_id IN (
      SELECT scoped.region_id FROM sales.regions AS scoped
      WHERE scoped.region_name = ANY (string_to_array(current_setting('bi_agent.regions', true), ','))
    )
  );

DROP POLICY IF EXISTS sales_transactions_in_scope ON sales.sales_transactions;
CREATE POLICY sales_transactions_in_scope ON sales.sales_transactions
  AS PERMISSIVE FOR SELECT TO bi_reader
  USING (
    coalesce(current_setting('bi_agent.regions', true), '') = ''
    OR region_id IN (
      SELECT scoped.region_id FROM sales.regions AS scoped
      WHERE scoped.region_name = ANY (string_to_array(current_setting('bi_agent.regions', true), ','))
    )
  );

-- The scope is a setting, and by default any role may change a setting with set_config() — from
-- inside the very statement the policies guard: `... WHERE set_config('bi_agent.regions', '', true)
-- = ''` widens the scope from the second row on. So bi_reader must not be able to call set_config.
-- It cannot run SET either: the adapters only ever send the statement as a cursor's query, which
-- cannot be a utility command. The logins that may become bi_reader (the application's, which set
-- the scope before switching role, in the same SELECT, so the call is checked as the login) keep
-- set_config by an explicit GRANT; every other non-superuser role of this database loses it.
-- Only the function's owner (a superuser) can change its privileges; where the migrating login is
-- not one (Aurora's master user), this step is skipped with a notice, and the guard, which refuses
-- set_config by its function allow-list, is what stops the widening there.
DO $$
DECLARE
  set_config_fn constant regprocedure := 'pg_catalog.set_config(text, text, boolean)'::regprocedure;
  login regrole;
BEGIN
  IF NOT pg_catalog.pg_has_role(current_user, (SELECT proowner FROM pg_catalog.pg_proc WHERE oid = set_config_fn), 'USAGE') THEN
    RAISE NOTICE 'bi_reader keeps set_config(): % cannot change the privileges of pg_catalog functions', current_user;
    RETURN;
  END IF;
  FOR login IN
    SELECT m.member::regrole FROM pg_catalog.pg_auth_members AS m WHERE m.roleid = 'bi_reader'::regrole
    UNION SELECT current_user::regrole
  LOOP
    EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO %s', set_config_fn, login);
  END LOOP;
  EXECUTE format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC', set_config_fn);
END
$$;
