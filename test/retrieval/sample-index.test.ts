import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalIndex } from '../../functions/adapters/retrieval/local-index.ts';
import { SAMPLE_ROOT, ensureSampleIndex, sampleKnowledgeDir } from '../../functions/adapters/retrieval/sample-index.ts';

describe('Function: ensureSampleIndex', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'bi-agent-samples-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('indexes the sample documents on first use, and only once', async () => {
    const first = await ensureSampleIndex(dataDir);
    const again = await ensureSampleIndex(dataDir);

    expect(first.added).toBeGreaterThanOrEqual(8);
    expect(again).toMatchObject({ added: 0, updated: 0, unchanged: first.added, chunks: first.chunks });
    expect((await new LocalIndex({ dataDir }).stats()).roots).toEqual([SAMPLE_ROOT]);
  });

  it.each([
    ['how is revenue defined?', 'metric-definitions.md', 'Revenue is the sum of the `sales` column'],
    ['how is margin % calculated', 'metric-definitions.md', '(SUM(sales) - SUM(cost)) * 100 / SUM(sales)'],
    ['which countries are in APAC', 'regional-organisation.md', 'Australia, New Zealand, Japan'],
    ['what does last 3 months mean', 'fiscal-calendar.md', 'whole calendar months up to and including'],
    ['when does a week start', 'fiscal-calendar.md', 'Weeks start on Monday'],
    ['example query for revenue by region', 'query-cookbook.md', 'Revenue per region for calendar year 2024'],
    ['what is the Small Business segment', 'customer-segments.md', 'fewer than 100 employees'],
    ['can a viewer see cost', 'access-and-roles.md', 'every column of `sales_transactions` except `cost`'],
  ])('answers "%s" from its own documents', async (query, doc, phrase) => {
    const index = new LocalIndex({ dataDir });
    await ensureSampleIndex(index);

    const hits = await index.search(query, 5);

    expect(hits.some((hit) => hit.doc === doc && hit.text.includes(phrase))).toBe(true);
  });

  it('ranks a user document above a sample that says the same', async () => {
    const docs = join(dataDir, 'user-docs');
    mkdirSync(join(docs, 'ours'), { recursive: true });
    copyFileSync(join(sampleKnowledgeDir(), 'metric-definitions.md'), join(docs, 'ours', 'metric-definitions.md'));
    const index = new LocalIndex({ dataDir });
    await ensureSampleIndex(index);
    await index.ingest(docs);

    const hits = await index.search('how is revenue defined', 10);
    const sample = hits.find((hit) => hit.doc === 'metric-definitions.md');

    expect(hits[0]?.doc).toBe('ours/metric-definitions.md');
    expect(sample).toBeDefined(); // still there to fill in, below the user's own copy
    expect(sample!.score).toBeLessThan(hits[0]!.score);
  });
});
