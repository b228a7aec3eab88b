/**
 * The embedded default's own documents: metric definitions, data dictionary, date conventions and
 * verified queries for the sample warehouse, shipped in `functions/warehouse/knowledge/`, so the
 * agent has context on first start with nothing ingested.
 */
import { join } from 'node:path';
import { packageRoot } from '../../platform/paths.ts';
import { LocalIndex, type IngestReport } from './local-index.ts';

/** The logical folder name of the samples in the index: stable wherever the package is installed. */
export const SAMPLE_ROOT = 'bi-agent:samples';

/**
 * Scores of sample passages are multiplied by this: a user's own documents on the same subject
 * (their metric definitions, say) rank first, the samples fill in what they do not cover. The
 * samples are short and dense, which BM25 favours, so the factor has to be well below 1 for that
 * to hold; a sample with the same name as a user's document is damped further (see LocalIndex).
 */
export const SAMPLE_WEIGHT = 0.6;

/** Where the sample documents are, in the source tree and next to the bundle alike. */
export function sampleKnowledgeDir(): string {
  return join(packageRoot(), 'functions', 'warehouse', 'knowledge');
}

/**
 * Indexes the sample documents into a data folder's index unless they are there already and
 * unchanged (a cheap check: ten small files hashed). Call it at start-up of anything that
 * searches; it is idempotent. Takes a data folder, or the `LocalIndex` already in use so both
 * share one loaded copy.
 *
 * @example
 * const index = new LocalIndex({ dataDir });
 * await ensureSampleIndex(index);
 */
export async function ensureSampleIndex(target: string | LocalIndex): Promise<IngestReport> {
  const index = typeof target === 'string' ? new LocalIndex({ dataDir: target }) : target;
  return index.ingest(sampleKnowledgeDir(), { root: SAMPLE_ROOT, weight: SAMPLE_WEIGHT });
}
