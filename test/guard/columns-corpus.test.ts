import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadParser, parseSql } from '../../functions/core/guard/postgres-parser.ts';
import { PostgresSqlGuard } from '../../functions/core/guard/sql-guard.ts';
import { isRole, type Principal } from '../../functions/core/principal.ts';

interface Case {
  id: string;
  sql: string;
  role: string;
  regions?: string[];
  category?: string;
  why?: string;
  /** Another wall's engineer owns the case (dos/cost); this suite skips it. */
  owner?: string;
  /** A dos case refused by the structural limits alone (no cost estimate needed): this suite runs it. */
  structural?: boolean;
}

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/guard');
const load = (name: string): Case[] =>
  readFileSync(join(fixtures, name), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Case);

const attacks = load('attacks.jsonl');
const benign = load('benign.jsonl');
const ownAttacks = attacks.filter((attack) => (attack.category !== 'dos' || attack.structural === true) && attack.owner === undefined);
const guard = new PostgresSqlGuard({ maxRows: 1_000 });

function principal(entry: Case): Principal {
  if (!isRole(entry.role)) throw new Error(`${entry.id}: unknown role ${entry.role}`);
  return { subject: `corpus:${entry.id}`, role: entry.role, ...(entry.regions ? { regions: entry.regions } : {}) };
}

beforeAll(async () => {
  await loadParser();
});

describe('Corpus: the guard against test/fixtures/guard', () => {
  it('holds enough cases of every kind', () => {
    const categories = new Set(ownAttacks.map((attack) => attack.category));
    for (const category of ['stacked', 'dml', 'ddl', 'modifying_cte', 'statement_kind', 'catalog', 'out_of_schema', 'dangerous_function', 'column_privilege', 'obfuscation']) {
      expect(categories, category).toContain(category);
    }
    expect(ownAttacks.length).toBeGreaterThanOrEqual(60);
    expect(benign.length).toBeGreaterThanOrEqual(40);
    expect(new Set([...attacks, ...benign].map((entry) => entry.id)).size).toBe(attacks.length + benign.length);
  });

  describe('attacks', () => {
    it.each(ownAttacks.map((attack) => [`${attack.id} (${attack.category}, ${attack.role})`, attack] as const))('refuses %s', async (_label, attack) => {
      // Act
      const verdict = await guard.check(attack.sql, principal(attack));
      // Assess
      expect(verdict.allowed, `${attack.why}\n${verdict.allowed ? verdict.sql : ''}`).toBe(false);
      if (!verdict.allowed) {
        expect(verdict.reason.length).toBeGreaterThan(10);
        expect(verdict.reason).not.toMatch(/\n\s+at /);
      }
    });
  });

  describe('benign analyst queries', () => {
    it.each(benign.map((query) => [`${query.id} (${query.role})`, query] as const))('allows %s, and runs one statement', async (_label, query) => {
      // Act
      const verdict = await guard.check(query.sql, principal(query));
      // Assess
      if (!verdict.allowed) throw new Error(`${query.id} refused: ${verdict.reason}`);
      expect(parseSql(verdict.sql).stmts).toHaveLength(1);
    });
  });
});
