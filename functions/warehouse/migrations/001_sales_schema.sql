-- The sample sales warehouse (contract: shared/contract/warehouse.sql). Table and column names,
-- and the dimension values, are a contract that evaluation sets and security cases rely on.
CREATE SCHEMA IF NOT EXISTS sales;

CREATE TABLE sales.regions (
  region_id   smallint PRIMARY KEY,
  region_name text NOT NULL UNIQUE
);

CREATE TABLE sales.customer_segments (
  segment_id   smallint PRIMARY KEY,
  segment_name text NOT NULL UNIQUE
);

CREATE TABLE sales.products (
  product_id   integer PRIMARY KEY,
  product_name text NOT NULL UNIQUE,
  category     text NOT NULL,
  list_price   numeric(10,2) NOT NULL CHECK (list_price > 0)
);

CREATE TABLE sales.customers (
  customer_id   integer PRIMARY KEY,
  customer_name text NOT NULL,
  email         text NOT NULL,          -- personal data: only the admin role may read it
  segment_id    smallint NOT NULL REFERENCES sales.customer_segments,
  region_id     smallint NOT NULL REFERENCES sales.regions,
  signup_date   date NOT NULL
);

CREATE TABLE sales.sales_transactions (
  transaction_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  sale_date      date NOT NULL,
  region_id      smallint NOT NULL REFERENCES sales.regions,
  product_id     integer NOT NULL REFERENCES sales.products,
  customer_id    integer NOT NULL REFERENCES sales.customers,
  segment_id     smallint NOT NULL REFERENCES sales.customer_segments, -- segment at the time of sale
  units          integer NOT NULL CHECK (units > 0),
  sales          numeric(12,2) NOT NULL,  -- revenue of the line, after discount
  cost           numeric(12,2) NOT NULL,  -- cost of goods of the line
  created_at     timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX sales_transactions_date_region ON sales.sales_transactions (sale_date, region_id);
CREATE INDEX sales_transactions_product ON sales.sales_transactions (product_id);
CREATE INDEX sales_transactions_customer ON sales.sales_transactions (customer_id);
