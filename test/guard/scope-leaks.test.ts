/**
 * The rewrite hole of issue 7, case by case: a CTE inside a set-operation arm (or nested deeper),
 * named after a scoped table, once made the region rewrite put the real table where the CTE stood,
 * after the column wall had judged the CTE. Every case runs the guard alone — its SQL executed as
 * the warehouse's login, which neither column privileges nor row-level security bind — so only the
 * guard stands between the principal and the data: each must be refused, or answer without a
 * single hidden value.
 */
import type { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgliteInThreadWarehouse } from '../../functions/adapters/warehouse/pglite.ts';
import { PostgresWarehouse } from '../../functions/adapters/warehouse/postgres.ts';
import { PostgresSqlGuard } from '../../functions/core/guard/sql-guard.ts';
import type { Warehouse } from '../../functions/core/ports.ts';
import type { Principal } from '../../functions/core/principal.ts';
import { createTestDatabase, postgresAvailable, SMALL_SEED, type TestDatabase } from '../support/postgres.ts';
import { openTestWarehouse } from '../support/warehouse.ts';

const analyst: Principal = { subject: 't', role: 'analyst', regions: ['Europe'] };
const viewer: Principal = { subject: 't', role: 'viewer', regions: ['Europe', 'Asia Pacific'] };

/** A value no answer for these principals may hold: an e-mail address or a customer's name. */
const personal = /@|^[A-Z][a-z]+ [A-Z][a-z]+/;

const cases: readonly [string, string, Principal][] = [
  ['in the left arm', "(with customers as (select customer_id::text as email from sales.customers) select email from customers limit 3) union all select 'x'", analyst],
  ['in the right arm', "select 'x' union all (with customers as (select customer_id::text as email from sales.customers) select email from customers limit 3)", analyst],
  ['under EXCEPT', "(with customers as (select customer_id::text as email from sales.customers) select email from customers) except select 'x'", analyst],
  ['under INTERSECT', "(with customers as (select customer_id::text as customer_name from sales.customers) select customer_name from customers) intersect select customer_name from (with customers as (select customer_id::text as customer_name from sales.customers) select customer_name from customers) s", analyst],
  ['nested in another CTE', "with x as ((with customers as (select customer_id::text as email from sales.customers) select email from customers) union select 'y') select * from x", analyst],
  ['as an EXISTS oracle', "select count(*) from sales.regions where exists ((with customers as (select region_id from sales.customers) select 1 from customers where email like 'a%') union select 1 where false)", analyst],
  ['through a whole-row reference', '(with customers as (select customer_id from sales.customers) select row_to_json(customers)::text from customers limit 3) union all select null', analyst],
  ['for cost, named after sales_transactions', '(with sales_transactions as (select transaction_id::numeric as cost from sales.sales_transactions) select sum(cost) from sales_transactions) union all select 0', viewer],
  ['for cost, filtered on in the other arm', "select 1 union all (with sales_transactions as (select units from sales.sales_transactions) select count(*) from sales_transactions where cost > 100)", viewer],
  ['in a sublink of a set-operation arm', "(select (with customers as (select customer_id::text as email from sales.customers) select max(email) from customers)) union all select 'x'", analyst],
];

const guard = new PostgresSqlGuard({ maxRows: 100 });

/** The cases on one warehouse, whose `asLogin()` runs statements as its login (guard alone). */
function leakSuite(name: string, open: () => Promise<{ asLogin: Warehouse; close: () => Promise<void> }>): void {
  describe(`Region scope with CTEs named after tables (guard alone, ${name})`, () => {
    let warehouse: { asLogin: Warehouse; close: () => Promise<void> };

    beforeAll(async () => {
      warehouse = await open();
    }, 120_000);

    afterAll(async () => {
      await warehouse?.close();
    });

    it.each(cases)('reads no hidden value %s', async (_label, sql, principal) => {
      const verdict = await guard.check(sql, principal);
      if (!verdict.allowed) {
        expect(['column', 'relation']).toContain(verdict.rule);
        return;
      }
      const result = await warehouse.asLogin.query(verdict.sql, { timeoutMs: 30_000, maxRows: 100 });
      for (const row of result.rows) for (const cell of row) expect(String(cell)).not.toMatch(personal);
      // The CTE stays a CTE: the statement reads the table only where the principal wrote it.
      expect(verdict.sql).not.toMatch(/FROM sales\.(customers|sales_transactions)\b/);
    });
  });
}

leakSuite('PGlite', async () => {
  const db: PGlite = await openTestWarehouse();
  return { asLogin: new PgliteInThreadWarehouse(db, { role: null }), close: () => db.close() };
});

const available = await postgresAvailable();
if (available) {
  leakSuite('PostgreSQL', async () => {
    const database: TestDatabase = await createTestDatabase({ seed: SMALL_SEED });
    const asLogin = new PostgresWarehouse({ connectionString: database.url, role: null });
    return {
      asLogin,
      close: async () => {
        await asLogin.close();
        await database.drop();
      },
    };
  });
}

describe('Region scope with CTEs named after tables (the guard)', () => {
  it('refuses a hidden column read through the CTE-named table in every case that names one', async () => {
    const verdict = await guard.check("select 1 union all (with customers as (select 1 as n) select count(*) from sales.customers where email <> '')", analyst);
    expect(verdict).toMatchObject({ allowed: false, rule: 'column' });
  });
});
