/**
 * The red team of issue 7, as data: test/fixtures/guard/red-team-7.jsonl holds one statement a line
 * (`{sql, role, regions?, category, expect, note, executes?, known?}`) — hidden columns planted in
 * every context a statement has, CTEs named after tables, region-scope escapes, meaning changes of
 * the deparser, schema and function escapes, size limits, regular expressions, and ordinary BI SQL
 * that must pass.
 *
 * Three walls are asserted, from the guard alone to what the database returns:
 * - the verdict is the expected one (`known: "bypass"` lines are known holes, kept as `it.fails`
 *   until fixed, so fixing one turns its test red until the line is updated);
 * - whatever the guard allows runs on PGlite as the warehouse's login — which neither column
 *   privileges nor row-level security bind, so only the guard protects — and returns no e-mail and
 *   no customer name unless the role is admin;
 * - and, where the result is deterministic, exactly what the statement as written returns on a copy
 *   of the warehouse that holds only the principal's regions, with the role's hidden columns
 *   emptied: so no other region's row, no hidden value and no change of meaning gets through.
 * Then the cost ceiling (a scoped principal's refusals do not depend on other regions; a LIMIT does
 * not hide a cross product), and the meaning cases once more on PostgreSQL 15, the node-postgres
 * server, whose grammar is older than the guard's parser.
 */
import { readFileSync } from 'node:fs';
import type { PGlite } from '@electric-sql/pglite';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgliteInThreadWarehouse } from '../../functions/adapters/warehouse/pglite.ts';
import { HIDDEN_COLUMNS } from '../../functions/core/catalog/access.ts';
import { EMBEDDED_MAX_TOTAL_COST } from '../../functions/core/guard/cost.ts';
import { WAREHOUSE_REGIONS } from '../../functions/core/guard/schema.ts';
import { PostgresSqlGuard } from '../../functions/core/guard/sql-guard.ts';
import type { Principal, Role } from '../../functions/core/principal.ts';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../support/postgres.ts';
import { openTestWarehouse } from '../support/warehouse.ts';

interface RedTeamCase {
  readonly sql: string;
  readonly role: Role;
  readonly regions?: readonly string[];
  readonly category: string;
  readonly expect: 'allow' | 'refuse';
  readonly note: string;
  /** false: allowed, and the database refuses it as it would the statement as written. */
  readonly executes?: boolean;
  /** "bypass": a known hole, not fixed yet (see the note). */
  readonly known?: 'bypass';
}

const CASES: readonly RedTeamCase[] = readFileSync(new URL('../fixtures/guard/red-team-7.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as RedTeamCase);

const MAX_ROWS = 100;
const guard = new PostgresSqlGuard({ maxRows: MAX_ROWS });

function principalOf(c: RedTeamCase): Principal {
  return { subject: 'red-team', role: c.role, ...(c.regions ? { regions: c.regions } : {}) };
}

function label(c: RedTeamCase): string {
  const who = `${c.role}${c.regions ? `@${c.regions.join('+') || 'nowhere'}` : ''}`;
  return `[${c.category}] ${who} ${c.note}: ${c.sql.replace(/\s+/g, ' ').slice(0, 160)}`;
}

/**
 * Whether a statement's result is one set of rows whatever the physical order of the data: no row
 * cap of its own, no order-dependent function, no clock, no sample. Only those are compared with
 * the statement as written (two copies of the warehouse store their rows in different orders).
 */
const ORDER_DEPENDENT = /tablesample (system|bernoulli) \((?!100\))|random|now\(|current_|localtime|\blimit\b|\bfetch\b|\boffset\b|distinct on|ntile|row_number|first_value|last_value|nth_value|\blag\(|\blead\(|_agg\(|json_arrayagg|json_objectagg/i;

/** Rows as sorted JSON lines, floats to ten digits (sums of floats depend on the order of rows). */
function canonical(rows: readonly unknown[][]): string[] {
  const round = (_key: string, value: unknown) => (typeof value === 'number' && !Number.isInteger(value) ? Number(value.toPrecision(10)) : value);
  return rows.map((row) => JSON.stringify(row, round)).sort();
}

describe('Red team 7: the fixture', () => {
  it('holds several hundred attacks and about a hundred distinct benign statements, each well formed', () => {
    // Prepare / act: the fixture as loaded.
    const attacks = CASES.filter((c) => c.category !== 'benign');
    const benign = new Set(CASES.filter((c) => c.category === 'benign').map((c) => c.sql));
    // Assess
    expect(attacks.length).toBeGreaterThan(500);
    expect(benign.size).toBeGreaterThanOrEqual(100);
    for (const c of CASES) {
      expect(['viewer', 'analyst', 'admin']).toContain(c.role);
      expect(['allow', 'refuse']).toContain(c.expect);
      expect(c.note.length).toBeGreaterThan(0);
    }
  });
});

describe('Red team 7: the guard alone', () => {
  const open = CASES.filter((c) => c.known === undefined);
  const bypasses = CASES.filter((c) => c.known === 'bypass');

  it.each(open.map((c) => [label(c), c] as const))('%s', async (_label, c) => {
    const verdict = await guard.check(c.sql, principalOf(c));
    expect(verdict.allowed ? 'allow' : 'refuse', verdict.allowed ? verdict.sql : `${verdict.rule}: ${verdict.reason}`).toBe(c.expect);
    // A refusal names a rule and never calls SQL that parses "unparseable" because of the guard's own writing.
    if (!verdict.allowed && verdict.rule === 'round_trip') expect(verdict.reason).not.toMatch(/does not parse/);
  });

  // Known holes (see the report of issue 7's red team): each still passes the guard. Fixed, the
  // test turns red: then set the line's expectation and drop `known`.
  it.fails.each(bypasses.map((c) => [label(c), c] as const))('%s', async (_label, c) => {
    const verdict = await guard.check(c.sql, principalOf(c));
    expect(verdict.allowed ? 'allow' : 'refuse').toBe(c.expect);
  });
});

describe('Red team 7: what the guard allows, run as the warehouse login', () => {
  let db: PGlite;
  let asLogin: PgliteInThreadWarehouse;
  let customerNames: readonly string[] = [];
  const truths = new Map<string, { db: PGlite; warehouse: PgliteInThreadWarehouse }>();

  beforeAll(async () => {
    db = await openTestWarehouse();
    asLogin = new PgliteInThreadWarehouse(db, { role: null });
    customerNames = (await db.query<{ customer_name: string }>('select customer_name from sales.customers')).rows.map((row) => row.customer_name);
  });

  afterAll(async () => {
    await db?.close();
    for (const truth of truths.values()) await truth.db.close();
  });

  /**
   * A private copy of the warehouse holding what `principal` may see and nothing else: only its
   * regions' rows, and its role's hidden columns emptied. The statement as written, run there,
   * is the ground truth for what the guard's SQL may return.
   */
  async function truthFor(principal: Principal): Promise<PgliteInThreadWarehouse> {
    const regionIds = principal.regions
      ? [...new Set(principal.regions)].map((name) => WAREHOUSE_REGIONS.find((region) => region.name === name)!.id)
      : undefined;
    const key = `${principal.role}|${regionIds?.join(',') ?? '*'}`;
    let truth = truths.get(key);
    if (!truth) {
      const copy = await openTestWarehouse();
      if (regionIds) {
        const ids = regionIds.join(', ');
        await copy.exec(`DELETE FROM sales.sales_transactions WHERE region_id NOT IN (${ids}); DELETE FROM sales.customers WHERE region_id NOT IN (${ids}); DELETE FROM sales.regions WHERE region_id NOT IN (${ids});`);
      }
      for (const [table, columns] of Object.entries(HIDDEN_COLUMNS[principal.role])) {
        for (const column of columns) await copy.exec(`ALTER TABLE sales.${table} ALTER COLUMN ${column} DROP NOT NULL`);
        await copy.exec(`UPDATE sales.${table} SET ${columns.map((column) => `${column} = NULL`).join(', ')}`);
      }
      truth = { db: copy, warehouse: new PgliteInThreadWarehouse(copy, { role: null }) };
      truths.set(key, truth);
    }
    return truth.warehouse;
  }

  const runnable = CASES.filter((c) => c.expect === 'allow' && c.executes !== false && c.known === undefined);

  it.each(runnable.map((c) => [label(c), c] as const))('%s', async (_label, c) => {
    // Prepare
    const principal = principalOf(c);
    const verdict = await guard.check(c.sql, principal);
    if (!verdict.allowed) throw new Error(`refused: ${verdict.rule}: ${verdict.reason}`);
    // Act
    const result = await asLogin.query(verdict.sql, { timeoutMs: 30_000, maxRows: MAX_ROWS });
    // Assess: no hidden value, whatever the statement did to reach it.
    if (c.role !== 'admin') {
      for (const cell of result.rows.flat()) {
        const text = typeof cell === 'string' ? cell : JSON.stringify(cell) ?? '';
        expect(text, verdict.sql).not.toContain('@');
        for (const name of customerNames) expect(text.includes(name), `${verdict.sql} returned the customer name ${name}`).toBe(false);
      }
    }
    // Assess: the rows the statement as written returns where only the principal's data exists.
    if (ORDER_DEPENDENT.test(c.sql) || result.rows.length >= MAX_ROWS) return;
    const truth = await (await truthFor(principal)).query(`SELECT * FROM (${c.sql}\n) AS written LIMIT ${MAX_ROWS + 1}`, { timeoutMs: 30_000, maxRows: MAX_ROWS + 1 });
    if (truth.rows.length > MAX_ROWS) return;
    expect(canonical(result.rows), verdict.sql).toEqual(canonical(truth.rows));
  });
});

describe('Red team 7: the cost ceiling on the embedded warehouse', () => {
  let db: PGlite;
  let costed: PostgresSqlGuard;

  beforeAll(async () => {
    db = await openTestWarehouse();
    // The warehouse as the guard meets it: EXPLAIN as the principal's database role, in its scope.
    costed = new PostgresSqlGuard({ maxRows: MAX_ROWS, estimator: new PgliteInThreadWarehouse(db), cost: { maxTotalCost: EMBEDDED_MAX_TOTAL_COST } });
  });

  afterAll(async () => {
    await db?.close();
  });

  it.each([
    ['the guard’s own row cap over a self-join whose filter never holds', 'select a.transaction_id from sales.sales_transactions a, sales.sales_transactions b where a.units + b.units < 0'],
    ['a LIMIT 1 of the statement itself', 'select a.transaction_id from sales.sales_transactions a, sales.sales_transactions b where a.units + b.units < 0 limit 1'],
    ['a LIMIT inside a scalar subquery', 'select (select 1 from sales.sales_transactions a, sales.sales_transactions b where a.units + b.units < 0 limit 1)'],
  ])('refuses a cross product hidden under a LIMIT: %s (it planned at cost 3 and ran 25 s)', async (_label, sql) => {
    // Prepare: an unscoped viewer, so the whole fact table is in reach.
    const viewer: Principal = { subject: 'red-team', role: 'viewer' };
    // Act
    const verdict = await costed.check(sql, viewer);
    // Assess
    expect(verdict).toMatchObject({ allowed: false, rule: 'cost' });
  });

  // Known hole: the planner prices every call of a built-in at one unit of operator cost, so work
  // that grows with its arguments (numeric power with a large exponent, 8 ms a row on PostgreSQL
  // 15, far more on PGlite) plans at cost ~400 and runs to the statement timeout. Not fixed here
  // (see the report): a ceiling that prices it, or a bound on numeric exponents, would.
  it.fails('refuses per-row work the planner does not price: numeric power with a large exponent', async () => {
    // Prepare
    const viewer: Principal = { subject: 'red-team', role: 'viewer' };
    // Act
    const verdict = await costed.check('select count(*) from generate_series(1, 20000) x where power(x::numeric + 0.5, 20000) > 0', viewer);
    // Assess
    expect(verdict.allowed).toBe(false);
  });

  it('gives a region-scoped principal the same verdicts whichever other region a statement names', async () => {
    // Prepare: a Europe viewer bisecting the size of another region, as issue 7 found possible.
    const viewer: Principal = { subject: 'red-team', role: 'viewer', regions: ['Europe'] };
    const others = WAREHOUSE_REGIONS.filter((region) => region.name !== 'Europe').map((region) => region.id);
    for (const rows of [10, 1_000, 100_000, 1_000_000]) {
      for (const predicate of ['t.region_id = R', 't.region_id + 0 = R', 't.region_id in (R, 2)']) {
        // Act
        const verdicts = await Promise.all(
          others.map(async (id) => {
            const sql = `select count(*) from sales.sales_transactions t cross join generate_series(1, ${rows}) g where ${predicate.replace('R', String(id))}`;
            const verdict = await costed.check(sql, viewer);
            return verdict.allowed ? 'allowed' : `${verdict.rule}: ${verdict.reason}`;
          }),
        );
        // Assess
        expect(new Set(verdicts).size, `${predicate} × ${rows}: ${verdicts.join(' | ')}`).toBe(1);
      }
    }
  });

  it('still allows the heaviest benign statements of the fixture', async () => {
    // Prepare: the benign lines that touch the fact table and aggregate it.
    const heavy = CASES.filter((c) => c.category === 'benign' && /sales_transactions/.test(c.sql) && /group by|over \(/i.test(c.sql));
    // Act
    const refused: string[] = [];
    for (const c of heavy) {
      const verdict = await costed.check(c.sql, principalOf(c));
      if (!verdict.allowed) refused.push(`${c.sql} → ${verdict.rule}: ${verdict.reason}`);
    }
    // Assess
    expect(heavy.length).toBeGreaterThan(20);
    expect(refused).toEqual([]);
  });
});

const postgres = await postgresAvailable();

describe.skipIf(!postgres)('Red team 7: meaning on PostgreSQL 15 (the node-postgres server)', () => {
  let database: TestDatabase;
  let client: pg.Client;

  beforeAll(async () => {
    database = await createTestDatabase();
    client = await database.connect();
    await client.query('SET search_path = sales');
  });

  afterAll(async () => {
    await database?.drop();
  });

  async function rows(sql: string): Promise<unknown[][] | Error> {
    await client.query('BEGIN READ ONLY');
    try {
      return (await client.query({ text: sql, rowMode: 'array' })).rows as unknown[][];
    } catch (error) {
      return error as Error;
    } finally {
      await client.query('ROLLBACK');
    }
  }

  const meaning = CASES.filter((c) => c.category === 'meaning' && c.expect === 'allow' && c.regions === undefined);

  it.each(meaning.map((c) => [label(c), c] as const))('%s', async (_label, c) => {
    // Prepare
    const verdict = await guard.check(c.sql, principalOf(c));
    if (!verdict.allowed) throw new Error(`refused: ${verdict.rule}: ${verdict.reason}`);
    // Act
    const written = await rows(`SELECT * FROM (${c.sql}\n) AS written`);
    const run = await rows(verdict.sql);
    // Assess: a statement PostgreSQL 15 cannot read (PostgreSQL 16's JSON syntax, a FROM subquery
    // without alias) fails as the guard's SQL too; any other gives the same rows.
    if (written instanceof Error) {
      expect(run).toBeInstanceOf(Error);
      return;
    }
    if (run instanceof Error) throw run;
    if (ORDER_DEPENDENT.test(c.sql)) return;
    expect(canonical(run), verdict.sql).toEqual(canonical(written));
  });
});
