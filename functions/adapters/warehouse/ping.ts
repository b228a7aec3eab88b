/** The port's `ping`, shared by every warehouse adapter. */
import { WarehouseUnavailableError } from '../../core/errors.ts';
import type { Warehouse } from '../../core/ports.ts';

/**
 * The port's ping for every adapter: a real read of the sample schema through the query path, so
 * it proves the role, the grants and the schema, not only a connection.
 */
export async function pingWith(warehouse: Warehouse, timeoutMs: number): Promise<void> {
  try {
    await warehouse.query('SELECT region_id FROM sales.regions LIMIT 1', { timeoutMs, maxRows: 1 });
  } catch (error) {
    if (error instanceof WarehouseUnavailableError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new WarehouseUnavailableError(`The warehouse answered but is not usable: ${reason}`, undefined, { cause: error });
  }
}

