-- What was loaded into this warehouse (generator options, row counts, date range, data hash), so
-- that any process, on any backend, can learn the data's date range without scanning it. Lives in
-- the application's schema `bi_agent`, which the read-only role cannot see.
CREATE TABLE IF NOT EXISTS bi_agent.warehouse_metadata (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  metadata  jsonb NOT NULL,
  loaded_at timestamptz NOT NULL DEFAULT now()
);
