/**
 * The `Retriever` port over the local index: what the pipeline calls on the embedded default.
 */
import type { ContextHit, Retriever } from '../../core/ports.ts';
import type { LocalIndex } from './local-index.ts';

/**
 * Plugs a `LocalIndex` into the pipeline. Hits carry only what the port promises (`doc`, `text`,
 * `score`), so the planner sees the same shape as from OpenSearch on AWS.
 *
 * @example
 * const retriever = new LocalRetriever(new LocalIndex({ dataDir }));
 * const context = await retriever.search('what does COGS mean', 5);
 */
export class LocalRetriever implements Retriever {
  constructor(private readonly index: LocalIndex) {}

  async search(query: string, k: number): Promise<ContextHit[]> {
    const hits = await this.index.search(query, k);
    return hits.map(({ doc, text, score }) => ({ doc, text, score }));
  }
}
