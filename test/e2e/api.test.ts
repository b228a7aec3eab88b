/**
 * The whole agent over real HTTP: the local server, the middy handlers, the real pipeline (local
 * retrieval, offline planner, guard) and the embedded warehouse in its worker thread. Expected
 * figures come from hand-written SQL run straight on a separate copy of the same warehouse.
 */
import type { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyLocalDefaults } from '../../functions/local/environment.ts';
import { startLocalServer, type LocalServer } from '../../functions/local/server.ts';
import { buildDependencies, closeDependencies, configFromEnv, useDependencies } from '../../functions/platform/container.ts';
import { copyOfTestDataFolder, type DataFolder } from '../support/data-folder.ts';
import { openTestWarehouse } from '../support/warehouse.ts';

let folder: DataFolder;
let server: LocalServer;
let reference: PGlite;

beforeAll(async () => {
  // As `bi-agent serve` does: no metric lines on the terminal; and only warnings in test output.
  applyLocalDefaults();
  process.env.POWERTOOLS_LOG_LEVEL = 'WARN';
  folder = await copyOfTestDataFolder();
  const dependencies = await buildDependencies(configFromEnv({}, { dataDir: folder.path }));
  useDependencies(dependencies);
  server = await startLocalServer({ port: 0, handleSignals: false, onShutdown: closeDependencies });
  reference = await openTestWarehouse();
});

afterAll(async () => {
  await server?.close();
  await reference?.close();
  await folder?.remove();
});

async function ask(body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${server.url}/v1/ask`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, type: response.headers.get('content-type'), body: (await response.json()) as any };
}

async function expected(sql: string): Promise<[string, number][]> {
  const result = await reference.query<{ k: string; v: string }>(sql);
  return result.rows.map((row) => [String(row.k), Number(row.v)]);
}

const byKey = (rows: [string, number][]) => [...rows].sort((a, b) => a[0].localeCompare(b[0]));

describe('POST /v1/ask on the embedded default', () => {
  it('answers revenue by region for a year with the right figures, SQL, summary and a bar chart', async () => {
    const { status, body } = await ask({ question: 'total sales by region in 2024' });
    expect(status).toBe(200);
    const want = await expected(
      "select r.region_name as k, sum(t.sales) as v from sales.sales_transactions t join sales.regions r using (region_id) where t.sale_date between '2024-01-01' and '2024-12-31' group by 1",
    );
    const got = (body.rows as [string, number][]).map(([k, v]) => [k, v] as [string, number]);
    expect(byKey(got).map(([k]) => k)).toEqual(byKey(want).map(([k]) => k));
    byKey(got).forEach(([, v], i) => expect(v).toBeCloseTo(byKey(want)[i]![1], 2));
    expect(body.sql).toMatch(/FROM sales\.sales_transactions/);
    expect(body.planner).toBe('offline');
    const top = byKey(want).reduce((a, b) => (b[1] > a[1] ? b : a));
    expect(body.summary).toContain(`highest ${top[0]}`);
    expect(body.chart.mark).toBe('bar');
    expect(body.chart.data.values).toHaveLength(want.length);
  });

  it('resolves relative dates against asOf and draws a time series as a line', async () => {
    const { status, body } = await ask({ question: 'monthly units sold over the last 3 months', asOf: '2025-06-15' });
    expect(status).toBe(200);
    const want = await expected(
      "select to_char(date_trunc('month', sale_date), 'YYYY-MM-DD') as k, sum(units) as v from sales.sales_transactions where sale_date >= '2025-04-01' and sale_date < '2025-07-01' group by 1",
    );
    expect(byKey(body.rows)).toEqual(byKey(want));
    expect(body.asOf).toBe('2025-06-15');
    expect(body.chart.mark.type).toBe('line');
  });

  it('answers a single figure without a chart', async () => {
    const { status, body } = await ask({ question: 'how many transactions in March 2024?' });
    expect(status).toBe(200);
    const count = (await expected("select 'all' as k, count(*) as v from sales.sales_transactions where sale_date between '2024-03-01' and '2024-03-31'"))[0]![1];
    expect(body.rows).toEqual([[count]]);
    expect(body.chart).toBeNull();
    expect(body.summary).toContain(count.toLocaleString('en-US'));
  });

  it('says plainly, as a 422 problem, when it cannot answer', async () => {
    const { status, type, body } = await ask({ question: 'what will the weather be in Lisbon tomorrow?' });
    expect(status).toBe(422);
    expect(type).toMatch(/application\/problem\+json/);
    expect(body.code).toBe('cannot_answer');
    expect(body.detail).not.toMatch(/\n\s+at /);
  });

  it('refuses with 403 what the default viewer role may not read', async () => {
    const { status, body } = await ask({ question: 'total profit by region in 2024' });
    expect(status).toBe(403);
    expect(body.detail).toMatch(/analyst/);
  });

  it('rejects a request with unknown fields as a 400 problem naming them', async () => {
    const { status, body } = await ask({ question: 'revenue in 2024', sql: 'drop table x' });
    expect(status).toBe(400);
    expect(JSON.stringify(body)).toContain('sql');
  });

  it('reports ready once the warehouse answers', async () => {
    const response = await fetch(`${server.url}/ready`);
    expect(response.status).toBe(200);
  });
});
