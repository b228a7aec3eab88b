/**
 * Things people ask about that the sales warehouse does not hold. A question that names one is
 * refused with a reason ("the warehouse has no country"), rather than answered without it.
 */

/** A subject the warehouse has no data for, with the words people use for it. */
export interface UnavailableSubject {
  /** How the refusal names it. */
  readonly label: string;
  readonly synonyms: readonly string[];
}

/** Subjects outside the sample warehouse (schema `sales`). */
export const UNAVAILABLE: readonly UnavailableSubject[] = [
  { label: 'countries, states or cities (only the five sales regions)', synonyms: ['country', 'countries', 'city', 'cities', 'state', 'states', 'province', 'provinces', 'zip code', 'postal code', 'germany', 'france', 'usa', 'the us', 'the u s', 'u s a', 'united states', 'uk', 'united kingdom', 'canada', 'brazil', 'mexico', 'china', 'japan', 'india', 'australia'] },
  { label: 'sales people, employees or staff', synonyms: ['sales rep', 'sales reps', 'salesperson', 'salespeople', 'sales person', 'sales people', 'sales team', 'rep', 'reps', 'account manager', 'account managers', 'employee', 'employees', 'staff', 'headcount', 'salary', 'salaries', 'payroll', 'ceo', 'manager', 'managers'] },
  { label: 'sales channels or stores', synonyms: ['channel', 'channels', 'store', 'stores', 'shop', 'shops', 'website', 'web site', 'online', 'offline', 'ecommerce', 'e commerce'] },
  { label: 'suppliers, vendors or brands', synonyms: ['supplier', 'suppliers', 'vendor', 'vendors', 'brand', 'brands', 'manufacturer', 'manufacturers'] },
  { label: 'marketing, campaigns or web traffic', synonyms: ['marketing', 'campaign', 'campaigns', 'advertising', 'ad spend', 'ads', 'promotion', 'promotions', 'coupon', 'coupons', 'traffic', 'visits', 'sessions', 'clicks', 'impressions', 'leads'] },
  { label: 'discounts, returns or refunds (sales are stored after discount)', synonyms: ['discount', 'discounts', 'discounted', 'refund', 'refunds', 'refunded', 'chargeback', 'chargebacks'] },
  { label: 'inventory, stock or shipping', synonyms: ['inventory', 'stock level', 'stock levels', 'in stock', 'stock price', 'share price', 'warehouse stock', 'shipping cost', 'shipping costs', 'freight', 'delivery time'] },
  { label: 'budgets, targets or quotas', synonyms: ['budget', 'budgets', 'target', 'targets', 'quota', 'quotas', 'plan vs actual', 'goal', 'goals'] },
  { label: 'customer demographics', synonyms: ['age', 'ages', 'gender', 'genders', 'income level', 'birthday', 'birthdays'] },
  { label: 'weather', synonyms: ['weather', 'temperature', 'rain'] },
];
