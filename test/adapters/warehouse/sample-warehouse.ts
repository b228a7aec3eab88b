/**
 * A tiny sales warehouse for the adapter tests: the project's migrations plus a handful of rows
 * whose totals the contract suite knows by heart. (When the warehouse fixtures in test/support
 * settle, the suite can move onto them; it only needs the figures below.)
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const migrationsDir = fileURLToPath(new URL('../../../functions/warehouse/migrations/', import.meta.url));

/**
 * The migration files' SQL, in order, after the application schema `bi_agent` that the migrations
 * runner keeps its own bookkeeping in (some migrations put tables there).
 */
export function migrationSql(): string[] {
  const files = readdirSync(migrationsDir)
    .filter((name) => name.endsWith('.sql'))
    .sort()
    .map((name) => readFileSync(join(migrationsDir, name), 'utf8'));
  return ['CREATE SCHEMA IF NOT EXISTS bi_agent;', ...files];
}

/**
 * Rows the contract suite asserts on: 3 transactions in Europe, 2 in North America. Dimension rows
 * yield to the reference data a migration may already have inserted.
 */
export const sampleRowsSql = `
INSERT INTO sales.regions VALUES (1, 'North America'), (2, 'Europe'), (3, 'Asia Pacific'), (4, 'Latin America'), (5, 'Middle East & Africa')
  ON CONFLICT DO NOTHING;
INSERT INTO sales.customer_segments VALUES (1, 'Enterprise'), (2, 'Mid-Market'), (3, 'Small Business'), (4, 'Consumer')
  ON CONFLICT DO NOTHING;
INSERT INTO sales.products VALUES (1, 'Laptop Pro 14', 'Hardware', 1899.00), (2, 'Laptop Air 13', 'Hardware', 1199.00), (3, 'Desktop Tower X', 'Hardware', 1499.00)
  ON CONFLICT DO NOTHING;
INSERT INTO sales.customers VALUES
  (1, 'Ada Example', 'ada@example.com', 1, 2, '2022-12-31'),
  (2, 'Bob Example', 'bob@example.com', 4, 1, '2023-01-01');
INSERT INTO sales.sales_transactions (sale_date, region_id, product_id, customer_id, segment_id, units, sales, cost, created_at) VALUES
  ('2024-01-01', 2, 1, 1, 1, 1, 1999.00, 1500.00, '2024-01-01 00:30:00+00'),
  ('2024-06-30', 2, 2, 1, 1, 10, 279.90, 120.00, '2024-06-30 23:59:59.123456+00'),
  ('2024-12-31', 2, 3, 1, 1, 2, 299.00, 20.50, '2024-12-31 23:00:00+00'),
  ('2025-03-15', 1, 1, 2, 4, 3, 5700.00, 4500.00, '2025-03-15 12:00:00+00'),
  ('2025-03-16', 1, 2, 2, 4, 1, 25.10, 10.00, '2025-03-16 12:00:00+00');
-- As seeding does: statistics for the planner, parents and partitions alike.
ANALYZE;
`;

/** Everything, as statements for a simple-protocol `exec`. */
export function sampleWarehouseSql(): string {
  return [...migrationSql(), sampleRowsSql].join('\n;\n');
}
