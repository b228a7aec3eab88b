import { beforeAll, describe, expect, it } from 'vitest';
import { checkColumnAccess } from '../../functions/core/guard/columns.ts';
import { loadParser, parseSql, type AstNode } from '../../functions/core/guard/postgres-parser.ts';
import { scopedSubquery } from '../../functions/core/guard/region-scope.ts';
import { Refusal } from '../../functions/core/guard/refusal.ts';
import { deparseTree } from '../../functions/core/guard/postgres-parser.ts';
import { checkWhatRuns } from '../../functions/core/guard/what-runs.ts';
import type { Principal } from '../../functions/core/principal.ts';

const europeAnalyst: Principal = { subject: 't', role: 'analyst', regions: ['Europe'] };

/**
 * The wall on its own, as if a rewrite had produced `ran` from a statement whose checked tree is
 * `ran`'s own tree: it must judge the text by what it does, not trust whoever wrote it.
 */
function judge(ran: string, principal: Principal = europeAnalyst, checked: string = ran): Refusal | undefined {
  const tree = parseSql(checked).stmts[0]!.stmt;
  try {
    checkWhatRuns(ran, tree, principal, { walls: (statement) => checkColumnAccess(statement, principal), maxRows: 100 });
    return undefined;
  } catch (error) {
    if (error instanceof Refusal) return error;
    throw error;
  }
}

/** The scope's own subquery for `table`, as SQL, aliased. */
function scopedRead(table: string, alias: string, principal: Principal = europeAnalyst): string {
  const subquery = scopedSubquery(table, { regionIds: [2], role: principal.role });
  const text = deparseTree({ version: 180000, stmts: [{ stmt: subquery as AstNode }] });
  return `(${text}) as ${alias}`;
}

beforeAll(() => loadParser());

describe('Function: checkWhatRuns', () => {
  it('accepts the scope subquery the guard itself writes, under the row cap', () => {
    expect(judge(`select count(*) from ${scopedRead('customers', 'c')} limit 100`)).toBeUndefined();
  });

  it('refuses a read of a scoped table that bypasses the scope subquery (the rewrite missed it)', () => {
    const refusal = judge('select count(*) from sales.customers c limit 100');
    expect(refusal?.rule).toBe('region_scope');
  });

  it('refuses the CTE-in-a-set-operation leak as it would run: the table under the CTE name reads a hidden column', () => {
    // What the earlier rewriter produced: the CTE reference replaced by the real, scoped table.
    const ran = `(with customers as (select customer_id::text as email from ${scopedRead('customers', 'customers')}) select email from ${scopedRead('customers', 'customers')} limit 3) union all select 'x' limit 100`;
    const refusal = judge(ran);
    expect(refusal?.rule).toBe('column');
    expect(refusal?.message).toMatch(/customers\.email is not readable by role analyst/);
  });

  it('does not collapse a look-alike subquery for other regions, so its partition read is refused', () => {
    const otherRegion = deparseTree({ version: 180000, stmts: [{ stmt: scopedSubquery('customers', { regionIds: [4], role: 'analyst' }) as AstNode }] });
    const refusal = judge(`select count(*) from (${otherRegion}) c limit 100`);
    expect(refusal?.rule).toBe('relation');
    expect(refusal?.message).toMatch(/customers_r4/);
  });

  it('does not collapse a scope subquery written for a wider role, whose columns this role may not read', () => {
    const adminRead = deparseTree({ version: 180000, stmts: [{ stmt: scopedSubquery('customers', { regionIds: [2], role: 'admin' }) as AstNode }] });
    expect(judge(`select count(*) from (${adminRead}) c limit 100`)?.rule).toBe('relation');
  });

  it('refuses text whose tree is not the checked tree (a deparser that dropped a clause)', () => {
    const refusal = judge('select region_id from sales.products group by region_id limit 100', { subject: 't', role: 'admin' }, 'select region_id from sales.products group by distinct region_id limit 100');
    expect(refusal?.rule).toBe('round_trip');
  });

  it('refuses text that is not held to the row cap', () => {
    expect(judge('select product_id from sales.products', { subject: 't', role: 'admin' })?.rule).toBe('round_trip');
  });

  it('says "could not write back", never "does not parse", when the written text does not parse', () => {
    const refusal = judge('select from from', { subject: 't', role: 'admin' }, 'select 1');
    expect(refusal?.rule).toBe('round_trip');
    expect(refusal?.message).not.toMatch(/^the statement does not parse/);
  });
});
