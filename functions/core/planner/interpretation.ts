/**
 * A short human restatement of a semantic query ("revenue by region, 2024-01-01 to 2024-12-31"), so
 * a person can see at a glance how the question was understood.
 */
import { dimensionByName, metricByName } from '../catalog/catalog.ts';
import type { DimensionRef, SemanticQuery } from './semantic-query.ts';
import { formatDate, parseDate, type DateRange } from './time-range.ts';

const inclusive = (r: DateRange): string => { const end = parseDate(r.end); end.setUTCDate(end.getUTCDate() - 1); return `${r.start} to ${formatDate(end)}`; };
const dim = (d: DimensionRef): string => (d.kind === 'time' ? d.grain : dimensionByName(d.name).label);

/** Describes a semantic query in one line. */
export function describeQuery(query: SemanticQuery): string {
  const c = query.cohort;
  if (c) {
    const by = query.dimensions.length ? ` by ${query.dimensions.map(dim).join(' and ')}` : '';
    const where = query.filters.length ? `, ${query.filters.map((f) => f.values.join(' or ')).join(', ')}` : '';
    switch (c.kind) {
      case 'signups': return c.signup ? `customer sign-ups${by}, ${inclusive(c.signup)}${where}` : `customers${by}${where}`;
      case 'signup-conversion': return `${c.output === 'percent' ? 'percentage' : 'number'} of customers${c.signup ? ` who signed up ${inclusive(c.signup)} and` : ' who'} ${c.negated ? 'did not buy' : 'bought'} ${c.purchase ? inclusive(c.purchase) : 'at any time'}${where}`;
      case 'new-customers': return `new customers (first purchase ever)${by}, ${inclusive(c.period)}${where}`;
      case 'new-customer-share': return `share of ${inclusive(c.period)} buyers whose first purchase ever was in that period${where}`;
      case 'bought-not': return `${c.output === 'percent' ? `% of customers who bought ${inclusive(c.bought)} that did not buy` : `customers who bought ${inclusive(c.bought)} but not`} ${inclusive(c.notBought)}${where}`;
      case 'bought-both': return `${c.output === 'percent' ? `% of customers who bought ${inclusive(c.first)} that also bought` : `customers who bought both ${inclusive(c.first)} and`} ${inclusive(c.second)}${where}`;
      case 'bought-values': return `${c.output === 'percent' ? '% of ' : ''}customers who bought ${c.bought.values[0]} and ${c.negated ? 'never' : 'also'} ${c.other.values[0]}, ${c.range ? inclusive(c.range) : 'whole period'}${where}`;
    }
  }
  const metrics = query.metrics.map((m) => metricByName(m).label).join(' and ');
  const parts: string[] = [];
  let head = metrics || 'list';
  if (query.share?.kind === 'of-total') head = `share of ${metrics} (%)`;
  if (query.share?.kind === 'of-value') head = `share of ${metrics} from ${query.share.numerator.values.join(' or ')} (%)`;
  if (query.ratio) head = `ratio of ${query.ratio.numerator.values[0]} ${metrics} to ${query.ratio.denominator.values[0]} ${metrics}`;
  if (query.averageOver) head = `average ${query.averageOver}ly ${metrics}`;
  if (query.comparison) head = `${metrics} ${query.comparison.mode === 'growth' ? 'growth %' : query.comparison.mode === 'change' ? 'change' : query.comparison.mode === 'ratio' ? 'ratio' : 'side by side'}, ${query.comparison.periods.map(inclusive).join(' vs ')}`;
  parts.push(head);
  if (query.dimensions.length) parts.push(`by ${query.dimensions.map(dim).join(' and ')}`);
  if (query.filters.length) parts.push(`for ${query.filters.map((f) => f.values.join(' or ')).join(', ')}`);
  if (query.signup) parts.push(`customers who signed up ${inclusive(query.signup)}`);
  if (query.range) parts.push(inclusive(query.range));
  else if (!query.comparison) parts.push('whole period');
  if (query.order) parts.push(`${query.order.direction === 'desc' ? 'highest' : 'lowest'} first${query.order.limit ? `, top ${query.order.limit}` : ''}`);
  if (query.perGroup) parts.push(`${query.perGroup.direction === 'desc' ? 'top' : 'bottom'} ${query.perGroup.limit} per ${query.perGroup.partitionBy.map(dim).join(' and ')}`);
  if (query.threshold) parts.push(`where ${metricByName(query.threshold.metric).label} ${query.threshold.operator} ${query.threshold.value}`);
  if (query.versusAverage) parts.push(`${query.versusAverage.operator === '>' ? 'above' : 'below'} the ${query.versusAverage.baseline === 'overall' ? 'overall figure' : 'average'}`);
  if (query.window?.kind === 'running-total') parts.push('with running total');
  if (query.window?.kind === 'rank') parts.push('ranked');
  if (query.countGroups) parts.push('counted');
  if (query.lineFilter) parts.push(`lines with ${query.lineFilter.column === 'sales' ? 'amount' : 'units'} ${query.lineFilter.operator} ${query.lineFilter.value}`);
  if (query.window?.kind === 'period-change') parts.push(`${query.window.mode === 'growth' ? 'growth %' : 'change'} vs the previous period`);
  return parts.join(', ');
}
