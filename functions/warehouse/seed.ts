/**
 * Loads generated data into a migrated warehouse, the same way on every backend: in one
 * transaction, truncate customers and sales lines, drop their secondary indexes and foreign keys,
 * COPY the rows in, put indexes and keys back, record the metadata. Readers see the old data or the
 * new, never a mix; a failure leaves the old data in place.
 *
 * The dimension tables (regions, segments, products) are reference data from migration 003 and are
 * left alone.
 */
import { createHash } from 'node:crypto';
import { CUSTOMER_COLUMNS, TRANSACTION_COLUMNS, customerCopyLine, transactionCopyLine } from './copy-text.ts';
import {
  GENERATOR_VERSION,
  generateCustomers,
  generateTransactions,
  resolveGeneratorOptions,
  type GeneratorOptions,
} from './generator.ts';
import type { WarehouseMetadata } from './metadata.ts';
import { migrate, quoteLiteral, type ExecuteScript } from './migrate.ts';
import type { OnWarehouseProgress } from './progress-event.ts';

/** A database the seeder can load into: scripts, plus a bulk COPY of text-format lines. */
export interface SeedTarget {
  readonly execute: ExecuteScript;
  /**
   * COPY `lines` (COPY text format, one row each, newline included) into `table`, in the current
   * transaction, calling `onRows(n)` as rows go in.
   */
  copyIn(table: string, columns: readonly string[], lines: Iterable<string>, onRows: (rows: number) => void): Promise<void>;
}

/** The tables the seeder replaces. */
const LOADED_TABLES = ['sales.customers', 'sales.sales_transactions'] as const;

/** The reference tables of migration 003, which the seeder leaves as they are (and analyses). */
const REFERENCE_TABLES = ['sales.regions', 'sales.customer_segments', 'sales.products'] as const;

/**
 * Migrates, then replaces the generated data (customers, sales lines) with freshly generated rows.
 * Returns the metadata it recorded in `bi_agent.warehouse_metadata`.
 */
export async function seedWarehouse(
  target: SeedTarget,
  options: Partial<GeneratorOptions> = {},
  onProgress: OnWarehouseProgress = () => undefined,
): Promise<WarehouseMetadata> {
  const started = performance.now();
  const generator = resolveGeneratorOptions(options);
  const { execute } = target;

  onProgress({ phase: 'migrate', done: 0, total: 1 });
  const { schemaVersion } = await migrate(execute);
  onProgress({ phase: 'migrate', done: 1, total: 1 });

  const hash = createHash('sha256');
  await execute('BEGIN');
  try {
    await execute(`TRUNCATE ${LOADED_TABLES.join(', ')} RESTART IDENTITY`);
    const rebuild = await dropSecondaryStructures(execute);

    let customers = 0;
    onProgress({ phase: 'customers', done: 0, total: generator.customers });
    await target.copyIn('sales.customers', CUSTOMER_COLUMNS, hashed(hash, mapLines(generateCustomers(generator), customerCopyLine)), (n) => {
      customers += n;
      onProgress({ phase: 'customers', done: customers, total: generator.customers });
    });

    let lines = 0;
    onProgress({ phase: 'transactions', done: 0, total: generator.transactions });
    await target.copyIn(
      'sales.sales_transactions',
      TRANSACTION_COLUMNS,
      hashed(hash, mapLines(generateTransactions(generator), transactionCopyLine)),
      (n) => {
        lines += n;
        onProgress({ phase: 'transactions', done: lines, total: generator.transactions });
      },
    );

    onProgress({ phase: 'index', done: 0, total: rebuild.length });
    for (const [index, statement] of rebuild.entries()) {
      await execute(statement);
      onProgress({ phase: 'index', done: index + 1, total: rebuild.length });
    }

    const [counts] = await execute(`SELECT
      (SELECT count(*) FROM sales.regions)::int AS regions,
      (SELECT count(*) FROM sales.customer_segments)::int AS customer_segments,
      (SELECT count(*) FROM sales.products)::int AS products,
      (SELECT count(*) FROM sales.customers)::int AS customers,
      (SELECT count(*) FROM sales.sales_transactions)::int AS sales_transactions,
      version() AS engine`);
    const metadata: WarehouseMetadata = {
      formatVersion: 1,
      generatorVersion: GENERATOR_VERSION,
      generator,
      schemaVersion,
      dateRange: { from: generator.from, to: generator.to },
      rowCounts: {
        regions: Number(counts?.regions),
        customer_segments: Number(counts?.customer_segments),
        products: Number(counts?.products),
        customers: Number(counts?.customers),
        sales_transactions: Number(counts?.sales_transactions),
      },
      dataSha256: hash.digest('hex'),
      engine: String(counts?.engine),
      builtAt: new Date().toISOString(),
      buildMs: Math.round(performance.now() - started),
    };
    await execute(`INSERT INTO bi_agent.warehouse_metadata (singleton, metadata, loaded_at)
      VALUES (true, ${quoteLiteral(JSON.stringify(metadata))}::jsonb, now())
      ON CONFLICT (singleton) DO UPDATE SET metadata = excluded.metadata, loaded_at = excluded.loaded_at`);
    await execute('COMMIT');
    // A partitioned table's ANALYZE gathers the statistics of the whole table (all regions) and of
    // each of its partitions (one region each), which the cost ceiling of scoped principals plans
    // with; autovacuum never analyses a partitioned parent. The reference tables too: their 20 rows
    // or fewer never reach autovacuum's threshold, and unanalysed, the planner takes products for
    // 720 rows, which puts a lateral join per product above the embedded cost ceiling.
    await execute(`ANALYZE ${[...REFERENCE_TABLES, ...LOADED_TABLES].join(', ')}`);
    return metadata;
  } catch (error) {
    await execute('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/**
 * Drops the foreign keys and non-constraint indexes of the loaded tables (a bulk load is several
 * times faster without them) and returns the statements that put them back, read from the catalog
 * so they are exactly what the migrations created. The tables are partitioned (migration 006):
 * dropping a parent's index or key drops its partitions' too, and the parent's definition, created
 * again, builds them again on every partition — once `ON ONLY`, which pg_get_indexdef writes for a
 * partitioned index (as pg_dump wants it), is removed, since that would build the parent's alone.
 */
async function dropSecondaryStructures(execute: ExecuteScript): Promise<string[]> {
  const tables = LOADED_TABLES.map((table) => `${quoteLiteral(table)}::regclass`).join(', ');
  const keys = await execute(`SELECT
      format('ALTER TABLE %s DROP CONSTRAINT %I', conrelid::regclass, conname) AS drop_sql,
      format('ALTER TABLE %s ADD CONSTRAINT %I %s', conrelid::regclass, conname, pg_get_constraintdef(oid)) AS create_sql
    FROM pg_constraint WHERE contype = 'f' AND conrelid IN (${tables}) ORDER BY conrelid, conname`);
  const indexes = await execute(`SELECT
      format('DROP INDEX %s', i.indexrelid::regclass) AS drop_sql,
      CASE WHEN ix.relkind = 'I' THEN replace(pg_get_indexdef(i.indexrelid), ' ON ONLY ', ' ON ')
           ELSE pg_get_indexdef(i.indexrelid) END AS create_sql
    FROM pg_index i JOIN pg_class ix ON ix.oid = i.indexrelid
    WHERE i.indrelid IN (${tables})
      AND NOT EXISTS (SELECT FROM pg_constraint c WHERE c.conindid = i.indexrelid)
    ORDER BY i.indexrelid`);
  const all = [...keys, ...indexes];
  if (all.length > 0) await execute(all.map((row) => `${String(row.drop_sql)};`).join('\n'));
  // Indexes first: the foreign keys are validated with one scan each afterwards.
  return [...indexes, ...keys].map((row) => String(row.create_sql));
}

function* mapLines<T>(rows: Iterable<T>, toLine: (row: T) => string): Generator<string> {
  for (const row of rows) yield toLine(row);
}

function* hashed(hash: ReturnType<typeof createHash>, lines: Iterable<string>): Generator<string> {
  for (const line of lines) {
    hash.update(line);
    yield line;
  }
}
