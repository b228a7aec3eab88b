import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../../functions/core/errors.ts';
import { customerCopyLine, transactionCopyLine } from '../../functions/warehouse/copy-text.ts';
import { CATEGORIES, PRODUCTS } from '../../functions/warehouse/dimensions.ts';
import {
  DEFAULT_GENERATOR_OPTIONS,
  generateCustomers,
  generateTransactions,
  resolveGeneratorOptions,
  type CustomerRow,
  type GeneratorOptions,
  type TransactionRow,
} from '../../functions/warehouse/generator.ts';
import { COST_RATIO_BP } from '../../functions/warehouse/sales-model.ts';

const SMALL: GeneratorOptions = resolveGeneratorOptions({ transactions: 20_000, customers: 1_000 });

function dataHash(options: GeneratorOptions): string {
  const hash = createHash('sha256');
  for (const row of generateCustomers(options)) hash.update(customerCopyLine(row));
  for (const row of generateTransactions(options)) hash.update(transactionCopyLine(row));
  return hash.digest('hex');
}

const sum = (values: number[]): number => values.reduce((a, b) => a + b, 0);

describe('Module: generator', () => {
  describe('determinism', () => {
    it('yields byte-identical rows for the same options', () => {
      expect(dataHash(SMALL)).toBe(dataHash({ ...SMALL }));
    });

    it('yields the rows it yielded when this test was written (same on every machine)', () => {
      // If a deliberate change to the generator or sales-model.ts moves this hash: bump
      // GENERATOR_VERSION (so built data folders are rebuilt) and update the hash.
      expect(dataHash(SMALL)).toBe('5533c614ac1e17e1e98ed83a4fae3bef6cf1c13bb46554d95b37e7ec9ddaf403');
    });

    it('yields different rows for a different seed', () => {
      expect(dataHash({ ...SMALL, seed: 43 })).not.toBe(dataHash(SMALL));
    });

    it('keeps the customers when only the number of sales lines changes', () => {
      const a = [...generateCustomers(SMALL)];
      const b = [...generateCustomers({ ...SMALL, transactions: 500 })];
      expect(b).toEqual(a);
    });

    it('yields exactly the requested number of rows', () => {
      let lines = 0;
      for (const _ of generateTransactions({ ...SMALL, transactions: 12_345 })) lines += 1;
      expect(lines).toBe(12_345);
      expect([...generateCustomers({ ...SMALL, customers: 321 })]).toHaveLength(321);
    });
  });

  describe('options', () => {
    it('defaults to the embedded default of the contract', () => {
      expect(resolveGeneratorOptions()).toEqual({
        seed: 42,
        transactions: 100_000,
        customers: 5_000,
        from: '2023-01-01',
        to: '2025-12-31',
      });
    });

    it('refuses impossible options with a message naming each problem', () => {
      const attempt = () => resolveGeneratorOptions({ customers: 3, from: '2024-02-30', transactions: -1 });
      expect(attempt).toThrow(InvalidRequestError);
      expect(attempt).toThrow(/customers must be .* ≥ 20/);
      expect(attempt).toThrow(/from must be a YYYY-MM-DD date/);
      expect(attempt).toThrow(/transactions must be/);
      expect(() => resolveGeneratorOptions({ from: '2025-01-01', to: '2024-12-31' })).toThrow(/must not be after/);
    });
  });

  describe('rows', () => {
    let customers: CustomerRow[];
    let lines: TransactionRow[];
    beforeAll(() => {
      customers = [...generateCustomers(SMALL)];
      lines = [...generateTransactions(SMALL)];
    });

    it('satisfy the schema constraints', () => {
      const money = /^\d{1,10}\.\d{2}$/;
      for (const line of lines) {
        expect(Number.isInteger(line.units) && line.units > 0).toBe(true);
        expect(line.sales).toMatch(money);
        expect(line.cost).toMatch(money);
        expect(Number(line.sales)).toBeGreaterThan(0);
        expect(Number(line.cost)).toBeGreaterThan(0);
        expect(line.region_id).toBeGreaterThanOrEqual(1);
        expect(line.region_id).toBeLessThanOrEqual(5);
        expect(line.segment_id).toBeGreaterThanOrEqual(1);
        expect(line.segment_id).toBeLessThanOrEqual(4);
        expect(line.product_id).toBeGreaterThanOrEqual(1);
        expect(line.product_id).toBeLessThanOrEqual(20);
        expect(line.customer_id).toBeGreaterThanOrEqual(1);
        expect(line.customer_id).toBeLessThanOrEqual(SMALL.customers);
        expect(line.created_at.startsWith(`${line.sale_date} `)).toBe(true);
      }
    });

    it('price each line as units × list price × (1 − whole-percent discount), to the cent', () => {
      for (const line of lines) {
        const list = line.units * PRODUCTS[line.product_id - 1]!.priceCents;
        const salesCents = Math.round(Number(line.sales) * 100);
        const discount = 100 - (salesCents * 100) / list;
        expect(Math.abs(discount - Math.round(discount))).toBeLessThan(0.5 / (list / 100) + 1e-9);
        expect(discount).toBeGreaterThanOrEqual(-0.01);
        expect(discount).toBeLessThanOrEqual(20.01);
        const product = PRODUCTS[line.product_id - 1]!;
        if (product.category === 'Services') expect(discount).toBeLessThanOrEqual(10.01);
        if (product.product_name === 'Managed IT') expect(Math.abs(discount)).toBeLessThan(0.01);
      }
    });

    it('stay within the date range, in date order', () => {
      expect(lines[0]!.sale_date).toBe(SMALL.from);
      expect(lines[lines.length - 1]!.sale_date).toBe(SMALL.to);
      for (let i = 1; i < lines.length; i += 1) expect(lines[i]!.sale_date >= lines[i - 1]!.sale_date).toBe(true);
    });

    it('sell to a customer of the same region who had signed up, in their segment of the day', () => {
      const byId = new Map(customers.map((customer) => [customer.customer_id, customer]));
      let sameSegment = 0;
      for (const line of lines) {
        const customer = byId.get(line.customer_id)!;
        expect(line.region_id).toBe(customer.region_id);
        expect(customer.signup_date <= line.sale_date).toBe(true);
        if (line.segment_id === customer.segment_id) sameSegment += 1;
        else expect(line.segment_id).toBe(customer.segment_id + 1); // moved up one segment later
      }
      expect(sameSegment / lines.length).toBeGreaterThan(0.9);
      expect(sameSegment).toBeLessThan(lines.length);
    });

    it('give customers unique e-mail addresses on reserved example domains only', () => {
      const emails = customers.map((customer) => customer.email);
      expect(new Set(emails).size).toBe(emails.length);
      for (const email of emails) expect(email).toMatch(/^[a-z0-9.]+@example\.(com|org|net)$/);
    });

    it('spread signups over the range, some before it', () => {
      const before = customers.filter((customer) => customer.signup_date < SMALL.from).length;
      const inRange = customers.filter((customer) => customer.signup_date >= SMALL.from && customer.signup_date <= SMALL.to);
      expect(before / customers.length).toBeGreaterThan(0.15);
      expect(before / customers.length).toBeLessThan(0.4);
      for (const year of ['2023', '2024', '2025']) {
        expect(inRange.filter((customer) => customer.signup_date.startsWith(year)).length).toBeGreaterThan(150);
      }
      expect(customers.every((customer) => customer.signup_date <= SMALL.to)).toBe(true);
    });
  });

  describe('structure of the default warehouse (100k lines)', () => {
    const revenue = new Map<string, number>();
    const add = (key: string, value: number): void => {
      revenue.set(key, (revenue.get(key) ?? 0) + value);
    };
    const get = (key: string): number => revenue.get(key) ?? 0;
    const costBp: number[][] = CATEGORIES.map(() => []);
    const discountBySegment: number[][] = [[], [], [], []];

    beforeAll(() => {
      for (const line of generateTransactions(DEFAULT_GENERATOR_OPTIONS)) {
        const sales = Number(line.sales);
        const year = line.sale_date.slice(0, 4);
        const month = Number(line.sale_date.slice(5, 7));
        add(`region:${line.region_id}`, sales);
        add(`region:${line.region_id}:${year}`, sales);
        add(`month:${month}`, sales);
        add(`quarter:${year}:${Math.ceil(month / 3)}`, sales);
        add(`segment:${line.segment_id}`, sales);
        const product = PRODUCTS[line.product_id - 1]!;
        const list = line.units * product.priceCents;
        costBp[CATEGORIES.indexOf(product.category)]!.push((Number(line.cost) * 100 * 10_000) / list);
        discountBySegment[line.segment_id - 1]!.push(100 - (Number(line.sales) * 100 * 100) / list);
      }
    });

    it('ranks regions by revenue: North America, Europe, Asia Pacific, Latin America, Middle East & Africa', () => {
      const ranked = [1, 2, 3, 4, 5].sort((a, b) => get(`region:${b}`) - get(`region:${a}`));
      expect(ranked).toEqual([1, 2, 3, 4, 5]);
    });

    it('has Asia Pacific growing fastest year over year, by a clear margin', () => {
      for (const [old, next] of [
        ['2023', '2024'],
        ['2024', '2025'],
      ]) {
        const growth = [1, 2, 3, 4, 5].map((r) => get(`region:${r}:${next}`) / get(`region:${r}:${old}`) - 1);
        const [fastest, ...others] = [...growth.entries()].sort((a, b) => b[1] - a[1]);
        expect(fastest![0]).toBe(2); // Asia Pacific
        expect(fastest![1] - others[0]![1]).toBeGreaterThan(0.03);
        expect(growth[0]).toBeGreaterThan(0); // and the business grows overall
      }
    });

    it('peaks in Q4 and dips in summer', () => {
      for (const year of ['2023', '2024', '2025']) {
        const q = [1, 2, 3, 4].map((quarter) => get(`quarter:${year}:${quarter}`));
        expect(Math.max(...q)).toBe(q[3]);
        expect(q[2]).toBeLessThan(q[1]!);
      }
      const months = Array.from({ length: 12 }, (_, m) => get(`month:${m + 1}`));
      const average = sum(months) / 12;
      expect(Math.max(...months)).toBe(months[11]);
      expect(months[6]).toBeLessThan(average);
      expect(months[7]).toBeLessThan(average);
    });

    it('has Enterprise as the largest segment by revenue, with the largest discounts', () => {
      const bySegment = [1, 2, 3, 4].map((s) => get(`segment:${s}`));
      expect(Math.max(...bySegment)).toBe(bySegment[0]);
      const meanDiscount = discountBySegment.map((values) => sum(values) / values.length);
      expect(meanDiscount[0]).toBeGreaterThan(meanDiscount[1]!);
      expect(meanDiscount[1]).toBeGreaterThan(meanDiscount[2]!);
      expect(meanDiscount[2]).toBeGreaterThan(meanDiscount[3]!);
    });

    it('costs each category about its designed share of list value', () => {
      costBp.forEach((values, category) => {
        const mean = sum(values) / values.length;
        expect(Math.abs(mean - COST_RATIO_BP[category]!)).toBeLessThan(50);
        expect(Math.min(...values)).toBeGreaterThan(COST_RATIO_BP[category]! - 500);
        expect(Math.max(...values)).toBeLessThan(COST_RATIO_BP[category]! + 500);
      });
    });
  });
});
