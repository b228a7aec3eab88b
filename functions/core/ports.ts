/**
 * The ports of the domain core: each outside service is one small interface here, with a
 * production adapter (AWS SDK) and a local one (embedded default) under `functions/adapters/`.
 * The core imports nothing but these.
 */
import type { Principal, Role } from './principal.ts';

/** A cell as the core sees it: numbers as numbers, dates as `YYYY-MM-DD`, timestamps as ISO strings. */
export type Cell = string | number | boolean | null;

export interface ColumnInfo {
  readonly name: string;
  /** A coarse type the answer step can reason about (chart choice, formatting). */
  readonly type: 'number' | 'date' | 'timestamp' | 'text' | 'boolean' | 'other';
}

export interface QueryResult {
  readonly columns: readonly ColumnInfo[];
  readonly rows: readonly Cell[][];
  /** True when the row cap or the byte budget cut the result short. */
  readonly truncated: boolean;
  /**
   * What cut it, when `truncated`: `rows`, the row cap (`maxRows`); `bytes`, the answer's byte
   * budget (`maxResultBytes`). Absent when nothing was cut.
   */
  readonly truncatedBy?: 'rows' | 'bytes';
}

export interface QueryOptions {
  /** Region scope of the principal; the executor sets it for row-level security. */
  readonly regions?: readonly string[];
  /**
   * Product role of the principal: the executor runs the statement as the matching database role
   * (`bi_viewer`, `bi_analyst`, `bi_admin`), whose column grants hold the contract's column rules.
   * Absent means the narrowest, `viewer`.
   */
  readonly role?: Role;
  readonly timeoutMs: number;
  readonly maxRows: number;
  /**
   * Byte budget of the whole answer: the cells' text in UTF-8, plus a few bytes a cell for its
   * place in the answer. Enforced while rows stream from the database; the rows that fit are
   * returned with `truncatedBy: 'bytes'`. Default 8 MiB.
   */
  readonly maxResultBytes?: number;
  /**
   * Byte budget of one cell's text. The database measures every cell before it is sent, and a
   * larger value fails the statement with an error naming the column. Default 64 KiB, at least 256.
   */
  readonly maxCellBytes?: number;
}

/** What EXPLAIN needs to plan a statement as it would run: the same region scope, and a time limit on planning. */
export interface ExplainOptions {
  /** Region scope of the principal, set as for `query` (row-level security policies are planned too). */
  readonly regions?: readonly string[];
  /** Product role of the principal, switched to as for `query` (absent: `viewer`). */
  readonly role?: Role;
  readonly timeoutMs: number;
}

/** The planner's estimate for a statement's top plan node, in PostgreSQL's cost units and rows. */
export interface PlanEstimate {
  /** Estimated total cost (arbitrary units; 1 ≈ reading one page sequentially). */
  readonly totalCost: number;
  /** Estimated rows the statement returns. */
  readonly planRows: number;
}

/**
 * The warehouse, read-only. Every adapter runs each statement in a read-only transaction, as the
 * database role of the principal's product role (column grants and row-level security of their
 * own), with a statement timeout and a row cap — so that even a guard bug could neither write nor
 * read a column or a region the principal may not.
 */
export interface Warehouse {
  /** Which adapter this is (`pglite`, `postgres`, `rds-data`), for logs and answers. */
  readonly kind: string;
  query(sql: string, options: QueryOptions): Promise<QueryResult>;
  /**
   * Plans `sql` with `EXPLAIN (FORMAT JSON)` — never runs it — in the same read-only transaction, as
   * the same role and with the same region scope as `query`, so the guard can refuse a statement
   * whose estimated cost is out of bounds before it starts. Optional: a warehouse without it is
   * guarded by structure and the statement timeout only. Fails like `query` (a statement the
   * database cannot plan is a `QueryFailedError` with its SQLSTATE).
   */
  explain?(sql: string, options: ExplainOptions): Promise<PlanEstimate>;
  /** Throws `WarehouseUnavailableError` unless the warehouse answers and holds the sample schema. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** One retrieved chunk of context: a business document passage, a catalog entry or an example query. */
export interface ContextHit {
  /** File name relative to the ingested folder, or `catalog:<kind>:<name>` for catalog entries. */
  readonly doc: string;
  readonly text: string;
  readonly score: number;
}

export interface Retriever {
  search(query: string, k: number): Promise<ContextHit[]>;
}

export interface PlanRequest {
  readonly question: string;
  /** `YYYY-MM-DD`: relative dates ("last quarter") are resolved against it. */
  readonly asOf: string;
  readonly principal: Principal;
  readonly context: readonly ContextHit[];
}

export interface Plan {
  readonly sql: string;
  /** Which planner answered (`offline`, `bedrock:<model>`). */
  readonly planner: string;
  /** 0..1: how sure the planner is that the SQL answers the question as asked. */
  readonly confidence: number;
  /** A short restatement of how the question was understood ("revenue by region, 2024"). */
  readonly interpretation: string;
}

/**
 * Turns a question into one SQL statement. Throws `CannotAnswerError` rather than guessing, and
 * `ForbiddenError` when the question needs data the principal's role may not read.
 */
export interface Planner {
  readonly name: string;
  plan(request: PlanRequest): Promise<Plan>;
}

export type GuardVerdict =
  | { readonly allowed: true; readonly sql: string }
  | { readonly allowed: false; readonly rule: string; readonly reason: string };

/** Proves a statement safe for a principal from its syntax tree, and returns the SQL to run. */
export interface SqlGuard {
  check(sql: string, principal: Principal): Promise<GuardVerdict>;
}
