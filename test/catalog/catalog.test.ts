import { describe, expect, it } from 'vitest';
import { catalogDocuments, DIMENSIONS, EXAMPLE_QUERIES, METRICS, renderCatalog, roleAllows, VALUE_GROUPS } from '../../functions/core/catalog/catalog.ts';

const WAREHOUSE_VALUES: Record<string, string[]> = {
  region: ['North America', 'Europe', 'Asia Pacific', 'Latin America', 'Middle East & Africa'],
  segment: ['Enterprise', 'Mid-Market', 'Small Business', 'Consumer'],
  category: ['Hardware', 'Accessories', 'Software', 'Services'],
};

describe('Semantic catalog', () => {
  it('names every metric once, with lower-case synonyms', () => {
    const names = METRICS.map((m) => m.name);
    expect(new Set(names).size).toBe(names.length);
    for (const m of METRICS) for (const s of m.synonyms) expect(s).toBe(s.toLowerCase());
  });

  it('gives every metric a FILTER placeholder on each aggregate, so periods and shares can reuse it', () => {
    for (const m of METRICS) {
      const aggregates = m.expression.match(/\b(sum|count|avg)\(/g) ?? [];
      expect((m.expression.match(/\{f\}/g) ?? []).length).toBe(aggregates.length);
    }
  });

  it('requires the analyst role exactly for the metrics that read cost', () => {
    for (const m of METRICS) expect(m.role === 'analyst').toBe(m.reads.includes('cost'));
  });

  it('spells dimension values exactly as the warehouse does', () => {
    for (const [name, values] of Object.entries(WAREHOUSE_VALUES)) {
      expect(DIMENSIONS.find((d) => d.name === name)!.values.map((v) => v.value)).toEqual(values);
    }
    expect(DIMENSIONS.find((d) => d.name === 'product')!.values).toHaveLength(20);
    for (const g of VALUE_GROUPS) for (const v of g.values) expect(WAREHOUSE_VALUES[g.dimension]).toContain(v);
  });

  it('keeps customer names for the admin role only', () => {
    expect(DIMENSIONS.find((d) => d.name === 'customer_name')!.role).toBe('admin');
    expect(DIMENSIONS.find((d) => d.name === 'customer')!.role).toBe('viewer');
    expect(roleAllows('viewer', 'analyst')).toBe(false);
    expect(roleAllows('admin', 'analyst')).toBe(true);
  });

  it('renders a description for prompts that mentions every metric and dimension', () => {
    const text = renderCatalog();
    for (const m of METRICS) expect(text).toContain(m.name);
    for (const d of DIMENSIONS) expect(text).toContain(d.column);
    expect(catalogDocuments().some((d) => d.doc === 'catalog:metric:margin')).toBe(true);
  });

  it('writes its example queries schema-qualified with DATE literals', () => {
    for (const e of EXAMPLE_QUERIES) {
      expect(e.sql).toMatch(/FROM sales\./);
      expect(e.sql).not.toMatch(/FROM (sales_transactions|customers)\b/);
    }
  });
});
