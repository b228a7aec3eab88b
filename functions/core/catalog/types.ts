/**
 * The shapes of the semantic catalog. The catalog is data, not code: the offline planner, the LLM
 * planners' prompts and retrieval all read the same objects, so a metric is defined once.
 */
import type { Role } from '../principal.ts';

/** How a figure should be read and formatted by whoever shows it. */
export type MetricFormat = 'currency' | 'count' | 'percent' | 'ratio';

/**
 * A business metric over `sales.sales_transactions t`. `expression` holds `{f}` wherever an
 * aggregate may take a `FILTER (WHERE …)` clause, so the same definition serves plain totals,
 * side-by-side periods, growth and filtered shares.
 */
export interface MetricDefinition {
  readonly name: string;
  readonly label: string;
  readonly description: string;
  /** Lower-case phrases a person may use for it; longest match wins in the planner. */
  readonly synonyms: readonly string[];
  /** Words that point to this metric only when no other metric is named ("how much did we sell"). */
  readonly hints?: readonly string[];
  readonly expression: string;
  /** Output column name used by the offline planner. */
  readonly column: string;
  readonly format: MetricFormat;
  /** A sum or a count: its group values add up, so shares of total and running totals make sense. */
  readonly additive: boolean;
  /** The narrowest role that may read every column it needs (contract section 2). */
  readonly role: Role;
  /** Columns of `sales.sales_transactions` it reads, for prompts and access explanations. */
  readonly reads: readonly string[];
}

/** A table the fact table joins to, with the alias every generated statement uses. */
export interface JoinPath {
  readonly table: string;
  readonly alias: string;
  /** Join condition from the fact table `t`. */
  readonly fromTransactions: string;
  /** Join condition from `sales.customers c`, for customer-based (sign-up) questions. */
  readonly fromCustomers?: string;
}

/** A named value of a dimension with the words people use for it. */
export interface DimensionValue {
  /** Exact spelling in the warehouse. */
  readonly value: string;
  readonly synonyms: readonly string[];
}

/** A way to break figures down or filter them: region, segment, category, product, customer. */
export interface DimensionDefinition {
  readonly name: string;
  readonly label: string;
  readonly description: string;
  readonly synonyms: readonly string[];
  /** SQL expression shown and grouped by. */
  readonly column: string;
  /** Output column name. */
  readonly alias: string;
  /** Extra expressions grouped by (a customer name is grouped with its id: names are not unique). */
  readonly groupBy?: readonly string[];
  /** Join needed from the fact table, by name of `JoinPath`; absent when the column is on `t`. */
  readonly join?: string;
  /** Expression when the rows come from `sales.customers c` instead of the fact table. */
  readonly customerColumn?: string;
  readonly role: Role;
  readonly values: readonly DimensionValue[];
}

/** A calendar bucket of `sale_date` (or of `signup_date`). */
export interface TimeGrainDefinition {
  readonly name: 'day' | 'week' | 'month' | 'quarter' | 'year';
  readonly synonyms: readonly string[];
  /** SQL with `{date}` for the date column. */
  readonly expression: string;
  readonly alias: string;
}

/** A question with a verified statement: few-shot material for LLM planners and retrieval. */
export interface ExampleQuery {
  readonly question: string;
  readonly sql: string;
  readonly role: Role;
  readonly notes?: string;
}
