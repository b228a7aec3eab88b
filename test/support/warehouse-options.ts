/**
 * The size of the shared test warehouse: small enough to build in a few seconds on two cores,
 * big enough that rankings and trends still mean something. Same seed and range as the default.
 */
import type { GeneratorOptions } from '../../functions/warehouse/generator.ts';

export const TEST_WAREHOUSE_OPTIONS: GeneratorOptions = Object.freeze({
  seed: 42,
  transactions: 20_000,
  customers: 1_000,
  from: '2023-01-01',
  to: '2025-12-31',
});
