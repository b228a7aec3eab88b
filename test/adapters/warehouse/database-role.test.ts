/**
 * Which database role a statement runs as, decided once for every adapter (read-only-statement.ts):
 * the principal's product role, and the narrowest when in doubt.
 */
import { describe, expect, it } from 'vitest';
import { databaseRoleFor, explainStatement, sessionSettingValues } from '../../../functions/adapters/warehouse/read-only-statement.ts';
import type { Role } from '../../../functions/core/principal.ts';

describe('Function: databaseRoleFor', () => {
  it('maps each product role to its database role', () => {
    expect([databaseRoleFor('viewer'), databaseRoleFor('analyst'), databaseRoleFor('admin')]).toEqual(['bi_viewer', 'bi_analyst', 'bi_admin']);
  });

  it.each([[undefined], ['Admin'], ['bi_admin'], [''], ['__proto__'], ['constructor']])('fails closed to bi_viewer for %j', (role) => {
    expect(databaseRoleFor(role as Role | undefined)).toBe('bi_viewer');
  });
});

describe('Function: sessionSettingValues', () => {
  it("passes the statement's database role, and the narrowest when the options name none", () => {
    expect(sessionSettingValues({ timeoutMs: 1_500.2, regions: ['Europe', 'Asia Pacific'], role: 'admin' }, 'database-role')).toEqual([
      '1501',
      'Europe,Asia Pacific',
      'bi_admin',
    ]);
    expect(sessionSettingValues({ timeoutMs: 10 }, 'database-role')).toEqual(['10', '', 'bi_viewer']);
  });

  it('keeps the login role only when the adapter was built to', () => {
    expect(sessionSettingValues({ timeoutMs: 10, role: 'admin' }, 'login-role')[2]).toBe('');
  });
});

describe('Function: explainStatement', () => {
  it('plans the statement as the cursor the adapters declare, appending nothing after it', () => {
    expect(explainStatement('select 1 -- end')).toBe('EXPLAIN (FORMAT JSON) DECLARE bi_agent_plan NO SCROLL CURSOR FOR select 1 -- end');
  });
});
