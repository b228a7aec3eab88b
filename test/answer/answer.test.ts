import { describe, expect, it } from 'vitest';
import { chooseChart } from '../../functions/core/answer/chart.ts';
import { describeResult } from '../../functions/core/answer/summary.ts';
import type { QueryResult } from '../../functions/core/ports.ts';

const byRegion: QueryResult = {
  columns: [{ name: 'region_name', type: 'text' }, { name: 'revenue', type: 'number' }],
  rows: [['Europe', 1200.5], ['North America', 3400], ['Latin America', 300.25]],
  truncated: false,
};
const monthly: QueryResult = {
  columns: [{ name: 'month', type: 'date' }, { name: 'units_sold', type: 'number' }],
  rows: [['2024-01-01', 100], ['2024-02-01', 150], ['2024-03-01', 120]],
  truncated: false,
};
const single: QueryResult = { columns: [{ name: 'revenue', type: 'number' }], rows: [[1234567.891]], truncated: false };

describe('Function: chooseChart', () => {
  it('draws a time series as a line over a temporal axis', () => {
    const spec = chooseChart(monthly) as any;
    expect(spec.mark.type).toBe('line');
    expect(spec.encoding.x).toMatchObject({ field: 'month', type: 'temporal' });
    expect(spec.data.values).toHaveLength(3);
  });

  it('draws one category as bars sorted by value', () => {
    const spec = chooseChart(byRegion) as any;
    expect(spec.mark).toBe('bar');
    expect(spec.encoding.x).toMatchObject({ field: 'region_name', type: 'nominal', sort: '-y' });
  });

  it('treats an integer year column as an ordered time axis', () => {
    const spec = chooseChart({ columns: [{ name: 'year', type: 'number' }, { name: 'margin_pct', type: 'number' }], rows: [[2023, 40.1], [2024, 41.7]], truncated: false }) as any;
    expect(spec.mark.type).toBe('line');
    expect(spec.encoding.x.type).toBe('ordinal');
  });

  it('draws no chart for a single figure', () => {
    expect(chooseChart(single)).toBeNull();
  });

  it('is plain JSON: it survives a JSON round trip unchanged', () => {
    const spec = chooseChart(byRegion);
    expect(JSON.parse(JSON.stringify(spec))).toEqual(spec);
  });
});

describe('Function: describeResult', () => {
  it('states a single figure with separators', () => {
    expect(describeResult({ question: 'q', interpretation: 'revenue, 2024', result: single })).toBe('Revenue, 2024: revenue 1,234,567.89.');
  });

  it('names the highest and lowest category', () => {
    const text = describeResult({ question: 'q', interpretation: 'revenue by region', result: byRegion });
    expect(text).toContain('highest North America at 3,400');
    expect(text).toContain('lowest Latin America at 300.25');
  });

  it('describes a series from first to last with its change and peak', () => {
    const text = describeResult({ question: 'q', interpretation: 'monthly units', result: monthly });
    expect(text).toContain('from 100 in 2024-01-01 to 120 in 2024-03-01 (+20%)');
    expect(text).toContain('peaking in 2024-02-01 at 150');
  });

  it('says plainly when nothing matched', () => {
    expect(describeResult({ question: 'q', interpretation: 'revenue in 2030', result: { ...single, rows: [] } })).toBe('Revenue in 2030: no rows matched.');
  });

  it('formats percentages as percentages', () => {
    const text = describeResult({ question: 'q', interpretation: 'margin', result: { columns: [{ name: 'margin_pct', type: 'number' }], rows: [[42.123]], truncated: false } });
    expect(text).toBe('Margin: margin pct 42.1%.');
  });
});
