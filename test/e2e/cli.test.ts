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

function biAgent(args: string[], input = ''): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['dist/bi-agent.mjs', ...args], {
      env: { ...process.env, BI_AGENT_DATA: folder.path, DATABASE_URL: '' },
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
