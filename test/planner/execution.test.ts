/**
 * The planner's SQL, run on a real PostgreSQL holding generated data, must return the same rows
 * as a hand-written reference statement (compared as the evaluation does: a multiset of rows,
 * column names ignored, numbers within 0.01). Skipped when no server answers on 127.0.0.1:5432.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OfflinePlanner } from '../../functions/core/planner/offline-planner.ts';
import type { Role } from '../../functions/core/principal.ts';
import { seedPostgres } from '../../functions/warehouse/seed-postgres.ts';

const SERVER = 'postgres://postgres@127.0.0.1:5432';
const DATABASE = `bi_planner_test_${process.pid}`;
const T = 'sales.sales_transactions t';
const R = 'JOIN sales.regions r ON r.region_id = t.region_id';
const S = 'JOIN sales.customer_segments s ON s.segment_id = t.segment_id';
const P = 'JOIN sales.products p ON p.product_id = t.product_id';
const Y = (y: number, c = 't.sale_date') => `${c} >= DATE '${y}-01-01' AND ${c} < DATE '${y + 1}-01-01'`;

/** Question, role, reference SQL, whether order matters. */
const CASES: [string, Role, string, boolean][] = [
  ['turnover of Accessories in 2024', 'viewer', `SELECT sum(t.sales) FROM ${T} ${P} WHERE p.category = 'Accessories' AND ${Y(2024)}`, false],
  ['orders by segment during Q2 2025', 'viewer', `SELECT s.segment_name, count(*) FROM ${T} ${S} WHERE t.sale_date BETWEEN DATE '2025-04-01' AND DATE '2025-06-30' GROUP BY 1`, false],
  ['GM% by category in 2023', 'analyst', `SELECT p.category, 100.0 * sum(t.sales - t.cost) / sum(t.sales) FROM ${T} ${P} WHERE ${Y(2023)} GROUP BY 1`, false],
  ['average order value by region in the last 6 months', 'viewer', `SELECT r.region_name, sum(t.sales) / count(*) FROM ${T} ${R} WHERE t.sale_date >= DATE '2025-07-01' GROUP BY 1`, false],
  ['ASP of Laptop Pro 14 per year', 'viewer', `SELECT extract(year FROM t.sale_date), sum(t.sales) / sum(t.units) FROM ${T} ${P} WHERE p.product_name = 'Laptop Pro 14' GROUP BY 1`, false],
  ['monthly distinct customers in Europe in 2024', 'viewer', `SELECT date_trunc('month', t.sale_date), count(DISTINCT t.customer_id) FROM ${T} ${R} WHERE r.region_name = 'Europe' AND ${Y(2024)} GROUP BY 1`, false],
  ['top 3 products by profit in APAC in 2025', 'analyst', `SELECT p.product_name, sum(t.sales) - sum(t.cost) AS v FROM ${T} ${P} ${R} WHERE r.region_name = 'Asia Pacific' AND ${Y(2025)} GROUP BY 1 ORDER BY v DESC LIMIT 3`, true],
  ['which segment had the lowest units last year', 'viewer', `SELECT s.segment_name, sum(t.units) AS v FROM ${T} ${S} WHERE ${Y(2024)} GROUP BY 1 ORDER BY v LIMIT 1`, true],
  ['revenue mix by region in 2025', 'viewer', `SELECT r.region_name, 100.0 * sum(t.sales) / (SELECT sum(sales) FROM sales.sales_transactions WHERE ${Y(2025, 'sale_date')}) FROM ${T} ${R} WHERE ${Y(2025)} GROUP BY 1`, false],
  ['what share of each region revenue came from Services in 2024', 'viewer', `SELECT r.region_name, 100.0 * sum(CASE WHEN p.category = 'Services' THEN t.sales ELSE 0 END) / sum(t.sales) FROM ${T} ${R} ${P} WHERE ${Y(2024)} GROUP BY 1`, false],
  ['ratio of Europe units to North America units in 2025', 'viewer', `SELECT (SELECT sum(t.units) FROM ${T} ${R} WHERE r.region_name = 'Europe' AND ${Y(2025)})::numeric / (SELECT sum(t.units) FROM ${T} ${R} WHERE r.region_name = 'North America' AND ${Y(2025)})`, false],
  ['order growth % by segment from 2024 to 2025', 'viewer', `SELECT a.segment_name, (b.n - a.n) * 100.0 / a.n FROM (SELECT s.segment_name, count(*) n FROM ${T} ${S} WHERE ${Y(2024)} GROUP BY 1) a JOIN (SELECT s.segment_name, count(*) n FROM ${T} ${S} WHERE ${Y(2025)} GROUP BY 1) b USING (segment_name)`, false],
  ['Q1 2024 vs Q1 2025 revenue by category side by side', 'viewer', `SELECT p.category, sum(t.sales) FILTER (WHERE t.sale_date < DATE '2024-04-01'), sum(t.sales) FILTER (WHERE t.sale_date >= DATE '2025-01-01') FROM ${T} ${P} WHERE t.sale_date BETWEEN DATE '2024-01-01' AND DATE '2024-03-31' OR t.sale_date BETWEEN DATE '2025-01-01' AND DATE '2025-03-31' GROUP BY 1`, false],
  ['cumulative units by quarter in 2025', 'viewer', `SELECT q, sum(n) OVER (ORDER BY q) FROM (SELECT date_trunc('quarter', t.sale_date) q, sum(t.units) n FROM ${T} WHERE ${Y(2025)} GROUP BY 1) x`, false],
  ['rank regions by orders within each segment in 2023', 'viewer', `SELECT s.segment_name, r.region_name, count(*), rank() OVER (PARTITION BY s.segment_name ORDER BY count(*) DESC) FROM ${T} ${S} ${R} WHERE ${Y(2023)} GROUP BY 1, 2`, false],
  ['month over month change in units for each month of 2025', 'viewer', `SELECT m, n - lag(n) OVER (ORDER BY m) FROM (SELECT date_trunc('month', t.sale_date) m, sum(t.units) n FROM ${T} WHERE t.sale_date >= DATE '2024-12-01' AND t.sale_date < DATE '2026-01-01' GROUP BY 1) x ORDER BY m OFFSET 1`, false],
  ['categories with more than 5,000 units in 2024', 'viewer', `SELECT p.category, sum(t.units) FROM ${T} ${P} WHERE ${Y(2024)} GROUP BY 1 HAVING sum(t.units) > 5000`, false],
  ['products with revenue above the average product in 2023', 'viewer', `WITH x AS (SELECT p.product_name, sum(t.sales) v FROM ${T} ${P} WHERE ${Y(2023)} GROUP BY 1) SELECT product_name, v FROM x WHERE v > (SELECT avg(v) FROM x)`, false],
  ['best selling category by units in each region in 2025', 'viewer', `SELECT DISTINCT ON (r.region_name) r.region_name, p.category, sum(t.units) FROM ${T} ${R} ${P} WHERE ${Y(2025)} GROUP BY 1, 2 ORDER BY r.region_name, 3 DESC`, false],
  ['sign-ups by segment in 2024', 'viewer', `SELECT s.segment_name, count(*) FROM sales.customers c JOIN sales.customer_segments s ON s.segment_id = c.segment_id WHERE ${Y(2024, 'c.signup_date')} GROUP BY 1`, false],
  ['what percentage of customers who signed up in 2024 bought in 2025', 'viewer', `SELECT 100.0 * count(*) FILTER (WHERE c.customer_id IN (SELECT customer_id FROM sales.sales_transactions WHERE ${Y(2025, 'sale_date')})) / count(*) FROM sales.customers c WHERE ${Y(2024, 'c.signup_date')}`, false],
  ['how many customers made their first purchase in 2025', 'viewer', `SELECT count(*) FROM (SELECT customer_id FROM sales.sales_transactions GROUP BY 1 HAVING min(sale_date) >= DATE '2025-01-01') x`, false],
  ['how many customers bought in 2024 but not in 2025', 'viewer', `SELECT count(*) FROM (SELECT DISTINCT customer_id FROM sales.sales_transactions WHERE ${Y(2024, 'sale_date')} EXCEPT SELECT customer_id FROM sales.sales_transactions WHERE ${Y(2025, 'sale_date')}) x`, false],
  ['top 3 customers by revenue in 2025', 'admin', `SELECT c.customer_name, sum(t.sales) v FROM ${T} JOIN sales.customers c ON c.customer_id = t.customer_id WHERE ${Y(2025)} GROUP BY c.customer_id, c.customer_name ORDER BY v DESC LIMIT 3`, true],
  ['revenue last week', 'viewer', `SELECT sum(t.sales) FROM ${T} WHERE t.sale_date BETWEEN DATE '2025-12-22' AND DATE '2025-12-28'`, false],
  // counting the groups that pass a threshold, and a condition on each line
  ['How many customers spent over 20k in 2025?', 'viewer', `SELECT count(*) FROM (SELECT customer_id FROM ${T} WHERE ${Y(2025)} GROUP BY 1 HAVING sum(t.sales) > 20000) x`, false],
  ['how many products sold more than 1000 units in 2024', 'viewer', `SELECT count(*) FROM (SELECT product_id FROM ${T} WHERE ${Y(2024)} GROUP BY 1 HAVING sum(t.units) > 1000) x`, false],
  ['How many transactions were over $5,000 in 2025?', 'viewer', `SELECT count(*) FROM ${T} WHERE t.sales > 5000 AND ${Y(2025)}`, false],
  // each month against the same month a year earlier; the last 6 months month over month, with the figure
  ['YoY revenue growth by month for 2025', 'viewer', `WITH x AS (SELECT date_trunc('month', t.sale_date)::date g, sum(t.sales) v FROM ${T} WHERE t.sale_date >= DATE '2024-01-01' AND t.sale_date < DATE '2026-01-01' GROUP BY 1) SELECT a.g, (a.v - b.v) * 100.0 / b.v FROM x a JOIN x b ON b.g = (a.g - interval '1 year')::date WHERE a.g >= DATE '2025-01-01'`, false],
  ['monthly units with the MoM change over the last 6 months', 'viewer', `WITH x AS (SELECT date_trunc('month', t.sale_date)::date g, sum(t.units) v FROM ${T} WHERE t.sale_date >= DATE '2025-06-01' GROUP BY 1), y AS (SELECT g, v, v - lag(v) OVER (ORDER BY g) c FROM x) SELECT g, v, c FROM y WHERE g >= DATE '2025-07-01'`, false],
  // a value labelling the breakdown filters the share; sign-ups that never bought
  ['contribution of each product to Software revenue in 2024', 'viewer', `SELECT p.product_name, 100.0 * sum(t.sales) / sum(sum(t.sales)) OVER () FROM ${T} ${P} WHERE p.category = 'Software' AND ${Y(2024)} GROUP BY 1`, false],
  ['How many customers who signed up in 2024 never made a purchase?', 'viewer', `SELECT count(*) FROM sales.customers c WHERE ${Y(2024, 'c.signup_date')} AND c.customer_id NOT IN (SELECT customer_id FROM sales.sales_transactions)`, false],
  ['show the names of customers who bought Managed IT in 2025', 'admin', `SELECT x.customer_name FROM (SELECT DISTINCT c.customer_id, c.customer_name FROM ${T} ${P} JOIN sales.customers c ON c.customer_id = t.customer_id WHERE p.product_name = 'Managed IT' AND ${Y(2025)}) x`, false],
  // sales of a sign-up cohort (joins customers on the sign-up date), the customer base that never bought, purchase frequency
  ['units bought in 2025 by customers who registered in 2024', 'viewer', `SELECT sum(t.units) FROM ${T} JOIN sales.customers c ON c.customer_id = t.customer_id WHERE ${Y(2024, 'c.signup_date')} AND ${Y(2025)}`, false],
  ['how many customers in Europe have never bought anything', 'viewer', `SELECT count(*) FROM sales.customers c JOIN sales.regions r ON r.region_id = c.region_id WHERE r.region_name = 'Europe' AND NOT EXISTS (SELECT 1 FROM sales.sales_transactions x WHERE x.customer_id = c.customer_id)`, false],
  ['average number of orders per customer by region in 2025', 'viewer', `SELECT r.region_name, count(*) * 1.0 / count(DISTINCT t.customer_id) FROM ${T} ${R} WHERE ${Y(2025)} GROUP BY 1`, false],
  ['orders from April 2 to May 15, 2025', 'viewer', `SELECT count(*) FROM ${T} WHERE t.sale_date BETWEEN DATE '2025-04-02' AND DATE '2025-05-15'`, false],
  ['Q3 2025 revenue compared with Q3 2024, in percent', 'viewer', `SELECT (b.v - a.v) * 100.0 / a.v FROM (SELECT sum(sales) v FROM sales.sales_transactions WHERE sale_date BETWEEN DATE '2024-07-01' AND DATE '2024-09-30') a, (SELECT sum(sales) v FROM sales.sales_transactions WHERE sale_date BETWEEN DATE '2025-07-01' AND DATE '2025-09-30') b`, false],
  // shares within each group (and the top share of each group); ratio of two periods
  ['category share of units within each region in 2024', 'viewer', `SELECT r.region_name, p.category, 100.0 * sum(t.units) / sum(sum(t.units)) OVER (PARTITION BY r.region_name) FROM ${T} ${R} ${P} WHERE ${Y(2024)} GROUP BY 1, 2`, false],
  ['which category had the biggest share of revenue in each segment in 2025', 'viewer', `SELECT DISTINCT ON (s.segment_name) s.segment_name, p.category, 100.0 * sum(t.sales) / sum(sum(t.sales)) OVER (PARTITION BY s.segment_name) FROM ${T} ${S} ${P} WHERE ${Y(2025)} GROUP BY 1, 2 ORDER BY s.segment_name, sum(t.sales) DESC`, false],
  ['ratio of H2 2024 units to H1 2024 units', 'viewer', `SELECT (SELECT sum(units) FROM sales.sales_transactions WHERE sale_date BETWEEN DATE '2024-07-01' AND DATE '2024-12-31')::numeric / (SELECT sum(units) FROM sales.sales_transactions WHERE sale_date BETWEEN DATE '2024-01-01' AND DATE '2024-06-30')`, false],
  // retention in percent; buyers of one category who never bought another
  ['what % of customers who purchased in 2023 purchased again in 2024', 'viewer', `SELECT 100.0 * count(*) FILTER (WHERE customer_id IN (SELECT customer_id FROM sales.sales_transactions WHERE ${Y(2024, 'sale_date')})) / count(*) FROM (SELECT DISTINCT customer_id FROM sales.sales_transactions WHERE ${Y(2023, 'sale_date')}) x`, false],
  ['how many customers bought Accessories but never Software in 2024', 'viewer', `SELECT count(*) FROM (SELECT t.customer_id FROM ${T} ${P} WHERE p.category = 'Accessories' AND ${Y(2024)} EXCEPT SELECT t.customer_id FROM ${T} ${P} WHERE p.category = 'Software' AND ${Y(2024)}) x`, false],
  // each quarter against the same quarter a year earlier; months of two years side by side
  ['units change for each quarter of 2025 compared with the same quarter of 2024', 'viewer', `WITH x AS (SELECT date_trunc('quarter', t.sale_date)::date g, sum(t.units) v FROM ${T} WHERE t.sale_date >= DATE '2024-01-01' GROUP BY 1) SELECT a.g, a.v - b.v FROM x a JOIN x b ON b.g = (a.g - interval '1 year')::date WHERE a.g >= DATE '2025-01-01'`, false],
  ['monthly orders in 2023 and 2024 side by side', 'viewer', `SELECT extract(month FROM t.sale_date), count(*) FILTER (WHERE ${Y(2023)}), count(*) FILTER (WHERE ${Y(2024)}) FROM ${T} WHERE t.sale_date < DATE '2025-01-01' GROUP BY 1`, false],
  ['Which region declined the most in units from 2023 to 2024?', 'viewer', `SELECT a.region_name, (b.n - a.n) * 100.0 / a.n AS g FROM (SELECT r.region_name, sum(t.units) n FROM ${T} ${R} WHERE ${Y(2023)} GROUP BY 1) a JOIN (SELECT r.region_name, sum(t.units) n FROM ${T} ${R} WHERE ${Y(2024)} GROUP BY 1) b USING (region_name) ORDER BY g LIMIT 1`, true],
];

type Row = unknown[];
const normalize = (rows: Row[]): Row[] => rows.map((r) => r.map((v) => (v instanceof Date ? v.toISOString().slice(0, 10) : typeof v === 'string' && v !== '' && !Number.isNaN(Number(v)) && !/^\d{4}-\d\d-\d\d/.test(v) ? Number(v) : v)));
const key = (row: Row): string => row.map((v) => (typeof v === 'number' ? v.toFixed(2) : String(v))).sort().join('|');
const near = (a: unknown, b: unknown): boolean => (typeof a === 'number' && typeof b === 'number' ? Math.abs(a - b) <= Math.max(0.01, Math.abs(b) * 1e-4) : String(a) === String(b));
function sameRows(got: Row[], want: Row[], ordered: boolean): boolean {
  if (got.length !== want.length) return false;
  const [x, y] = ordered ? [got, want] : [[...got].sort((a, b) => key(a).localeCompare(key(b))), [...want].sort((a, b) => key(a).localeCompare(key(b)))];
  return x.every((row, i) => {
    const a = [...row].sort((p, q) => String(p).localeCompare(String(q)));
    const b = [...y[i]!].sort((p, q) => String(p).localeCompare(String(q)));
    return a.length === b.length && a.every((v, j) => near(v, b[j]));
  });
}

let available = false;
let client: pg.Client | undefined;

beforeAll(async () => {
  const admin = new pg.Client({ connectionString: `${SERVER}/test`, connectionTimeoutMillis: 2000 });
  try { await admin.connect(); } catch { return; }
  available = true;
  await admin.query(`DROP DATABASE IF EXISTS ${DATABASE}`);
  await admin.query(`CREATE DATABASE ${DATABASE}`);
  await admin.end();
  await seedPostgres(`${SERVER}/${DATABASE}`, { seed: 7, transactions: 20_000, customers: 1_500, from: '2023-01-01', to: '2025-12-31' });
  client = new pg.Client({ connectionString: `${SERVER}/${DATABASE}` });
  pg.types.setTypeParser(1082, (v: string) => v);
  pg.types.setTypeParser(1114, (v: string) => v.slice(0, 10));
  await client.connect();
});

afterAll(async () => {
  await client?.end();
  if (!available) return;
  const admin = new pg.Client({ connectionString: `${SERVER}/test` });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${DATABASE}`);
  await admin.end();
});

describe('OfflinePlanner on PostgreSQL', () => {
  const planner = new OfflinePlanner();
  it.each(CASES)('answers "%s" (%s) with the reference rows', async (question, role, reference, ordered) => {
    if (!available) return;
    const plan = await planner.plan({ question, asOf: '2025-12-31', principal: { subject: 'test', role }, context: [] });
    const got = (await client!.query({ text: plan.sql, rowMode: 'array' })).rows as Row[];
    const want = (await client!.query({ text: reference, rowMode: 'array' })).rows as Row[];
    expect(got.length).toBeGreaterThan(0);
    expect(sameRows(normalize(got), normalize(want), ordered), `${plan.sql}\n${JSON.stringify(got.slice(0, 3))}\n${JSON.stringify(want.slice(0, 3))}`).toBe(true);
  });
});
