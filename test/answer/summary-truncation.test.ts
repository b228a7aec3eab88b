/**
 * The summary of a result cut short: it says that the result was cut and by what, and states its
 * figures as figures of the rows shown — never a cut set's highest or lowest as the whole result's.
 */
import { describe, expect, it } from 'vitest';
import { describeResult } from '../../functions/core/answer/summary.ts';
import type { QueryResult } from '../../functions/core/ports.ts';

const byProduct: QueryResult = {
  columns: [{ name: 'product_name', type: 'text' }, { name: 'revenue', type: 'number' }],
  rows: [['Office Suite', 900], ['USB-C Dock', 1500], ['Cloud Backup', 300]],
  truncated: false,
};
const monthly: QueryResult = {
  columns: [{ name: 'month', type: 'date' }, { name: 'units_sold', type: 'number' }],
  rows: [['2024-01-01', 100], ['2024-02-01', 150], ['2024-03-01', 120]],
  truncated: false,
};
const summary = (result: QueryResult, interpretation = 'revenue by product') => describeResult({ question: 'q', interpretation, result });

describe('Function: describeResult, on a result cut short', () => {
  it('says the answer was cut at its size limit, and gives highest and lowest as those of the rows shown', () => {
    const text = summary({ ...byProduct, truncated: true, truncatedBy: 'bytes' });
    expect(text).toBe(
      "Revenue by product: the first 3 rows only — the result was cut at the answer's size limit; among these rows highest USB-C Dock at 1,500, lowest Cloud Backup at 300.",
    );
  });

  it('says the row cap cut it when the row cap did', () => {
    expect(summary({ ...byProduct, truncated: true, truncatedBy: 'rows' })).toMatch(/^Revenue by product: the first 3 rows only — the result was cut at the row cap; among these rows highest/);
  });

  it('states a cut series from its first to its last row shown, without a change for the whole period', () => {
    const text = summary({ ...monthly, truncated: true, truncatedBy: 'bytes' }, 'monthly units');
    expect(text).toBe(
      "Monthly units: the first 3 rows only — the result was cut at the answer's size limit; in these rows units sold went from 100 in 2024-01-01 to 120 in 2024-03-01, peaking in 2024-02-01 at 150.",
    );
    expect(text).not.toMatch(/%/);
  });

  it('says so when not even the first row fit, rather than "no rows matched"', () => {
    const text = summary({ ...byProduct, rows: [], truncated: true, truncatedBy: 'bytes' });
    expect(text).toBe("Revenue by product: no rows shown — the result was cut at the answer's size limit before its first row.");
  });

  it('marks a single cut figure or row as the first row only', () => {
    const figure: QueryResult = { columns: [{ name: 'revenue', type: 'number' }], rows: [[1234.5]], truncated: true, truncatedBy: 'rows' };
    expect(summary(figure, 'revenue')).toBe('Revenue: the first row only — the result was cut at the row cap: revenue 1,234.5.');
    expect(summary({ ...byProduct, rows: [['Office Suite', 900]], truncated: true, truncatedBy: 'bytes' })).toBe(
      "Revenue by product: the first row only — the result was cut at the answer's size limit: Office Suite with revenue 900.",
    );
  });

  it('still says the result was cut when it has no figures', () => {
    const names: QueryResult = { columns: [{ name: 'email', type: 'text' }], rows: [['a@example.com'], ['b@example.com']], truncated: true, truncatedBy: 'bytes' };
    expect(summary(names, 'customers')).toBe("Customers: the first 2 rows only — the result was cut at the answer's size limit.");
  });

  it('keeps the whole-result sentence for a result that was not cut', () => {
    expect(summary(byProduct)).toBe('Revenue by product: 3 rows; highest USB-C Dock at 1,500, lowest Cloud Backup at 300.');
    expect(summary(monthly, 'monthly units')).toContain('(+20%)');
  });
});
