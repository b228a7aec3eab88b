-- The two region tables, partitioned by region: sales.sales_transactions and sales.customers become
-- PARTITION BY LIST (region_id), one partition per region of the reference data (003: ids 1..5),
-- named sales.sales_transactions_r<id> and sales.customers_r<id>.
--
-- Why: the planner's statistics of a partition describe that region's rows only. The guard reads
-- the partitions of its regions directly for a region-scoped principal, so the EXPLAIN cost
-- ceiling it applies then depends on rows that principal may see, never on other regions' counts
-- (the ceiling was an oracle on other regions' sizes, and blind under scope, while one set of
-- statistics described every region).
--
-- What changes for the tables (names, columns, types and the other constraints are as 001):
-- - The primary keys include the partition key: PRIMARY KEY (transaction_id, region_id) and
--   PRIMARY KEY (customer_id, region_id). A unique key of a partitioned table must contain it.
-- - The foreign key sales_transactions.customer_id → customers cannot remain: customers' unique
--   key is now (customer_id, region_id), and a sale's region need not be its customer's. That a
--   customer_id names one customer is the generator's promise (functions/warehouse/generator.ts).
--   The other foreign keys (regions, products, segments) and the three indexes are kept.
--
-- How existing databases upgrade: the old tables move out of the way into schema bi_agent (with
-- their indexes, constraints and identity sequence, so every name below is free again), the
-- partitioned tables are created under the contract's names, the rows are copied over with their
-- transaction ids, the identity continues after the highest id, and the old tables are dropped.
--
-- Walls: the old tables' grants and policies go with them. Row-level security is switched on for
-- the new tables and every partition here, without policies: until migration 007 grants the
-- database roles and writes the policies, no role but the owner reads a row.

ALTER TABLE sales.sales_transactions SET SCHEMA bi_agent;
ALTER TABLE sales.customers SET SCHEMA bi_agent;

CREATE TABLE sales.customers (
  customer_id   integer NOT NULL,
  customer_name text NOT NULL,
  email         text NOT NULL,          -- personal data: only the admin role may read it
  segment_id    smallint NOT NULL REFERENCES sales.customer_segments,
  region_id     smallint NOT NULL REFERENCES sales.regions,
  signup_date   date NOT NULL,
  PRIMARY KEY (customer_id, region_id)
) PARTITION BY LIST (region_id);

CREATE TABLE sales.customers_r1 PARTITION OF sales.customers FOR VALUES IN (1);
CREATE TABLE sales.customers_r2 PARTITION OF sales.customers FOR VALUES IN (2);
CREATE TABLE sales.customers_r3 PARTITION OF sales.customers FOR VALUES IN (3);
CREATE TABLE sales.customers_r4 PARTITION OF sales.customers FOR VALUES IN (4);
CREATE TABLE sales.customers_r5 PARTITION OF sales.customers FOR VALUES IN (5);

CREATE TABLE sales.sales_transactions (
  transaction_id bigint GENERATED ALWAYS AS IDENTITY,
  sale_date      date NOT NULL,
  region_id      smallint NOT NULL REFERENCES sales.regions,
  product_id     integer NOT NULL REFERENCES sales.products,
  customer_id    integer NOT NULL,        -- a customer's id; no foreign key (see above)
  segment_id     smallint NOT NULL REFERENCES sales.customer_segments, -- segment at the time of sale
  units          integer NOT NULL CHECK (units > 0),
  sales          numeric(12,2) NOT NULL,  -- revenue of the line, after discount
  cost           numeric(12,2) NOT NULL,  -- cost of goods of the line
  created_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (transaction_id, region_id)
) PARTITION BY LIST (region_id);

CREATE TABLE sales.sales_transactions_r1 PARTITION OF sales.sales_transactions FOR VALUES IN (1);
CREATE TABLE sales.sales_transactions_r2 PARTITION OF sales.sales_transactions FOR VALUES IN (2);
CREATE TABLE sales.sales_transactions_r3 PARTITION OF sales.sales_transactions FOR VALUES IN (3);
CREATE TABLE sales.sales_transactions_r4 PARTITION OF sales.sales_transactions FOR VALUES IN (4);
CREATE TABLE sales.sales_transactions_r5 PARTITION OF sales.sales_transactions FOR VALUES IN (5);

INSERT INTO sales.customers (customer_id, customer_name, email, segment_id, region_id, signup_date)
  SELECT customer_id, customer_name, email, segment_id, region_id, signup_date FROM bi_agent.customers;

INSERT INTO sales.sales_transactions
    (transaction_id, sale_date, region_id, product_id, customer_id, segment_id, units, sales, cost, created_at)
  OVERRIDING SYSTEM VALUE
  SELECT transaction_id, sale_date, region_id, product_id, customer_id, segment_id, units, sales, cost, created_at
  FROM bi_agent.sales_transactions;

-- The next generated id follows the highest copied one (1 on an empty table). Returns a bigint,
-- which the Data API can carry.
SELECT setval(pg_catalog.pg_get_serial_sequence('sales.sales_transactions', 'transaction_id'),
              coalesce((SELECT max(transaction_id) FROM sales.sales_transactions), 0) + 1, false) AS next_transaction_id;

DROP TABLE bi_agent.sales_transactions;
DROP TABLE bi_agent.customers;

-- After the copy: one pass per index instead of one insertion per row.
CREATE INDEX sales_transactions_date_region ON sales.sales_transactions (sale_date, region_id);
CREATE INDEX sales_transactions_product ON sales.sales_transactions (product_id);
CREATE INDEX sales_transactions_customer ON sales.sales_transactions (customer_id);

ALTER TABLE sales.customers ENABLE ROW LEVEL SECURITY;
ALTER TABLE sales.customers_r1 ENABLE ROW LEVEL SECURITY;
ALTER TABLE sales.customers_r2 ENABLE ROW LEVEL SECURITY;
ALTER TABLE sales.customers_r3 ENABLE ROW LEVEL SECURITY;
ALTER TABLE sales.customers_r4 ENABLE ROW LEVEL SECURITY;
ALTER TABLE sales.customers_r5 ENABLE ROW LEVEL SECURITY;
ALTER TABLE sales.sales_transactions ENABLE ROW LEVEL SECURITY;
ALTER TABLE sales.sales_transactions_r1 ENABLE ROW LEVEL SECURITY;
ALTER TABLE sales.sales_transactions_r2 ENABLE ROW LEVEL SECURITY;
ALTER TABLE sales.sales_transactions_r3 ENABLE ROW LEVEL SECURITY;
ALTER TABLE sales.sales_transactions_r4 ENABLE ROW LEVEL SECURITY;
ALTER TABLE sales.sales_transactions_r5 ENABLE ROW LEVEL SECURITY;

-- Statistics for the parents (all regions) and each partition (its region), so that a database
-- upgraded with data plans well before its next seeding (which analyses again); and for the
-- reference tables, which are too small for autovacuum ever to analyse them.
ANALYZE sales.regions, sales.customer_segments, sales.products, sales.customers, sales.sales_transactions;
