import { describe, expect, it } from 'vitest';
import { analyze, normalizeTerm } from '../../functions/core/retrieval/text-analysis.ts';
import { QueryExpander, editDistance, nearestKnownTerm } from '../../functions/core/retrieval/query-expansion.ts';
import { versionMultipliers, versionOf } from '../../functions/core/retrieval/document-versions.ts';

describe('Function: normalizeTerm', () => {
  it('folds inflections of one word to one term', () => {
    expect(new Set(['margin', 'margins'].map(normalizeTerm)).size).toBe(1);
    expect(new Set(['refund', 'refunds', 'refunded'].map(normalizeTerm)).size).toBe(1);
    expect(new Set(['price', 'prices', 'priced', 'pricing'].map(normalizeTerm)).size).toBe(1);
    expect(new Set(['policy', 'policies'].map(normalizeTerm)).size).toBe(1);
    expect(new Set(['organisation', 'organization'].map(normalizeTerm)).size).toBe(1);
    expect(new Set(['definition', 'defined'].map(normalizeTerm)).size).toBe(1);
  });

  it('leaves words that only look inflected alone', () => {
    expect(normalizeTerm('status')).toBe('status');
    expect(normalizeTerm('business')).toBe('business');
    expect(normalizeTerm('analysis')).toBe('analysis');
    expect(normalizeTerm('2025')).toBe('2025');
  });
});

describe('Function: analyze', () => {
  it('drops stop words but keeps an acronym that spells one ("Managed IT")', () => {
    expect(analyze('What is it?')).toEqual([]);
    expect(analyze('Is Managed IT billed monthly?')).toEqual(['manag', 'it', 'bill', 'month']);
  });

  it('splits hyphenated words and reads SELECT * as a word', () => {
    expect(analyze('Mid-Market')).toEqual(['mid', 'market']);
    expect(analyze('SELECT * FROM customers')).toEqual(['select', 'star', 'customer']);
  });
});

describe('Class: QueryExpander', () => {
  it('adds the other members of a synonym group, at a lower weight', () => {
    const expander = new QueryExpander([{ cogs: ['cost of goods sold'] }]);

    const expanded = expander.expand('what does COGS mean');

    expect(expanded.weighted).toContainEqual({ term: 'cog', weight: 1, origin: 'query' });
    expect(expanded.weighted.find((entry) => entry.term === 'good')?.weight).toBeLessThan(1);
    expect(expanded.phrases.map((phrase) => phrase.terms)).toContainEqual(['cost', 'good', 'sold']);
  });

  it('expands in both directions: the phrase finds the abbreviation', () => {
    const expander = new QueryExpander([{ apac: ['asia pacific'] }]);

    const expanded = expander.expand('revenue in Asia Pacific');

    expect(expanded.weighted.map((entry) => entry.term)).toContain('apac');
  });

  it('corrects a word the index does not know to its nearest known spelling', () => {
    const vocabulary = new Map([['return', 12], ['policy', 9], ['hardwar', 4], ['unopen', 2]]);

    const expanded = new QueryExpander([]).expand('retrun policy for unopend hardware', vocabulary);

    expect(expanded.terms).toEqual(['return', 'policy', 'unopen', 'hardwar']);
  });
});

describe('Function: nearestKnownTerm', () => {
  it('counts a transposition as one edit and leaves short words alone', () => {
    expect(editDistance('retrun', 'return')).toBe(1);
    expect(nearestKnownTerm('cgs', new Map([['cog', 1]]))).toBeUndefined();
  });
});

describe('Function: versionMultipliers', () => {
  const versions = new Map([
    ['a', versionOf('discount-policy-2023.md', 'Status: SUPERSEDED. Replaced in 2025.')],
    ['b', versionOf('discount-policy-2025.md', 'Status: IN FORCE.')],
    ['c', versionOf('glossary.md', 'Owner: BI team.')],
  ]);

  it('damps the older edition when the question names no year', () => {
    const factors = versionMultipliers(versions, 'volume discount for 50 units');

    expect(factors.get('a')).toBeLessThan(1);
    expect(factors.has('b')).toBe(false);
    expect(factors.has('c')).toBe(false);
  });

  it('prefers the edition of the year the question names', () => {
    const factors = versionMultipliers(versions, 'discount ceilings in 2023');

    expect(factors.has('a')).toBe(false);
    expect(factors.get('b')).toBeLessThan(1);
  });
});

describe('Class: QueryExpander (budget)', () => {
  it('lets many synonym groups opened by one word add no more weight than the budget', () => {
    const catalog = { customer: ['client', 'buyer', 'account', 'shopper'], 'distinct customers': ['customers', 'unique customers', 'buyers', 'number of customers'] };
    const expander = new QueryExpander([catalog]);

    const expanded = expander.expand('names of our biggest customers');

    const added = expanded.weighted.filter((entry) => entry.origin === 'synonym');
    expect(added.length).toBeGreaterThan(4);
    expect(added.reduce((sum, entry) => sum + entry.weight, 0)).toBeLessThanOrEqual(0.6 + 1e-9);
  });
});
