/**
 * The fixed reference data of the sample warehouse (contract: names spelled exactly as in
 * `warehouse.sql`). Migration `003_reference_data.sql` inserts the same rows, with the same ids;
 * the generator needs them in code for list prices and categories, and a test keeps the two equal.
 */

/** Region ids, in order of size (North America sells most). */
export const REGIONS = [
  { region_id: 1, region_name: 'North America' },
  { region_id: 2, region_name: 'Europe' },
  { region_id: 3, region_name: 'Asia Pacific' },
  { region_id: 4, region_name: 'Latin America' },
  { region_id: 5, region_name: 'Middle East & Africa' },
] as const;

export const SEGMENTS = [
  { segment_id: 1, segment_name: 'Enterprise' },
  { segment_id: 2, segment_name: 'Mid-Market' },
  { segment_id: 3, segment_name: 'Small Business' },
  { segment_id: 4, segment_name: 'Consumer' },
] as const;

export type Category = 'Hardware' | 'Accessories' | 'Software' | 'Services';

/** The four product categories, in the order the generator's tables use. */
export const CATEGORIES: readonly Category[] = ['Hardware', 'Accessories', 'Software', 'Services'];

export interface Product {
  readonly product_id: number;
  readonly product_name: string;
  readonly category: Category;
  /** `numeric(10,2)` as written in SQL; `priceCents` is the same in integer cents. */
  readonly list_price: string;
  readonly priceCents: number;
}

const product = (product_id: number, product_name: string, category: Category, list_price: string): Product => ({
  product_id,
  product_name,
  category,
  list_price,
  priceCents: Math.round(Number(list_price) * 100),
});

export const PRODUCTS: readonly Product[] = [
  product(1, 'Laptop Pro 14', 'Hardware', '1899.00'),
  product(2, 'Laptop Air 13', 'Hardware', '1199.00'),
  product(3, 'Desktop Tower X', 'Hardware', '1499.00'),
  product(4, 'Monitor 27 4K', 'Hardware', '449.00'),
  product(5, 'Tablet S10', 'Hardware', '649.00'),
  product(6, 'Wireless Mouse', 'Accessories', '39.99'),
  product(7, 'Mechanical Keyboard', 'Accessories', '129.00'),
  product(8, 'USB-C Dock', 'Accessories', '219.00'),
  product(9, 'Noise-Cancelling Headset', 'Accessories', '279.00'),
  product(10, 'Laptop Backpack', 'Accessories', '89.00'),
  product(11, 'Office Suite', 'Software', '299.00'),
  product(12, 'Antivirus Plus', 'Software', '59.99'),
  product(13, 'Cloud Backup', 'Software', '119.00'),
  product(14, 'Design Studio', 'Software', '599.00'),
  product(15, 'Analytics Cloud', 'Software', '1200.00'),
  product(16, 'Premium Support', 'Services', '999.00'),
  product(17, 'Onsite Installation', 'Services', '349.00'),
  product(18, 'Extended Warranty', 'Services', '199.00'),
  product(19, 'Training Workshop', 'Services', '1500.00'),
  product(20, 'Managed IT', 'Services', '2400.00'),
];
