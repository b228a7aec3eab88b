import { describe, expect, it } from 'vitest';
import { chunkDocument, splitSentences } from '../../functions/core/retrieval/chunking.ts';

const sentence = (n: number): string => `Sentence number ${n} explains one rule of the policy in plain words for the reader.`;

describe('Function: chunkDocument', () => {
  describe('Markdown', () => {
    it('gives each section its heading path, document title first', () => {
      const content = [
        '# Metric definitions',
        '',
        'Owner: BI team.',
        '',
        '## Revenue',
        '',
        'Revenue is the sum of `sales` over the transactions in scope. It is net of discount and excludes tax, shipping and every other charge that is invoiced separately.',
        '',
        '### Synonyms',
        '',
        'Sales, net sales and turnover all mean revenue in this company, and so does bookings in decks made before 2024.',
      ].join('\n');

      const chunks = chunkDocument({ doc: 'metric-definitions.md', content }, { minWords: 5 });

      const revenue = chunks.find((chunk) => chunk.body.includes('Revenue is the sum'));
      expect(revenue?.headings).toEqual(['Metric definitions', 'Revenue']);
      expect(revenue?.text.startsWith('Metric definitions > Revenue\n\n')).toBe(true);
      const synonyms = chunks.find((chunk) => chunk.body.includes('turnover'));
      expect(synonyms?.headings).toEqual(['Metric definitions', 'Revenue', 'Synonyms']);
    });

    it('splits a long section between sentences, never inside one, with a little overlap', () => {
      const paragraphs = Array.from({ length: 6 }, (_, p) =>
        Array.from({ length: 5 }, (_, s) => sentence(p * 5 + s)).join(' '),
      );
      const content = ['# Policy', '', '## Rules', '', ...paragraphs.flatMap((paragraph) => [paragraph, ''])].join('\n');

      const chunks = chunkDocument({ doc: 'policy.md', content });

      expect(chunks.length).toBeGreaterThan(1);
      for (const chunk of chunks) {
        expect(chunk.wordCount).toBeLessThanOrEqual(250);
        expect(chunk.headings).toEqual(['Policy', 'Rules']);
        for (const part of splitSentences(chunk.body.replace(/\n+/g, ' '))) {
          expect(part).toMatch(/^Sentence number \d+ explains one rule of the policy in plain words for the reader\.$/);
        }
      }
      const all = chunks.map((chunk) => chunk.body).join(' ');
      for (let n = 0; n < 30; n++) expect(all).toContain(sentence(n));
      const [first, second] = chunks;
      const lastOfFirst = splitSentences(first!.body.replace(/\n+/g, ' ')).pop()!;
      expect(second!.body.startsWith(lastOfFirst)).toBe(true);
    });

    it('keeps a code block whole and does not read # inside it as a heading', () => {
      const content = ['# Cookbook', '', '## Revenue by region', '', 'Verified query.', '', '```sql', '# not a heading', 'SELECT 1;', '```'].join('\n');

      const chunks = chunkDocument({ doc: 'cookbook.md', content }, { minWords: 1 });

      const code = chunks.find((chunk) => chunk.body.includes('SELECT 1;'));
      expect(code?.body).toContain('```sql\n# not a heading\nSELECT 1;\n```');
      expect(code?.headings).toEqual(['Cookbook', 'Revenue by region']);
    });

    it('repeats a table header when a long table continues in the next chunk', () => {
      const rows = Array.from({ length: 40 }, (_, i) => `| Product ${i} | a description of product ${i} in a few more words |`);
      const content = ['# Prices', '', '| Product | Description |', '|---|---|', ...rows].join('\n');

      const chunks = chunkDocument({ doc: 'prices.md', content });

      expect(chunks.length).toBeGreaterThan(1);
      for (const chunk of chunks) expect(chunk.body.startsWith('| Product | Description |\n|---|---|')).toBe(true);
    });

    it('puts short sibling sections together under their own heading lines', () => {
      const content = ['# Glossary', '', '## AOV', '', 'Average order value, revenue per order.', '', '## ASP', '', 'Average selling price, revenue per unit.'].join('\n');

      const chunks = chunkDocument({ doc: 'glossary.md', content });

      expect(chunks).toHaveLength(1);
      expect(chunks[0]!.body).toContain('AOV\nAverage order value');
      expect(chunks[0]!.body).toContain('ASP\nAverage selling price');
      expect(chunks[0]!.extraHeadings).toEqual(['AOV', 'ASP']);
    });
  });

  describe('plain text', () => {
    it('reads a capitalised first line as the title and numbered capitals as headings', () => {
      const content = [
        'DATA REFRESH SCHEDULE',
        'Version 1, issued 2023-01-16.',
        '',
        '1. LOAD FREQUENCY',
        '',
        'The load runs Tuesday to Saturday at 05:00 UTC and brings in the invoices of the previous business day. There is no load on Sunday or Monday.',
        '',
        '2. LATE INVOICES',
        '',
        'Invoices that arrive after the nightly cut-off are loaded in the next run, and a full reload of the year runs once a month on a Sunday.',
      ].join('\n');

      // A small target keeps the two short sections apart (by default they would share a chunk).
      const chunks = chunkDocument({ doc: 'schedule.txt', content }, { minWords: 5, targetWords: 20 });

      const load = chunks.find((chunk) => chunk.body.includes('Tuesday to Saturday'));
      expect(load?.headings).toEqual(['DATA REFRESH SCHEDULE', '1. LOAD FREQUENCY']);
      const late = chunks.find((chunk) => chunk.body.includes('nightly cut-off'));
      expect(late?.headings).toEqual(['DATA REFRESH SCHEDULE', '2. LATE INVOICES']);
    });

    it('joins wrapped lines of a paragraph, so a phrase broken by a line end is found whole', () => {
      const content = 'Note\n\nManaged IT is invoiced monthly in arrears, so warehouse\nand Finance agree closely over every month of service.';

      const chunks = chunkDocument({ doc: 'note.txt', content });

      expect(chunks[0]!.text).toContain('so warehouse and Finance agree closely');
    });

    it('titles an untitled text file after its name', () => {
      const chunks = chunkDocument({ doc: 'mail/request-log.txt', content: 'Hello team,\n\nPlease send the monthly revenue by product for Latin America.' });

      expect(chunks[0]!.headings[0]).toBe('request log');
    });
  });

  it('gives no chunks for an empty document', () => {
    expect(chunkDocument({ doc: 'empty.md', content: '\n\n' })).toEqual([]);
  });
});

describe('Function: splitSentences', () => {
  it('splits at sentence ends but not after abbreviations or inside numbers', () => {
    expect(splitSentences('Margins are shown with 1.5 decimals, e.g. 12.3 %. The U.S. region is North America. Done!')).toEqual([
      'Margins are shown with 1.5 decimals, e.g. 12.3 %.',
      'The U.S. region is North America.',
      'Done!',
    ]);
  });
});
