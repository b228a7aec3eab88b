/**
 * What a warehouse build reports while it runs. Loading 100k rows into PGlite takes seconds and 10M
 * into PostgreSQL minutes: the caller (a CLI bar, a log line, a test) decides how to show it.
 */

/** The steps of a build or load, in the order they usually happen. */
export type WarehousePhase =
  /** Starting an in-memory PostgreSQL (PGlite). */
  | 'boot'
  /** Applying migrations. */
  | 'migrate'
  /** Loading `sales.customers`; done/total count rows. */
  | 'customers'
  /** Loading `sales.sales_transactions`; done/total count rows. */
  | 'transactions'
  /** Rebuilding indexes and foreign keys after the load; done/total count statements. */
  | 'index'
  /** Writing the embedded warehouse file. */
  | 'dump'
  /** Another process is building this data folder; waiting for it. */
  | 'wait'
  /** Loading an already built embedded warehouse. */
  | 'load';

/** One progress report: `done` of `total` units of work in `phase` (for `wait`, seconds waited). */
export interface WarehouseProgress {
  readonly phase: WarehousePhase;
  readonly done: number;
  readonly total: number;
}

/** Receives progress reports; must not throw and should return quickly. */
export type OnWarehouseProgress = (progress: WarehouseProgress) => void;
