/**
 * Query-time expansion: business people write "COGS", documents write "cost of goods sold"; a
 * question about "APAC" must find "Asia Pacific". A lexical index only meets them half-way if the
 * query carries both. Synonyms come from outside (the semantic catalog supplies them) plus a small
 * default vocabulary of our own; typos are corrected against the index's own vocabulary.
 */
import { analyze } from './text-analysis.ts';

/**
 * Synonyms as a map from a term or phrase to its equivalents, e.g.
 * `{ cogs: ['cost of goods sold'], revenue: ['sales', 'turnover'] }`. Each entry is one group of
 * equivalent expressions: a query that names any of them also searches for the others.
 */
export type SynonymMap = Readonly<Record<string, readonly string[]>>;

/**
 * Business vocabulary the sales warehouse's documents use, so retrieval works before any catalog
 * is fed in. Abbreviations map to what documents spell out; a few everyday words map to the
 * vocabulary of policies ("refund" → "return").
 */
export const DEFAULT_BUSINESS_SYNONYMS: SynonymMap = {
  cogs: ['cost of goods sold', 'cost of goods'],
  revenue: ['sales', 'turnover', 'net sales', 'bookings'],
  'gross margin': ['gm', 'gm%', 'margin'],
  'gross profit': ['gp'],
  apac: ['asia pacific'],
  latam: ['latin america'],
  mea: ['middle east africa'],
  emea: ['europe middle east africa'],
  'north america': ['na'],
  smb: ['small business'],
  'mid market': ['mm', 'midmarket'],
  enterprise: ['ent'],
  aov: ['average order value'],
  asp: ['average selling price'],
  yoy: ['year over year'],
  qoq: ['quarter over quarter'],
  mom: ['month over month'],
  ytd: ['year to date'],
  mtd: ['month to date'],
  qtd: ['quarter to date'],
  ltm: ['last twelve months', 'trailing twelve months', 'ttm'],
  fy: ['fiscal year', 'financial year'],
  vat: ['tax', 'gst', 'sales tax'],
  pii: ['personal data', 'personally identifiable information'],
  sku: ['stock keeping unit'],
  qbr: ['quarterly business review'],
  kpi: ['metric', 'key performance indicator'],
  uk: ['united kingdom', 'britain'],
  usa: ['united states'],
  eu: ['europe', 'european union'],
  usd: ['dollar', 'us dollar'],
  customer: ['client', 'buyer'],
  refund: ['return', 'credit note'],
  discount: ['rebate', 'markdown'],
  price: ['pricing', 'list price'],
  'business day': ['working day', 'trading day'],
  'public holiday': ['bank holiday', 'statutory holiday'],
  churn: ['churned', 'attrition', 'lost customer'],
  'new customer': ['first purchase', 'acquisition'],
  'data refresh': ['data load', 'nightly load'],
  access: ['permission', 'role'],
};

/** One term of an expanded query, with how much it counts (the question's own words count 1). */
export interface WeightedTerm {
  readonly term: string;
  readonly weight: number;
  /** `query` for the question's own words, `synonym` for expansions, `correction` for typo fixes. */
  readonly origin: 'query' | 'synonym' | 'correction';
}

export interface ExpandedQuery {
  /** The question's own index terms, in order (for phrase and proximity checks). */
  readonly terms: readonly string[];
  /** Every term to search for, once each, with its weight. */
  readonly weighted: readonly WeightedTerm[];
  /** Synonym phrases the query gained: a passage holding one verbatim is a strong hit. */
  readonly phrases: readonly WeightedPhrase[];
}

/** A multi-word synonym as index terms, with its share (0..1] of a full synonym's weight. */
export interface WeightedPhrase {
  readonly terms: readonly string[];
  readonly weight: number;
}

/** How much expansions count relative to the question's own words. */
export interface ExpansionWeights {
  /** The largest weight one expansion term gets. */
  readonly synonym: number;
  /**
   * The total weight one synonym group may add, spread evenly over the new terms it brings: a
   * catalog entry with twenty alternatives must not outweigh the word the question used.
   */
  readonly groupBudget: number;
  readonly correction: number;
}

const DEFAULT_WEIGHTS: ExpansionWeights = { synonym: 0.6, groupBudget: 0.6, correction: 0.8 };

/**
 * Expands queries with synonym groups and typo corrections. Built once per synonym list; cheap to
 * call per query.
 */
export class QueryExpander {
  private readonly groups: (readonly string[])[][];

  constructor(
    synonyms: readonly SynonymMap[] = [DEFAULT_BUSINESS_SYNONYMS],
    private readonly weights: ExpansionWeights = DEFAULT_WEIGHTS,
  ) {
    const seen = new Set<string>();
    this.groups = [];
    for (const map of synonyms) {
      for (const [key, values] of Object.entries(map)) {
        const group = [key, ...values].map((expression) => analyze(expression)).filter((terms) => terms.length > 0);
        const signature = group.map((terms) => terms.join(' ')).sort().join('|');
        if (group.length > 1 && !seen.has(signature)) {
          seen.add(signature);
          this.groups.push(group);
        }
      }
    }
  }

  /**
   * Expands a question. `vocabulary` (index term → number of passages holding it) lets a word the
   * index has never seen ("retrun") be replaced by its nearest known spelling ("return"). With
   * `passages` (how many passages the index holds) as well, a synonym group counts in proportion
   * to how rare its trigger is in the index: a question that says "clients" where the documents
   * say "customer" gains "customer" at full weight, while a question that already says
   * "customer", a word half the passages hold, gains almost nothing from "client", "buyer" or
   * "shopper" — expansion bridges a vocabulary gap; where there is none it only adds noise.
   */
  expand(query: string, vocabulary?: ReadonlyMap<string, number>, passages?: number): ExpandedQuery {
    const terms = analyze(query);
    const weights = new Map<string, WeightedTerm>();
    const add = (term: string, weight: number, origin: WeightedTerm['origin']): void => {
      const existing = weights.get(term);
      if (!existing || existing.weight < weight) weights.set(term, { term, weight, origin });
    };
    // A word the question repeats weighs more (BM25's query-term frequency), up to twice.
    const counts = new Map<string, number>();
    for (const term of terms) counts.set(term, (counts.get(term) ?? 0) + 1);
    for (const [term, count] of counts) add(term, Math.min(2, 1 + 0.5 * (count - 1)), 'query');

    const corrected = [...terms];
    if (vocabulary) {
      terms.forEach((term, index) => {
        if (vocabulary.has(term)) return;
        const fix = nearestKnownTerm(term, vocabulary);
        if (fix) {
          corrected[index] = fix;
          add(fix, this.weights.correction, 'correction');
        }
      });
    }

    // Groups triggered by the same words of the question share one budget: "customers" may
    // open several catalog entries, and together they still add no more than `groupBudget`.
    const pools = new Map<string, { terms: Set<string>; phrases: string[][]; share: number }>();
    for (const group of this.groups) {
      const trigger = group.find((expression) => containsSequence(corrected, expression));
      if (!trigger) continue;
      const key = trigger.join(' ');
      const pool = pools.get(key) ?? { terms: new Set<string>(), phrases: [], share: triggerShare(trigger, vocabulary, passages) };
      pools.set(key, pool);
      // A group is a head term (the map's key: what documents call the thing) and its variants. A
      // variant in the question brings in the head term only — "turnover" searches for
      // "revenue", not also for "bookings" and "top line"; the head term brings in the variants.
      const targets = trigger === group[0] ? group : [group[0]!];
      for (const expression of targets) {
        if (containsSequence(corrected, expression)) continue;
        for (const term of expression) if (!counts.has(term)) pool.terms.add(term);
        if (expression.length > 1 && expression.some((term) => !counts.has(term))) pool.phrases.push([...expression]);
      }
    }
    const phrases: WeightedPhrase[] = [];
    for (const pool of pools.values()) {
      if (pool.terms.size === 0 || pool.share <= 0) continue;
      const weight = pool.share * Math.min(this.weights.synonym, this.weights.groupBudget / pool.terms.size);
      for (const term of pool.terms) add(term, weight, 'synonym');
      for (const terms of pool.phrases) phrases.push({ terms, weight: weight / this.weights.synonym });
    }
    return { terms: corrected, weighted: [...weights.values()], phrases };
  }
}

/**
 * Inverse document frequency (natural log of passages over passages holding the term) at or below
 * which a trigger is a common word of the index and expands nothing, and at or above which it
 * expands at full weight; in between the share grows linearly. With 200 passages: a trigger in 10
 * or fewer passages expands fully, one in 60 or more does not expand.
 */
const COMMON_IDF = 1.2;
const RARE_IDF = 3;

/**
 * The share (0..1) of a synonym group's weight that a trigger earns, by the rarity of its rarest
 * term in the index. Without index statistics, or for a word the index lacks, the share is 1.
 */
function triggerShare(trigger: readonly string[], vocabulary: ReadonlyMap<string, number> | undefined, passages: number | undefined): number {
  if (!vocabulary || !passages || passages <= 0) return 1;
  const frequency = Math.min(...trigger.map((term) => vocabulary.get(term) ?? 0));
  if (frequency <= 0) return 1;
  const idf = Math.log(passages / frequency);
  return Math.max(0, Math.min(1, (idf - COMMON_IDF) / (RARE_IDF - COMMON_IDF)));
}

/** Whether `sequence` occurs in `terms` as consecutive terms. */
export function containsSequence(terms: readonly string[], sequence: readonly string[]): boolean {
  if (sequence.length === 0 || sequence.length > terms.length) return false;
  outer: for (let i = 0; i + sequence.length <= terms.length; i++) {
    for (let j = 0; j < sequence.length; j++) if (terms[i + j] !== sequence[j]) continue outer;
    return true;
  }
  return false;
}

/**
 * The known term closest to an unknown one: one edit away for short words, two for long ones
 * (transpositions count as one edit, as in "retrun"). Ties go to the more frequent term. Words
 * shorter than four letters and numbers are never corrected: too many near neighbours.
 */
export function nearestKnownTerm(term: string, vocabulary: ReadonlyMap<string, number>): string | undefined {
  if (term.length < 4 || /\d/.test(term)) return undefined;
  const limit = term.length >= 8 ? 2 : 1;
  let best: string | undefined;
  let bestDistance = Infinity;
  let bestFrequency = -1;
  for (const [candidate, frequency] of vocabulary) {
    if (Math.abs(candidate.length - term.length) > limit || /\d/.test(candidate)) continue;
    const distance = editDistance(term, candidate, limit);
    if (distance > limit) continue;
    if (distance < bestDistance || (distance === bestDistance && frequency > bestFrequency)) {
      best = candidate;
      bestDistance = distance;
      bestFrequency = frequency;
    }
  }
  return best;
}

/** Optimal-string-alignment distance (Levenshtein plus adjacent transpositions), capped at `limit + 1`. */
export function editDistance(a: string, b: string, limit = Infinity): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  let previous2: number[] = [];
  let previous: number[] = Array.from({ length: cols }, (_, j) => j);
  for (let i = 1; i < rows; i++) {
    const current: number[] = [i];
    let rowMin = i;
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, previous2[j - 2]! + 1);
      current.push(value);
      if (value < rowMin) rowMin = value;
    }
    if (rowMin > limit) return limit + 1;
    previous2 = previous;
    previous = current;
  }
  return previous[cols - 1]!;
}
