import { mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalIndex, type IngestProgress } from '../../functions/adapters/retrieval/local-index.ts';
import { LocalRetriever } from '../../functions/adapters/retrieval/local-retriever.ts';
import { RetrievalIndexError } from '../../functions/adapters/retrieval/errors.ts';

const METRICS = `# Metric definitions

Owner: Finance. These definitions apply to every report.

## Revenue

Revenue is the sum of the sales column over the transactions in scope. It is net of discount and excludes tax.

## Gross profit

Gross profit is revenue minus the cost of goods sold, stated in US dollars. It needs the cost column, which viewers cannot read.
`;

const REGIONS = `# Regional organisation

## Countries

Asia Pacific covers Australia, Japan, Singapore and India. Latin America covers Brazil, Mexico and Chile.
`;

const REFUNDS = `RETURNS NOTE

Business customers may return unopened devices within 30 days of delivery for a full refund. Opened devices are accepted only when faulty.
`;

const DISCOUNT_2023 = `# Discount policy (2023 edition)

Status: SUPERSEDED by the 2025 edition.

## Volume discount

An order of 50 or more Hardware units in one quote earns a volume discount of 3%.
`;

const DISCOUNT_2025 = `# Discount policy (2025 edition)

Status: IN FORCE.

## Volume discount

An order of 50 or more Hardware units in one quote earns a volume discount of 5%.
`;

function write(root: string, files: Record<string, string>): void {
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, name)), { recursive: true });
    writeFileSync(join(root, name), content);
  }
}

describe('Class: LocalIndex', () => {
  let work: string;
  let dataDir: string;
  let docs: string;

  beforeEach(() => {
    work = mkdtempSync(join(tmpdir(), 'bi-agent-retrieval-'));
    dataDir = join(work, 'data');
    docs = join(work, 'docs');
    write(docs, { 'metric-definitions.md': METRICS, 'policies/regional-organisation.md': REGIONS, 'returns.txt': REFUNDS });
  });

  afterEach(() => rmSync(work, { recursive: true, force: true }));

  describe('Method: ingest', () => {
    it('indexes Markdown and text under the folder, naming hits by their relative path', async () => {
      write(docs, { 'notes.pdf': 'not a document we read', '.hidden/secret.md': '# Secret\n\nRevenue is a secret.' });
      const index = new LocalIndex({ dataDir });

      const report = await index.ingest(docs);

      expect(report).toMatchObject({ files: 3, added: 3, updated: 0, unchanged: 0, removed: 0 });
      const docsIndexed = (await index.documents()).map((entry) => entry.doc);
      expect(docsIndexed).toEqual(['metric-definitions.md', 'policies/regional-organisation.md', 'returns.txt']);
      const [hit] = await index.search('which countries are in Asia Pacific?', 1);
      expect(hit?.doc).toBe('policies/regional-organisation.md');
      expect(hit?.text).toContain('Asia Pacific covers Australia');
    });

    it('finds a definition with its heading path in the text', async () => {
      const index = new LocalIndex({ dataDir });
      await index.ingest(docs);

      const [hit] = await index.search('how is revenue defined?', 3);

      expect(hit?.doc).toBe('metric-definitions.md');
      expect(hit?.text).toContain('Revenue is the sum of the sales column');
      expect(hit?.text).toContain('Metric definitions');
      expect(hit?.score).toBeGreaterThan(0);
      expect(hit?.score).toBeLessThan(1);
    });

    it('re-ingesting the same folder does not duplicate anything', async () => {
      const index = new LocalIndex({ dataDir });
      const first = await index.ingest(docs);

      const second = await index.ingest(docs);

      expect(second).toMatchObject({ added: 0, updated: 0, unchanged: 3, chunks: first.chunks });
      const hits = await index.search('revenue sum of sales', 10);
      const texts = hits.map((hit) => hit.text);
      expect(new Set(texts).size).toBe(texts.length);
    });

    it('replaces the chunks of a changed file and drops a deleted one', async () => {
      const index = new LocalIndex({ dataDir });
      await index.ingest(docs);
      write(docs, { 'metric-definitions.md': METRICS.replace('net of discount', 'net of rebates') });
      unlinkSync(join(docs, 'returns.txt'));

      const report = await index.ingest(docs);

      expect(report).toMatchObject({ updated: 1, unchanged: 1, removed: 1 });
      const hits = await index.search('revenue net of discount rebates', 10);
      expect(hits.some((hit) => hit.text.includes('net of rebates'))).toBe(true);
      expect(hits.some((hit) => hit.text.includes('net of discount'))).toBe(false);
      expect(await index.search('return unopened devices refund', 5)).toEqual([]);
    });

    it('keeps the documents of other folders', async () => {
      const other = join(work, 'other');
      write(other, { 'pricing.md': '# Pricing\n\nList prices change every year on 1 February, announced a month ahead.' });
      const index = new LocalIndex({ dataDir });
      await index.ingest(docs);
      await index.ingest(other);

      await index.ingest(docs);

      const [hit] = await index.search('when do list prices change', 1);
      expect(hit?.doc).toBe('pricing.md');
      expect((await index.stats()).sources).toBe(4);
    });

    it('reports progress file by file', async () => {
      const index = new LocalIndex({ dataDir });
      const seen: IngestProgress[] = [];

      await index.ingest(docs, { onProgress: (progress) => seen.push(progress) });

      const indexing = seen.filter((progress) => progress.phase === 'index');
      expect(indexing.map((progress) => progress.done)).toEqual([1, 2, 3]);
      expect(indexing.every((progress) => progress.total === 3)).toBe(true);
      expect(seen.at(-1)).toMatchObject({ phase: 'save', done: 1 });
    });

    it('refuses a folder that does not exist, saying which', async () => {
      const index = new LocalIndex({ dataDir });

      await expect(index.ingest(join(work, 'missing'))).rejects.toThrow(RetrievalIndexError);
    });
  });

  describe('Method: search', () => {
    it('finds "cost of goods sold" for a question about COGS (built-in synonyms)', async () => {
      const index = new LocalIndex({ dataDir });
      await index.ingest(docs);

      const [hit] = await index.search('what is COGS?', 1);

      expect(hit?.text).toContain('cost of goods sold');
    });

    it('uses synonyms given to the constructor, e.g. from the semantic catalog', async () => {
      const without = new LocalIndex({ dataDir, defaultSynonyms: false });
      await without.ingest(docs);
      expect(await without.search('bookings', 3)).toEqual([]);

      const withCatalog = new LocalIndex({ dataDir, defaultSynonyms: false, synonyms: [{ revenue: ['bookings'] }] });
      const [hit] = await withCatalog.search('bookings', 3);

      expect(hit?.text).toContain('Revenue is the sum');
    });

    it('tolerates a misspelt word', async () => {
      const index = new LocalIndex({ dataDir });
      await index.ingest(docs);

      const [hit] = await index.search('retrun policy for unopend devices', 1);

      expect(hit?.doc).toBe('returns.txt');
    });

    it('prefers the current edition of a policy unless the question names the year of another', async () => {
      write(docs, { 'discount-policy-2023.md': DISCOUNT_2023, 'discount-policy-2025.md': DISCOUNT_2025 });
      const index = new LocalIndex({ dataDir });
      await index.ingest(docs);

      const [current] = await index.search('volume discount for 50 hardware units', 1);
      const [old] = await index.search('volume discount for 50 hardware units in the 2023 policy', 1);

      expect(current?.doc).toBe('discount-policy-2025.md');
      expect(old?.doc).toBe('discount-policy-2023.md');
    });

    it('answers an empty index and a query of stop words with no hits', async () => {
      const index = new LocalIndex({ dataDir });
      expect(await index.search('revenue', 5)).toEqual([]);
      await index.ingest(docs);
      expect(await index.search('what is it', 5)).toEqual([]);
    });
  });

  describe('Method: indexVirtualDocuments', () => {
    it('makes catalog entries searchable next to the documents, replaced by name', async () => {
      const index = new LocalIndex({ dataDir });
      await index.ingest(docs);

      await index.indexVirtualDocuments([
        { doc: 'catalog:metric:average_order_value', title: 'Average order value', text: 'Average order value (AOV) is revenue divided by the number of transaction rows.' },
        { doc: 'catalog:example:top-products', title: 'Top products by revenue', text: 'SELECT product_name, SUM(sales) FROM sales.sales_transactions JOIN sales.products USING (product_id) GROUP BY 1 ORDER BY 2 DESC LIMIT 5' },
      ]);
      await index.indexVirtualDocuments(
        [{ doc: 'catalog:metric:average_order_value', title: 'Average order value', text: 'Average order value (AOV) is revenue per order line.' }],
        { replacePrefix: 'catalog:' },
      );

      const [hit] = await index.search('what is AOV', 1);
      expect(hit).toMatchObject({ doc: 'catalog:metric:average_order_value' });
      expect(hit?.text).toContain('revenue per order line');
      expect((await index.documents()).filter((entry) => entry.root === 'virtual').map((entry) => entry.doc)).toEqual([
        'catalog:metric:average_order_value',
      ]);
    });
  });

  describe('Persistence', () => {
    it('writes <dataDir>/retrieval/index.json atomically and a new instance finds the same hits', async () => {
      const writer = new LocalIndex({ dataDir });
      await writer.ingest(docs);
      const expected = await writer.search('gross profit cost of goods', 3);

      const reader = new LocalIndex({ dataDir });
      const actual = await reader.search('gross profit cost of goods', 3);

      expect(actual).toEqual(expected);
      expect(existsSync(join(dataDir, 'retrieval', 'index.json'))).toBe(true);
      expect(readdirSync(join(dataDir, 'retrieval')).filter((name) => name.endsWith('.tmp'))).toEqual([]);
      const file = JSON.parse(readFileSync(join(dataDir, 'retrieval', 'index.json'), 'utf8'));
      expect(file.sources.map((source: { doc: string; hash: string }) => source.doc).sort()).toEqual([
        'metric-definitions.md',
        'policies/regional-organisation.md',
        'returns.txt',
      ]);
    });

    it('notices when another process rewrote the index', async () => {
      const server = new LocalIndex({ dataDir });
      expect(await server.search('when do list prices change', 1)).toEqual([]);

      write(docs, { 'pricing.md': '# Pricing\n\nList prices change every year on 1 February.' });
      await new LocalIndex({ dataDir }).ingest(docs);

      const [hit] = await server.search('when do list prices change', 1);
      expect(hit?.doc).toBe('pricing.md');
    });

    it('refuses a damaged index file with an error that says what to do', async () => {
      mkdirSync(join(dataDir, 'retrieval'), { recursive: true });
      writeFileSync(join(dataDir, 'retrieval', 'index.json'), '{"format": "bi-agent-retr');

      await expect(new LocalIndex({ dataDir }).search('revenue', 3)).rejects.toThrow(/damaged.*ingest/);
    });
  });
});

describe('Class: LocalRetriever', () => {
  it('answers the Retriever port with doc, text and score only', async () => {
    const work = mkdtempSync(join(tmpdir(), 'bi-agent-retriever-'));
    try {
      write(join(work, 'docs'), { 'metric-definitions.md': METRICS });
      const index = new LocalIndex({ dataDir: join(work, 'data') });
      await index.ingest(join(work, 'docs'));
      const retriever = new LocalRetriever(index);

      const hits = await retriever.search('gross profit', 2);

      expect(hits.length).toBeGreaterThan(0);
      expect(Object.keys(hits[0]!).sort()).toEqual(['doc', 'score', 'text']);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});
