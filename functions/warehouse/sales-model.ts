/**
 * The shape of the sample business: the numbers the generator draws from. They are chosen so that
 * the questions people ask of a sales warehouse have clear, believable answers — North America is
 * the biggest region but Asia Pacific grows fastest, Q4 peaks and summer dips, Enterprise buys in
 * bulk at a discount, Software carries the best margin. Indexes follow `dimensions.ts`
 * (regions 1–5, segments 1–4, products 1–20, categories Hardware/Accessories/Software/Services),
 * shifted to start at 0.
 */

/** Share of sales lines by region at the start of the range (and of customers by home region). */
export const REGION_SHARE = [0.4, 0.3, 0.15, 0.09, 0.06] as const;

/** Yearly growth of sales lines by region: Asia Pacific fastest, Europe slowest. */
export const REGION_ANNUAL_GROWTH = [0.05, 0.01, 0.25, 0.15, 0.09] as const;

/** Relative volume by calendar month, January first: Q4 peak (December highest), July–August dip. */
export const MONTH_SEASONALITY = [0.86, 0.84, 1.0, 0.93, 0.95, 0.97, 0.8, 0.76, 1.0, 1.08, 1.22, 1.38] as const;

/** Relative volume by weekday, Monday first: weekends are quiet. */
export const WEEKDAY_FACTOR = [1.0, 1.05, 1.05, 1.02, 0.98, 0.55, 0.45] as const;

/** Day-to-day noise: each (day, region) volume is scaled by a factor in [1 - x, 1 + x). */
export const DAILY_NOISE = 0.15;

/** Share of customers by segment: few Enterprise accounts, many consumers. */
export const SEGMENT_CUSTOMER_SHARE = [0.08, 0.17, 0.3, 0.45] as const;

/**
 * Relative share of sales lines by segment (an Enterprise account buys about five times as often
 * as a consumer). A line picks its segment first, then a customer of that segment in its region, so
 * that each region's segment mix stays steady while customers come and go, and growth reads clearly.
 */
export const SEGMENT_LINE_SHARE = [0.08 * 5, 0.17 * 3, 0.3 * 1.6, 0.45 * 1] as const;

/** Chance that a Mid-Market or Small Business customer moves up one segment during the range. */
export const SEGMENT_UPGRADE_CHANCE = 0.08;

/** Share of customers who signed up before the range starts (up to three years before). */
export const CUSTOMERS_BEFORE_RANGE = 0.25;

/** How popular each product is within a segment (rows: segments; columns: products 1–20). */
export const PRODUCT_POPULARITY: readonly (readonly number[])[] = [
  // Enterprise: premium hardware, docks, analytics, managed services
  [10, 4, 6, 8, 2, 5, 4, 7, 5, 2, 8, 3, 5, 3, 9, 8, 5, 4, 5, 7],
  // Mid-Market
  [8, 5, 5, 7, 3, 6, 5, 6, 5, 3, 8, 4, 6, 4, 6, 5, 5, 5, 4, 5],
  // Small Business: office software and everyday kit
  [5, 7, 4, 6, 4, 8, 6, 5, 5, 5, 9, 7, 7, 4, 3, 3, 4, 6, 3, 3],
  // Consumer: light laptops, tablets, accessories, antivirus, warranties
  [4, 10, 2, 5, 9, 12, 7, 3, 8, 8, 5, 9, 7, 3, 1, 1, 1, 8, 1, 1],
];

/** Yearly drift of each category's popularity: Software and Services gain on Hardware. */
export const CATEGORY_ANNUAL_TREND = [-0.02, 0.03, 0.15, 0.08] as const;

/**
 * Units on a line are drawn uniformly from 1 to `max`, by segment (rows) and category (columns):
 * Enterprise buys software seats by the dozen, a consumer one laptop.
 */
export const UNITS_MAX: readonly (readonly number[])[] = [
  [10, 20, 25, 3],
  [5, 12, 15, 2],
  [3, 5, 8, 2],
  [1, 2, 1, 1],
];

/** Discount in whole percent, drawn uniformly from [min, max] by segment: Enterprise gets most. */
export const DISCOUNT_PERCENT: readonly (readonly [number, number])[] = [
  [8, 20],
  [4, 12],
  [0, 8],
  [1, 5],
];

/** Services are discounted by at most this many percent, and Managed IT never (the discount policy). */
export const SERVICES_MAX_DISCOUNT = 10;

/** Chance that a consumer line carries no discount at all. */
export const CONSUMER_FULL_PRICE_CHANCE = 0.65;

/**
 * Cost of goods as a share of the line's list value (units × list price), in basis points, by
 * category; each line varies by ± `COST_NOISE_BP`. Discounts lower revenue, not cost, so margin
 * falls with the discount: Enterprise margins are thinner.
 */
export const COST_RATIO_BP = [7000, 5000, 1500, 4000] as const;
export const COST_NOISE_BP = 400;
