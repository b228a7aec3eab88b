/**
 * The semantic catalog's vocabulary as retrieval's synonym map, so that a question's words and
 * the documents' words meet through the one place where synonyms are defined.
 */
import { DIMENSIONS, METRICS } from '../core/catalog/catalog.ts';
import type { SynonymMap } from '../core/retrieval/query-expansion.ts';

/** Abbreviations this short match too much ordinary text to expand a search with. */
const MIN_SYNONYM_LENGTH = 3;

export function catalogSynonyms(): SynonymMap {
  const map: Record<string, string[]> = {};
  const add = (key: string, synonyms: readonly string[]) => {
    const usable = synonyms.map((s) => s.toLowerCase()).filter((s) => s.length >= MIN_SYNONYM_LENGTH && s !== key);
    if (usable.length > 0) map[key] = [...new Set([...(map[key] ?? []), ...usable])];
  };
  for (const metric of METRICS) add(metric.label.toLowerCase(), metric.synonyms);
  for (const dimension of DIMENSIONS) {
    add(dimension.label.toLowerCase(), dimension.synonyms);
    for (const value of dimension.values) add(value.value.toLowerCase(), value.synonyms);
  }
  return map;
}
