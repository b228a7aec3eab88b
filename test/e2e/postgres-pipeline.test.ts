/**
 * The same agent on a real PostgreSQL (`DATABASE_URL`): seeded with the same generator options,
 * the server must hold the same data as the embedded warehouse, so every answer must match the
 * embedded default's answer to the same question, row for row.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDependencies, configFromEnv, type Dependencies } from '../../functions/platform/container.ts';
import type { Principal } from '../../functions/core/principal.ts';
import { copyOfTestDataFolder, type DataFolder } from '../support/data-folder.ts';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../support/postgres.ts';
import { TEST_WAREHOUSE_OPTIONS } from '../support/warehouse.ts';

const available = await postgresAvailable();

describe.skipIf(!available)('The pipeline on PostgreSQL and on the embedded default', () => {
  let database: TestDatabase;
  let folder: DataFolder;
  let onPostgres: Dependencies;
  let embedded: Dependencies;

  beforeAll(async () => {
    database = await createTestDatabase({ seed: TEST_WAREHOUSE_OPTIONS });
    folder = await copyOfTestDataFolder();
    onPostgres = await buildDependencies(configFromEnv({ DATABASE_URL: database.url }, { dataDir: folder.path }));
    embedded = await buildDependencies(configFromEnv({}, { dataDir: folder.path, isolation: 'in-thread' }));
  });

  afterAll(async () => {
    await onPostgres?.close();
    await embedded?.close();
    await database?.drop();
    await folder?.remove();
  });

  const analyst: Principal = { subject: 'test', role: 'analyst' };

  it.each([
    'total sales by region in 2024',
    'margin % by product category last quarter',
    'monthly revenue in 2025',
    'top 3 customers by revenue in 2024',
    'how many distinct customers bought in each segment this year',
  ])('answers "%s" identically', async (question) => {
    const [pg, pglite] = await Promise.all([
      onPostgres.pipeline.ask({ question, principal: analyst }),
      embedded.pipeline.ask({ question, principal: analyst }),
    ]);
    expect(onPostgres.warehouse.kind).toBe('postgres');
    expect(pg.asOf).toBe(pglite.asOf);
    expect(pg.sql).toBe(pglite.sql);
    expect(pg.rows.length).toBeGreaterThan(0);
    expect(pg.rows).toEqual(pglite.rows);
  });
});
