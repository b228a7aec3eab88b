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
