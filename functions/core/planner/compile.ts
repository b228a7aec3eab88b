/**
 * Compiles a semantic query into one PostgreSQL statement over schema `sales`: tables always
 * schema-qualified, dates as DATE literals in half-open ranges, and exactly the asked-for columns
 * (breakdowns, then figures), since an extra column would change the answer.
 */
import { CannotAnswerError } from '../errors.ts';
import { dimensionByName, joinPath, metricByName, TIME_GRAINS } from '../catalog/catalog.ts';
import type { DimensionRef, SemanticQuery, ValueFilter } from './semantic-query.ts';
import { extendBack, type DateRange } from './time-range.ts';

/** How to compile: whether a customer breakdown shows names (admin) or ids. */
export interface CompileOptions {
  readonly customerNames: boolean;
}

interface Column { readonly expression: string; readonly alias: string; readonly groupBy: readonly string[]; readonly join?: string }

const quote = (value: string): string => `'${value.replaceAll("'", "''")}'`;
const slug = (text: string): string => text.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '');

/** `col >= DATE 'a' AND col < DATE 'b'`. */
export function rangeCondition(range: DateRange, column = 't.sale_date'): string {
  return `${column} >= DATE '${range.start}' AND ${column} < DATE '${range.end}'`;
}

function dimensionColumn(ref: DimensionRef, source: 't' | 'c', options: CompileOptions): Column {
  if (ref.kind === 'time') {
    const grain = TIME_GRAINS.find((g) => g.name === ref.grain)!;
    const expression = grain.expression.replaceAll('{date}', source === 't' ? 't.sale_date' : 'c.signup_date');
    return { expression, alias: grain.alias, groupBy: [expression] };
  }
  const name = ref.name === 'customer' && options.customerNames ? 'customer_name' : ref.name;
  const d = dimensionByName(name);
  const expression = source === 'c' ? d.customerColumn ?? d.column : d.column;
  if (source === 'c' && !d.customerColumn) throw new CannotAnswerError(`Sign-up questions can be broken down by region, segment or sign-up period, not by ${d.label}.`);
  const join = source === 'c' && name === 'customer_name' ? undefined : d.join;
  return { expression, alias: d.alias, groupBy: source === 'c' && name === 'customer_name' ? ['c.customer_id', 'c.customer_name'] : d.groupBy ?? [expression], ...(join ? { join } : {}) };
}

function filterCondition(filter: ValueFilter, source: 't' | 'c'): { condition: string; join?: string } {
  const d = dimensionByName(filter.dimension);
  const column = source === 'c' ? d.customerColumn : d.column;
  if (!column) throw new CannotAnswerError(`Questions about sign-ups can be filtered by region or segment, not by ${d.label}.`);
  const condition = filter.values.length === 1 ? `${column} = ${quote(filter.values[0]!)}` : `${column} IN (${filter.values.map(quote).join(', ')})`;
  return d.join ? { condition, join: d.join } : { condition };
}

function fromClause(joins: Set<string>, source: 't' | 'c'): string {
  const base = source === 't' ? 'sales.sales_transactions t' : 'sales.customers c';
  const order = ['r', 's', 'p', 'c'];
  const parts = [base];
  for (const alias of order) {
    if (!joins.has(alias) || (source === 'c' && alias === 'c')) continue;
    const path = joinPath(alias);
    const on = source === 't' ? path.fromTransactions : path.fromCustomers;
    if (!on) throw new CannotAnswerError('That breakdown is not available for customer sign-ups.');
    parts.push(`JOIN ${path.table} ${alias} ON ${on}`);
  }
  return parts.join(' ');
}

/** A metric's SQL, with an optional FILTER condition on every aggregate. */
export function metricSql(name: string, filter?: string): string {
  return metricByName(name).expression.replaceAll('{f}', filter ? ` FILTER (WHERE ${filter})` : '');
}

const and = (...conditions: (string | undefined)[]): string | undefined => {
  const present = conditions.filter((c): c is string => !!c);
  return present.length ? present.join(' AND ') : undefined;
};

/** Compiles a semantic query; throws `CannotAnswerError` for combinations it cannot express. */
export function compile(query: SemanticQuery, options: CompileOptions): string {
  if (query.cohort) return compileCohort(query, options);
  if (query.countGroups) {
    // How many groups pass the test: count the rows of the listing.
    const { countGroups: _, order: __, ...listing } = query;
    const counted = query.dimensions[0];
    const alias = counted?.kind === 'dimension' ? `${dimensionByName(counted.name).alias.replace(/_(name|id)$/, '')}s` : 'groups';
    return `SELECT count(*) AS ${alias} FROM (${compile(listing, options)}) y`;
  }
  const joins = new Set<string>();
  // Periods side by side by month (week, quarter): the bucket's place in its period (month 1..12), so
  // that each row holds the same month of every period.
  const withinPeriod = (d: DimensionRef): Column | undefined => {
    if (d.kind !== 'time' || !query.comparison || !['week', 'month', 'quarter'].includes(d.grain)) return undefined;
    const expression = `extract(${d.grain} FROM t.sale_date)::int`;
    return { expression, alias: d.grain, groupBy: [expression] };
  };
  const dims = query.dimensions.map((d) => withinPeriod(d) ?? dimensionColumn(d, 't', options));
  for (const d of dims) if (d.join) joins.add(d.join);
  const where: string[] = [];
  for (const f of query.filters) { const c = filterCondition(f, 't'); where.push(c.condition); if (c.join) joins.add(c.join); }
  if (query.lineFilter) where.push(`t.${query.lineFilter.column} ${query.lineFilter.operator} ${query.lineFilter.value}`);
  if (query.signup) { joins.add('c'); where.push(rangeCondition(query.signup, 'c.signup_date')); }
  const valueCondition = (f: ValueFilter): string => { const c = filterCondition(f, 't'); if (c.join) joins.add(c.join); return c.condition; };

  if (query.comparison) {
    const periods = query.comparison.periods;
    where.push(periodsCondition(periods));
  } else if (query.range) {
    where.push(rangeCondition(query.range));
  }

  const primary = query.metrics[0] ?? 'revenue';
  const figures: { expression: string; alias: string }[] = [];
  const base = (name: string, extra?: string): string => metricSql(name, extra);
  if (query.comparison) {
    const [older, newer] = [query.comparison.periods[0]!, query.comparison.periods[query.comparison.periods.length - 1]!];
    for (const m of query.metrics) {
      const col = metricByName(m).column;
      if (query.comparison.mode === 'side-by-side') {
        for (const p of query.comparison.periods) figures.push({ expression: base(m, rangeCondition(p)), alias: `${col}_${slug(p.label)}` });
      } else if (query.comparison.mode === 'ratio') {
        const [num, den] = query.comparison.periods as [DateRange, DateRange];
        figures.push({ expression: `(${base(m, rangeCondition(num))})::numeric / (${base(m, rangeCondition(den))})`, alias: `${col}_ratio_${slug(num.label)}_to_${slug(den.label)}` });
      } else if (query.comparison.mode === 'growth') {
        figures.push({ expression: `(${base(m, rangeCondition(newer))} - (${base(m, rangeCondition(older))})) * 100.0 / (${base(m, rangeCondition(older))})`, alias: `${col}_growth_pct` });
      } else {
        figures.push({ expression: `${base(m, rangeCondition(newer))} - (${base(m, rangeCondition(older))})`, alias: `${col}_change` });
      }
      // The growth or change stays first: rankings and thresholds use the first figure.
      if (query.comparison.withPeriods) {
        for (const p of query.comparison.periods) figures.push({ expression: base(m, rangeCondition(p)), alias: `${col}_${slug(p.label)}` });
      }
    }
  } else if (query.ratio) {
    const num = valueCondition(query.ratio.numerator); const den = valueCondition(query.ratio.denominator);
    figures.push({ expression: `(${base(primary, num)})::numeric / (${base(primary, den)})`, alias: `${slug(query.ratio.numerator.values.join('_'))}_to_${slug(query.ratio.denominator.values.join('_'))}` });
  } else if (query.share?.kind === 'of-value') {
    const num = valueCondition(query.share.numerator);
    figures.push({ expression: `(${base(primary, num)}) * 100.0 / (${base(primary)})`, alias: `${slug(query.share.numerator.values.join('_'))}_share_pct` });
  } else if (query.share?.kind === 'of-total') {
    const within = (query.share.partitionBy ?? []).map((p) => dimensionColumn(p, 't', options).expression);
    figures.push({ expression: `(${base(primary)}) * 100.0 / sum(${base(primary)}) OVER (${within.length ? `PARTITION BY ${within.join(', ')}` : ''})`, alias: 'share_pct' });
  } else {
    for (const m of query.metrics) figures.push({ expression: base(m), alias: metricByName(m).column });
  }

  const select = [...dims.map((d) => `${d.expression} AS ${d.alias}`)];
  const groupBy = dims.flatMap((d) => d.groupBy);
  const from = fromClause(joins, 't');
  const whereSql = where.length ? ` WHERE ${where.join(' AND ')}` : '';
  const groupSql = groupBy.length ? ` GROUP BY ${groupBy.join(', ')}` : '';
  const having = query.threshold ? ` HAVING ${base(query.threshold.metric)} ${query.threshold.operator} ${query.threshold.value}` : '';
  const timeDim = dims.find((_, i) => query.dimensions[i]!.kind === 'time');
  const otherDims = dims.filter((d) => d !== timeDim);

  if (query.averageOver) {
    const grain = TIME_GRAINS.find((g) => g.name === query.averageOver)!;
    const bucket = grain.expression.replaceAll('{date}', 't.sale_date');
    const inner = `SELECT ${[...select, `${bucket} AS bucket`, `${figures[0]!.expression} AS value`].join(', ')} FROM ${from}${whereSql} GROUP BY ${[...groupBy, bucket].join(', ')}`;
    const outerDims = dims.map((d) => d.alias);
    return `SELECT ${[...outerDims, `avg(value) AS avg_${grain.alias}ly_${figures[0]!.alias}`].join(', ')} FROM (${inner}) x${outerDims.length ? ` GROUP BY ${outerDims.join(', ')}` : ''}`;
  }

  if (query.window?.kind === 'running-total') {
    if (!timeDim) throw new CannotAnswerError('A running total needs a time breakdown, such as "by month".');
    const partition = otherDims.length ? `PARTITION BY ${otherDims.map((d) => d.expression).join(', ')} ` : '';
    const running = query.metrics.map((m) => `sum(${base(m)}) OVER (${partition}ORDER BY ${timeDim.expression}) AS running_${metricByName(m).column}`);
    const cols = [...select, ...(query.window.includeBase ? figures.map((f) => `${f.expression} AS ${f.alias}`) : []), ...running];
    return `SELECT ${cols.join(', ')} FROM ${from}${whereSql}${groupSql} ORDER BY ${timeDim.alias}`;
  }

  if (query.window?.kind === 'rank') {
    const partitionExprs = query.window.partitionBy.map((p) => dimensionColumn(p, 't', options).expression);
    const partition = partitionExprs.length ? `PARTITION BY ${partitionExprs.join(', ')} ` : '';
    const cols = [...select, ...figures.map((f) => `${f.expression} AS ${f.alias}`), `rank() OVER (${partition}ORDER BY ${figures[0]!.expression} ${query.window.direction.toUpperCase()}) AS rank`];
    return `SELECT ${cols.join(', ')} FROM ${from}${whereSql}${groupSql}${having}`;
  }

  if (query.window?.kind === 'period-change') {
    if (!timeDim) throw new CannotAnswerError('A period-over-period change needs a time breakdown.');
    const grain = (query.dimensions.find((d) => d.kind === 'time') as { grain: 'day' | 'week' | 'month' | 'quarter' | 'year' }).grain;
    const yearly = query.window.lag === 'year' && grain !== 'year';
    const innerWhere = [...where];
    if (query.range) innerWhere[innerWhere.length - 1] = rangeCondition({ ...query.range, start: extendBack(query.range, yearly ? 'year' : grain) });
    const value = figures[0]!;
    const partition = otherDims.length ? `PARTITION BY ${otherDims.map((d) => d.alias).join(', ')} ` : '';
    // Against the bucket just before, or (year over year by month) the same bucket a year earlier.
    const previous = yearly ? `prev.${value.alias}` : `lag(${value.alias}) OVER (${partition}ORDER BY ${timeDim.alias})`;
    const current = yearly ? `m.${value.alias}` : value.alias;
    const change = query.window.mode === 'growth' ? `(${current} - ${previous}) * 100.0 / ${previous} AS growth_pct_vs_previous` : `${current} - ${previous} AS change_vs_previous`;
    const m = `SELECT ${[...select, `${value.expression} AS ${value.alias}`].join(', ')} FROM ${from}${innerWhere.length ? ` WHERE ${innerWhere.join(' AND ')}` : ''}${groupSql}`;
    const keep = dims.map((d) => (yearly ? `m.${d.alias}` : d.alias));
    const yearBack = grain === 'week' ? "interval '52 weeks'" : "interval '1 year'";
    const joinPrevious = yearly ? ` LEFT JOIN m prev ON prev.${timeDim.alias} = (m.${timeDim.alias} - ${yearBack})::date${otherDims.map((d) => ` AND prev.${d.alias} = m.${d.alias}`).join('')}` : '';
    const c = `SELECT ${[...keep, ...(query.window.includeBase ? [current] : []), change].join(', ')} FROM m${joinPrevious}`;
    const start = query.range ? (grain === 'year' ? ` WHERE ${timeDim.alias} >= ${query.range.start.slice(0, 4)}` : ` WHERE ${timeDim.alias} >= DATE '${query.range.start}'`) : '';
    return `WITH m AS (${m}), c AS (${c}) SELECT * FROM c${start} ORDER BY ${timeDim.alias}`;
  }

  if (query.perGroup) {
    const partitionExprs = query.perGroup.partitionBy.map((p) => dimensionColumn(p, 't', options).expression);
    // A share is its metric over the group's total: ranking by the metric ranks the shares (and a window may not nest).
    const rankBy = query.share?.kind === 'of-total' ? base(primary) : figures[0]!.expression;
    const inner = `SELECT ${[...select, ...figures.map((f) => `${f.expression} AS ${f.alias}`), `row_number() OVER (PARTITION BY ${partitionExprs.join(', ')} ORDER BY ${rankBy} ${query.perGroup.direction.toUpperCase()}) AS rn`].join(', ')} FROM ${from}${whereSql}${groupSql}${having}`;
    return `SELECT ${[...dims.map((d) => d.alias), ...figures.map((f) => f.alias)].join(', ')} FROM (${inner}) x WHERE rn <= ${query.perGroup.limit}`;
  }

  if (query.versusAverage?.baseline === 'overall') {
    const inner = `SELECT ${[...select, ...figures.map((f) => `${f.expression} AS ${f.alias}`)].join(', ')} FROM ${from}${whereSql}${groupSql}${having}`;
    return `SELECT ${[...dims.map((d) => d.alias), ...figures.map((f) => f.alias)].join(', ')} FROM (${inner}) x WHERE ${figures[0]!.alias} ${query.versusAverage.operator} (SELECT ${figures[0]!.expression} FROM ${from}${whereSql})`;
  }
  if (query.versusAverage) {
    const inner = `SELECT ${[...select, ...figures.map((f) => `${f.expression} AS ${f.alias}`), `avg(${figures[0]!.expression}) OVER () AS average_value`].join(', ')} FROM ${from}${whereSql}${groupSql}${having}`;
    return `SELECT ${[...dims.map((d) => d.alias), ...figures.map((f) => f.alias)].join(', ')} FROM (${inner}) x WHERE ${figures[0]!.alias} ${query.versusAverage.operator} average_value`;
  }

  let sql = `SELECT ${[...select, ...figures.map((f) => `${f.expression} AS ${f.alias}`)].join(', ')} FROM ${from}${whereSql}${groupSql}${having}`;
  if (query.order) sql += ` ORDER BY ${figures[0]!.alias} ${query.order.direction.toUpperCase()} NULLS LAST${query.order.limit ? ` LIMIT ${query.order.limit}` : ''}`;
  else if (timeDim) sql += ` ORDER BY ${timeDim.alias}`;
  // No order asked for: a person reads a breakdown largest first.
  else if (dims.length > 0 && figures.length > 0) sql += ` ORDER BY ${figures[0]!.alias} DESC NULLS LAST`;
  return sql;
}

function periodsCondition(periods: readonly DateRange[]): string {
  const sorted = [...periods].sort((a, b) => (a.start < b.start ? -1 : 1));
  const contiguous = sorted.every((p, i) => i === 0 || p.start <= sorted[i - 1]!.end);
  if (contiguous) return rangeCondition({ start: sorted[0]!.start, end: sorted.reduce((e, p) => (p.end > e ? p.end : e), sorted[0]!.end), label: '' });
  return `(${sorted.map((p) => `(${rangeCondition(p)})`).join(' OR ')})`;
}

function compileCohort(query: SemanticQuery, options: CompileOptions): string {
  const cohort = query.cohort!;
  if (cohort.kind === 'signups' || cohort.kind === 'signup-conversion') {
    const joins = new Set<string>();
    const dims = query.dimensions.map((d) => dimensionColumn(d, 'c', options));
    for (const d of dims) if (d.join) joins.add(d.join);
    const where: string[] = [];
    for (const f of query.filters) { const c = filterCondition(f, 'c'); where.push(c.condition); if (c.join) joins.add(c.join); }
    const signup = cohort.kind === 'signups' ? cohort.signup : cohort.signup;
    if (signup) where.push(rangeCondition(signup, 'c.signup_date'));
    let figure = 'count(*) AS customers';
    if (cohort.kind === 'signup-conversion') {
      const exists = `${cohort.negated ? 'NOT ' : ''}EXISTS (SELECT 1 FROM sales.sales_transactions t WHERE t.customer_id = c.customer_id${cohort.purchase ? ` AND ${rangeCondition(cohort.purchase)}` : ''})`;
      const name = cohort.negated ? 'not_buying' : 'buying';
      figure = cohort.output === 'percent' ? `count(*) FILTER (WHERE ${exists}) * 100.0 / count(*) AS pct_${name}` : `count(*) FILTER (WHERE ${exists}) AS customers_${name}`;
    }
    const groupBy = dims.flatMap((d) => d.groupBy);
    return `SELECT ${[...dims.map((d) => `${d.expression} AS ${d.alias}`), figure].join(', ')} FROM ${fromClause(joins, 'c')}${where.length ? ` WHERE ${where.join(' AND ')}` : ''}${groupBy.length ? ` GROUP BY ${groupBy.join(', ')}` : ''}`;
  }
  const joins = new Set<string>();
  const where: string[] = [];
  for (const f of query.filters) { const c = filterCondition(f, 't'); where.push(c.condition); if (c.join) joins.add(c.join); }
  const from = fromClause(joins, 't');
  const nonTime = query.dimensions.filter((d) => d.kind !== 'time');
  if (nonTime.length > 0) throw new CannotAnswerError('New and returning customers can be counted in total or by period, not yet by region, segment or product.');
  if (cohort.kind === 'new-customers') {
    const grainRef = query.dimensions.find((d) => d.kind === 'time');
    const bucket = grainRef ? dimensionColumn(grainRef, 't', options) : undefined;
    const bucketSql = bucket ? bucket.expression.replaceAll('t.sale_date', 'f.first_purchase') : undefined;
    const inner = `SELECT t.customer_id, min(t.sale_date) AS first_purchase FROM ${from}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} GROUP BY t.customer_id`;
    return `SELECT ${[...(bucketSql ? [`${bucketSql} AS ${bucket!.alias}`] : []), 'count(*) AS new_customers'].join(', ')} FROM (${inner}) f WHERE ${rangeCondition(cohort.period, 'f.first_purchase')}${bucketSql ? ` GROUP BY 1 ORDER BY 1` : ''}`;
  }
  if (cohort.kind === 'new-customer-share') {
    const inner = `SELECT t.customer_id, min(t.sale_date) AS first_purchase FROM ${from}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} GROUP BY t.customer_id HAVING bool_or(${rangeCondition(cohort.period)})`;
    return `SELECT count(*) FILTER (WHERE ${rangeCondition(cohort.period, 'f.first_purchase')}) * 100.0 / count(*) AS new_customer_pct FROM (${inner}) f`;
  }
  // Buyers of a (a period, or a value within one period) who also (or never) bought b.
  let a: string; let b: string; let negate: boolean; let span: string | undefined; let joinsFrom = from;
  if (cohort.kind === 'bought-values') {
    const ca = filterCondition(cohort.bought, 't'); const cb = filterCondition(cohort.other, 't');
    for (const j of [ca.join, cb.join]) if (j) joins.add(j);
    joinsFrom = fromClause(joins, 't');
    [a, b, negate, span] = [ca.condition, cb.condition, cohort.negated, cohort.range ? rangeCondition(cohort.range) : undefined];
  } else {
    const [pa, pb] = cohort.kind === 'bought-not' ? [cohort.bought, cohort.notBought] : [cohort.first, cohort.second];
    [a, b, negate, span] = [rangeCondition(pa), rangeCondition(pb), cohort.kind === 'bought-not', periodsCondition([pa, pb])];
  }
  const whereSql = and(...where, span);
  if (cohort.output === 'percent') {
    const inner = `SELECT t.customer_id, bool_or(${b}) AS bought_other FROM ${joinsFrom}${whereSql ? ` WHERE ${whereSql}` : ''} GROUP BY t.customer_id HAVING bool_or(${a})`;
    return `SELECT count(*) FILTER (WHERE ${negate ? 'NOT ' : ''}bought_other) * 100.0 / count(*) AS pct_${negate ? 'not_buying' : 'buying'} FROM (${inner}) x`;
  }
  const inner = `SELECT t.customer_id FROM ${joinsFrom}${whereSql ? ` WHERE ${whereSql}` : ''} GROUP BY t.customer_id HAVING bool_or(${a}) AND ${negate ? 'NOT ' : ''}bool_or(${b})`;
  return `SELECT count(*) AS customers FROM (${inner}) x`;
}
