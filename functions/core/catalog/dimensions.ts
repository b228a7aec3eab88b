/**
 * The dimensions of the sales warehouse, their join paths from the fact table, and their named
 * values with the words people use for them. Spellings of values are the contract's exactly.
 */
import type { DimensionDefinition, JoinPath, TimeGrainDefinition } from './types.ts';

/** Joins from `sales.sales_transactions t` (and from `sales.customers c`) to the dimension tables. */
export const JOIN_PATHS: readonly JoinPath[] = [
  { table: 'sales.regions', alias: 'r', fromTransactions: 'r.region_id = t.region_id', fromCustomers: 'r.region_id = c.region_id' },
  { table: 'sales.customer_segments', alias: 's', fromTransactions: 's.segment_id = t.segment_id', fromCustomers: 's.segment_id = c.segment_id' },
  { table: 'sales.products', alias: 'p', fromTransactions: 'p.product_id = t.product_id' },
  { table: 'sales.customers', alias: 'c', fromTransactions: 'c.customer_id = t.customer_id' },
];

/** Finds a join path by its alias. */
export function joinPath(alias: string): JoinPath {
  const path = JOIN_PATHS.find((j) => j.alias === alias);
  if (!path) throw new Error(`unknown join ${alias}`);
  return path;
}

/**
 * Region and segment are those recorded on the transaction (at the time of sale), as the metric
 * definitions require; sign-up questions use the customer's own region and segment instead.
 */
export const DIMENSIONS: readonly DimensionDefinition[] = [
  {
    name: 'region',
    label: 'region',
    description: 'Sales region of the transaction (sales.regions.region_name).',
    synonyms: ['region', 'regions', 'regional', 'geography', 'geographies', 'geo', 'territory', 'territories', 'market', 'markets', 'area', 'areas', 'sales region', 'sales regions'],
    column: 'r.region_name',
    alias: 'region_name',
    join: 'r',
    customerColumn: 'r.region_name',
    role: 'viewer',
    values: [
      { value: 'North America', synonyms: ['north america', 'na', 'n america', 'north american', 'noram', 'namer'] },
      { value: 'Europe', synonyms: ['europe', 'eu', 'european', 'eur'] },
      { value: 'Asia Pacific', synonyms: ['asia pacific', 'apac', 'asia', 'asia pac', 'asiapac', 'asia and pacific', 'pacific'] },
      { value: 'Latin America', synonyms: ['latin america', 'latam', 'lat am', 'latin american'] },
      { value: 'Middle East & Africa', synonyms: ['middle east & africa', 'middle east and africa', 'mea', 'middle east', 'africa', 'me&a', 'mena'] },
    ],
  },
  {
    name: 'segment',
    label: 'customer segment',
    description: 'Customer segment recorded on the transaction (sales.customer_segments.segment_name).',
    synonyms: ['segment', 'segments', 'customer segment', 'customer segments', 'customer type', 'customer types', 'tier', 'tiers', 'customer group', 'customer groups', 'market segment', 'market segments'],
    column: 's.segment_name',
    alias: 'segment_name',
    join: 's',
    customerColumn: 's.segment_name',
    role: 'viewer',
    values: [
      { value: 'Enterprise', synonyms: ['enterprise', 'enterprises', 'ent', 'large enterprise', 'large enterprises', 'corporate', 'corporates', 'large accounts'] },
      { value: 'Mid-Market', synonyms: ['mid market', 'midmarket', 'mid-market', 'mm', 'mid size', 'midsize', 'mid sized', 'midsized', 'medium business', 'medium businesses', 'medium sized', 'mid tier'] },
      { value: 'Small Business', synonyms: ['small business', 'small businesses', 'smb', 'smbs', 'small biz', 'small companies', 'small company', 'small firms', 'sb'] },
      { value: 'Consumer', synonyms: ['consumer', 'consumers', 'b2c', 'individuals', 'individual buyers', 'retail customers', 'private customers', 'households'] },
    ],
  },
  {
    name: 'category',
    label: 'product category',
    description: 'Product category (sales.products.category).',
    synonyms: ['category', 'categories', 'product category', 'product categories', 'product line', 'product lines', 'product group', 'product groups', 'line of business', 'lines of business', 'business line', 'business lines', 'product family', 'product families'],
    column: 'p.category',
    alias: 'category',
    join: 'p',
    role: 'viewer',
    values: [
      { value: 'Hardware', synonyms: ['hardware', 'devices', 'hw'] },
      { value: 'Accessories', synonyms: ['accessories', 'accessory', 'peripherals'] },
      { value: 'Software', synonyms: ['software', 'sw', 'licenses', 'licences', 'software licenses'] },
      { value: 'Services', synonyms: ['services', 'service', 'professional services'] },
    ],
  },
  {
    name: 'product',
    label: 'product',
    description: 'Product (sales.products.product_name); twenty products, five per category.',
    synonyms: ['product', 'products', 'sku', 'skus', 'item', 'offering', 'offerings', 'product name', 'product names'],
    column: 'p.product_name',
    alias: 'product_name',
    join: 'p',
    role: 'viewer',
    values: [
      { value: 'Laptop Pro 14', synonyms: ['laptop pro 14', 'laptop pro', 'pro 14', 'laptop pro 14 inch'] },
      { value: 'Laptop Air 13', synonyms: ['laptop air 13', 'laptop air', 'air 13'] },
      { value: 'Desktop Tower X', synonyms: ['desktop tower x', 'desktop tower', 'tower x', 'desktop'] },
      { value: 'Monitor 27 4K', synonyms: ['monitor 27 4k', 'monitor 27', '4k monitor', 'monitor', 'monitors', '27 inch monitor'] },
      { value: 'Tablet S10', synonyms: ['tablet s10', 'tablet', 'tablets', 's10'] },
      { value: 'Wireless Mouse', synonyms: ['wireless mouse', 'mouse', 'mice', 'wireless mice'] },
      { value: 'Mechanical Keyboard', synonyms: ['mechanical keyboard', 'keyboard', 'keyboards', 'mechanical keyboards'] },
      { value: 'USB-C Dock', synonyms: ['usb c dock', 'usbc dock', 'usb dock', 'dock', 'docks', 'docking station', 'usb c docks'] },
      { value: 'Noise-Cancelling Headset', synonyms: ['noise cancelling headset', 'noise canceling headset', 'headset', 'headsets', 'noise cancelling headsets'] },
      { value: 'Laptop Backpack', synonyms: ['laptop backpack', 'backpack', 'backpacks', 'laptop backpacks'] },
      { value: 'Office Suite', synonyms: ['office suite', 'office'] },
      { value: 'Antivirus Plus', synonyms: ['antivirus plus', 'antivirus', 'anti virus'] },
      { value: 'Cloud Backup', synonyms: ['cloud backup', 'backup'] },
      { value: 'Design Studio', synonyms: ['design studio'] },
      { value: 'Analytics Cloud', synonyms: ['analytics cloud'] },
      { value: 'Premium Support', synonyms: ['premium support', 'support'] },
      { value: 'Onsite Installation', synonyms: ['onsite installation', 'on site installation', 'installation', 'installations', 'onsite install'] },
      { value: 'Extended Warranty', synonyms: ['extended warranty', 'warranty', 'warranties', 'extended warranties'] },
      { value: 'Training Workshop', synonyms: ['training workshop', 'training workshops', 'training', 'workshop', 'workshops'] },
      { value: 'Managed IT', synonyms: ['managed it', 'managed it services', 'managed services'] },
    ],
  },
  {
    name: 'customer',
    label: 'customer',
    description: 'Customer by id (t.customer_id); readable by every role.',
    synonyms: ['customer', 'customers', 'client', 'clients', 'account', 'accounts', 'buyer', 'buyers', 'customer id', 'customer ids', 'shopper', 'shoppers'],
    column: 't.customer_id',
    alias: 'customer_id',
    customerColumn: 'c.customer_id',
    role: 'viewer',
    values: [],
  },
  {
    name: 'customer_name',
    label: 'customer name',
    description: 'Customer name (sales.customers.customer_name): personal data, admin role only.',
    synonyms: ['customer name', 'customer names', 'name', 'names', 'named', 'called'],
    column: 'c.customer_name',
    alias: 'customer_name',
    groupBy: ['c.customer_id', 'c.customer_name'],
    join: 'c',
    customerColumn: 'c.customer_name',
    role: 'admin',
    values: [],
  },
];

/**
 * Value groups: words that mean several values at once. Honest mappings only: EMEA is Europe plus
 * Middle East & Africa in the company's old decks; B2B is every business segment.
 */
export const VALUE_GROUPS: readonly { dimension: string; values: readonly string[]; synonyms: readonly string[] }[] = [
  { dimension: 'region', values: ['Europe', 'Middle East & Africa'], synonyms: ['emea'] },
  { dimension: 'region', values: ['North America', 'Latin America'], synonyms: ['americas', 'the americas'] },
  { dimension: 'segment', values: ['Enterprise', 'Mid-Market', 'Small Business'], synonyms: ['b2b', 'business customers', 'businesses'] },
];

/** Calendar buckets; weeks start on Monday (PostgreSQL's date_trunc('week')), years are integers. */
export const TIME_GRAINS: readonly TimeGrainDefinition[] = [
  { name: 'day', synonyms: ['daily', 'day', 'days', 'per day', 'by day', 'each day', 'day by day', 'date'], expression: '{date}', alias: 'day' },
  { name: 'week', synonyms: ['weekly', 'week', 'weeks', 'per week', 'by week', 'each week', 'week by week'], expression: "date_trunc('week', {date})::date", alias: 'week' },
  { name: 'month', synonyms: ['monthly', 'month', 'months', 'per month', 'by month', 'each month', 'month by month', 'every month'], expression: "date_trunc('month', {date})::date", alias: 'month' },
  { name: 'quarter', synonyms: ['quarterly', 'quarter', 'quarters', 'per quarter', 'by quarter', 'each quarter', 'quarter by quarter'], expression: "date_trunc('quarter', {date})::date", alias: 'quarter' },
  { name: 'year', synonyms: ['yearly', 'annual', 'annually', 'year', 'years', 'per year', 'by year', 'each year', 'year by year', 'every year'], expression: 'extract(year FROM {date})::int', alias: 'year' },
];

/** Finds a dimension by name; throws on a typo in code. */
export function dimensionByName(name: string): DimensionDefinition {
  const dimension = DIMENSIONS.find((d) => d.name === name);
  if (!dimension) throw new Error(`unknown dimension ${name}`);
  return dimension;
}
