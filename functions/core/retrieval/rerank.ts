/**
 * Second pass over the lexical candidates. BM25 counts words one by one; a passage that holds the
 * question's words next to each other ("volume discount", "late invoices") or holds more of the
 * distinct words is the better answer more often than one that repeats a single word. Pure: the
 * adapter supplies candidates and multipliers, this returns the new order.
 */
import { analyze } from './text-analysis.ts';
import { containsSequence, type ExpandedQuery } from './query-expansion.ts';

/** A candidate passage as the first pass found it. */
export interface RerankCandidate {
  readonly id: string;
  /** First-pass (BM25) score. */
  readonly score: number;
  /** What the passage is about: heading path and body together. */
  readonly text: string;
  /** Product of document-level factors (edition preference, source weight); 1 when none apply. */
  readonly multiplier: number;
}

export interface RerankOptions {
  /** Extra share of score for holding every pair of adjacent query words together. */
  readonly proximity: number;
  /** Extra share of score per synonym phrase held verbatim, e.g. "cost of goods sold" for "COGS". */
  readonly phrase: number;
  /** Share of the score that depends on how many of the query's distinct words (by weight) appear. */
  readonly coverage: number;
}

const DEFAULTS: RerankOptions = { proximity: 0.35, phrase: 0.15, coverage: 0.3 };

/**
 * Rescores candidates and returns them best first. `idf` gives each term's weight for coverage
 * (rare words matter more); terms it lacks count as 1.
 */
export function rerank<T extends RerankCandidate>(
  candidates: readonly T[],
  query: ExpandedQuery,
  idf: (term: string) => number,
  options: Partial<RerankOptions> = {},
): { candidate: T; score: number }[] {
  const settings = { ...DEFAULTS, ...options };
  const queryTerms = [...new Set(query.terms)];
  const pairs: [string, string][] = [];
  for (let i = 0; i + 1 < query.terms.length; i++) {
    const a = query.terms[i]!;
    const b = query.terms[i + 1]!;
    if (a !== b) pairs.push([a, b]);
  }
  const totalWeight = queryTerms.reduce((sum, term) => sum + idf(term), 0);

  return candidates
    .map((candidate) => {
      const terms = analyze(candidate.text);
      const present = new Set(terms);
      let factor = 1;
      if (pairs.length > 0) {
        const near = pairs.filter(([a, b]) => adjacent(terms, a, b)).length;
        factor += settings.proximity * (near / pairs.length);
      }
      const phrases = query.phrases
        .filter((phrase) => containsSequence(terms, phrase.terms))
        .map((phrase) => phrase.weight)
        .sort((a, b) => b - a)
        .slice(0, 2);
      factor += settings.phrase * phrases.reduce((sum, weight) => sum + weight, 0);
      if (totalWeight > 0) {
        const covered = queryTerms.filter((term) => present.has(term)).reduce((sum, term) => sum + idf(term), 0);
        factor *= 1 - settings.coverage + settings.coverage * (covered / totalWeight);
      }
      return { candidate, score: candidate.score * factor * candidate.multiplier };
    })
    .sort((x, y) => y.score - x.score || x.candidate.id.localeCompare(y.candidate.id));
}

/** `a` followed by `b` within two positions ("volume discount", "discount of volume" does not count). */
function adjacent(terms: readonly string[], a: string, b: string): boolean {
  for (let i = 0; i < terms.length; i++) {
    if (terms[i] !== a) continue;
    if (terms[i + 1] === b || terms[i + 2] === b) return true;
  }
  return false;
}
