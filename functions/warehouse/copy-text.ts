/**
 * Rows as PostgreSQL COPY text format (tab-separated, `\N` for null, backslash escapes), the one
 * encoding both loaders send: PGlite reads it from a blob, real PostgreSQL from `COPY … FROM STDIN`.
 * The same bytes also feed the data hash recorded in the warehouse metadata.
 */
import type { CustomerRow, TransactionRow } from './generator.ts';

/** Column order of `customerCopyLine`, for the COPY statement. */
export const CUSTOMER_COLUMNS = ['customer_id', 'customer_name', 'email', 'segment_id', 'region_id', 'signup_date'] as const;

/** Column order of `transactionCopyLine`; `transaction_id` is left to the identity column. */
export const TRANSACTION_COLUMNS = [
  'sale_date',
  'region_id',
  'product_id',
  'customer_id',
  'segment_id',
  'units',
  'sales',
  'cost',
  'created_at',
] as const;

/** One customer as a COPY text line, newline included. */
export function customerCopyLine(row: CustomerRow): string {
  return `${row.customer_id}\t${escapeText(row.customer_name)}\t${escapeText(row.email)}\t${row.segment_id}\t${row.region_id}\t${row.signup_date}\n`;
}

/** One sales line as a COPY text line, newline included (every field is digits, dashes, colons). */
export function transactionCopyLine(row: TransactionRow): string {
  return `${row.sale_date}\t${row.region_id}\t${row.product_id}\t${row.customer_id}\t${row.segment_id}\t${row.units}\t${row.sales}\t${row.cost}\t${row.created_at}\n`;
}

/** Escapes the characters COPY text format gives a meaning to. */
export function escapeText(value: string): string {
  return /[\\\t\n\r]/.test(value)
    ? value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r')
    : value;
}
