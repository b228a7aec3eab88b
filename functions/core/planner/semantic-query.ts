/**
 * The semantic query: what a question asks, in the catalog's terms, before any SQL. The parser
 * produces it, the compiler turns it into one PostgreSQL statement, and tests pin it down.
 */
import type { DateRange } from './time-range.ts';

/** A breakdown: a catalog dimension, or a calendar bucket of the sale (or sign-up) date. */
export type DimensionRef =
  | { readonly kind: 'dimension'; readonly name: string }
  | { readonly kind: 'time'; readonly grain: 'day' | 'week' | 'month' | 'quarter' | 'year' };

/** A filter on named values of a dimension (`IN` when several). */
export interface ValueFilter {
  readonly dimension: string;
  readonly values: readonly string[];
}

/** Sort direction of a ranking: `desc` for top/most/highest, `asc` for bottom/least/lowest. */
export type Direction = 'asc' | 'desc';

/** Customer questions that are not a metric over transactions. */
export type CohortQuery =
  /** Accounts created in a period (sign-ups), optionally broken down. */
  | { readonly kind: 'signups'; readonly signup: DateRange | null }
  /** Of the customers who signed up in one period (null: all customers), how many (or what %) bought (or, negated, did not buy) in another, or ever (null). */
  | { readonly kind: 'signup-conversion'; readonly signup: DateRange | null; readonly purchase: DateRange | null; readonly output: 'count' | 'percent'; readonly negated?: boolean }
  /** Customers whose first purchase ever falls in the period. */
  | { readonly kind: 'new-customers'; readonly period: DateRange }
  /** Of the customers who bought in the period, the % whose first purchase ever was in it. */
  | { readonly kind: 'new-customer-share'; readonly period: DateRange }
  /** Customers who bought in `bought` and not in `notBought` (percent: the % of `bought`'s buyers). */
  | { readonly kind: 'bought-not'; readonly bought: DateRange; readonly notBought: DateRange; readonly output?: 'percent' }
  /** Customers who bought in both periods (percent: the % of `first`'s buyers who also bought in `second`). */
  | { readonly kind: 'bought-both'; readonly first: DateRange; readonly second: DateRange; readonly output?: 'percent' }
  /** Customers who, in the period (null: ever), bought `bought` and also (or, negated, never) `other`: "bought Hardware but never Services". */
  | { readonly kind: 'bought-values'; readonly range: DateRange | null; readonly bought: ValueFilter; readonly other: ValueFilter; readonly negated: boolean; readonly output?: 'percent' };

/** Everything the offline planner understood of a question. */
export interface SemanticQuery {
  /** Metric names of the catalog, in the order asked. */
  readonly metrics: readonly string[];
  readonly dimensions: readonly DimensionRef[];
  readonly filters: readonly ValueFilter[];
  /** Date filter on the sale (or sign-up) date; null: the whole period. */
  readonly range: DateRange | null;
  /** Keep only the sales of customers who signed up in this period ("revenue from customers who signed up in 2025"). */
  readonly signup?: DateRange;
  /** Several periods side by side, or the growth/change between two (older first), or the ratio of two (numerator first, as named). */
  /** `withPeriods`: the periods' own figures beside the growth or change ("… in 2024 and 2025 and the growth"). */
  readonly comparison?: { readonly periods: readonly DateRange[]; readonly mode: 'side-by-side' | 'growth' | 'change' | 'ratio'; readonly withPeriods?: boolean };
  /** Order by the (first) metric, optionally keep the first N. */
  readonly order?: { readonly direction: Direction; readonly limit: number | null };
  /** Top N of `dimensions` within each group of `partitionBy` (which category sold most in each region). */
  readonly perGroup?: { readonly partitionBy: readonly DimensionRef[]; readonly direction: Direction; readonly limit: number };
  /** HAVING on a metric. */
  readonly threshold?: { readonly metric: string; readonly operator: '>' | '>=' | '<' | '<='; readonly value: number };
  /** A condition on each sales line ("orders over $5,000": lines whose amount is over 5,000). */
  readonly lineFilter?: { readonly column: 'sales' | 'units'; readonly operator: '>' | '>=' | '<' | '<='; readonly value: number };
  /** Keep the groups whose metric is above (or below) the average group. */
  /** Keep the groups whose figure is above/below the average group (`baseline` absent) or the figure over the whole scope (`overall`). */
  readonly versusAverage?: { readonly operator: '>' | '<'; readonly baseline?: 'overall' };
  /** Share of total across the groups (or within each group of `partitionBy`: "each region's revenue by segment"), or share of one value within each group. */
  readonly share?: { readonly kind: 'of-total'; readonly partitionBy?: readonly DimensionRef[] } | { readonly kind: 'of-value'; readonly numerator: ValueFilter };
  /** Ratio of the metric between two values (Services revenue to Hardware revenue). */
  readonly ratio?: { readonly numerator: ValueFilter; readonly denominator: ValueFilter };
  /** Window calculations over a time series or a ranking. */
  readonly window?:
    | { readonly kind: 'running-total'; readonly includeBase: boolean }
    | { readonly kind: 'rank'; readonly partitionBy: readonly DimensionRef[]; readonly direction: Direction }
    | { readonly kind: 'period-change'; readonly mode: 'change' | 'growth'; readonly includeBase: boolean; readonly lag?: 'year' };
  /** Average of a metric over calendar buckets ("average monthly revenue"). */
  readonly averageOver?: 'day' | 'week' | 'month' | 'quarter' | 'year';
  readonly cohort?: CohortQuery;
  /** Count the groups that pass `threshold` or `versusAverage` instead of listing them ("how many products sold more than 5,000 units"). */
  readonly countGroups?: boolean;
}
