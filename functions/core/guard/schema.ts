/**
 * The warehouse's columns, table by table, in declaration order (warehouse.sql): the one place the
 * guard learns what a table's columns are. The order matters: an alias column list
 * (`sales.customers as c(id, nm)`) renames columns by position, so `nm` is `customer_name`.
 */
import { WAREHOUSE_SCHEMA } from './allow-lists.ts';

/** Columns of each `sales` table, in the order PostgreSQL numbers them. */
export const WAREHOUSE_COLUMNS: Readonly<Record<string, readonly string[]>> = {
  regions: ['region_id', 'region_name'],
  customer_segments: ['segment_id', 'segment_name'],
  products: ['product_id', 'product_name', 'category', 'list_price'],
  customers: ['customer_id', 'customer_name', 'email', 'segment_id', 'region_id', 'signup_date'],
  sales_transactions: [
    'transaction_id', 'sale_date', 'region_id', 'product_id', 'customer_id', 'segment_id', 'units',
    'sales', 'cost', 'created_at',
  ],
};

/**
 * PostgreSQL's system columns: every table has them, the contract lists none of them, so the guard
 * treats them as unreadable (`ctid` and `xmin` reveal physical layout and transaction history).
 */
export const SYSTEM_COLUMNS: ReadonlySet<string> = new Set(['ctid', 'xmin', 'xmax', 'cmin', 'cmax', 'tableoid', 'oid']);

/** The one schema the query path reads (re-exported so the resolver needs only this module). */
export { WAREHOUSE_SCHEMA };

/**
 * Each column's SQL type, as warehouse.sql declares it. The region-scope rewrite writes a column
 * the principal's role may not read as a typed NULL in its place, so positions, names and types of
 * a table's columns stay what the statement was checked against, while the database is never asked
 * for a column that the role's column privileges (migration 007) would refuse.
 */
export const WAREHOUSE_COLUMN_TYPES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  regions: { region_id: 'smallint', region_name: 'text' },
  customer_segments: { segment_id: 'smallint', segment_name: 'text' },
  products: { product_id: 'integer', product_name: 'text', category: 'text', list_price: 'numeric(10,2)' },
  customers: { customer_id: 'integer', customer_name: 'text', email: 'text', segment_id: 'smallint', region_id: 'smallint', signup_date: 'date' },
  sales_transactions: {
    transaction_id: 'bigint', sale_date: 'date', region_id: 'smallint', product_id: 'integer', customer_id: 'integer',
    segment_id: 'smallint', units: 'integer', sales: 'numeric(12,2)', cost: 'numeric(12,2)', created_at: 'timestamptz',
  },
};

/**
 * The regions of the reference data (migration 003_reference_data.sql), with their fixed ids. A
 * scoped read names regions by id, so that the planner prunes every other region's partition at
 * plan time and estimates from the scoped partitions' statistics alone (cost.ts). A test keeps this
 * list equal to the catalog's region values and to the generator's reference data.
 */
export const WAREHOUSE_REGIONS: readonly { readonly id: number; readonly name: string }[] = [
  { id: 1, name: 'North America' },
  { id: 2, name: 'Europe' },
  { id: 3, name: 'Asia Pacific' },
  { id: 4, name: 'Latin America' },
  { id: 5, name: 'Middle East & Africa' },
];

/** The tables partitioned by `region_id`, one partition per region (migration 006). */
export const REGION_PARTITIONED_TABLES: ReadonlySet<string> = new Set(['sales_transactions', 'customers']);

/** The partition of `table` that holds the rows of region `regionId`: `sales_transactions_r2`. */
export function regionPartition(table: string, regionId: number): string {
  return `${table}_r${regionId}`;
}
