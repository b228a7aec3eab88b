/**
 * Verified example questions with their statements, written for this catalog (few-shot material for
 * LLM planners and for retrieval). Each runs on the sample warehouse as written.
 */
import type { ExampleQuery } from './types.ts';

/** Worked examples covering the main shapes of question. */
export const EXAMPLE_QUERIES: readonly ExampleQuery[] = [
  {
    question: 'Turnover of the Software category in the first half of 2025',
    sql: "SELECT sum(t.sales) AS revenue FROM sales.sales_transactions t JOIN sales.products p ON p.product_id = t.product_id WHERE p.category = 'Software' AND t.sale_date >= DATE '2025-01-01' AND t.sale_date < DATE '2025-07-01'",
    role: 'viewer',
  },
  {
    question: 'Orders per segment in Europe during 2023',
    sql: "SELECT s.segment_name, count(*) AS transactions FROM sales.sales_transactions t JOIN sales.customer_segments s ON s.segment_id = t.segment_id JOIN sales.regions r ON r.region_id = t.region_id WHERE r.region_name = 'Europe' AND t.sale_date >= DATE '2023-01-01' AND t.sale_date < DATE '2024-01-01' GROUP BY s.segment_name",
    role: 'viewer',
  },
  {
    question: 'Gross profit by quarter for Services in 2025',
    sql: "SELECT date_trunc('quarter', t.sale_date)::date AS quarter, sum(t.sales) - sum(t.cost) AS profit FROM sales.sales_transactions t JOIN sales.products p ON p.product_id = t.product_id WHERE p.category = 'Services' AND t.sale_date >= DATE '2025-01-01' AND t.sale_date < DATE '2026-01-01' GROUP BY 1 ORDER BY 1",
    role: 'analyst',
    notes: 'Profit reads the cost column: analyst role or wider.',
  },
  {
    question: 'Three regions with the fewest units sold in 2024',
    sql: "SELECT r.region_name, sum(t.units) AS units_sold FROM sales.sales_transactions t JOIN sales.regions r ON r.region_id = t.region_id WHERE t.sale_date >= DATE '2024-01-01' AND t.sale_date < DATE '2025-01-01' GROUP BY r.region_name ORDER BY units_sold ASC LIMIT 3",
    role: 'viewer',
  },
  {
    question: 'Share of 2025 units by product category',
    sql: "SELECT p.category, sum(t.units) * 100.0 / sum(sum(t.units)) OVER () AS share_pct FROM sales.sales_transactions t JOIN sales.products p ON p.product_id = t.product_id WHERE t.sale_date >= DATE '2025-01-01' AND t.sale_date < DATE '2026-01-01' GROUP BY p.category",
    role: 'viewer',
  },
  {
    question: 'Year-over-year change in percent of Enterprise revenue, 2025 against 2024, per region',
    sql: "SELECT r.region_name, (sum(t.sales) FILTER (WHERE t.sale_date >= DATE '2025-01-01' AND t.sale_date < DATE '2026-01-01') - sum(t.sales) FILTER (WHERE t.sale_date >= DATE '2024-01-01' AND t.sale_date < DATE '2025-01-01')) * 100.0 / sum(t.sales) FILTER (WHERE t.sale_date >= DATE '2024-01-01' AND t.sale_date < DATE '2025-01-01') AS growth_pct FROM sales.sales_transactions t JOIN sales.regions r ON r.region_id = t.region_id JOIN sales.customer_segments s ON s.segment_id = t.segment_id WHERE s.segment_name = 'Enterprise' AND t.sale_date >= DATE '2024-01-01' AND t.sale_date < DATE '2026-01-01' GROUP BY r.region_name",
    role: 'viewer',
    notes: 'Growth % is (new - old) * 100 / old.',
  },
  {
    question: 'Top product by revenue in every region in 2025',
    sql: "SELECT region_name, product_name, revenue FROM (SELECT r.region_name, p.product_name, sum(t.sales) AS revenue, row_number() OVER (PARTITION BY r.region_name ORDER BY sum(t.sales) DESC) AS rn FROM sales.sales_transactions t JOIN sales.regions r ON r.region_id = t.region_id JOIN sales.products p ON p.product_id = t.product_id WHERE t.sale_date >= DATE '2025-01-01' AND t.sale_date < DATE '2026-01-01' GROUP BY r.region_name, p.product_name) x WHERE rn = 1",
    role: 'viewer',
  },
  {
    question: 'Customers whose first purchase ever was in 2025',
    sql: "SELECT count(*) AS customers FROM (SELECT t.customer_id FROM sales.sales_transactions t GROUP BY t.customer_id HAVING min(t.sale_date) >= DATE '2025-01-01' AND min(t.sale_date) < DATE '2026-01-01') x",
    role: 'viewer',
    notes: 'A new customer is one whose first purchase falls in the period; sign-up date does not make a customer new.',
  },
  {
    question: 'Cumulative revenue by month in 2025',
    sql: "SELECT date_trunc('month', t.sale_date)::date AS month, sum(sum(t.sales)) OVER (ORDER BY date_trunc('month', t.sale_date)::date) AS running_revenue FROM sales.sales_transactions t WHERE t.sale_date >= DATE '2025-01-01' AND t.sale_date < DATE '2026-01-01' GROUP BY 1 ORDER BY 1",
    role: 'viewer',
  },
  {
    question: 'Segments with an average order value above 1,500 in 2024',
    sql: "SELECT s.segment_name, avg(t.sales) AS avg_order_value FROM sales.sales_transactions t JOIN sales.customer_segments s ON s.segment_id = t.segment_id WHERE t.sale_date >= DATE '2024-01-01' AND t.sale_date < DATE '2025-01-01' GROUP BY s.segment_name HAVING avg(t.sales) > 1500",
    role: 'viewer',
  },
  {
    question: 'Sign-ups by customer region in 2024',
    sql: "SELECT r.region_name, count(*) AS customers FROM sales.customers c JOIN sales.regions r ON r.region_id = c.region_id WHERE c.signup_date >= DATE '2024-01-01' AND c.signup_date < DATE '2025-01-01' GROUP BY r.region_name",
    role: 'viewer',
  },
];
