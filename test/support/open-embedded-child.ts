/**
 * A separate process that opens an embedded warehouse, for the tests of concurrent opens:
 * `node --import tsx open-embedded-child.ts <dataDir> <transactions> <customers>`. Prints one JSON
 * line: the phases it went through and the number of sales lines it sees.
 */
import { openEmbeddedWarehouse } from '../../functions/warehouse/embedded.ts';

const [dataDir, transactions, customers] = process.argv.slice(2);
const phases = new Set<string>();
const db = await openEmbeddedWarehouse(dataDir!, {
  seedOptions: { transactions: Number(transactions), customers: Number(customers) },
  onProgress: (progress) => phases.add(progress.phase),
});
const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM sales.sales_transactions');
await db.close();
process.stdout.write(`${JSON.stringify({ phases: [...phases], lines: rows[0]?.n })}\n`);
