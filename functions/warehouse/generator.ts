/**
 * The deterministic generator of the sample warehouse's customers and sales lines.
 *
 * Same options → byte-identical rows on every machine: one seeded PRNG per purpose (`prng.ts`),
 * integer cents for money, calendar days without clock, time zone or locale. Rows are yielded one
 * at a time, so ten million lines never sit in memory. The business it imitates is described in
 * `sales-model.ts`.
 *
 * @example
 * ```ts
 * const options = resolveGeneratorOptions({ transactions: 20_000 });
 * for (const customer of generateCustomers(options)) write(customer);
 * for (const line of generateTransactions(options)) write(line);
 * ```
 */
import { InvalidRequestError } from '../core/errors.ts';
import { dayNumber, dayParts, isoDate } from './calendar.ts';
import { CATEGORIES, PRODUCTS, REGIONS, SEGMENTS } from './dimensions.ts';
import {
  BUSINESS_MAILBOXES,
  COMPANY_INDUSTRIES,
  COMPANY_SUFFIXES,
  COMPANY_WORDS,
  FIRST_NAMES,
  LAST_NAMES,
} from './names.ts';
import { Random, searchCumulative } from './prng.ts';
import {
  CATEGORY_ANNUAL_TREND,
  CONSUMER_FULL_PRICE_CHANCE,
  COST_NOISE_BP,
  COST_RATIO_BP,
  CUSTOMERS_BEFORE_RANGE,
  DAILY_NOISE,
  DISCOUNT_PERCENT,
  SERVICES_MAX_DISCOUNT,
  MONTH_SEASONALITY,
  PRODUCT_POPULARITY,
  REGION_ANNUAL_GROWTH,
  REGION_SHARE,
  SEGMENT_CUSTOMER_SHARE,
  SEGMENT_LINE_SHARE,
  SEGMENT_UPGRADE_CHANCE,
  UNITS_MAX,
  WEEKDAY_FACTOR,
} from './sales-model.ts';

/**
 * Bumped whenever a change to the generator (or to `sales-model.ts`) changes its output, so that
 * data folders built by an older generator are rebuilt rather than silently disagreeing.
 */
export const GENERATOR_VERSION = 2;

/** What the generated data depends on; nothing else does. */
export interface GeneratorOptions {
  /** Any safe integer. */
  readonly seed: number;
  /** Number of sales lines (`sales.sales_transactions` rows). */
  readonly transactions: number;
  /** Number of customers; at least 5 (one per region). */
  readonly customers: number;
  /** First sale date, `YYYY-MM-DD`. */
  readonly from: string;
  /** Last sale date, `YYYY-MM-DD`, included. */
  readonly to: string;
}

/** The embedded default: the range the evaluation sets are written against. */
export const DEFAULT_GENERATOR_OPTIONS: GeneratorOptions = Object.freeze({
  seed: 42,
  transactions: 100_000,
  customers: 5_000,
  from: '2023-01-01',
  to: '2025-12-31',
});

/** A `sales.customers` row. */
export interface CustomerRow {
  readonly customer_id: number;
  readonly customer_name: string;
  readonly email: string;
  /** The customer's segment now (after any move up during the range). */
  readonly segment_id: number;
  readonly region_id: number;
  readonly signup_date: string;
}

/**
 * A `sales.sales_transactions` row. `transaction_id` is not part of it: the table's identity column
 * numbers lines 1, 2, 3… in the order they are yielded (which is by `sale_date`).
 */
export interface TransactionRow {
  readonly sale_date: string;
  readonly region_id: number;
  readonly product_id: number;
  readonly customer_id: number;
  /** The customer's segment on the sale date. */
  readonly segment_id: number;
  readonly units: number;
  /** `numeric(12,2)` as text: units × list price × (1 − discount), rounded half up to the cent. */
  readonly sales: string;
  /** `numeric(12,2)` as text. */
  readonly cost: string;
  /** `timestamptz` as text, on the sale date (UTC), so that even this column is reproducible. */
  readonly created_at: string;
}

/**
 * Fills in defaults and checks the options, so a bad value fails here with a message rather than
 * as a constraint violation halfway through a load.
 */
export function resolveGeneratorOptions(options: Partial<GeneratorOptions> = {}): GeneratorOptions {
  const resolved = { ...DEFAULT_GENERATOR_OPTIONS, ...stripUndefined(options) };
  const problems: string[] = [];
  if (!Number.isSafeInteger(resolved.seed)) problems.push(`seed must be an integer (got ${resolved.seed})`);
  if (!Number.isSafeInteger(resolved.transactions) || resolved.transactions < 0)
    problems.push(`transactions must be a whole number ≥ 0 (got ${resolved.transactions})`);
  if (!Number.isSafeInteger(resolved.customers) || resolved.customers < POOL_COUNT)
    problems.push(
      `customers must be a whole number ≥ ${POOL_COUNT}, one per region and segment (got ${resolved.customers})`,
    );
  let from = NaN;
  let to = NaN;
  try {
    from = dayNumber(resolved.from);
  } catch {
    problems.push(`from must be a YYYY-MM-DD date (got ${JSON.stringify(resolved.from)})`);
  }
  try {
    to = dayNumber(resolved.to);
  } catch {
    problems.push(`to must be a YYYY-MM-DD date (got ${JSON.stringify(resolved.to)})`);
  }
  if (from > to) problems.push(`from (${resolved.from}) must not be after to (${resolved.to})`);
  if (problems.length > 0) {
    throw new InvalidRequestError(`Invalid warehouse generator options: ${problems.join('; ')}.`, {
      details: { problems },
    });
  }
  return Object.freeze(resolved);
}

/** The customers, in `customer_id` order (1, 2, 3…). */
export function* generateCustomers(options: GeneratorOptions): Generator<CustomerRow> {
  const model = buildCustomerModel(resolveGeneratorOptions(options));
  for (let i = 0; i < model.count; i += 1) {
    yield {
      customer_id: i + 1,
      customer_name: model.names[i]!,
      email: model.emails[i]!,
      segment_id: model.segment[i]! + 1,
      region_id: model.region[i]! + 1,
      signup_date: isoDate(model.signupDay[i]!),
    };
  }
}

/** The sales lines, in `sale_date` order; within a day, by region. */
export function* generateTransactions(options: GeneratorOptions): Generator<TransactionRow> {
  const resolved = resolveGeneratorOptions(options);
  const customers = buildCustomerModel(resolved);
  const first = dayNumber(resolved.from);
  const days = dayNumber(resolved.to) - first + 1;
  const calendar = buildCalendar(resolved, first, days);
  const products = buildProductTables(calendar.months);
  const random = new Random(resolved.seed, 'transactions');
  const regionCount = REGIONS.length;
  const signedUp = new Int32Array(POOL_COUNT); // per pool: how many of its customers have signed up by the day
  const productCount = PRODUCTS.length;

  let allocated = 0;
  for (let d = 0; d < days; d += 1) {
    const day = first + d;
    const saleDate = calendar.dates[d]!;
    const month = calendar.monthIndex[d]!;
    for (let r = 0; r < regionCount; r += 1) {
      const cell = d * regionCount + r;
      const target = Math.floor(resolved.transactions * (calendar.cumulative[cell]! / calendar.total) + 0.5);
      const count = target - allocated;
      allocated = target;
      if (count <= 0) continue;

      for (let k = 0; k < count; k += 1) {
        const homeSegment = random.weighted(SEGMENT_LINE_SHARE);
        const poolIndex = r * SEGMENTS.length + homeSegment;
        const pool = customers.pools[poolIndex]!;
        let ready = signedUp[poolIndex]!;
        while (ready < pool.signupDays.length && pool.signupDays[ready]! <= day) ready += 1;
        signedUp[poolIndex] = ready;
        const pick = random.next() * pool.cumulativeWeight[ready - 1]!;
        const c = pool.ids[searchCumulative(pool.cumulativeWeight, pick, 0, ready)]!;
        const changeDay = customers.segmentChangeDay[c]!;
        const segment = changeDay >= 0 && day < changeDay ? customers.previousSegment[c]! : customers.segment[c]!;

        const table = (segment * calendar.months + month) * productCount;
        const u = random.next() * products.cumulative[table + productCount - 1]!;
        const p = searchCumulative(products.cumulative, u, table, table + productCount) - table;
        const product = PRODUCTS[p]!;
        const category = PRODUCT_CATEGORY[p]!;

        const units = random.int(1, UNITS_MAX[segment]![category]!);
        const listCents = units * product.priceCents;
        const discount = Math.min(drawDiscount(random, segment), DISCOUNT_CEILING[p]!);
        const salesCents = roundedQuotient(listCents * (100 - discount), 100);
        const costBp = COST_RATIO_BP[category]! + random.int(-COST_NOISE_BP, COST_NOISE_BP);
        const costCents = roundedQuotient(listCents * costBp, 10_000);
        const seconds = random.int(7 * 3600, 22 * 3600 - 1);

        yield {
          sale_date: saleDate,
          region_id: r + 1,
          product_id: product.product_id,
          customer_id: c + 1,
          segment_id: segment + 1,
          units,
          sales: formatCents(salesCents),
          cost: formatCents(costCents),
          created_at: `${saleDate} ${clock(seconds)}+00`,
        };
      }
    }
  }
}

/** `1234.5` dollars as cents `123450` → `"1234.50"`: exact, no floating point formatting. */
export function formatCents(cents: number): string {
  const whole = Math.floor(cents / 100);
  const rest = cents - whole * 100;
  return `${whole}.${rest < 10 ? '0' : ''}${rest}`;
}

// ---------------------------------------------------------------------------------------------
// Internals

/** Customers are drawn from one pool per (region, segment at signup). */
const POOL_COUNT = REGIONS.length * SEGMENTS.length;

/** The discount policy's ceiling per product (knowledge/discount-policy.md): Services ≤ 10 %, Managed IT none. */
const DISCOUNT_CEILING = PRODUCTS.map((product) =>
  product.product_name === 'Managed IT' ? 0 : product.category === 'Services' ? SERVICES_MAX_DISCOUNT : 100,
);

/** Category index (into `CATEGORIES`) of each product, by product index. */
const PRODUCT_CATEGORY = PRODUCTS.map((product) => CATEGORIES.indexOf(product.category));

interface CustomerPool {
  /** Customer indexes of the pool's region and segment, by signup day. */
  readonly ids: Int32Array;
  readonly signupDays: Int32Array;
  /** Running sum of the customers' purchase weights, in the same order. */
  readonly cumulativeWeight: Float64Array;
}

interface CustomerModel {
  readonly count: number;
  readonly names: string[];
  readonly emails: string[];
  readonly region: Uint8Array;
  /** Segment now (0-based). */
  readonly segment: Uint8Array;
  /** Segment before `segmentChangeDay`; equal to `segment` when it never changed. */
  readonly previousSegment: Uint8Array;
  /** Day number of the move up a segment, or -1. */
  readonly segmentChangeDay: Int32Array;
  readonly signupDay: Int32Array;
  /** Index `region * 4 + segment at signup`. */
  readonly pools: CustomerPool[];
}

/** @internal Customers as columns: built once per generation, small even for a million customers. */
function buildCustomerModel(options: GeneratorOptions): CustomerModel {
  const random = new Random(options.seed, 'customers');
  const count = options.customers;
  const first = dayNumber(options.from);
  const last = dayNumber(options.to);
  const names: string[] = [];
  const emails: string[] = [];
  const region = new Uint8Array(count);
  const segment = new Uint8Array(count);
  const previousSegment = new Uint8Array(count);
  const segmentChangeDay = new Int32Array(count).fill(-1);
  const signupDay = new Int32Array(count);
  const weight = new Float64Array(count);

  for (let i = 0; i < count; i += 1) {
    // The first customer of each (region, segment) signed up before the range, so that no pool is
    // ever without a customer to sell to.
    const guaranteed = i < POOL_COUNT;
    region[i] = guaranteed ? Math.floor(i / SEGMENTS.length) : random.weighted(REGION_SHARE);
    const startSegment = guaranteed ? i % SEGMENTS.length : random.weighted(SEGMENT_CUSTOMER_SHARE);
    signupDay[i] =
      guaranteed || random.chance(CUSTOMERS_BEFORE_RANGE) ? first - random.int(1, 3 * 365) : random.int(first, last);

    let current = startSegment;
    const movable = startSegment === 1 || startSegment === 2; // Mid-Market → Enterprise, Small Business → Mid-Market
    if (random.chance(SEGMENT_UPGRADE_CHANCE) && movable) {
      const earliest = Math.max(signupDay[i]!, first) + 60;
      if (earliest <= last) {
        current = startSegment - 1;
        segmentChangeDay[i] = random.int(earliest, last);
      }
    }
    segment[i] = current;
    previousSegment[i] = startSegment;
    // Heavy-tailed purchase weight within the pool: most customers buy now and then, a few a lot.
    weight[i] = 1 / (0.05 + random.next());

    const id = i + 1;
    if (startSegment === 3) {
      const firstName = random.pick(FIRST_NAMES);
      const lastName = random.pick(LAST_NAMES);
      names.push(`${firstName} ${lastName}`);
      emails.push(`${mailPart(firstName)}.${mailPart(lastName)}${id}@example.com`);
    } else {
      const word = random.pick(COMPANY_WORDS);
      const industry = random.pick(COMPANY_INDUSTRIES);
      const suffix = random.pick(COMPANY_SUFFIXES);
      names.push(`${word} ${industry} ${suffix}`);
      const domain = startSegment === 2 ? 'example.org' : 'example.net';
      emails.push(`${random.pick(BUSINESS_MAILBOXES)}.${mailPart(word + industry)}${id}@${domain}`);
    }
  }

  const pools: CustomerPool[] = Array.from({ length: POOL_COUNT }, (_, p) => {
    const ids: number[] = [];
    for (let i = 0; i < count; i += 1) {
      if (region[i]! * SEGMENTS.length + previousSegment[i]! === p) ids.push(i);
    }
    ids.sort((a, b) => signupDay[a]! - signupDay[b]! || a - b);
    const cumulativeWeight = new Float64Array(ids.length);
    let sum = 0;
    ids.forEach((id, k) => {
      sum += weight[id]!;
      cumulativeWeight[k] = sum;
    });
    return {
      ids: Int32Array.from(ids),
      signupDays: Int32Array.from(ids, (id) => signupDay[id]!),
      cumulativeWeight,
    };
  });

  return { count, names, emails, region, segment, previousSegment, segmentChangeDay, signupDay, pools };
}

interface Calendar {
  readonly dates: string[];
  /** Month of the range each day falls in: 0 for the first month. */
  readonly monthIndex: Int32Array;
  readonly months: number;
  /** Running sum over (day, region) cells of each cell's share of the lines. */
  readonly cumulative: Float64Array;
  readonly total: number;
}

/**
 * @internal How many lines each (day, region) gets: regional share × the region's growth ×
 * seasonality × weekday × noise. Lines are handed out by rounding the running sum, so the total is
 * exact and the rows come out in date order without sorting.
 */
function buildCalendar(options: GeneratorOptions, first: number, days: number): Calendar {
  const random = new Random(options.seed, 'calendar');
  const regionCount = REGIONS.length;
  const dates: string[] = [];
  const monthIndex = new Int32Array(days);
  const cumulative = new Float64Array(days * regionCount);
  const start = dayParts(first);
  // Monthly compounding by repeated multiplication: no Math.pow, same bits everywhere.
  const growth = REGION_ANNUAL_GROWTH.map(() => [1]);
  let total = 0;
  for (let d = 0; d < days; d += 1) {
    const parts = dayParts(first + d);
    const month = (parts.year - start.year) * 12 + (parts.month - start.month);
    dates.push(isoDate(first + d));
    monthIndex[d] = month;
    for (let r = 0; r < regionCount; r += 1) {
      const series = growth[r]!;
      while (series.length <= month) series.push(series[series.length - 1]! * (1 + REGION_ANNUAL_GROWTH[r]! / 12));
      const noise = 1 - DAILY_NOISE + 2 * DAILY_NOISE * random.next();
      total +=
        REGION_SHARE[r]! * series[month]! * MONTH_SEASONALITY[parts.month - 1]! * WEEKDAY_FACTOR[parts.weekday]! * noise;
      cumulative[d * regionCount + r] = total;
    }
  }
  return { dates, monthIndex, months: monthIndex[days - 1]! + 1, cumulative, total };
}

/** @internal Running sums of product popularity per (segment, month): segment taste × category trend. */
function buildProductTables(months: number): { cumulative: Float64Array } {
  const productCount = PRODUCTS.length;
  const cumulative = new Float64Array(SEGMENTS.length * months * productCount);
  const trend = CATEGORY_ANNUAL_TREND.map(() => 1);
  const trendByMonth: number[][] = [];
  for (let m = 0; m < months; m += 1) {
    trendByMonth.push([...trend]);
    for (let c = 0; c < trend.length; c += 1) trend[c] = trend[c]! * (1 + CATEGORY_ANNUAL_TREND[c]! / 12);
  }
  for (let s = 0; s < SEGMENTS.length; s += 1) {
    for (let m = 0; m < months; m += 1) {
      let sum = 0;
      for (let p = 0; p < productCount; p += 1) {
        const category = PRODUCT_CATEGORY[p]!;
        sum += PRODUCT_POPULARITY[s]![p]! * trendByMonth[m]![category]!;
        cumulative[(s * months + m) * productCount + p] = sum;
      }
    }
  }
  return { cumulative };
}

function drawDiscount(random: Random, segment: number): number {
  if (segment === 3 && random.chance(CONSUMER_FULL_PRICE_CHANCE)) return 0;
  const [min, max] = DISCOUNT_PERCENT[segment]!;
  return random.int(min, max);
}

/** `numerator / divisor` rounded half up, in integer arithmetic (both non-negative, < 2^53). */
function roundedQuotient(numerator: number, divisor: number): number {
  const shifted = numerator + Math.floor(divisor / 2);
  return (shifted - (shifted % divisor)) / divisor;
}

function clock(seconds: number): string {
  const two = (n: number): string => (n < 10 ? `0${n}` : `${n}`);
  return `${two(Math.floor(seconds / 3600))}:${two(Math.floor(seconds / 60) % 60)}:${two(seconds % 60)}`;
}

function mailPart(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '');
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
