import type { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRODUCTS, REGIONS, SEGMENTS } from '../../functions/warehouse/dimensions.ts';
import { openTestWarehouse } from '../support/warehouse.ts';

describe('Module: dimensions', () => {
  let db: PGlite;
  beforeAll(async () => {
    db = await openTestWarehouse();
  });
  afterAll(async () => db.close());

  it('holds the same regions and segments, with the same ids, as migration 003', async () => {
    expect((await db.query('SELECT region_id, region_name FROM sales.regions ORDER BY 1')).rows).toEqual(REGIONS);
    expect((await db.query('SELECT segment_id, segment_name FROM sales.customer_segments ORDER BY 1')).rows).toEqual(
      SEGMENTS,
    );
  });

  it('holds the same products, categories and list prices as migration 003', async () => {
    const { rows } = await db.query(
      'SELECT product_id, product_name, category, list_price::text AS list_price FROM sales.products ORDER BY 1',
    );
    expect(rows).toEqual(PRODUCTS.map(({ priceCents: _, ...product }) => product));
  });
});
