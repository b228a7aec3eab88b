/**
 * What was loaded into a warehouse. Recorded in `bi_agent.warehouse_metadata` by every seed (so any
 * backend can answer "what range does the data cover?") and, for the embedded default, in the data
 * folder's `warehouse.json` too (readable without starting a database).
 */
import type { GeneratorOptions } from './generator.ts';
import type { ExecuteScript } from './migrate.ts';

export interface WarehouseMetadata {
  readonly formatVersion: 1;
  /** `GENERATOR_VERSION` of the code that generated the rows. */
  readonly generatorVersion: number;
  readonly generator: GeneratorOptions;
  /** Highest migration applied. */
  readonly schemaVersion: number;
  /** First and last day the data covers (the generator's range); "as of" defaults to `to`. */
  readonly dateRange: { readonly from: string; readonly to: string };
  readonly rowCounts: {
    readonly regions: number;
    readonly customer_segments: number;
    readonly products: number;
    readonly customers: number;
    readonly sales_transactions: number;
  };
  /** sha256 of the generated rows as COPY text (customers, then sales lines): equal on every machine. */
  readonly dataSha256: string;
  /** `SELECT version()` of the server that holds the data. */
  readonly engine: string;
  readonly builtAt: string;
  readonly buildMs: number;
}

/** A warehouse's date range. */
export interface WarehouseDateRange {
  readonly from: string;
  readonly to: string;
}

/**
 * The metadata recorded by the last seed of the database behind `execute`, or `undefined` when it
 * was never seeded. Needs the owner's session (the read-only role cannot read `bi_agent`).
 */
export async function readWarehouseMetadata(execute: ExecuteScript): Promise<WarehouseMetadata | undefined> {
  const rows = await execute(`SELECT metadata::text AS metadata FROM bi_agent.warehouse_metadata WHERE singleton`);
  const text = rows[0]?.metadata;
  return typeof text === 'string' ? (JSON.parse(text) as WarehouseMetadata) : undefined;
}
