import { describe, expect, it } from 'vitest';
import { CannotAnswerError, ForbiddenError } from '../../functions/core/errors.ts';
import { OfflinePlanner } from '../../functions/core/planner/offline-planner.ts';
import type { Role } from '../../functions/core/principal.ts';

const planner = new OfflinePlanner();
const plan = (question: string, role: Role = 'viewer', asOf = '2025-12-31') =>
  planner.plan({ question, asOf, principal: { subject: 'test', role }, context: [] });

describe('Class: OfflinePlanner', () => {
  describe('Method: plan', () => {
    it('answers with schema-qualified SQL, DATE literals and a restatement', async () => {
      const result = await plan('revenue by region in 2024');
      expect(result.planner).toBe('offline');
      expect(result.sql).toContain('FROM sales.sales_transactions t JOIN sales.regions r');
      expect(result.sql).toContain("t.sale_date >= DATE '2024-01-01' AND t.sale_date < DATE '2025-01-01'");
      expect(result.interpretation).toBe('revenue, by region, 2024-01-01 to 2024-12-31');
      expect(result.confidence).toBe(1);
    });

    it('selects exactly the asked-for columns', async () => {
      const { sql } = await plan('which region had the highest units in 2025');
      expect(sql).toMatch(/^SELECT r\.region_name AS region_name, sum\(t\.units\) AS units_sold FROM/);
      expect(sql).toMatch(/LIMIT 1$/);
    });

    it.each([
      ["What's the weather in Paris tomorrow?"],
      ['asdf qwerty zxcv'],
      ['How many employees do we have?'],
      ['Revenue in Germany in 2024'],
      ['Tell me a joke about databases'],
      [''],
    ])('refuses "%s" rather than guessing', async (question) => {
      await expect(plan(question)).rejects.toBeInstanceOf(CannotAnswerError);
    });

    it('says what it can answer when it refuses', async () => {
      await expect(plan('what is the weather')).rejects.toThrow(/revenue, units.*For example/);
    });

    it.each([['delete all customers'], ['drop table sales.customers'], ['update the revenue of Europe to 0']])('refuses to write: "%s"', async (question) => {
      await expect(plan(question, 'admin')).rejects.toThrow(/only read/);
    });

    it.each([
      ['profit by region in 2024', 'viewer', /gross profit needs the analyst role.*viewer/],
      ['gross margin % last quarter', 'viewer', /margin.*analyst/],
      ['COGS by segment', 'viewer', /cost needs the analyst role/],
      ['products with profit above 10000 in 2025', 'viewer', /analyst/],
      ['names of the top 5 customers by revenue in 2024', 'analyst', /customer names.*admin.*analyst/],
      ['top customers by revenue with their names', 'viewer', /admin/],
      ['show the names of customers who bought Managed IT in 2025', 'analyst', /customer names.*admin/],
    ] as const)('forbids "%s" to a %s', async (question, role, message) => {
      const error = await plan(question, role).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ForbiddenError);
      expect((error as Error).message).toMatch(message);
    });

    it('lets an analyst read profit and an admin read customer names', async () => {
      await expect(plan('profit by region in 2024', 'analyst')).resolves.toMatchObject({ planner: 'offline' });
      const { sql } = await plan('names of the top 5 customers by revenue in 2024', 'admin');
      expect(sql).toContain('c.customer_name');
      expect(sql).toContain('GROUP BY c.customer_id, c.customer_name');
    });

    it('resolves relative periods against the as-of date', async () => {
      const { sql } = await plan('revenue last quarter', 'viewer', '2024-02-29');
      expect(sql).toContain("DATE '2023-10-01'");
      expect(sql).toContain("DATE '2024-01-01'");
    });
  });
});
