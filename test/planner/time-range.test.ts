import { describe, expect, it } from 'vitest';
import { findTimeMentions } from '../../functions/core/planner/time-range.ts';
import { tokenize } from '../../functions/core/planner/tokenizer.ts';

/** The first period of a phrase as `[start, end)`, resolved as of a date. */
function resolve(phrase: string, asOf: string, mergeSpans = true): [string, string] | null {
  const mentions = findTimeMentions(tokenize(phrase), asOf, { mergeSpans });
  const range = mentions[0]?.range;
  return range ? [range.start, range.end] : null;
}

describe('Function: findTimeMentions', () => {
  describe('absolute periods', () => {
    it.each([
      ['in 2024', ['2024-01-01', '2025-01-01']],
      ['FY2023', ['2023-01-01', '2024-01-01']],
      ['Q1 2024', ['2024-01-01', '2024-04-01']],
      ['Q4 of 2023', ['2023-10-01', '2024-01-01']],
      ['the third quarter of 2025', ['2025-07-01', '2025-10-01']],
      ['October 2025', ['2025-10-01', '2025-11-01']],
      ['Feb 2024', ['2024-02-01', '2024-03-01']],
      ['December 2023', ['2023-12-01', '2024-01-01']],
      ['the first half of 2024', ['2024-01-01', '2024-07-01']],
      ['H2 2023', ['2023-07-01', '2024-01-01']],
      ['on 2024-02-29', ['2024-02-29', '2024-03-01']],
      ['March 5, 2025', ['2025-03-05', '2025-03-06']],
    ])('resolves "%s"', (phrase, expected) => {
      expect(resolve(phrase, '2025-12-31')).toEqual(expected);
    });
  });

  describe('spans', () => {
    it.each([
      ['between March and May 2025', ['2025-03-01', '2025-06-01']],
      ['from January to June 2024', ['2024-01-01', '2024-07-01']],
      ['between 2023 and 2024', ['2023-01-01', '2025-01-01']],
      ['between Q2 2024 and Q1 2025', ['2024-04-01', '2025-04-01']],
      ['between 2024-02-10 and 2024-02-29', ['2024-02-10', '2024-03-01']],
      ['since March 2025', ['2025-03-01', '2026-01-01']],
    ])('includes both ends of "%s"', (phrase, expected) => {
      expect(resolve(phrase, '2025-12-31')).toEqual(expected);
    });

    it('keeps two periods apart when the question compares them', () => {
      const mentions = findTimeMentions(tokenize('growth from 2023 to 2024'), '2025-12-31', { mergeSpans: false });
      expect(mentions.map((m) => m.range?.start)).toEqual(['2023-01-01', '2024-01-01']);
    });
  });

  describe('relative periods', () => {
    it.each([
      // phrase, as-of, expected
      ['last quarter', '2025-12-31', ['2025-07-01', '2025-10-01']],
      ['last quarter', '2025-01-15', ['2024-10-01', '2025-01-01']],
      ['last quarter', '2025-04-01', ['2025-01-01', '2025-04-01']],
      ['the previous quarter', '2024-08-31', ['2024-04-01', '2024-07-01']],
      ['this quarter', '2025-12-31', ['2025-10-01', '2026-01-01']],
      ['so far this quarter', '2025-11-15', ['2025-10-01', '2025-11-16']],
      ['this year', '2025-12-31', ['2025-01-01', '2026-01-01']],
      ['YTD', '2024-02-29', ['2024-01-01', '2024-03-01']],
      ['so far this year', '2025-06-30', ['2025-01-01', '2025-07-01']],
      ['year to date', '2023-01-01', ['2023-01-01', '2023-01-02']],
      ['last year', '2025-12-31', ['2024-01-01', '2025-01-01']],
      ['previous year', '2024-01-01', ['2023-01-01', '2024-01-01']],
      ['last month', '2025-12-31', ['2025-11-01', '2025-12-01']],
      ['last month', '2025-01-10', ['2024-12-01', '2025-01-01']],
      ['last month', '2024-03-31', ['2024-02-01', '2024-03-01']],
      ['this month', '2024-02-29', ['2024-02-01', '2024-03-01']],
      ['the last 6 months', '2025-12-31', ['2025-07-01', '2026-01-01']],
      ['the last 12 months', '2025-12-31', ['2025-01-01', '2026-01-01']],
      ['past 3 months', '2025-02-14', ['2024-12-01', '2025-03-01']],
      ['last 12 months', '2024-02-29', ['2023-03-01', '2024-03-01']],
      ['last 30 days', '2025-12-31', ['2025-12-02', '2026-01-01']],
      ['last 90 days', '2025-12-31', ['2025-10-03', '2026-01-01']],
      ['the past 7 days', '2024-03-02', ['2024-02-25', '2024-03-03']],
      ['last 30 days', '2024-03-01', ['2024-02-01', '2024-03-02']],
      ['same quarter last year', '2025-12-31', ['2024-10-01', '2025-01-01']],
      ['same quarter last year', '2025-02-01', ['2024-01-01', '2024-04-01']],
      ['last week', '2025-12-31', ['2025-12-22', '2025-12-29']],
      ['yesterday', '2024-03-01', ['2024-02-29', '2024-03-01']],
      ['in October', '2025-12-31', ['2025-10-01', '2025-11-01']],
      ['in October', '2025-06-30', ['2024-10-01', '2024-11-01']],
      ['Q3', '2025-12-31', ['2025-07-01', '2025-10-01']],
    ])('resolves "%s" as of %s', (phrase, asOf, expected) => {
      expect(resolve(phrase, asOf)).toEqual(expected);
    });
  });

  it('reads "the whole period" as explicitly no date filter', () => {
    const mentions = findTimeMentions(tokenize('over the whole period'), '2025-12-31', { mergeSpans: true });
    expect(mentions).toHaveLength(1);
    expect(mentions[0]!.range).toBeNull();
  });

  it('finds no period where there is none', () => {
    expect(findTimeMentions(tokenize('revenue by region'), '2025-12-31', { mergeSpans: true })).toEqual([]);
  });
});
