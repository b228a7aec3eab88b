/**
 * The company's metrics (see the BI team's metric definitions): one object each, read by every
 * planner. Ratios are ratios of sums, never averages of per-line ratios.
 */
import type { MetricDefinition } from './types.ts';

/** Every metric the agent can compute over the sales fact table. */
const BASE_METRICS: readonly MetricDefinition[] = [
  {
    name: 'revenue',
    label: 'revenue',
    description: 'Net revenue after discount: sum of sales_transactions.sales.',
    synonyms: ['revenue', 'revenues', 'rev', 'revs', 'net revenue', 'total revenue', 'gross revenue', 'sales dollars', 'sales', 'net sales', 'turnover', 'income', 'bookings', 'sales revenue', 'total sales', 'sales amount', 'dollar sales', 'top line', 'topline'],
    hints: ['money', 'earned', 'earn', 'generate', 'generated', 'brought in', 'bring in', 'spend', 'spent', 'spending', 'pay', 'paid', 'pays', 'paying', 'dollars', 'biggest', 'largest', 'how much'],
    expression: 'sum(t.sales){f}',
    column: 'revenue',
    format: 'currency',
    additive: true,
    role: 'viewer',
    reads: ['sales'],
  },
  {
    name: 'units',
    label: 'units sold',
    description: 'Items sold: sum of sales_transactions.units (not the number of transactions).',
    synonyms: ['units', 'unit', 'units sold', 'quantity', 'quantities', 'volume', 'sales volume', 'items', 'items sold', 'pieces', 'qty', 'units shipped', 'best selling', 'top selling', 'worst selling', 'bestseller', 'bestsellers', 'best seller', 'best sellers'],
    hints: ['sold', 'sell', 'selling', 'shipped', 'moved'],
    expression: 'sum(t.units){f}',
    column: 'units_sold',
    format: 'count',
    additive: true,
    role: 'viewer',
    reads: ['units'],
  },
  {
    name: 'transactions',
    label: 'number of transactions',
    description: 'Transaction rows (order lines): count(*). One row counts as one order.',
    synonyms: ['transactions', 'transaction', 'orders', 'order', 'order lines', 'order line', 'number of orders', 'number of sales', 'sales transactions', 'deals', 'purchases', 'order count', 'transaction count', 'lines', 'txns', 'txn', 'number of transactions', 'sales count', 'line items'],
    expression: 'count(*){f}',
    column: 'transactions',
    format: 'count',
    additive: true,
    role: 'viewer',
    reads: [],
  },
  {
    name: 'customers',
    label: 'distinct customers',
    description: 'Purchasing customers: count of distinct customer_id in the transactions in scope.',
    synonyms: ['customers', 'distinct customers', 'unique customers', 'buyers', 'purchasing customers', 'buying customers', 'active buyers', 'clients', 'customer count', 'number of customers', 'shoppers', 'accounts', 'purchasers', 'paying customers', 'unique buyers', 'distinct buyers', 'unique clients', 'distinct clients'],
    expression: 'count(DISTINCT t.customer_id){f}',
    column: 'customers',
    format: 'count',
    additive: false,
    role: 'viewer',
    reads: ['customer_id'],
  },
  {
    name: 'aov',
    label: 'average order value',
    description: 'Revenue per transaction row: avg(sales). The warehouse has no order header.',
    synonyms: ['average order value', 'aov', 'average order', 'average transaction value', 'average sale', 'average sale value', 'average deal size', 'average ticket', 'average basket', 'average order size', 'avg order value', 'average revenue per order', 'average revenue per transaction', 'revenue per order', 'revenue per transaction', 'average transaction size', 'mean order value', 'average value per order', 'order value', 'average transaction', 'avg order', 'average ticket size', 'avg transaction value', 'average basket value', 'average order amount', 'avg sale'],
    expression: 'avg(t.sales){f}',
    column: 'avg_order_value',
    format: 'currency',
    additive: false,
    role: 'viewer',
    reads: ['sales'],
  },
  {
    name: 'asp',
    label: 'average selling price',
    description: 'Revenue divided by units: sum(sales) / sum(units).',
    synonyms: ['average selling price', 'asp', 'average price', 'average price per unit', 'price per unit', 'average unit price', 'unit price', 'net price', 'average sales price', 'revenue per unit', 'realized price', 'realised price', 'selling price', 'avg price'],
    expression: 'sum(t.sales){f} / sum(t.units){f}',
    column: 'avg_price_per_unit',
    format: 'currency',
    additive: false,
    role: 'viewer',
    reads: ['sales', 'units'],
  },
  {
    name: 'revenue_per_customer',
    label: 'revenue per customer',
    description: 'Revenue divided by distinct purchasing customers in the same scope.',
    synonyms: ['revenue per customer', 'revenue per buying customer', 'revenue per purchasing customer', 'average revenue per customer', 'sales per customer', 'spend per customer', 'average spend per customer', 'arpu', 'average customer spend', 'revenue per buyer', 'average revenue per buyer', 'revenue per client', 'average revenue per client', 'sales per client', 'spend per client', 'revenue per account', 'revenue per shopper', 'sales per buyer', 'spend per buyer', 'average spend per client', 'average spend per buyer'],
    expression: 'sum(t.sales){f} / count(DISTINCT t.customer_id){f}',
    column: 'revenue_per_customer',
    format: 'currency',
    additive: false,
    role: 'viewer',
    reads: ['sales', 'customer_id'],
  },
  {
    name: 'units_per_transaction',
    label: 'units per transaction',
    description: 'Units divided by transaction rows.',
    synonyms: ['units per transaction', 'units per order', 'average units per order', 'average units per transaction', 'average quantity per order', 'basket size', 'items per order'],
    expression: 'sum(t.units){f}::numeric / count(*){f}',
    column: 'units_per_transaction',
    format: 'ratio',
    additive: false,
    role: 'viewer',
    reads: ['units'],
  },
  {
    name: 'transactions_per_customer',
    label: 'transactions per customer',
    description: 'Transaction rows divided by distinct purchasing customers in the same scope (purchase frequency).',
    synonyms: ['transactions per customer', 'orders per customer', 'purchases per customer', 'number of transactions per customer', 'number of orders per customer', 'number of purchases per customer', 'average number of transactions per customer', 'average number of orders per customer', 'average number of purchases per customer', 'average transactions per customer', 'average orders per customer', 'average purchases per customer', 'transactions per buyer', 'orders per buyer', 'purchases per buyer', 'transactions per client', 'orders per client', 'purchase frequency', 'order frequency'],
    expression: 'count(*){f}::numeric / count(DISTINCT t.customer_id){f}',
    column: 'transactions_per_customer',
    format: 'ratio',
    additive: false,
    role: 'viewer',
    reads: ['customer_id'],
  },
  {
    name: 'units_per_customer',
    label: 'units per customer',
    description: 'Units divided by distinct purchasing customers in the same scope.',
    synonyms: ['units per customer', 'units per buyer', 'units per client', 'average units per customer', 'average number of units per customer', 'items per customer', 'quantity per customer', 'average quantity per customer'],
    expression: 'sum(t.units){f}::numeric / count(DISTINCT t.customer_id){f}',
    column: 'units_per_customer',
    format: 'ratio',
    additive: false,
    role: 'viewer',
    reads: ['units', 'customer_id'],
  },
  {
    name: 'cost',
    label: 'cost',
    description: 'Cost of goods sold: sum of sales_transactions.cost. Needs the analyst role.',
    synonyms: ['cost', 'costs', 'cogs', 'cost of goods', 'cost of goods sold', 'cost of sales', 'total cost', 'expenses', 'spend on goods', 'cost of revenue', 'product cost', 'product costs'],
    expression: 'sum(t.cost){f}',
    column: 'cost',
    format: 'currency',
    additive: true,
    role: 'analyst',
    reads: ['cost'],
  },
  {
    name: 'profit',
    label: 'gross profit',
    description: 'Revenue minus cost: sum(sales) - sum(cost). Needs the analyst role.',
    synonyms: ['profit', 'profits', 'gross profit', 'gross profits', 'gp', 'earnings', 'profitable', 'most profitable', 'least profitable', 'gross margin dollars', 'margin dollars', 'profitability'],
    expression: 'sum(t.sales){f} - sum(t.cost){f}',
    column: 'profit',
    format: 'currency',
    additive: true,
    role: 'analyst',
    reads: ['sales', 'cost'],
  },
  {
    name: 'margin',
    label: 'gross margin %',
    description: '(sum(sales) - sum(cost)) * 100 / sum(sales), from group totals. Needs the analyst role.',
    synonyms: ['margin', 'margins', 'gross margin', 'margin %', 'margin percent', 'margin percentage', 'gm', 'gm %', 'gross margin %', 'gross margin percent', 'gross margin percentage', 'profit margin', 'margin rate', 'profit margin %'],
    expression: '(sum(t.sales){f} - sum(t.cost){f}) * 100.0 / sum(t.sales){f}',
    column: 'margin_pct',
    format: 'percent',
    additive: false,
    role: 'analyst',
    reads: ['sales', 'cost'],
  },
  {
    name: 'cost_per_unit',
    label: 'cost per unit',
    description: 'Cost divided by units. Needs the analyst role.',
    synonyms: ['cost per unit', 'unit cost', 'average cost per unit', 'average unit cost'],
    expression: 'sum(t.cost){f} / sum(t.units){f}',
    column: 'cost_per_unit',
    format: 'currency',
    additive: false,
    role: 'analyst',
    reads: ['cost', 'units'],
  },
  {
    name: 'profit_per_unit',
    label: 'profit per unit',
    description: 'Gross profit divided by units. Needs the analyst role.',
    synonyms: ['profit per unit', 'unit profit', 'margin per unit'],
    expression: '(sum(t.sales){f} - sum(t.cost){f}) / sum(t.units){f}',
    column: 'profit_per_unit',
    format: 'currency',
    additive: false,
    role: 'analyst',
    reads: ['sales', 'cost', 'units'],
  },
];

/**
 * "per buying customer", "per purchasing buyer", "per active client": a qualifier of the buyer in a
 * per-customer ratio means the same ratio (the denominator is already the purchasing customers).
 */
function withBuyerQualifiers(metric: MetricDefinition): MetricDefinition {
  const extra = metric.synonyms.flatMap((s) => {
    const m = /^(.*\bper) (customer|buyer|client)$/.exec(s);
    return m ? ['buying', 'purchasing', 'paying', 'active'].map((q) => `${m[1]} ${q} ${m[2]}`) : [];
  });
  const synonyms = [...new Set([...metric.synonyms, ...extra])];
  return synonyms.length === metric.synonyms.length ? metric : { ...metric, synonyms };
}

/** Every metric the agent can compute over the sales fact table. */
export const METRICS: readonly MetricDefinition[] = BASE_METRICS.map(withBuyerQualifiers);

/** Finds a metric by its name; throws on a typo in code, not on user input. */
export function metricByName(name: string): MetricDefinition {
  const metric = METRICS.find((m) => m.name === name);
  if (!metric) throw new Error(`unknown metric ${name}`);
  return metric;
}
