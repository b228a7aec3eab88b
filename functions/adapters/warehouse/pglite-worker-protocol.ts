/** Messages between `PgliteWarehouse` and its worker thread (internal): plain, cloneable data. */
import type { ExplainOptions, PlanEstimate, QueryOptions, QueryResult } from '../../core/ports.ts';
import type { DatabaseFailure } from './map-error.ts';
import type { WarehouseProgress } from '../../warehouse/progress-event.ts';
import type { PgliteSource } from './pglite-source.ts';
import type { RoleSwitch } from './read-only-statement.ts';

export interface WorkerInit {
  readonly source: PgliteSource;
  readonly roleSwitch: RoleSwitch;
}

export type WorkerRequest =
  | { readonly type: 'query'; readonly id: number; readonly sql: string; readonly options: QueryOptions }
  | { readonly type: 'explain'; readonly id: number; readonly sql: string; readonly options: ExplainOptions }
  | { readonly type: 'close' };

export type WorkerReply =
  | { readonly type: 'progress'; readonly progress: WarehouseProgress }
  | { readonly type: 'ready' }
  | { readonly type: 'failed'; readonly failure: DatabaseFailure }
  | { readonly type: 'result'; readonly id: number; readonly result: QueryResult }
  | { readonly type: 'plan'; readonly id: number; readonly estimate: PlanEstimate }
  | { readonly type: 'error'; readonly id: number; readonly failure: DatabaseFailure }
  /** A statement the worker refused itself (a cell over the cell budget): a `QueryFailedError`, passed on as it is. */
  | { readonly type: 'query-failed'; readonly id: number; readonly message: string; readonly details: Record<string, unknown> }
  | { readonly type: 'closed' };
