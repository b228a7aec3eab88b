/**
 * Reads a question into a semantic query: finds its periods, matches the catalog's vocabulary
 * longest-first, then applies a small grammar of intents (rankings, per-group tops, thresholds,
 * shares, ratios, comparisons, windows, customer cohorts). Unknown content words lower confidence.
 */
import { CannotAnswerError } from '../errors.ts';
import { buildLexicon, STOPWORDS, type Concept, type Keyword, type LexiconEntry } from './lexicon.ts';
import type { CohortQuery, DimensionRef, Direction, SemanticQuery, ValueFilter } from './semantic-query.ts';
import { findTimeMentions, parseDate, previousPeriod, shiftYears, TIME_WORDS, type DateRange, type TimeMention } from './time-range.ts';
import { tokenize, type Token } from './tokenizer.ts';

/** A matched stretch of the question: a catalog phrase, a number, or a period. */
interface Item {
  readonly first: number;
  readonly last: number;
  readonly text: string;
  concepts: Concept[];
  readonly number?: number;
  readonly time?: TimeMention;
}

/** What the parser understood, with how sure it is and what it did not understand. */
export interface ParseResult {
  readonly query: SemanticQuery;
  readonly confidence: number;
  readonly unknownWords: readonly string[];
  /** Whether `customer` stands for names (admin) rather than ids. */
  readonly customerNames: boolean;
}

let lexicon: LexiconEntry[] | undefined;
const COMPARISON_HINT = /\b(growth|grow|grows|grew|grown|growing|increase\w*|decrease\w*|declin\w*|chang\w*|vs|versus|compar\w*|against|side by side|difference|improv\w*|delta|drop\w*|rose|risen|fell|fall|falls|shr[ai]nk\w*|gain\w*|yoy|qoq|mom)\b/;
/** Growth words that mean going down: "declined the most" ranks the lowest growth first. */
const DECLINE_WORDS = /^(decline|declined|decrease|decreased|drop|dropped|fell|fall|shrink|shrank)$/;
const PREVIOUS_PERIOD_WORDS = ['vs', 'versus', 'with', 'to', 'from', 'over', 'than', 'against', 'on'];

/** Parses a question as of a date; throws `CannotAnswerError` when nothing measurable is asked. */
/**
 * A value of a coarser dimension that only labels a finer one: "hardware products" are the
 * products of category Hardware, "enterprise customers" the customers of segment Enterprise.
 */
const LABELLED_BY: Readonly<Record<string, readonly string[]>> = { product: ['category'], customer: ['segment', 'region'] };

export function parseQuestion(question: string, asOf: string, role: 'viewer' | 'analyst' | 'admin'): ParseResult {
  lexicon ??= buildLexicon();
  const tokens = correctTypos(tokenize(question));
  const lowered = tokens.map((t) => t.text).join(' ');
  const consumed = new Set<number>();
  const items: Item[] = [];

  // "compared with the previous month" names a lag, not a period.
  for (let i = 0; i < tokens.length; i += 1) {
    const a = tokens[i]!.text; const b = tokens[i + 1]?.text ?? ''; const c = tokens[i + 2]?.text ?? '';
    const start = b === 'the' ? i + 2 : i + 1;
    const lagWord = tokens[start]?.text ?? ''; const unit = tokens[start + 1]?.text ?? '';
    if (PREVIOUS_PERIOD_WORDS.includes(a) && ['previous', 'prior', 'preceding'].includes(lagWord) && ['month', 'quarter', 'week', 'year'].includes(unit)) {
      const keyword: Keyword = unit === 'month' ? 'mom' : unit === 'quarter' ? 'qoq' : unit === 'week' ? 'wow' : 'yoy';
      items.push({ first: i, last: start + 1, text: tokens.slice(i, start + 2).map((t) => t.text).join(' '), concepts: [{ type: 'keyword', keyword }] });
      for (let k = i; k <= start + 1; k += 1) consumed.add(k);
    }
    void c;
  }

  const mergeSpans = !COMPARISON_HINT.test(lowered);
  let mentions = findTimeMentions(tokens, asOf, { mergeSpans }).filter((m) => !overlaps(m.first, m.last, consumed));
  if (mentions.some((m) => !m.parenthetical)) {
    for (const m of mentions.filter((x) => x.parenthetical)) for (let k = m.first; k <= m.last; k += 1) consumed.add(k);
    mentions = mentions.filter((m) => !m.parenthetical);
  }
  // "Q2 2025 vs the same period last year": the same period as the one named, a year earlier.
  const sameIndex = mentions.findIndex((m) => m.range?.label.startsWith('same '));
  const named = mentions.find((m, i) => i !== sameIndex && m.range);
  if (sameIndex >= 0 && named?.range) mentions[sameIndex] = { ...mentions[sameIndex]!, range: { ...shiftYears(named.range, -1), label: `${named.range.label} a year earlier` }, unit: named.unit };
  for (const m of mentions) {
    for (let k = m.first; k <= m.last; k += 1) consumed.add(k);
    items.push({ first: m.first, last: m.last, text: tokens.slice(m.first, m.last + 1).map((t) => t.text).join(' '), concepts: [], time: m });
  }

  const unknown: Token[] = [];
  let recognized = 0;
  for (let i = 0; i < tokens.length; ) {
    if (consumed.has(i)) { i += 1; continue; }
    const matchesAt = (e: LexiconEntry, at: number): boolean => e.tokens.every((w, k) => tokens[at + k]?.text === w && !consumed.has(at + k));
    // "transactions per customer segment": the ratio "transactions per customer" must not swallow
    // the head of a longer phrase ("customer segment") that starts after its "per".
    const swallows = (e: LexiconEntry): boolean => {
      const per = e.tokens.indexOf('per');
      if (per < 0 || per === e.tokens.length - 1) return false;
      const from = i + per + 1; const last = i + e.tokens.length - 1;
      return lexicon!.some((o) => o.tokens.length > last - from + 1 && matchesAt(o, from));
    };
    const entry = lexicon.find((e) => matchesAt(e, i) && !swallows(e));
    if (entry) {
      const last = i + entry.tokens.length - 1;
      items.push({ first: i, last, text: entry.tokens.join(' '), concepts: [...entry.concepts] });
      const meaningful = entry.concepts.some((c) => c.type !== 'keyword' || !['and', 'to', 'which', 'from', 'by', 'each', 'than'].includes(c.keyword));
      if (meaningful) recognized += 1;
      i = last + 1;
      continue;
    }
    const token = tokens[i]!;
    if (token.kind === 'number') items.push({ first: i, last: i, text: token.text, concepts: [], number: token.value! });
    else if (!STOPWORDS.has(token.text) && token.text.length > 1) {
      unknown.push(token);
      // An unknown word where a value would stand ("in Germany") is likely a filter we would drop.
      // So is one where a breakdown would stand ("by country", "per store").
      if (['in', 'for', 'from', 'at', 'of', 'by', 'per', 'each', 'every'].includes(tokens[i - 1]?.text ?? '')) unknown.push(token);
    }
    i += 1;
  }
  items.sort((a, b) => a.first - b.first);
  recognized += mentions.length;

  const has = (keyword: Keyword): boolean => items.some((it) => isKeyword(it, keyword));
  const positionsOf = (keyword: Keyword): number[] => items.filter((it) => isKeyword(it, keyword)).map((it) => it.first);

  if (items.slice(0, 2).some((it) => isKeyword(it, 'write')) || /\b(delete|drop|truncate|insert|update|alter|grant|revoke)\b/.test(lowered) && !items.some((it) => it.concepts.some((c) => c.type === 'metric'))) {
    throw new CannotAnswerError('I can only read the sales warehouse; I cannot change, delete or create data.', { details: { understood: [] } });
  }
  refuseOutOfScope(items, mentions, asOf);

  // Resolve "customers" (a metric or a dimension) and dimension words that only label a value.
  const itemIndex = (it: Item): number => items.indexOf(it);
  const comparedNumber = items.some((it, k) => ['more', 'less', 'at-least', 'at-most'].some((w) => isKeyword(it, w as Keyword)) && items.slice(k + 1, k + 3).some((n) => n.number !== undefined));
  for (const it of items) {
    const metric = it.concepts.find((c) => c.type === 'metric');
    const dimension = it.concepts.find((c) => c.type === 'dimension');
    if (!metric || !dimension) continue;
    const k = itemIndex(it);
    const before = items.slice(Math.max(0, k - 3), k);
    const previous = items[k - 1];
    const adjacent = previous && previous.last >= it.first - 2;
    // "how many customers" counts them; "how many transactions did enterprise customers make" counts the transactions.
    const countAt = before.map((b) => items.indexOf(b)).filter((j) => isKeyword(items[j]!, 'count') || isKeyword(items[j]!, 'active')).pop();
    const countBefore = countAt !== undefined && !items.slice(countAt + 1, k).some((b) => b.concepts.some((c) => c.type === 'metric') && !b.concepts.some((c) => c.type === 'dimension'));
    const rankingBefore = adjacent && (isKeyword(previous, 'top') || isKeyword(previous, 'bottom') || isKeyword(previous, 'which') || isKeyword(previous, 'each') || isKeyword(previous, 'by') || isKeyword(previous, 'per') || previous.number !== undefined);
    const otherMetric = items.some((o) => o !== it && o.concepts.some((c) => c.type === 'metric') && !o.concepts.some((c) => c.type === 'dimension'))
      || (comparedNumber && items.some((o) => o !== it && o.concepts.some((c) => c.type === 'metric-hint')));
    if (countBefore) it.concepts = [metric];
    else if (previous?.concepts.some((c) => c.type === 'value') && adjacent) {
      // "top 3 enterprise customers": ranked customers of a segment, not the segment's figure.
      const ranked = items.slice(Math.max(0, k - 3), k - 1).some((b) => isKeyword(b, 'top') || isKeyword(b, 'bottom') || isKeyword(b, 'which') || b.number !== undefined);
      it.concepts = [ranked ? dimension : { type: 'filler' }];
    }
    else if (rankingBefore || otherMetric) it.concepts = [dimension];
    else it.concepts = [metric];
  }
  for (const it of items) {
    const dimension = it.concepts.find((c) => c.type === 'dimension');
    if (!dimension || dimension.ref.kind !== 'dimension') continue;
    const name = dimension.ref.name;
    const k = itemIndex(it);
    const neighbours = [items[k - 1], items[k + 1]].filter((n): n is Item => !!n && (n.first > it.last ? n.first - it.last : it.first - n.last) <= 2);
    const labelsValue = neighbours.some((n) => n.concepts.some((c) => c.type === 'value' && (c.dimension === name || (LABELLED_BY[name] ?? []).includes(c.dimension))));
    const grouping = (n: Item | undefined): boolean => !!n && (isKeyword(n, 'each') || isKeyword(n, 'by') || isKeyword(n, 'per'));
    // "by product", and also "each Services product": a breakdown of the value's members, not a filler.
    // ("within the Hardware category" names the value itself: a filter.)
    const labelling = !!items[k - 1]?.concepts.some((c) => c.type === 'value' && (LABELLED_BY[name] ?? []).includes(c.dimension));
    const afterEach = grouping(items[k - 1]) || (labelling && grouping(items[k - 2]) && items[k - 2]!.last >= items[k - 1]!.first - 2);
    // "top 5 hardware products": the ranking asks for products, the value only filters them.
    const ranked = items.slice(Math.max(0, k - 3), k).some((b) => isKeyword(b, 'top') || isKeyword(b, 'bottom') || isKeyword(b, 'which') || b.number !== undefined);
    if (labelsValue && !afterEach && !ranked) it.concepts = [{ type: 'filler' }];
  }

  const cohortWords = has('signup') || has('first-purchase') || (has('negation') && has('purchase') && mentions.length >= 2) || (has('both') && has('purchase') && mentions.length >= 2)
    || (positionsOf('purchase').length >= 2 && mentions.filter((m) => m.range).length >= 2);

  // Metrics. A metric right after "per" is the denominator of one already named ("price per unit").
  for (const it of items) {
    const k = itemIndex(it);
    const previous = items[k - 1];
    if (previous && isKeyword(previous, 'per') && it.concepts.some((c) => c.type === 'metric') && items.slice(0, k - 1).some((o) => o.concepts.some((c) => c.type === 'metric'))) it.concepts = [{ type: 'filler' }];
  }
  const metricItems = items.filter((it) => it.concepts.some((c) => c.type === 'metric'));
  // "best-selling" means units only when no other figure is named ("best-selling product by revenue").
  const superlativeOnly = (it: Item) => /^(best|top|worst) ?sell(ing|ers?)$|^bestsellers?$/.test(it.text);
  const namedMetricItems = metricItems.some((it) => !superlativeOnly(it)) ? metricItems.filter((it) => !superlativeOnly(it)) : metricItems;
  let metrics = unique(namedMetricItems.map((it) => (it.concepts.find((c) => c.type === 'metric') as { name: string }).name));
  let penalty = 0;
  if (metrics.length === 0) {
    const hint = items.find((it) => it.concepts.some((c) => c.type === 'metric-hint'));
    if (hint) metrics = [(hint.concepts.find((c) => c.type === 'metric-hint') as { name: string }).name];
  }
  if (metrics.length === 0 && has('active')) metrics = ['customers'];
  // "How much did customers pay/spend": customers are the subject and the figure is money, unless
  // the question counts them ("how many customers spent…").
  if (metrics.length === 1 && metrics[0] === 'customers' && !has('count')) {
    const money = items.find((it) => it.concepts.some((c) => c.type === 'metric-hint' && c.name === 'revenue') && /\b(how much|spen[dt]|spending|pa(y|id|ys|ying))\b/.test(it.text));
    if (money) metrics = ['revenue'];
  }

  // Dimensions, filters.
  const dimensionItems = items.filter((it) => it.concepts.some((c) => c.type === 'dimension'));
  let dimensions: DimensionRef[] = uniqueRefs(dimensionItems.map((it) => (it.concepts.find((c) => c.type === 'dimension') as { ref: DimensionRef }).ref));
  const valueItems = items.filter((it) => it.concepts.some((c) => c.type === 'value'));
  const filterMap = new Map<string, { values: string[]; group: boolean; items: Item[] }>();
  for (const it of valueItems) {
    const c = it.concepts.find((x) => x.type === 'value') as { dimension: string; values: readonly string[]; group: boolean };
    const entry = filterMap.get(c.dimension) ?? { values: [], group: false, items: [] };
    for (const v of c.values) if (!entry.values.includes(v)) entry.values.push(v);
    entry.group ||= c.group;
    entry.items.push(it);
    filterMap.set(c.dimension, entry);
  }
  // "names of the customers who bought X": a list of customers (names for an admin, refused for others).
  let listOnly = false;
  if (has('names') && !dimensions.some((d) => d.kind === 'dimension' && d.name !== 'customer') && !dimensions.some((d) => d.kind === 'dimension' && d.name === 'customer') && /\bcustomers?\b|\bclients?\b|\bwho\b/.test(lowered) && !cohortWords) {
    dimensions.push({ kind: 'dimension', name: 'customer' });
    listOnly = metrics.length === 1 && metrics[0] === 'customers';
  }
  const customerNames = role === 'admin' ? !has('ids') : has('names') && (dimensions.some((d) => d.kind === 'dimension' && d.name === 'customer'));

  let periods = mentions.filter((m) => m.range).map((m) => m.range!) as DateRange[];
  // "September and October 2025 combined": one period spanning both, when they touch.
  if (periods.length >= 2 && has('combined') && !has('compare')) {
    const sorted = [...periods].sort((a, b) => (a.start < b.start ? -1 : 1));
    if (sorted.every((p, i) => i === 0 || p.start <= sorted[i - 1]!.end)) {
      periods = [{ start: sorted[0]!.start, end: sorted.reduce((e, p) => (p.end > e ? p.end : e), sorted[0]!.end), label: sorted.map((p) => p.label).join(' and ') }];
    }
  }
  const wholePeriod = mentions.some((m) => m.unit === 'all');

  // "revenue in 2025 from customers who signed up in 2025": a sales figure of the customers who
  // signed up in a period, not a count of sign-ups. ("made purchases" is the purchase, not a figure.)
  let signupFilter: DateRange | undefined;
  const salesFigure = metrics.some((m) => m !== 'customers' && !metricItems.some((it) => isKeyword(it, 'purchase') && it.concepts.some((c) => c.type === 'metric' && c.name === m)));
  if (has('signup') && salesFigure) {
    const signupAt = positionsOf('signup')[0]!;
    const own = mentions.find((m) => m.range && m.first > signupAt && m.first <= signupAt + 3) ?? mentions.find((m) => m.range && m.last === signupAt - 1);
    if (own?.range) {
      signupFilter = own.range;
      mentions = mentions.filter((m) => m !== own);
      periods = periods.filter((p) => p !== own.range);
      metrics = metrics.filter((m) => m !== 'customers');
      // "customers who signed up…" names the cohort, not a breakdown by customer.
      const subject = dimensionItems.find((it) => it.first < signupAt && it.first >= signupAt - 4 && it.concepts.some((c) => c.type === 'dimension' && c.ref.kind === 'dimension' && c.ref.name === 'customer'));
      // "by customers who signed up…" is the agent, not a breakdown: a relative clause follows.
      const relative = subject && ['who', 'that', 'which', 'whose'].includes(tokens[subject.last + 1]?.text ?? '');
      const grouped = subject && !relative && items[itemIndex(subject) - 1] && ['each', 'by', 'per'].some((w) => isKeyword(items[itemIndex(subject) - 1]!, w as Keyword));
      const groupedElsewhere = dimensionItems.some((it) => it !== subject && it.concepts.some((c) => c.type === 'dimension' && c.ref.kind === 'dimension' && c.ref.name === 'customer')
        && ['each', 'by', 'per'].some((w) => !!items[itemIndex(it) - 1] && isKeyword(items[itemIndex(it) - 1]!, w as Keyword)));
      if (subject && !grouped && !groupedElsewhere) dimensions = dimensions.filter((d) => !(d.kind === 'dimension' && d.name === 'customer'));
    }
  }

  // "How many customers bought Hardware but never Services in 2025?", "what % of the customers who
  // bought Laptop Pro 14 also bought a Laptop Backpack?": two values of one dimension, per customer.
  const pair = [...filterMap.entries()].find(([, f]) => f.values.length === 2 && !f.group && f.items.length === 2);
  const buyersOfValues = !!pair && has('purchase') && (has('negation') || has('both') || positionsOf('purchase').length >= 2)
    && mentions.filter((m) => m.range).length <= 1 && !has('signup') && !has('first-purchase') && !has('ratio')
    && /\b(customers?|buyers?|clients?|accounts?|who)\b/.test(lowered) && (metrics.length === 0 || metrics.every((m) => m === 'customers'));
  if (buyersOfValues && !signupFilter) {
    const [dimension, f] = pair!;
    const negationAt = positionsOf('negation')[0];
    const [first, second] = [...f.items].sort((x, y) => x.first - y.first) as [Item, Item];
    const otherItem = negationAt !== undefined && first.first > negationAt && second.first > negationAt ? first : second;
    const valueOf = (it: Item): string => (it.concepts.find((c) => c.type === 'value') as { values: readonly string[] }).values[0]!;
    const otherValue = valueOf(otherItem); const boughtValue = valueOf(otherItem === first ? second : first);
    const filters: ValueFilter[] = [...filterMap.entries()].filter(([d]) => d !== dimension).map(([d, x]) => ({ dimension: d, values: x.values }));
    const cohort: CohortQuery = {
      kind: 'bought-values', range: mentions.find((m) => m.range)?.range ?? null, bought: { dimension, values: [boughtValue] }, other: { dimension, values: [otherValue] },
      negated: negationAt !== undefined, ...(has('share') || has('percent') ? { output: 'percent' as const } : {}),
    };
    return finish({ metrics: [], dimensions: [], filters, range: null, cohort }, recognized, unknown, penalty, customerNames);
  }

  // Customer cohorts.
  if (cohortWords && !signupFilter) {
    const cohort = parseCohort(items, mentions, has, positionsOf);
    if (cohort) {
      const filters: ValueFilter[] = [...filterMap.entries()].map(([dimension, f]) => ({ dimension, values: f.values }));
      const dims = dimensions.filter((d) => !(d.kind === 'dimension' && d.name === 'customer'));
      const query: SemanticQuery = { metrics: [], dimensions: dims, filters, range: cohort.kind === 'signups' ? cohort.signup : null, cohort };
      return finish(query, recognized, unknown, penalty, customerNames);
    }
  }

  // "How many customers are in Europe?" asks about the customer base, not about buyers: with no
  // purchase, no period and no other figure, count the customers table.
  const onCustomers = (name: string) => name === 'region' || name === 'segment' || name === 'customer';
  const customerBase = metrics.length === 1 && metrics[0] === 'customers' && !has('purchase') && !has('active') && mentions.length === 0 && !cohortWords
    && [...filterMap.keys()].every(onCustomers) && dimensions.every((d) => d.kind === 'dimension' && onCustomers(d.name));
  // "How many customers have never bought?", "what % of customers did not buy in 2025": the
  // customer base (the customers table) without a purchase, ever or in the period named.
  const datedPeriods = mentions.filter((m) => m.range);
  const neverBought = metrics.length === 1 && metrics[0] === 'customers' && has('negation') && has('purchase') && !cohortWords && datedPeriods.length <= 1
    && (has('count') || has('share') || has('percent')) && [...filterMap.keys()].every(onCustomers) && dimensions.every((d) => d.kind === 'dimension' && onCustomers(d.name));
  if (neverBought) {
    const filters: ValueFilter[] = [...filterMap.entries()].map(([dimension, f]) => ({ dimension, values: f.values }));
    const dims = dimensions.filter((d) => !(d.kind === 'dimension' && d.name === 'customer'));
    const cohort: CohortQuery = { kind: 'signup-conversion', signup: null, purchase: datedPeriods[0]?.range ?? null, output: has('share') || has('percent') ? 'percent' : 'count', negated: true };
    return finish({ metrics: [], dimensions: dims, filters, range: null, cohort }, recognized, unknown, penalty, customerNames);
  }
  if (customerBase) {
    const filters: ValueFilter[] = [...filterMap.entries()].map(([dimension, f]) => ({ dimension, values: f.values }));
    const dims = dimensions.filter((d) => !(d.kind === 'dimension' && d.name === 'customer'));
    const query: SemanticQuery = { metrics: [], dimensions: dims, filters, range: null, cohort: { kind: 'signups', signup: null } };
    return finish(query, recognized, unknown, penalty, customerNames);
  }

  if (metrics.length === 0) {
    if (dimensions.length === 0 && filterMap.size === 0) {
      throw new CannotAnswerError(cannotMessage(unknown), { details: { unknownWords: [...new Set(unknown.map((t) => t.text))] } });
    }
    metrics = ['revenue'];
    penalty += 0.15;
  }

  // Ranking direction and limits.
  const superlatives = items.filter((it) => isKeyword(it, 'top') || isKeyword(it, 'bottom') || (it.concepts.some((c) => c.type === 'metric') && /\b(best|top|most|worst|least)\b/.test(it.text)));
  const lowestFirst = superlatives.length > 0 && (isKeyword(superlatives[0]!, 'bottom') || /\b(worst|least)\b/.test(superlatives[0]!.text));
  // "declined the most", "biggest drop": the most negative growth first.
  const declining = items.some((it) => isKeyword(it, 'growth') && DECLINE_WORDS.test(it.text));
  const direction: Direction = lowestFirst !== declining ? 'asc' : 'desc';
  const thresholdInfo = findThreshold(items, metrics);
  const numbersUsed = new Set<Item>(thresholdInfo?.items ?? []);
  let limit: number | null = null;
  for (const it of items) {
    if (it.number === undefined || numbersUsed.has(it) || !Number.isInteger(it.number) || it.number < 1 || it.number > 1000) continue;
    const k = itemIndex(it);
    const prev = items[k - 1]; const next = items[k + 1];
    const nearSuper = (prev && (isKeyword(prev, 'top') || isKeyword(prev, 'bottom') || isKeyword(prev, 'which')) && prev.last >= it.first - 2) || (next && (isKeyword(next, 'top') || isKeyword(next, 'bottom') || next.concepts.some((c) => c.type === 'dimension') || (next.concepts.some((c) => c.type === 'metric') && /\b(best|top|worst|most|least)\b/.test(next.text))) && next.first <= it.last + 2);
    if (nearSuper) { limit = it.number; numbersUsed.add(it); break; }
  }
  for (const it of items) if (it.number !== undefined && !numbersUsed.has(it)) unknown.push(tokens[it.first]!);

  // Partitions ("in each region", "for every segment", "per region" with a superlative).
  const partitioned = (ref: DimensionRef): boolean => dimensionItems.some((it) => {
    const c = it.concepts.find((x) => x.type === 'dimension') as { ref: DimensionRef } | undefined;
    if (!c || !sameRef(c.ref, ref)) return false;
    const prev = items[itemIndex(it) - 1];
    return !!prev && prev.last >= it.first - 2 && (isKeyword(prev, 'each') || isKeyword(prev, 'per'));
  });

  const filters: ValueFilter[] = [];
  let share: SemanticQuery['share'];
  let ratio: SemanticQuery['ratio'];
  const isShare = has('share') && !has('growth') && !has('points');
  // A value of a breakdown (or one that only labels it: Software for products) cannot be the part
  // of a share within each group: "each product's share of Software revenue" filters on Software.
  const canBeNumerator = (dimension: string): boolean => !dimensions.some((d) => d.kind === 'dimension' && (d.name === dimension || (LABELLED_BY[d.name] ?? []).includes(dimension)));
  const fromPositions = positionsOf('from');
  if (has('ratio') && [...filterMap.values()].some((f) => f.values.length >= 2)) {
    const [dimension, f] = [...filterMap.entries()].find(([, x]) => x.values.length >= 2)!;
    ratio = { numerator: { dimension, values: [f.values[0]!] }, denominator: { dimension, values: [f.values[1]!] } };
    filterMap.delete(dimension);
  } else if (isShare && [...filterMap.keys()].some(canBeNumerator)) {
    const afterFrom = [...filterMap.entries()].filter(([dimension]) => canBeNumerator(dimension)).filter(([, f]) => f.items.some((it) => fromPositions.some((p) => p < it.first)));
    const groupedAfterFrom = dimensionItems.some((it) => fromPositions.some((p) => p < it.first));
    const chosen = afterFrom.length > 0 ? afterFrom[afterFrom.length - 1] : groupedAfterFrom ? undefined : [...filterMap.entries()].filter(([dimension]) => canBeNumerator(dimension)).sort((a, b) => b[1].items[0]!.first - a[1].items[0]!.first)[0];
    if (chosen) {
      share = { kind: 'of-value', numerator: { dimension: chosen[0], values: chosen[1].values } };
      filterMap.delete(chosen[0]);
    } else share = { kind: 'of-total' };
  } else if (isShare) share = { kind: 'of-total' };
  for (const [dimension, f] of filterMap) {
    filters.push({ dimension, values: f.values });
    if (f.values.length > 1 && !f.group && !has('combined') && !dimensions.some((d) => d.kind === 'dimension' && d.name === dimension)) dimensions.unshift({ kind: 'dimension', name: dimension });
  }

  // Periods and comparisons.
  let range: DateRange | null = null;
  let comparison: SemanticQuery['comparison'];
  let window: SemanticQuery['window'];
  const lagKeyword = has('mom') ? 'month' : has('qoq') ? 'quarter' : has('wow') ? 'week' : has('yoy') ? 'year' : undefined;
  const growthMode = has('growth') || (has('percent') && (has('change') || !!lagKeyword)) ? 'growth' : 'change';
  const timeDims = dimensions.filter((d) => d.kind === 'time');
  if (periods.length >= 2) {
    const sorted = [...periods].sort((a, b) => (a.start < b.start ? -1 : 1));
    // "compare Q4 with the same quarter last year, in percent": the growth, not the two figures.
    const inPercent = items.some((it) => isKeyword(it, 'percent') && it.text !== 'percent');
    const mode = has('points') ? 'change' : has('growth') || (has('change') && has('percent')) || (has('compare') && inPercent && !isShare) ? 'growth' : has('change') ? 'change' : 'side-by-side';
    // "each region's revenue in 2024 and 2025 and the growth": the two figures and the growth.
    const withPeriods = (mode === 'growth' || mode === 'change') && /\b(and|with|plus|along with|as well as|alongside) (the |its |their )?(growth|change|increase|decrease|difference|yoy|percentage change|percent change|% change)\b/.test(lowered);
    comparison = withPeriods ? { periods: sorted, mode, withPeriods } : { periods: sorted, mode };
    // "the ratio of Q4 2025 revenue to Q4 2024 revenue": the first period named over the second.
    if (has('ratio') && !ratio && periods.length === 2 && !has('growth') && !has('change')) comparison = { periods: [...periods], mode: 'ratio' };
    // "growth for each month of 2025 compared with the same month of 2024": each bucket of the later
    // period against the same bucket a year earlier, not the two periods' totals per bucket.
    const fine = timeDims.find((d) => d.kind === 'time' && d.grain !== 'year' && d.grain !== 'day');
    const yearLater = sorted.length === 2 ? shiftYears(sorted[0]!, 1) : undefined;
    if (fine && yearLater && yearLater.start === sorted[1]!.start && yearLater.end === sorted[1]!.end && (mode === 'growth' || mode === 'change') && !has('points')) {
      comparison = undefined;
      range = sorted[1]!;
      window = { kind: 'period-change', mode, includeBase: false, lag: 'year' };
    }
  } else if (lagKeyword && (timeDims.length > 0 || (periods.length === 1 && lagKeyword !== 'year' && (mentions[0]!.unit !== lagKeyword || spansSeveral(periods[0]!, lagKeyword))))) {
    if (timeDims.length === 0) dimensions.push({ kind: 'time', grain: lagKeyword as 'month' | 'quarter' | 'week' });
    range = periods[0] ?? null;
    // "monthly revenue with the MoM change": the figure itself too, not only its change.
    const includeBase = /\b(with|and|plus|alongside|as well as|including) (the |a |its |their )?(\w+ )?(mom|wow|qoq|yoy|month|week|quarter|year|change|growth|percent|difference|delta)\b/.test(lowered);
    const grain = (dimensions.find((d) => d.kind === 'time') as { grain: string }).grain;
    // "YoY growth by month": each month against the same month a year earlier.
    window = { kind: 'period-change', mode: growthMode, includeBase, ...(lagKeyword === 'year' && grain !== 'year' ? { lag: 'year' as const } : {}) };
  } else if (lagKeyword && periods.length === 1) {
    const p = periods[0]!;
    const earlier = lagKeyword === 'year' ? shiftYears(p, -1) : previousPeriod(p, mentions.find((m) => m.range)!.unit);
    comparison = { periods: [earlier, p], mode: has('compare') && !has('growth') && !has('change') ? 'side-by-side' : growthMode };
  } else if (lagKeyword === 'year' && periods.length === 0 && !wholePeriod) {
    // "YoY revenue growth": this year (to date) against the same period a year earlier.
    const current = { start: `${asOf.slice(0, 4)}-01-01`, end: addDaysText(asOf, 1), label: `${asOf.slice(0, 4)} to date` };
    comparison = { periods: [shiftYears(current, -1), current], mode: has('compare') && !has('growth') && !has('change') ? 'side-by-side' : growthMode };
  } else if (!lagKeyword && has('growth') && !has('points') && periods.length <= 1 && timeDims.length > 0) {
    // "revenue growth by month in 2025": each bucket against the one before.
    range = periods[0] ?? null;
    window = { kind: 'period-change', mode: 'growth', includeBase: false };
  } else if (!lagKeyword && has('growth') && !has('points') && periods.length === 1 && mentions.find((m) => m.range)!.unit !== 'day') {
    // "which product lines grew most this year": against the period just before (the year before).
    const p = periods[0]!;
    const unit = mentions.find((m) => m.range)!.unit;
    comparison = { periods: [unit === 'year' ? shiftYears(p, -1) : previousPeriod(p, unit), p], mode: 'growth' };
  } else {
    range = periods[0] ?? null;
  }
  if (!range && !comparison && !wholePeriod && metrics.includes('customers') && has('active')) {
    range = { start: addDaysText(asOf, -89), end: addDaysText(asOf, 1), label: 'last 90 days (active customers)' };
  }

  // Average of a metric over calendar buckets ("average monthly revenue").
  let averageOver: SemanticQuery['averageOver'];
  const averageItem = items.find((it) => isKeyword(it, 'average'));
  if (averageItem && !items.some((it) => isKeyword(it, 'more') || isKeyword(it, 'less'))) {
    const k = itemIndex(averageItem);
    const near = items.slice(k + 1, k + 5).find((it) => it.concepts.some((c) => c.type === 'dimension' && c.ref.kind === 'time'));
    if (near) {
      averageOver = ((near.concepts.find((c) => c.type === 'dimension') as { ref: { grain: 'month' } }).ref.grain);
      dimensions = dimensions.filter((d) => !(d.kind === 'time' && d.grain === averageOver));
    }
  }

  // "for each of the last 6 months": one row per month.
  const eachOf = /\b(each|every|per) of (the )?(last|past|previous|trailing|prior|first) (\w+ )?(day|week|month|quarter|year)s?\b/.exec(lowered);
  if (eachOf && !dimensions.some((d) => d.kind === 'time') && !averageOver) dimensions.push({ kind: 'time', grain: eachOf[5] as 'day' | 'week' | 'month' | 'quarter' | 'year' });

  // "How many products sold more than 5,000 units": count the groups that pass, not list them.
  let countGroups = false;
  const countItem = items.find((it) => isKeyword(it, 'count'));
  const counted = countItem ? items[itemIndex(countItem) + 1] : undefined;
  const countedRef = counted?.concepts.find((c) => c.type === 'dimension' && c.ref.kind === 'dimension') as { ref: DimensionRef } | undefined;
  const countedCustomers = counted?.concepts.some((c) => c.type === 'metric' && c.name === 'customers');
  const passTest = !!thresholdInfo || (!thresholdInfo && (has('more') || has('less')) && has('average') && !averageOver);
  if (passTest && counted && (countedRef || countedCustomers) && !comparison && !share && !ratio) {
    const ref: DimensionRef = countedRef?.ref ?? { kind: 'dimension', name: 'customer' };
    const measure = thresholdInfo?.threshold.metric ?? metrics.find((m) => m !== 'customers') ?? 'revenue';
    if (!(countedCustomers && measure === 'customers')) {
      countGroups = true;
      metrics = [measure, ...metrics.filter((m) => m !== measure && m !== 'customers')].slice(0, 1);
      if (!dimensions.some((d) => sameRef(d, ref))) dimensions.unshift(ref);
    }
  }

  // "orders over $5,000": a condition on each sales line's amount, not on the number of orders.
  let lineFilter: SemanticQuery['lineFilter'];
  if (thresholdInfo && !thresholdInfo.after && thresholdInfo.threshold.metric === 'transactions' && !countGroups && dimensions.length === 0) {
    lineFilter = { column: 'sales', operator: thresholdInfo.threshold.operator, value: thresholdInfo.threshold.value };
  }

  // "sorted from highest to lowest", "in descending order": an order, not a top N.
  const sortOnly = /\b(highest|largest|biggest|most|top|best) (first )?(to|down to|through) (the )?(lowest|smallest|least|fewest|bottom|worst)\b|\bdescending\b/.test(lowered) ? 'desc'
    : /\b(lowest|smallest|least|fewest|bottom|worst) (first )?(to|up to|through) (the )?(highest|largest|biggest|most|top|best)\b|\bascending\b/.test(lowered) ? 'asc' : undefined;

  // Windows and rankings.
  let order: SemanticQuery['order'];
  let perGroup: SemanticQuery['perGroup'];
  let versusAverage: SemanticQuery['versusAverage'];
  const partitions = dimensions.filter(partitioned);
  if (has('running')) {
    const runningItem = items.find((it) => isKeyword(it, 'running'))!;
    const prev = items[itemIndex(runningItem) - 1];
    const includeBase = (!!prev && isKeyword(prev, 'and')) || /\b(and|with|plus|alongside|as well as) (the |a |its )?(running|cumulative)/.test(lowered)
      // "running total of orders by quarter, alongside the quarterly count": the figure itself too.
      || /\b(running|cumulative)\b.*\b(alongside|with|plus|as well as|next to|together with|besides) (the |its |a |their |each )?(\w+ )?(count|value|figure|number|amount|total|revenue|sales|units|transactions|orders|profit|cost|margin)s?\b/.test(lowered) || /\b(running|cumulative) total\b.*\band\b/.test(lowered) && metricItems.length > 1;
    if (!dimensions.some((d) => d.kind === 'time')) dimensions.push({ kind: 'time', grain: 'month' });
    window = { kind: 'running-total', includeBase };
  } else if (has('rank')) {
    window = { kind: 'rank', partitionBy: partitions, direction };
    dimensions = [...partitions, ...dimensions.filter((d) => !partitions.includes(d))];
  } else if (superlatives.length > 0 && partitions.length > 0 && partitions.length < dimensions.length) {
    perGroup = { partitionBy: partitions, direction, limit: limit ?? 1 };
    dimensions = [...partitions, ...dimensions.filter((d) => !partitions.includes(d))];
  } else if (sortOnly && dimensions.length > 0) {
    order = { direction: sortOnly, limit };
  } else if (superlatives.length > 0 && (!share || superlatives.some((sup) => items.some((it) => isKeyword(it, 'share') && it.first > sup.last && it.first <= sup.last + 2)))) {
    // ("the largest share": a ranking of the shares; "share from the top 5 products" is not.)
    const target = dimensionItems[0];
    const plural = target ? /(s|ies)$/.test(target.text) && !/(ss|sales)$/.test(target.text) : false;
    order = { direction, limit: limit ?? (plural && !superlatives.some((s) => isKeyword(s, 'top') && /^(top|bottom)$/.test(s.text)) ? null : plural ? 5 : 1) };
    if (dimensions.length === 0 && !comparison) order = undefined;
  }
  if (!thresholdInfo && (has('more') || has('less')) && has('average') && !averageOver) {
    versusAverage = { operator: items.some((it) => isKeyword(it, 'less')) && !items.some((it) => isKeyword(it, 'more')) ? '<' : '>' };
  }
  // "segments with a margin below the overall margin", "regions above the company-wide average order
  // value": the figure over the whole scope, not the average of the groups' figures.
  const overall = /\b(above|below|over|under|more than|less than|higher than|lower than|greater than|beat(?:ing|s)?|exceed(?:ed|ing|s)?) (the |our |its |their )?(overall|company[- ]wide|total|global|whole[- ]company)\b/.exec(lowered);
  if (!thresholdInfo && overall && dimensions.length > 0) {
    versusAverage = { operator: /^(below|under|less than|lower than)$/.test(overall[1]!) ? '<' : '>', baseline: 'overall' };
  }
  if (limit !== null && !order && !perGroup && dimensions.length > 0) order = { direction, limit };
  // "what % of each region's revenue came from each segment", "segment share within each region",
  // "the segment with the largest share in each region": shares within each group, not of the grand total.
  if (share?.kind === 'of-total' && dimensions.length >= 2) {
    const itemOf = (ref: DimensionRef): Item | undefined => dimensionItems.find((it) => it.concepts.some((c) => c.type === 'dimension' && sameRef(c.ref, ref)));
    // "from each region and segment": the breakdowns listed right after "from" (not "… within each X").
    const afterFrom = (ref: DimensionRef): boolean => {
      const it = itemOf(ref);
      return !!it && fromPositions.some((p) => p < it.first && items.filter((b) => b.first > p && b.first < it.first).every((b) => isKeyword(b, 'and') || (isKeyword(b, 'each') && !/^(within|in)\b/.test(b.text)) || b.concepts.some((c) => c.type === 'dimension')));
    };
    const numerators = dimensions.filter(afterFrom);
    const within = perGroup ? [...perGroup.partitionBy]
      : numerators.length > 0 ? dimensions.filter((d) => !numerators.includes(d))
      : dimensions.filter(partitioned);
    if (within.length > 0 && within.length < dimensions.length) share = { kind: 'of-total', partitionBy: within };
  }

  const query: SemanticQuery = {
    metrics: listOnly && !thresholdInfo && !order && !comparison && !share ? [] : metrics,
    dimensions,
    filters,
    range,
    ...(signupFilter ? { signup: signupFilter } : {}),
    ...(comparison ? { comparison } : {}),
    ...(order ? { order } : {}),
    ...(perGroup ? { perGroup } : {}),
    ...(thresholdInfo && !lineFilter ? { threshold: thresholdInfo.threshold } : {}),
    ...(lineFilter ? { lineFilter } : {}),
    ...(versusAverage ? { versusAverage } : {}),
    ...(share ? { share } : {}),
    ...(ratio ? { ratio } : {}),
    ...(window ? { window } : {}),
    ...(averageOver ? { averageOver } : {}),
    ...(countGroups ? { countGroups } : {}),
  };
  return finish(query, recognized, unknown, penalty, customerNames);
}

/**
 * Refuses, with a reason, what the warehouse cannot answer however the question is read: subjects
 * it holds no data on (countries, sales reps, marketing), the future (forecasts, periods after the
 * as-of date) and explanations ("why did sales drop"), which figures alone do not give.
 */
function refuseOutOfScope(items: readonly Item[], mentions: readonly TimeMention[], asOf: string): void {
  const unavailable = items.flatMap((it) => it.concepts.filter((c): c is { type: 'unavailable'; label: string } => c.type === 'unavailable').map((c) => ({ c, it })));
  if (unavailable.length > 0) {
    const { c, it } = unavailable[0]!;
    throw new CannotAnswerError(`The sales warehouse holds no data on ${c.label}, so I cannot answer a question about "${it.text}". ${CAPABILITIES}`, { details: { unavailable: it.text } });
  }
  const future = items.find((it) => it.concepts.some((c) => c.type === 'keyword' && c.keyword === 'future'));
  const later = mentions.find((m) => m.range && m.range.start > asOf);
  if (future || later) {
    throw new CannotAnswerError(`I can only report what happened up to ${asOf}; I cannot forecast or predict${later?.range ? ` (${later.range.label} is after that date)` : ''}. ` +
      'Ask for the history instead, for example "monthly revenue over the last 12 months" or "revenue growth from 2024 to 2025".', { details: { future: future?.text ?? later?.range?.label } });
  }
  const why = items.find((it) => it.concepts.some((c) => c.type === 'keyword' && c.keyword === 'why'));
  if (why) {
    throw new CannotAnswerError('I can show what the figures are, not explain why they changed: the warehouse records sales, not their causes. ' +
      'A breakdown can point to where a change came from, for example "revenue by region, Q2 2025 vs Q3 2025" or "monthly margin by category in 2025".', { details: { explanation: why.text } });
  }
}

function finish(query: SemanticQuery, recognized: number, unknown: readonly Token[], penalty: number, customerNames: boolean): ParseResult {
  const weight = unknown.reduce((sum, t) => sum + (t.parenthetical ? 0.3 : 1), 0);
  const confidence = Math.max(0, Math.min(1, recognized / (recognized + weight + 1e-9) - penalty));
  return { query, confidence: Math.round(confidence * 100) / 100, unknownWords: [...new Set(unknown.map((t) => t.text))], customerNames };
}

function parseCohort(items: Item[], mentions: TimeMention[], has: (k: Keyword) => boolean, positionsOf: (k: Keyword) => number[]): CohortQuery | undefined {
  const periods = mentions.filter((m) => m.range);
  const after = (position: number): TimeMention | undefined => periods.find((m) => m.first > position);
  const asPercent = has('share') || has('percent');
  if (has('signup')) {
    const signupAt = positionsOf('signup')[0]!;
    const signup = periods.find((m) => m.last === signupAt - 1) ?? after(signupAt) ?? periods.find((m) => m.last < signupAt);
    const purchaseAt = [...positionsOf('purchase'), ...positionsOf('first-purchase')].find((p) => p !== signupAt);
    const purchase = periods.find((m) => m !== signup);
    if (signup?.range && purchase?.range && purchaseAt !== undefined) return { kind: 'signup-conversion', signup: signup.range, purchase: purchase.range, output: asPercent ? 'percent' : 'count', ...(has('negation') ? { negated: true } : {}) };
    // "signed up in 2024 and never bought": no purchase at all.
    if (signup?.range && purchaseAt !== undefined && has('negation')) return { kind: 'signup-conversion', signup: signup.range, purchase: null, output: asPercent ? 'percent' : 'count', negated: true };
    if (purchaseAt === undefined || !purchase) return { kind: 'signups', signup: signup?.range ?? null };
    return undefined;
  }
  if (has('first-purchase')) {
    const period = periods[0]?.range;
    if (!period) return undefined;
    return asPercent ? { kind: 'new-customer-share', period } : { kind: 'new-customers', period };
  }
  if (periods.length >= 2 && has('negation')) {
    const negationAt = positionsOf('negation')[0]!;
    const negative = after(negationAt) ?? periods[periods.length - 1]!;
    const positive = periods.find((m) => m !== negative)!;
    return { kind: 'bought-not', bought: positive.range!, notBought: negative.range!, ...(asPercent ? { output: 'percent' as const } : {}) };
  }
  // "customers who bought in both 2024 and 2025"; "what % of the customers who bought in 2024 also bought in 2025".
  if (periods.length >= 2 && (has('both') || positionsOf('purchase').length >= 2)) return { kind: 'bought-both', first: periods[0]!.range!, second: periods[1]!.range!, ...(asPercent ? { output: 'percent' as const } : {}) };
  void items;
  return undefined;
}

function findThreshold(items: Item[], metrics: string[]): { threshold: NonNullable<SemanticQuery['threshold']>; items: Item[]; after: boolean } | undefined {
  for (let k = 0; k < items.length; k += 1) {
    const it = items[k]!;
    const comparator = it.concepts.find((c) => c.type === 'keyword' && ['more', 'at-least', 'less', 'at-most'].includes(c.keyword)) as { keyword: Keyword } | undefined;
    if (!comparator) continue;
    const numberItem = items.slice(k + 1, k + 3).find((n) => n.number !== undefined && n.first <= it.last + 3);
    if (!numberItem) continue;
    const n = items.indexOf(numberItem);
    const orMore = items[n + 1] && (isKeyword(items[n + 1]!, 'at-least') || isKeyword(items[n + 1]!, 'at-most')) ? items[n + 1] : undefined;
    const keyword = orMore ? (isKeyword(orMore, 'at-least') ? 'at-least' : 'at-most') : comparator.keyword;
    const operator = keyword === 'more' ? '>' : keyword === 'at-least' ? '>=' : keyword === 'less' ? '<' : '<=';
    const metricAfter = items.slice(n + 1, n + 4).find((m) => m.concepts.some((c) => c.type === 'metric'));
    const metricBefore = items.slice(Math.max(0, k - 3), k).reverse().find((m) => m.concepts.some((c) => c.type === 'metric'));
    const hintBefore = items[k - 1]?.concepts.some((c) => c.type === 'metric-hint') ? items[k - 1] : undefined;
    const hinted = hintBefore ? (hintBefore.concepts.find((c) => c.type === 'metric-hint') as { name: string }).name : undefined;
    const metricItem = metricAfter ?? (hinted ? undefined : metricBefore);
    if (!metricItem && hinted) return { threshold: { metric: hinted, operator, value: numberItem.number! }, items: [numberItem], after: false };
    const metric = metricItem ? (metricItem.concepts.find((c) => c.type === 'metric') as { name: string }).name : metrics[0] ?? 'revenue';
    return { threshold: { metric, operator, value: numberItem.number! }, items: [numberItem], after: !!metricAfter };
  }
  return undefined;
}

function isKeyword(item: Item, keyword: Keyword): boolean {
  return item.concepts.some((c) => c.type === 'keyword' && c.keyword === keyword);
}

function overlaps(first: number, last: number, consumed: Set<number>): boolean {
  for (let k = first; k <= last; k += 1) if (consumed.has(k)) return true;
  return false;
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}

/** Whether two breakdowns are the same. */
export function sameRef(a: DimensionRef, b: DimensionRef): boolean {
  return a.kind === 'dimension' ? b.kind === 'dimension' && a.name === b.name : b.kind === 'time' && a.grain === b.grain;
}

function uniqueRefs(refs: DimensionRef[]): DimensionRef[] {
  return refs.filter((r, i) => refs.findIndex((o) => sameRef(o, r)) === i);
}

/** Whether a range covers more than one bucket of a grain ("last 6 months" against month-over-month). */
function spansSeveral(range: DateRange, grain: 'month' | 'quarter' | 'week' | 'year'): boolean {
  const days = (parseDate(range.end).getTime() - parseDate(range.start).getTime()) / 86_400_000;
  return days > (grain === 'week' ? 7 : grain === 'month' ? 31 : grain === 'quarter' ? 92 : 366);
}

function addDaysText(text: string, days: number): string {
  const d = parseDate(text);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The message of a refusal: what was not understood, what can be asked, an example. */
export function cannotMessage(unknown: readonly Token[]): string {
  const words = [...new Set(unknown.map((t) => t.text))].slice(0, 6);
  return `I could not find a sales measure in this question${words.length ? ` (not understood: ${words.map((w) => `"${w}"`).join(', ')})` : ''}. ${CAPABILITIES}`;
}

/** What the planner can answer, with examples: the end of every refusal for lack of understanding. */
const CAPABILITIES = 'I can answer questions about revenue, units, transactions, customers, average order value, average selling price, and (for analysts) cost, profit and margin, ' +
  'by region, segment, category, product, customer or period. For example: "revenue by region in 2024" or "top 5 products by units last quarter".';

let vocabulary: { known: Set<string>; targets: string[] } | undefined;

/**
 * Corrects one-letter typos ("revnue", "catagory", "prodcuts"): a word the planner does not know,
 * five letters or longer, becomes the one vocabulary word it is a single edit (or swap) away from.
 * Ambiguous or distant words stay as they are, and count as not understood.
 */
export function correctTypos(tokens: readonly Token[]): Token[] {
  if (!vocabulary) {
    lexicon ??= buildLexicon();
    const words = new Set<string>([...lexicon.flatMap((e) => e.tokens), ...TIME_WORDS]);
    vocabulary = { known: new Set([...words, ...STOPWORDS]), targets: [...words].filter((w) => w.length >= 4 && /^[a-z]+$/.test(w)) };
  }
  const { known, targets } = vocabulary;
  return tokens.map((t) => {
    if (t.kind !== 'word' || t.text.length < 5 || known.has(t.text) || !/^[a-z]+$/.test(t.text)) return t;
    const candidates = targets.filter((w) => Math.abs(w.length - t.text.length) <= 1 && oneEditApart(t.text, w));
    const pick = candidates.length === 1 ? candidates[0] : candidates.filter((w) => w[0] === t.text[0] && w.length === t.text.length).length === 1 ? candidates.find((w) => w[0] === t.text[0] && w.length === t.text.length) : undefined;
    return pick ? { ...t, text: pick } : t;
  });
}

/** Whether two words differ by one insertion, deletion, substitution or swap of neighbours. */
function oneEditApart(a: string, b: string): boolean {
  if (a === b) return false;
  if (a.length === b.length) {
    const diff: number[] = [];
    for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) diff.push(i);
    if (diff.length === 1) return true;
    return diff.length === 2 && diff[1] === diff[0]! + 1 && a[diff[0]!] === b[diff[1]!] && a[diff[1]!] === b[diff[0]!];
  }
  const [short, long] = a.length < b.length ? [a, b] : [b, a];
  if (long.length - short.length !== 1) return false;
  let i = 0;
  while (i < short.length && short[i] === long[i]) i += 1;
  return short.slice(i) === long.slice(i + 1);
}
