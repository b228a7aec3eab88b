/**
 * The `bi-agent` command as a user and the evaluation harness run it: the built bundle in dist/,
 * a real child process, JSON Lines on standard input, the embedded warehouse of a data folder.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyOfTestDataFolder, type DataFolder } from '../support/data-folder.ts';

let folder: DataFolder;

beforeAll(async () => {
  folder = await copyOfTestDataFolder();
});

afterAll(async () => {
  await folder?.remove();
});

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function biAgent(args: string[], input = '', env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['dist/bi-agent.mjs', ...args], {
      env: { ...process.env, BI_AGENT_DATA: folder.path, DATABASE_URL: '', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

const lines = (text: string) => text.trim().split('\n').map((line) => JSON.parse(line));

describe('Command: bi-agent ask --jsonl', () => {
  it('answers every line in order with its id, and turns bad lines into errors without stopping', async () => {
    const input = [
      { id: 'q1', question: 'units sold by category in 2024', role: 'viewer' },
      'this is not json',
      { id: 'q3', question: 'profit by region last year', role: 'viewer' },
      { id: 'q4', question: 'profit by region last year', role: 'analyst' },
      { id: 'q5' },
    ].map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join('\n');
    const run = await biAgent(['ask', '--jsonl', '--as-of', '2025-12-31'], input);
    expect(run.code).toBe(0);
    const [q1, bad, q3, q4, q5] = lines(run.stdout);
    expect(q1.id).toBe('q1');
    expect(q1.columns).toHaveLength(2);
    expect(q1.rows).toHaveLength(4);
    expect(q1.planner).toBe('offline');
    expect(typeof q1.rows[0][1]).toBe('number');
    expect(bad.error).toMatch(/not valid JSON/);
    expect(q3).toMatchObject({ id: 'q3', error: expect.stringMatching(/analyst/) });
    expect(q4.sql).toMatch(/'2024-01-01'/);
    expect(q5).toMatchObject({ id: 'q5', error: expect.stringMatching(/question/) });
  });
});

describe('Command: bi-agent sql --jsonl and guard --jsonl', () => {
  it('runs allowed statements with numbers as numbers and dates as YYYY-MM-DD, and refuses writes', async () => {
    const input = [
      { id: 's1', sql: "select min(sale_date) as first_day, count(*) as lines from sales.sales_transactions" },
      { id: 's2', sql: 'delete from sales.customers' },
    ].map((x) => JSON.stringify(x)).join('\n');
    const run = await biAgent(['sql', '--jsonl'], input);
    expect(run.code).toBe(0);
    const [s1, s2] = lines(run.stdout);
    expect(s1).toMatchObject({ id: 's1', allowed: true, columns: ['first_day', 'lines'] });
    expect(s1.rows[0][0]).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(typeof s1.rows[0][1]).toBe('number');
    expect(s2).toMatchObject({ id: 's2', allowed: false, reason: expect.stringMatching(/DELETE/) });
  });

  it('guard reports the statement as it will run, with the row cap applied', async () => {
    const run = await biAgent(['guard', '--jsonl'], JSON.stringify({ id: 'g1', sql: 'select region_name from regions' }) + '\n');
    expect(lines(run.stdout)[0]).toMatchObject({ id: 'g1', allowed: true, sql: expect.stringMatching(/LIMIT \d+/) });
  });
});

describe('Command: bi-agent ask (for people)', () => {
  it('prints a table, the summary and the SQL that ran', async () => {
    const run = await biAgent(['ask', 'top 3 products by units sold last quarter']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/product_name\s+units_sold/);
    expect(run.stdout).toContain('SQL (as run');
    expect(run.stdout.match(/^\S.*\s[\d,]+$/gm)?.length).toBeGreaterThanOrEqual(3);
  });

  it('exits 2 with a usage message on a misspelt flag, without a stack trace', async () => {
    const run = await biAgent(['ask', '--rol', 'admin', 'revenue']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/Unknown option '--rol'/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('Command: bi-agent in batch mode, with small byte budgets', () => {
  const budgets = { BI_AGENT_MAX_RESULT_BYTES: '20000', BI_AGENT_MAX_CELL_BYTES: '5000' };

  it('answers a line over a budget, a bad line and an oversized line, and goes on with the next', async () => {
    const input = [
      JSON.stringify({ id: 'cell', sql: "select region_name, repeat('x', 10000) as filler from sales.regions" }),
      JSON.stringify({ id: 'many', sql: "select transaction_id, 'line ' || transaction_id as label from sales.sales_transactions order by transaction_id" }),
      '{"id": "broken", ',
      JSON.stringify({ id: 'huge', sql: `select '${'x'.repeat(1_100_000)}'` }),
      JSON.stringify({ id: 'after', sql: 'select count(*) as n from sales.regions' }),
    ].join('\n');
    const run = await biAgent(['sql', '--jsonl'], input, budgets);
    expect(run.code).toBe(0);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    const [cell, many, broken, huge, after] = lines(run.stdout);
    expect(cell).toMatchObject({ id: 'cell', allowed: true, error: expect.stringMatching(/column "filler" in row 1 is 10,000 bytes long; a cell may hold at most 5,000 bytes/) });
    expect(many).toMatchObject({ id: 'many', allowed: true, truncated: true, truncatedBy: 'bytes' });
    expect(many.rows.length).toBeGreaterThan(100);
    expect(many.rows.length).toBeLessThan(5000);
    expect(many.rows.slice(0, 2)).toEqual([[1, 'line 1'], [2, 'line 2']]);
    expect(JSON.stringify(many.rows).length).toBeLessThan(20_000);
    expect(broken).toMatchObject({ id: null, error: expect.stringMatching(/not valid JSON/) });
    expect(huge).toMatchObject({ id: null, error: expect.stringMatching(/longer than 1,048,576 bytes/) });
    expect(after).toMatchObject({ id: 'after', allowed: true, rows: [[5]] });
  });

  it('reads a 200 MB result under the default 8 MiB budget and answers it cut, then the next line', async () => {
    const input = [
      JSON.stringify({ id: 'big', sql: "select g, repeat('x', 10000) as filler from generate_series(1, 20000) as g" }),
      JSON.stringify({ id: 'next', sql: 'select 1 as one' }),
    ].join('\n');
    const started = performance.now();
    const run = await biAgent(['sql', '--jsonl'], input);
    const [big, next] = lines(run.stdout);
    expect(big).toMatchObject({ id: 'big', allowed: true, truncated: true, truncatedBy: 'bytes' });
    let fitting = 0;
    for (let used = 0; used + 4 + String(fitting + 1).length + 4 + 10_000 <= 8 * 1024 * 1024; fitting++) used += 4 + String(fitting + 1).length + 4 + 10_000;
    expect(big.rows).toHaveLength(fitting);
    expect(run.stdout.split('\n')[0]!.length).toBeLessThan(8.5 * 1024 * 1024);
    expect(next).toMatchObject({ id: 'next', rows: [[1]] });
    expect(performance.now() - started).toBeLessThan(60_000);
  });

  it('says in the ask summary that the answer was cut by its size limit', async () => {
    const run = await biAgent(['ask', '--jsonl', '--as-of', '2025-12-31'], JSON.stringify({ id: 'a', question: 'revenue by product in 2024' }), {
      BI_AGENT_MAX_RESULT_BYTES: '300',
    });
    const [answer] = lines(run.stdout);
    expect(answer).toMatchObject({ id: 'a', truncated: true, truncatedBy: 'bytes' });
    expect(answer.summary).toMatch(/cut at the answer's size limit/);
    expect(answer.summary).not.toMatch(/: \d+ rows; highest/);
  });

  it('guard and search go on after a line that fails', async () => {
    const guard = await biAgent(['guard', '--jsonl'], ['[1, 2]', JSON.stringify({ id: 'g', sql: 'select 1' })].join('\n'));
    expect(lines(guard.stdout)).toMatchObject([{ id: null, error: expect.stringMatching(/JSON object/) }, { id: 'g', allowed: true }]);
    const search = await biAgent(['search', '--jsonl'], [JSON.stringify({ id: 'bad', query: 'margin', k: 0 }), JSON.stringify({ id: 's', query: 'gross margin' })].join('\n'));
    const [bad, good] = lines(search.stdout);
    expect(bad).toMatchObject({ id: 'bad', error: expect.stringMatching(/"k"/) });
    expect(good.id).toBe('s');
    expect(good.results.length).toBeGreaterThan(0);
  });
});

describe('Command: bi-agent sql (for people), over a budget', () => {
  it('prints a clear error naming the column, with no stack trace, and exits 1', async () => {
    const run = await biAgent(['sql', "select repeat('x', 10000) as filler"], '', { BI_AGENT_MAX_CELL_BYTES: '5000' });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^bi-agent: The value of column "filler" in row 1 is 10,000 bytes long/m);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('says under the table that the rows were cut, and by what', async () => {
    const run = await biAgent(['sql', 'select g from generate_series(1, 100) as g'], '', { BI_AGENT_MAX_RESULT_BYTES: '60' });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^\d+ rows? \(cut at the answer's size limit, BI_AGENT_MAX_RESULT_BYTES\)$/m);
  });
});
