import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalIndex } from '../../functions/adapters/retrieval/local-index.ts';
import { analyze } from '../../functions/core/retrieval/text-analysis.ts';
import { QueryExpander } from '../../functions/core/retrieval/query-expansion.ts';
import { versionMultipliers, type DocumentVersion } from '../../functions/core/retrieval/document-versions.ts';

function write(root: string, files: Record<string, string>): void {
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, name)), { recursive: true });
    writeFileSync(join(root, name), content);
  }
}

describe('Function: analyze (conversational filler)', () => {
  it('drops words that say nothing about the subject: "what happens", "no", "line up", "make sense"', () => {
    expect(analyze('what happens to customers with no purchases')).toEqual(['customer', 'purchas']);
    expect(analyze('do the figures line up')).toEqual(['figur', 'lin']);
    expect(analyze('does it make sense to add units')).toEqual(['add', 'unit']);
  });

  it('keeps "how many", which names a count', () => {
    expect(analyze('how many customers do we have')).toContain('many');
  });
});

describe('Class: QueryExpander (rarity of the trigger)', () => {
  const groups = [{ customer: ['client', 'buyer', 'shopper'] }];

  it('expands a word the documents rarely use at full weight and a common one hardly at all', () => {
    // 200 passages: "customer" in 120 of them, "client" in 2.
    const vocabulary = new Map([['customer', 120], ['client', 2], ['buyer', 3], ['shopper', 1]]);
    const expander = new QueryExpander(groups);

    const rare = expander.expand('top clients', vocabulary, 200);
    const common = expander.expand('top customers', vocabulary, 200);

    expect(rare.weighted.find((entry) => entry.term === 'customer')?.weight).toBeCloseTo(0.6);
    const added = common.weighted.filter((entry) => entry.origin === 'synonym');
    expect(added.every((entry) => entry.weight < 0.05)).toBe(true);
  });

  it('expands fully when it has no index statistics (e.g. before anything is indexed)', () => {
    const expanded = new QueryExpander(groups).expand('top clients');
    expect(expanded.weighted.find((entry) => entry.term === 'customer')?.weight).toBeCloseTo(0.6);
  });
});

describe('Class: QueryExpander (head term and variants)', () => {
  it('lets a variant bring in the head term only, and the head term bring in every variant', () => {
    const expander = new QueryExpander([{ revenue: ['turnover', 'bookings', 'top line'] }]);

    const fromVariant = expander.expand('turnover by region').weighted.map((entry) => entry.term);
    const fromHead = expander.expand('revenue by region').weighted.map((entry) => entry.term);

    expect(fromVariant).toContain('revenu');
    expect(fromVariant).not.toContain('book');
    expect(fromVariant).not.toContain('top');
    expect(fromHead).toEqual(expect.arrayContaining(['turnover', 'book', 'top', 'lin']));
  });
});

describe('Function: versionMultipliers (asking for an earlier edition)', () => {
  const versions = new Map<string, DocumentVersion>([
    ['old', { family: 'refresh-schedule', year: 2023, superseded: true }],
    ['new', { family: 'refresh-schedule', year: undefined, superseded: false }],
  ]);

  it('damps the current edition when the question asks for the old one, and the old one otherwise', () => {
    const plain = versionMultipliers(versions, 'on which days does the load run');
    const history = versionMultipliers(versions, 'in the old schedule, on which days did the load run');

    expect(plain.get('old')).toBeLessThan(1);
    expect(plain.has('new')).toBe(false);
    expect(history.has('old')).toBe(false);
    expect(history.get('new')).toBeLessThan(1);
  });
});

describe('Class: LocalIndex (ranking)', () => {
  let work: string;
  let dataDir: string;
  beforeEach(() => {
    work = mkdtempSync(join(tmpdir(), 'bi-agent-ranking-'));
    dataDir = join(work, 'data');
  });
  afterEach(() => rmSync(work, { recursive: true, force: true }));

  it('ranks a passage holding the question\'s rare word above one holding many loose synonyms', async () => {
    write(join(work, 'docs'), {
      'glossary.md': '# Glossary\n\n## Abbreviations\n\n- SKU: stock-keeping unit. The twenty products are twenty SKUs; colours are not separate SKUs.\n- QBR: quarterly business review.\n',
      'orders.md': '# Orders\n\n## Order lines\n\nEach order line is one transaction, one deal, one purchase of one item; lines, orders, deals and purchases are counted as transactions, and each item is a line.\n',
    });
    const catalog = { 'number of transactions': ['transactions', 'orders', 'order lines', 'deals', 'purchases', 'lines', 'items', 'sku'] };
    const index = new LocalIndex({ dataDir, synonyms: [catalog] });
    await index.ingest(join(work, 'docs'));

    const [hit] = await index.search('what does SKU mean', 2);

    expect(hit?.doc).toBe('glossary.md');
  });

  it('damps a document of a lower-weight folder when a heavier folder holds a file of the same name', async () => {
    const text = (who: string): string => `# Metric definitions\n\n## Revenue\n\nRevenue is the sum of the sales column (${who}).\n`;
    write(join(work, 'samples'), { 'metric-definitions.md': text('samples'), 'notes.md': text('samples') });
    write(join(work, 'ours'), { 'defs/metric-definitions.md': text('ours') });
    const index = new LocalIndex({ dataDir });
    await index.ingest(join(work, 'samples'), { root: 'samples', weight: 0.9 });
    await index.ingest(join(work, 'ours'));

    const hits = await index.search('how is revenue defined', 5);
    const score = (doc: string): number => hits.find((hit) => hit.doc === doc)?.score ?? 0;

    expect(hits[0]?.doc).toBe('defs/metric-definitions.md');
    // The shadowed sample falls below the same text under a name the user's folder does not hold.
    expect(score('metric-definitions.md')).toBeGreaterThan(0);
    expect(score('metric-definitions.md')).toBeLessThan(score('notes.md'));
  });
});
