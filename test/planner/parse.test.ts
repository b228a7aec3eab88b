import { describe, expect, it } from 'vitest';
import { CannotAnswerError } from '../../functions/core/errors.ts';
import { parseQuestion } from '../../functions/core/planner/parse.ts';

const AS_OF = '2025-12-31';
const year = (y: number) => ({ start: `${y}-01-01`, end: `${y + 1}-01-01` });
const region = { kind: 'dimension', name: 'region' };
const segment = { kind: 'dimension', name: 'segment' };
const category = { kind: 'dimension', name: 'category' };
const product = { kind: 'dimension', name: 'product' };
const customer = { kind: 'dimension', name: 'customer' };
const month = { kind: 'time', grain: 'month' };
const quarter = { kind: 'time', grain: 'quarter' };

/** Questions written for these tests (not the evaluation samples), with the parse they must give. */
const CASES: [string, 'viewer' | 'analyst' | 'admin', Record<string, unknown>][] = [
  // totals
  ['What was turnover in 2024?', 'viewer', { metrics: ['revenue'], dimensions: [], range: year(2024) }],
  ['net sales for FY2023', 'viewer', { metrics: ['revenue'], range: year(2023) }],
  ['How many items did we sell in H1 2025?', 'viewer', { metrics: ['units'], range: { start: '2025-01-01', end: '2025-07-01' } }],
  ['Number of orders in September 2024', 'viewer', { metrics: ['transactions'], range: { start: '2024-09-01', end: '2024-10-01' } }],
  ['# of order lines last week', 'viewer', { metrics: ['transactions'], range: { start: '2025-12-22', end: '2025-12-29' } }],
  ['COGS in Q2 2025', 'analyst', { metrics: ['cost'], range: { start: '2025-04-01', end: '2025-07-01' } }],
  ['gross profit year to date', 'analyst', { metrics: ['profit'], range: year(2025) }],
  ['GM% in 2023', 'analyst', { metrics: ['margin'], range: year(2023) }],
  ['profit margin over the past 2 quarters', 'analyst', { metrics: ['margin'], range: { start: '2025-07-01', end: '2026-01-01' } }],
  ['unique customers in the last 60 days', 'viewer', { metrics: ['customers'], range: { start: '2025-11-02', end: '2026-01-01' } }],
  ['how many buyers did we have in 2023', 'viewer', { metrics: ['customers'], range: year(2023) }],
  ['average transaction value this year', 'viewer', { metrics: ['aov'], range: year(2025) }],
  ['ASP of Monitor 27 4K in 2024', 'viewer', { metrics: ['asp'], filters: [{ dimension: 'product', values: ['Monitor 27 4K'] }] }],
  ['net price per unit for Hardware last year', 'viewer', { metrics: ['asp'], filters: [{ dimension: 'category', values: ['Hardware'] }], range: year(2024) }],
  ['revenue per customer in 2025', 'viewer', { metrics: ['revenue_per_customer'], range: year(2025) }],
  ['units per order in 2024', 'viewer', { metrics: ['units_per_transaction'] }],
  ['How much did we sell to SMB customers in APAC this quarter?', 'viewer', { metrics: ['revenue'], filters: [{ dimension: 'segment', values: ['Small Business'] }, { dimension: 'region', values: ['Asia Pacific'] }] }],
  ['revenue from consumers in LATAM during 2024', 'viewer', { filters: [{ dimension: 'segment', values: ['Consumer'] }, { dimension: 'region', values: ['Latin America'] }] }],
  ['EMEA revenue in 2025', 'viewer', { dimensions: [], filters: [{ dimension: 'region', values: ['Europe', 'Middle East & Africa'] }] }],
  ['B2B units in 2025', 'viewer', { metrics: ['units'], filters: [{ dimension: 'segment', values: ['Enterprise', 'Mid-Market', 'Small Business'] }] }],
  ['revenue of the extended warranty since March 2025', 'viewer', { filters: [{ dimension: 'product', values: ['Extended Warranty'] }], range: { start: '2025-03-01', end: '2026-01-01' } }],
  ['mid-market revenue between April and June 2024', 'viewer', { filters: [{ dimension: 'segment', values: ['Mid-Market'] }], range: { start: '2024-04-01', end: '2024-07-01' } }],
  ['sales of noise-cancelling headsets in MEA last month', 'viewer', { filters: [{ dimension: 'product', values: ['Noise-Cancelling Headset'] }, { dimension: 'region', values: ['Middle East & Africa'] }] }],
  ['active customers', 'viewer', { metrics: ['customers'], range: { start: '2025-10-03', end: '2026-01-01' } }],
  // a value of a coarser dimension labels a finer one, unless a ranking asks for the finer one
  ['average selling price of hardware products by year', 'viewer', { metrics: ['asp'], dimensions: [{ kind: 'time', grain: 'year' }], filters: [{ dimension: 'category', values: ['Hardware'] }] }],
  ['top 5 software products by units in 2024', 'viewer', { dimensions: [product], filters: [{ dimension: 'category', values: ['Software'] }], order: { direction: 'desc', limit: 5 } }],
  ['top 3 enterprise customers by revenue in 2024', 'viewer', { dimensions: [customer], filters: [{ dimension: 'segment', values: ['Enterprise'] }], order: { direction: 'desc', limit: 3 } }],
  ['revenue from European customers in 2024', 'viewer', { dimensions: [], filters: [{ dimension: 'region', values: ['Europe'] }] }],
  // the customer base (customers table) versus buyers (transactions)
  ['How many customers are in each segment?', 'viewer', { metrics: [], dimensions: [segment], cohort: { kind: 'signups', signup: null } }],
  ['how many customers do we have in Latin America', 'viewer', { filters: [{ dimension: 'region', values: ['Latin America'] }], cohort: { kind: 'signups', signup: null } }],
  ['how many customers bought in 2024', 'viewer', { metrics: ['customers'], range: year(2024) }],
  ['Show monthly revenue in 2025 with a running total', 'viewer', { metrics: ['revenue'], window: { kind: 'running-total', includeBase: true } }],
  ['cumulative units by month in 2024', 'viewer', { metrics: ['units'], window: { kind: 'running-total', includeBase: false } }],
  ['best-selling product in each segment in 2025 by revenue', 'viewer', { metrics: ['revenue'], perGroup: { direction: 'desc', limit: 1 } }],
  ['best-selling product in 2024', 'viewer', { metrics: ['units'], order: { direction: 'desc', limit: 1 } }],
  ["Show each region's revenue in 2024 and 2025 and the growth in percent.", 'viewer', { dimensions: [region], comparison: { mode: 'growth', withPeriods: true } }],
  ['units by segment in 2023 and 2024 along with the change', 'viewer', { dimensions: [segment], comparison: { mode: 'change', withPeriods: true } }],
  ['revenue growth in percent by category from 2023 to 2024', 'viewer', { comparison: { mode: 'growth' } }],
  ['how much did customers pay us in 2024', 'viewer', { metrics: ['revenue'], range: year(2024) }],
  ['how many customers paid in 2024', 'viewer', { metrics: ['customers'], range: year(2024) }],
  ['how many customers for Cloud Backup', 'viewer', { metrics: ['customers'], filters: [{ dimension: 'product', values: ['Cloud Backup'] }] }],
  // group by / multi-dimension
  ['revenue split by region for 2023', 'viewer', { dimensions: [region], range: year(2023) }],
  ['orders per segment in 2025', 'viewer', { metrics: ['transactions'], dimensions: [segment] }],
  ['units for each product line in 2024', 'viewer', { metrics: ['units'], dimensions: [category] }],
  ['COGS by product in 2025', 'analyst', { metrics: ['cost'], dimensions: [product] }],
  ['gross profit by region and segment in 2023', 'analyst', { metrics: ['profit'], dimensions: [region, segment] }],
  ['distinct customers by region in the last 3 months', 'viewer', { metrics: ['customers'], dimensions: [region] }],
  ['average order value by segment in 2024', 'viewer', { metrics: ['aov'], dimensions: [segment] }],
  ['revenue and units by category in 2025', 'viewer', { metrics: ['revenue', 'units'], dimensions: [category] }],
  ['Hardware revenue by product in Europe in 2025', 'viewer', { dimensions: [product], filters: [{ dimension: 'category', values: ['Hardware'] }, { dimension: 'region', values: ['Europe'] }] }],
  ['revenue for Europe and Latin America in 2024', 'viewer', { dimensions: [region], filters: [{ dimension: 'region', values: ['Europe', 'Latin America'] }] }],
  ['combined revenue of Europe and Latin America in 2024', 'viewer', { dimensions: [], filters: [{ dimension: 'region', values: ['Europe', 'Latin America'] }] }],
  // time series
  ['revenue by month in 2023', 'viewer', { dimensions: [month], range: year(2023) }],
  ['quarterly units for Software', 'viewer', { metrics: ['units'], dimensions: [quarter], range: null }],
  ['weekly orders in December 2025', 'viewer', { dimensions: [{ kind: 'time', grain: 'week' }] }],
  ['daily revenue over the last 14 days', 'viewer', { dimensions: [{ kind: 'time', grain: 'day' }], range: { start: '2025-12-18', end: '2026-01-01' } }],
  ['annual margin for Services', 'analyst', { metrics: ['margin'], dimensions: [{ kind: 'time', grain: 'year' }] }],
  ['monthly revenue by region in 2025', 'viewer', { dimensions: [month, region] }],
  ['average monthly revenue in 2024', 'viewer', { averageOver: 'month', dimensions: [] }],
  // top / bottom
  ['top 3 regions by units in 2024', 'viewer', { dimensions: [region], order: { direction: 'desc', limit: 3 } }],
  ['the 4 worst products by profit last year', 'analyst', { dimensions: [product], order: { direction: 'asc', limit: 4 } }],
  ['which segment had the highest AOV in 2025?', 'viewer', { dimensions: [segment], order: { direction: 'desc', limit: 1 } }],
  ['which month of 2023 had the fewest orders?', 'viewer', { dimensions: [month], order: { direction: 'asc', limit: 1 } }],
  ['best selling product in Q1 2025', 'viewer', { metrics: ['units'], dimensions: [product], order: { direction: 'desc', limit: 1 } }],
  ['most profitable category in 2024', 'analyst', { metrics: ['profit'], dimensions: [category], order: { direction: 'desc', limit: 1 } }],
  ['top 10 customers by revenue in 2025', 'viewer', { dimensions: [customer], order: { direction: 'desc', limit: 10 } }],
  ['5 largest customers by units last year', 'viewer', { metrics: ['units'], dimensions: [customer], order: { direction: 'desc', limit: 5 } }],
  // per-group top, rank, running totals, period-over-period
  ['top product by units in every region in 2025', 'viewer', { dimensions: [region, product], perGroup: { partitionBy: [region], direction: 'desc', limit: 1 } }],
  ['for each category, which region made the most revenue in 2024?', 'viewer', { dimensions: [category, region], perGroup: { partitionBy: [category], limit: 1 } }],
  ['top 2 products per segment by revenue in 2025', 'viewer', { perGroup: { partitionBy: [segment], limit: 2 } }],
  ['worst month for each region by units in 2024', 'viewer', { dimensions: [region, month], perGroup: { direction: 'asc' } }],
  ['rank regions by revenue in 2025', 'viewer', { window: { kind: 'rank', partitionBy: [] }, dimensions: [region] }],
  ['rank products by units within each category for 2024', 'viewer', { window: { kind: 'rank', partitionBy: [category] }, dimensions: [category, product] }],
  ['cumulative revenue by month in 2024', 'viewer', { window: { kind: 'running-total', includeBase: false }, dimensions: [month] }],
  ['monthly orders and the running total of orders in 2025', 'viewer', { window: { kind: 'running-total', includeBase: true } }],
  ['month over month change in revenue in 2025', 'viewer', { window: { kind: 'period-change', mode: 'change' }, dimensions: [month], range: year(2025) }],
  ['MoM growth % of units for each month of 2024', 'viewer', { window: { kind: 'period-change', mode: 'growth' } }],
  ['quarter over quarter change in orders by quarter in 2025', 'viewer', { window: { kind: 'period-change' }, dimensions: [quarter] }],
  // thresholds and averages
  ['products with more than 500 orders in 2024', 'viewer', { dimensions: [product], threshold: { metric: 'transactions', operator: '>', value: 500 } }],
  ['regions with revenue above $2.5m in 2025', 'viewer', { threshold: { metric: 'revenue', operator: '>', value: 2_500_000 } }],
  ['categories with a margin below 30% last year', 'analyst', { threshold: { metric: 'margin', operator: '<', value: 30 } }],
  ['customers with at least 20 orders in 2025', 'viewer', { dimensions: [customer], threshold: { metric: 'transactions', operator: '>=', value: 20 } }],
  ['which products had fewer units than the average product in 2024', 'viewer', { versusAverage: { operator: '<' } }],
  ['segments with above average revenue in 2025', 'viewer', { versusAverage: { operator: '>' } }],
  // against the figure over the whole scope, not the average of the groups
  ['which regions had a margin below the overall margin in 2024', 'analyst', { metrics: ['margin'], dimensions: [region], versusAverage: { operator: '<', baseline: 'overall' } }],
  ['categories whose average order value is higher than the company-wide figure this year', 'viewer', { metrics: ['aov'], dimensions: [category], versusAverage: { operator: '>', baseline: 'overall' } }],
  // shares and ratios
  ['revenue mix by category in 2025', 'viewer', { share: { kind: 'of-total' }, dimensions: [category] }],
  ['what percentage of 2023 orders came from each region?', 'viewer', { share: { kind: 'of-total' }, metrics: ['transactions'], dimensions: [region] }],
  ['what share of 2025 revenue came from Europe?', 'viewer', { share: { kind: 'of-value', numerator: { dimension: 'region', values: ['Europe'] } }, dimensions: [] }],
  ['share of each segment revenue that came from Software in 2024', 'viewer', { share: { kind: 'of-value', numerator: { dimension: 'category', values: ['Software'] } }, dimensions: [segment] }],
  ['what share of Europe revenue came from each segment in 2025?', 'viewer', { share: { kind: 'of-total' }, filters: [{ dimension: 'region', values: ['Europe'] }] }],
  ['ratio of Enterprise revenue to Consumer revenue in 2025', 'viewer', { ratio: { numerator: { values: ['Enterprise'] }, denominator: { values: ['Consumer'] } } }],
  // comparisons
  ['revenue in 2023 versus 2024', 'viewer', { comparison: { mode: 'side-by-side', periods: [year(2023), year(2024)] } }],
  ['units by segment, Q1 2025 vs Q1 2024', 'viewer', { dimensions: [segment], comparison: { mode: 'side-by-side' } }],
  ['revenue growth by region from 2024 to 2025', 'viewer', { comparison: { mode: 'growth', periods: [year(2024), year(2025)] } }],
  ['how much did orders increase from 2023 to 2025', 'viewer', { comparison: { mode: 'growth' } }],
  ['difference in units between 2024 and 2025 by category', 'viewer', { comparison: { mode: 'change' } }],
  ['change in margin in percentage points by region from 2024 to 2025', 'analyst', { comparison: { mode: 'change' } }],
  ['YoY revenue growth in 2025', 'viewer', { comparison: { mode: 'growth', periods: [year(2024), year(2025)] } }],
  ['which segment grew units the most from 2023 to 2024', 'viewer', { comparison: { mode: 'growth' }, order: { direction: 'desc', limit: 1 } }],
  // customer cohorts
  ['how many new accounts were created in 2024', 'viewer', { cohort: { kind: 'signups', signup: year(2024) } }],
  ['sign-ups by region in 2025', 'viewer', { cohort: { kind: 'signups' }, dimensions: [region] }],
  ['how many of the customers who joined in 2024 bought in 2025', 'viewer', { cohort: { kind: 'signup-conversion', output: 'count' } }],
  ['percentage of 2023 sign-ups that made a purchase in 2025', 'viewer', { cohort: { kind: 'signup-conversion', output: 'percent', signup: year(2023), purchase: year(2025) } }],
  ['how many customers made their first purchase in 2024', 'viewer', { cohort: { kind: 'new-customers', period: year(2024) } }],
  ['new customers per quarter in 2025', 'viewer', { cohort: { kind: 'new-customers' }, dimensions: [quarter] }],
  ['what share of 2025 buyers were first-time customers', 'viewer', { cohort: { kind: 'new-customer-share', period: year(2025) } }],
  ['customers who purchased in 2023 but not in 2024', 'viewer', { cohort: { kind: 'bought-not', bought: year(2023), notBought: year(2024) } }],
  ['how many customers did not buy in 2023 but bought in 2025', 'viewer', { cohort: { kind: 'bought-not', bought: year(2025), notBought: year(2023) } }],
  ['customers who bought in both 2024 and 2025', 'viewer', { cohort: { kind: 'bought-both' } }],
  ['how many customers who signed up in 2024 never made a purchase', 'viewer', { cohort: { kind: 'signup-conversion', signup: year(2024), purchase: null, negated: true, output: 'count' } }],
  // abbreviations, synonyms and one-letter typos
  ['rev last 12 months', 'viewer', { metrics: ['revenue'], range: year(2025) }],
  ['revenue per client in 2023', 'viewer', { metrics: ['revenue_per_customer'], dimensions: [] }],
  ['whats the revnue in 2024', 'viewer', { metrics: ['revenue'], range: year(2024) }],
  ['units by catagory in 2025', 'viewer', { metrics: ['units'], dimensions: [category] }],
  ['top 5 prodcuts by sales 2024', 'viewer', { dimensions: [product], order: { direction: 'desc', limit: 5 } }],
  // periods inside a named (or relative) year
  ['revenue in the last quarter of 2024', 'viewer', { range: { start: '2024-10-01', end: '2025-01-01' } }],
  ['units in the first 6 months of 2024', 'viewer', { dimensions: [], range: { start: '2024-01-01', end: '2024-07-01' } }],
  ['revenue in the second half of last year', 'viewer', { range: { start: '2024-07-01', end: '2025-01-01' } }],
  ['units in Q1 of last year', 'viewer', { range: { start: '2024-01-01', end: '2024-04-01' } }],
  ['revenue in Q2 2025 vs the same period last year', 'viewer', { comparison: { mode: 'side-by-side', periods: [{ start: '2024-04-01', end: '2024-07-01' }, { start: '2025-04-01', end: '2025-07-01' }] } }],
  ['Revenue for each of the last 6 months', 'viewer', { dimensions: [month], range: { start: '2025-07-01', end: '2026-01-01' } }],
  // rankings: declines, counts before superlatives, plain sorting
  ['Which region declined the most in units from 2023 to 2024?', 'viewer', { comparison: { mode: 'growth', periods: [year(2023), year(2024)] }, order: { direction: 'asc', limit: 1 } }],
  ['Who were the 3 most profitable customers in 2024?', 'admin', { metrics: ['profit'], dimensions: [customer], order: { direction: 'desc', limit: 3 } }],
  ['Revenue by region, sorted from highest to lowest, for 2025', 'viewer', { dimensions: [region], order: { direction: 'desc', limit: null } }],
  // shares: a value that labels the breakdown filters it
  ['contribution of each product to Software revenue in 2024', 'viewer', { share: { kind: 'of-total' }, dimensions: [product], filters: [{ dimension: 'category', values: ['Software'] }] }],
  // thresholds on hinted figures, counting the groups that pass, conditions on each line
  ['customers who spent more than 100k in 2025', 'viewer', { metrics: ['revenue'], dimensions: [customer], threshold: { metric: 'revenue', operator: '>', value: 100_000 } }],
  ['How many customers spent over 100k in 2025?', 'viewer', { countGroups: true, dimensions: [customer], threshold: { metric: 'revenue', value: 100_000 } }],
  ['how many products sold more than 5000 units in 2024', 'viewer', { countGroups: true, dimensions: [product], threshold: { metric: 'units', value: 5000 } }],
  ['How many transactions were over $5,000 in 2025?', 'viewer', { metrics: ['transactions'], dimensions: [], lineFilter: { column: 'sales', operator: '>', value: 5000 } }],
  // growth and period-over-period
  ['month-over-month % change in revenue for the last 6 months', 'viewer', { window: { kind: 'period-change', mode: 'growth' }, dimensions: [month], range: { start: '2025-07-01', end: '2026-01-01' } }],
  ['weekly revenue with week over week change in December 2025', 'viewer', { window: { kind: 'period-change', includeBase: true }, dimensions: [{ kind: 'time', grain: 'week' }] }],
  ['YoY revenue growth by month for 2025', 'viewer', { window: { kind: 'period-change', mode: 'growth', lag: 'year' }, dimensions: [month], range: year(2025) }],
  ['what was revenue growth in 2025', 'viewer', { comparison: { mode: 'growth', periods: [year(2024), year(2025)] } }],
  ['unique buyers in September and October 2025 combined', 'viewer', { metrics: ['customers'], range: { start: '2025-09-01', end: '2025-11-01' } }],
  ['products with less than 2,000 units sold in 2025', 'viewer', { dimensions: [product], range: year(2025), threshold: { metric: 'units', operator: '<', value: 2000 } }],
  ['products with more than 2000 units in 2025', 'viewer', { range: year(2025), threshold: { metric: 'units', operator: '>', value: 2000 } }],
  ['show the names of customers who bought Managed IT in 2025', 'admin', { metrics: [], dimensions: [customer], filters: [{ dimension: 'product', values: ['Managed IT'] }] }],
  ['year over year revenue growth', 'viewer', { comparison: { mode: 'growth', periods: [year(2024), year(2025)] } }],
  // "May" before a day is the month; "since the beginning of" a period starts with it
  ['orders from April 2 to May 15, 2025', 'viewer', { metrics: ['transactions'], range: { start: '2025-04-02', end: '2025-05-16' } }],
  ['units sold since the beginning of 2025 by quarter', 'viewer', { metrics: ['units'], dimensions: [quarter], range: { start: '2025-01-01', end: '2026-01-01' } }],
  // "customers" after a value only labels it, even when the question counts another figure
  ['how many orders did enterprise customers make in 2024', 'viewer', { metrics: ['transactions'], dimensions: [], filters: [{ dimension: 'segment', values: ['Enterprise'] }], range: year(2024) }],
  // a dimension word after a several-word value labels it ("Middle East & Africa region")
  ['how many customers are based in the Middle East & Africa region', 'viewer', { dimensions: [], filters: [{ dimension: 'region', values: ['Middle East & Africa'] }], cohort: { kind: 'signups', signup: null } }],
  // a comparison asked "in percent" is the growth
  ['Q3 2025 revenue compared with Q3 2024, in percent', 'viewer', { comparison: { mode: 'growth', periods: [{ start: '2024-07-01', end: '2024-10-01' }, { start: '2025-07-01', end: '2025-10-01' }] } }],
  // purchase frequency is a ratio; "per customer segment" is a breakdown, not "per customer"
  ['average number of orders per customer in 2025', 'viewer', { metrics: ['transactions_per_customer'], dimensions: [], range: year(2025) }],
  // a qualifier of the buyer ("buying", "active") keeps a per-customer ratio, even with a breakdown
  ['orders per buying customer by segment in 2024', 'viewer', { metrics: ['transactions_per_customer'], dimensions: [segment], range: year(2024) }],
  ['units per active customer for each region last year', 'viewer', { metrics: ['units_per_customer'], dimensions: [region], range: year(2024) }],
  ['orders per customer segment in 2025', 'viewer', { metrics: ['transactions'], dimensions: [segment], range: year(2025) }],
  // the customer base without a purchase; sales of a sign-up cohort
  ['how many customers have never bought anything', 'viewer', { metrics: [], cohort: { kind: 'signup-conversion', signup: null, purchase: null, output: 'count', negated: true } }],
  ['what percentage of customers did not buy in 2025', 'viewer', { cohort: { kind: 'signup-conversion', signup: null, purchase: year(2025), output: 'percent', negated: true } }],
  ['units bought in 2025 by customers who registered in 2024', 'viewer', { metrics: ['units'], dimensions: [], range: year(2025), signup: year(2024) }],
  ['revenue by customer in 2025 for customers who signed up in 2024', 'viewer', { metrics: ['revenue'], dimensions: [customer], range: year(2025), signup: year(2024) }],
  // "each Software product": a breakdown of the value's members
  ['revenue of each Software product in 2025', 'viewer', { dimensions: [product], filters: [{ dimension: 'category', values: ['Software'] }] }],
  ['units by product within the Accessories category in 2025', 'viewer', { dimensions: [product], filters: [{ dimension: 'category', values: ['Accessories'] }] }],
  // a running total asked "together with" the figure keeps the figure
  ['cumulative revenue by month in 2024 together with the monthly revenue', 'viewer', { dimensions: [month], window: { kind: 'running-total', includeBase: true } }],
  // a year before a parenthesis does not belong to the quarter inside it
  ['QoQ change in units for each quarter of 2024 (Q1 against Q4 2023)', 'viewer', { dimensions: [quarter], range: year(2024), window: { kind: 'period-change', mode: 'change' } }],
  // shares within each group, not of the grand total; the group with the largest share
  ["what percent of each segment's 2025 units came from each category", 'viewer', { share: { kind: 'of-total', partitionBy: [segment] } }],
  ['category share of revenue within each region in 2023', 'viewer', { share: { kind: 'of-total', partitionBy: [region] } }],
  ['what share of 2023 units came from each category and region', 'viewer', { share: { kind: 'of-total' } }],
  ['which category had the biggest share of revenue in each segment in 2025', 'viewer', { perGroup: { partitionBy: [segment], limit: 1 }, share: { kind: 'of-total', partitionBy: [segment] } }],
  ['which region had the largest share of 2023 units', 'viewer', { dimensions: [region], share: { kind: 'of-total' }, order: { direction: 'desc', limit: 1 } }],
  // the ratio of two periods
  ['ratio of H2 2024 units to H1 2024 units', 'viewer', { metrics: ['units'], comparison: { mode: 'ratio', periods: [{ start: '2024-07-01', end: '2025-01-01' }, { start: '2024-01-01', end: '2024-07-01' }] } }],
  // retention and churn of the buyers of a period, in percent
  ['what % of customers who purchased in 2023 purchased again in 2024', 'viewer', { cohort: { kind: 'bought-both', first: year(2023), second: year(2024), output: 'percent' } }],
  ['what percentage of customers who bought in 2023 did not buy in 2024', 'viewer', { cohort: { kind: 'bought-not', bought: year(2023), notBought: year(2024), output: 'percent' } }],
  // buyers of one value who also (or never) bought another
  ['how many customers bought Accessories but never Software in 2024', 'viewer', { cohort: { kind: 'bought-values', range: year(2024), bought: { dimension: 'category', values: ['Accessories'] }, other: { dimension: 'category', values: ['Software'] }, negated: true } }],
  ['what percentage of the customers who bought Tablet S10 also bought Wireless Mouse', 'viewer', { cohort: { kind: 'bought-values', range: null, bought: { dimension: 'product', values: ['Tablet S10'] }, other: { dimension: 'product', values: ['Wireless Mouse'] }, negated: false, output: 'percent' } }],
  // each bucket of the later period against the same bucket a year earlier; periods side by side by month
  ['units change for each quarter of 2025 compared with the same quarter of 2024', 'viewer', { dimensions: [quarter], range: year(2025), window: { kind: 'period-change', mode: 'change', lag: 'year' } }],
  ['monthly orders in 2023 and 2024 side by side', 'viewer', { dimensions: [month], comparison: { mode: 'side-by-side' } }],
];

/** Questions the warehouse cannot answer however they are read: refused with a reason. */
const OUT_OF_SCOPE: [string, RegExp][] = [
  ['revenue by country in 2024', /no data on countries/],
  ['revenue by sales rep in 2024', /sales people/],
  ['what is our marketing spend in 2024', /marketing/],
  ['revenue in the US in 2024', /no data on countries/],
  ['forecast units for Q1 2026', /cannot forecast/],
  ['what will revenue be in 2026?', /cannot forecast/],
  ["predict next year's revenue", /cannot forecast/],
  ['explain why margins fell last quarter', /not explain why/],
  ['what should we do to grow revenue?', /not explain why/],
];

describe('Function: parseQuestion', () => {
  it.each(CASES)('understands "%s" (%s)', (question, role, expected) => {
    const parsed = parseQuestion(question, AS_OF, role);
    expect(parsed.query).toMatchObject(expected);
    expect(parsed.confidence).toBeGreaterThanOrEqual(0.6);
  });

  it.each(OUT_OF_SCOPE)('refuses "%s" with a reason', (question, reason) => {
    expect(() => parseQuestion(question, AS_OF, 'analyst')).toThrow(CannotAnswerError);
    expect(() => parseQuestion(question, AS_OF, 'analyst')).toThrow(reason);
  });

  it('leaves unknown words that are not one edit from a known one alone', () => {
    expect(parseQuestion('revenue by region in 2024 excluding refurbished units', AS_OF, 'viewer').unknownWords).toContain('refurbished');
  });

  it('shows customer names to an admin and ids to others', () => {
    expect(parseQuestion('top 5 customers by revenue in 2024', AS_OF, 'admin').customerNames).toBe(true);
    expect(parseQuestion('top 5 customers by revenue in 2024', AS_OF, 'viewer').customerNames).toBe(false);
    expect(parseQuestion('top 5 customer ids by revenue in 2024', AS_OF, 'admin').customerNames).toBe(false);
  });

  it('shows only the growth when the periods themselves are not asked for', () => {
    expect(parseQuestion('revenue growth in percent by category from 2023 to 2024', AS_OF, 'viewer').query.comparison).not.toHaveProperty('withPeriods');
  });

  it('lowers confidence for words it does not know', () => {
    const clean = parseQuestion('revenue by region in 2024', AS_OF, 'viewer').confidence;
    const noisy = parseQuestion('revenue by region in 2024 excluding refurbished warehouse shipments', AS_OF, 'viewer');
    expect(noisy.confidence).toBeLessThan(clean);
    expect(noisy.unknownWords).toContain('refurbished');
  });
});
