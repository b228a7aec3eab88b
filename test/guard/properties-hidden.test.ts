import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { HIDDEN_COLUMNS } from '../../functions/core/catalog/access.ts';
import { loadParser } from '../../functions/core/guard/postgres-parser.ts';
import { WAREHOUSE_COLUMNS, WAREHOUSE_REGIONS } from '../../functions/core/guard/schema.ts';
import { PostgresSqlGuard } from '../../functions/core/guard/sql-guard.ts';
import type { Principal, Role } from '../../functions/core/principal.ts';
import { statementFor, type GeneratedStatement } from '../support/sql-generators.ts';
import type { Table } from '../support/sql-model.ts';
import { decoyOf, PLANT_POSITIONS, plantHidden, type PlantChoice } from '../support/sql-plants.ts';

/**
 * Property-based specification of the column wall, by the guard alone (no database): a statement
 * over the warehouse — joins of every kind, CTEs named after the tables, set operations whose arms
 * have their own WITH, sublinks, LATERAL, windows, samples — that reads only what the role may read
 * is never refused for its columns; the same statement with one hidden column planted anywhere in
 * it (a select list, WHERE, ON, GROUP BY, HAVING, ORDER BY, a function's argument, a window, a
 * whole-row reference, `t.*`, a sublink, a CTE named after the table, a USING or NATURAL join, a
 * derived table that renames it; at any level: a set-operation arm, a CTE body, a sublink, a
 * lateral table) is refused, by rule `column`. Both for principals who read every region and for
 * region-scoped ones, whose statements the guard rewrites before it checks them again.
 */

const guard = new PostgresSqlGuard({ maxRows: 500 });
/** Fixed, so that a failure is the same on every machine; fast-check prints how to replay it. */
const SEED = 20_251_207;
const REGION_NAMES = WAREHOUSE_REGIONS.map((region) => region.name);
const ROLES_WITH_HIDDEN_COLUMNS: readonly Role[] = ['viewer', 'analyst'];
/** Every kind of query level a plant must reach. */
const LEVEL_CONTEXTS = ['top', 'arm', 'cte', 'derived', 'lateral', 'scalar', 'in', 'exists'] as const;

const hiddenColumns = (role: Role): (readonly [Table, string])[] =>
  Object.entries(HIDDEN_COLUMNS[role]).flatMap(([table, columns]) => columns.map((column) => [table as Table, column] as const));
const readableColumns = (role: Role, table: Table): string[] =>
  WAREHOUSE_COLUMNS[table]!.filter((column) => !(HIDDEN_COLUMNS[role][table] ?? []).includes(column));

/** Any non-empty set of regions, or none (every region). */
const regionScope = (scoped: boolean): fc.Arbitrary<readonly string[] | undefined> =>
  scoped ? fc.subarray(REGION_NAMES, { minLength: 1, maxLength: 4 }) : fc.constant(undefined);

interface PlantedCase {
  readonly statement: GeneratedStatement;
  readonly choice: PlantChoice;
  readonly principal: Principal;
}

function plantedCases(scoped: boolean): fc.Arbitrary<PlantedCase> {
  return fc.constantFrom(...ROLES_WITH_HIDDEN_COLUMNS).chain((role) =>
    fc.record({
      statement: statementFor(role),
      choice: fc.record({
        position: fc.constantFrom(...PLANT_POSITIONS),
        hidden: fc.constantFrom(...hiddenColumns(role)),
        level: fc.nat(30),
        variant: fc.nat(59),
      }).map(({ hidden: [table, column], ...choice }) => ({ ...choice, table, column })),
      principal: regionScope(scoped).map((regions): Principal => ({ subject: 'property', role, ...(regions ? { regions } : {}) })),
    }),
  );
}

function cleanCases(scoped: boolean): fc.Arbitrary<{ statement: GeneratedStatement; principal: Principal }> {
  return fc.constantFrom<Role>('viewer', 'analyst', 'admin').chain((role) =>
    fc.record({
      statement: statementFor(role),
      principal: regionScope(scoped).map((regions): Principal => ({ subject: 'property', role, ...(regions ? { regions } : {}) })),
    }),
  );
}

/** What the principal sees of a verdict in a failure message. */
function describeCase(sql: string, principal: Principal): string {
  return `${principal.role}${principal.regions ? ` scoped to ${principal.regions.join(', ')}` : ''}:\n${sql}`;
}

/** Where plants landed: a property whose plants never reached a set-operation arm would say nothing of arms. */
type Coverage = Map<string, number>;

async function assertPlantRefused({ statement, choice, principal }: PlantedCase, coverage: Coverage): Promise<void> {
  const planted = plantHidden(statement.query, choice);
  for (const key of [planted.context, planted.position]) coverage.set(key, (coverage.get(key) ?? 0) + 1);
  const verdict = await guard.check(planted.sql, principal);
  if (verdict.allowed) throw new Error(`allowed ${planted.label} for ${describeCase(planted.sql, principal)}\nas:\n${verdict.sql}`);
  if (!planted.valid || verdict.rule === 'column') return;
  // Refused for something else: only right if the same shape with a readable column is refused so too.
  const decoy = plantHidden(statement.query, decoyOf(choice, readableColumns(principal.role, choice.table)));
  const control = await guard.check(decoy.sql, principal);
  expect(control.allowed ? 'allowed' : control.rule, `${planted.label}: refused by rule ${verdict.rule} (${verdict.reason}), not column, though the same statement with a readable column is ${control.allowed ? 'allowed' : `refused by ${control.rule}`}\n${describeCase(planted.sql, principal)}`).toBe(verdict.rule);
}

beforeAll(async () => {
  await loadParser();
});

describe('Property: the column wall on generated statements (guard alone)', () => {
  it('never refuses a statement for its columns when it reads only what the role may read, for principals reading every region', async () => {
    await fc.assert(
      fc.asyncProperty(cleanCases(false), async ({ statement, principal }) => {
        const verdict = await guard.check(statement.sql, principal);
        if (!verdict.allowed) throw new Error(`refused by ${verdict.rule} (${verdict.reason}) for ${describeCase(statement.sql, principal)}`);
      }),
      { numRuns: 300, seed: SEED },
    );
  });

  it('never refuses such a statement by the column wall for region-scoped principals', async () => {
    await fc.assert(
      fc.asyncProperty(cleanCases(true), async ({ statement, principal }) => {
        const verdict = await guard.check(statement.sql, principal);
        if (!verdict.allowed && verdict.rule === 'column') throw new Error(`refused by column (${verdict.reason}) for ${describeCase(statement.sql, principal)}`);
      }),
      { numRuns: 300, seed: SEED },
    );
  });

  it.each([
    ['for principals reading every region', false, SEED],
    ['for region-scoped principals', true, SEED + 1],
  ] as const)('refuses a statement with a hidden column planted anywhere in it, %s', async (_label, scoped, seed) => {
    const coverage: Coverage = new Map();
    await fc.assert(fc.asyncProperty(plantedCases(scoped), (plantedCase) => assertPlantRefused(plantedCase, coverage)), { numRuns: 800, seed });
    for (const where of [...LEVEL_CONTEXTS, ...PLANT_POSITIONS]) expect(coverage.get(where) ?? 0, `plants ${where}`).toBeGreaterThan(0);
  });
});
