/**
 * The embedded default's retrieval index: business documents, catalog entries and verified example
 * queries cut into passages and searched lexically (MiniSearch BM25 over body, heading path and
 * file name), with synonym expansion, typo correction and a rerank that prefers passages holding
 * the question's words together and the current edition of a policy. No model, no network: it
 * runs the same on a laptop offline as in a test. On AWS, OpenSearch Serverless takes its place
 * behind the same `Retriever` port.
 *
 * Data folder layout: `<dataDir>/retrieval/index.json` — the manifest of ingested sources (path,
 * content hash, chunk ids), the passages, and the serialized search structure, written atomically.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import MiniSearch, { type Options as MiniSearchOptions } from 'minisearch';
import { chunkDocument, titleFromName, type ChunkingOptions, type DocumentFormat } from '../../core/retrieval/chunking.ts';
import { versionMultipliers, versionOf, type DocumentVersion } from '../../core/retrieval/document-versions.ts';
import { DEFAULT_BUSINESS_SYNONYMS, QueryExpander, type SynonymMap } from '../../core/retrieval/query-expansion.ts';
import { rerank } from '../../core/retrieval/rerank.ts';
import { analyze, processWord, tokenize } from '../../core/retrieval/text-analysis.ts';
import type { ContextHit } from '../../core/ports.ts';
import { RetrievalIndexError } from './errors.ts';
import {
  INDEX_FILE_VERSION,
  INDEX_FORMAT,
  fileStamp,
  indexFilePath,
  readIndexFile,
  writeIndexFile,
  type IndexFile,
  type StoredChunk,
  type StoredSource,
} from './index-file.ts';

/**
 * Version of chunking + analysis. Part of every source's hash (a new chunker re-chunks unchanged
 * files on the next ingest) and checked on load (a new analyzer rebuilds the search structure).
 */
const ANALYZER_VERSION = 2;

/** File names `ingest` indexes; anything else in the folder is ignored. */
const INGESTIBLE = /\.(md|markdown|txt)$/i;

/** Options of a `LocalIndex`. Only `dataDir` is required. */
export interface LocalIndexOptions {
  /** The embedded default's data folder; the index lives in `<dataDir>/retrieval/`. */
  readonly dataDir: string;
  /**
   * Synonym groups to expand queries with, e.g. from the semantic catalog:
   * `[{ cogs: ['cost of goods sold'] }]`. Added to the built-in business vocabulary.
   */
  readonly synonyms?: readonly SynonymMap[];
  /** Set to false to use only `synonyms` (default true: include `DEFAULT_BUSINESS_SYNONYMS`). */
  readonly defaultSynonyms?: boolean;
  /** Passage sizes; the defaults suit a prompt of five to ten passages. */
  readonly chunking?: ChunkingOptions;
}

/** Where an ingest stands, for a progress bar: `done` of `total` files in the current phase. */
export interface IngestProgress {
  readonly phase: 'scan' | 'index' | 'save';
  readonly done: number;
  readonly total: number;
  /** The file just handled, as hits will name it. */
  readonly doc?: string;
}

export interface IngestOptions {
  readonly onProgress?: (progress: IngestProgress) => void;
  /**
   * A stable name for the folder instead of its real path, so the same documents shipped at
   * another path replace themselves (the project's samples use `bi-agent:samples`).
   */
  readonly root?: string;
  /** Multiplies the scores of this folder's passages (default 1). */
  readonly weight?: number;
}

/** What an ingest did; `chunks` is the number of passages now indexed for this folder. */
export interface IngestReport {
  readonly root: string;
  readonly files: number;
  readonly added: number;
  readonly updated: number;
  readonly unchanged: number;
  readonly removed: number;
  readonly chunks: number;
}

/**
 * A document that is not a file: a semantic-catalog entry or a verified example query, fed in by
 * whoever owns them. `doc` is its name in hits, e.g. `catalog:metric:revenue`.
 */
export interface VirtualDocument {
  readonly doc: string;
  readonly text: string;
  /** Shown as the passage's heading; defaults to the last part of `doc`. */
  readonly title?: string;
  /** Default `text`; use `markdown` when the text has headings or lists worth keeping. */
  readonly format?: DocumentFormat;
}

export interface VirtualIngestOptions {
  /**
   * Removes every virtual document whose name starts with this prefix and is not in the new list:
   * feeding the whole catalog with `replacePrefix: 'catalog:'` drops entries the catalog lost.
   */
  readonly replacePrefix?: string;
  readonly weight?: number;
}

/** A hit with its heading path, for callers that show where a passage comes from. */
export interface LocalSearchHit extends ContextHit {
  readonly headings: readonly string[];
}

/** How many first-pass candidates the rerank sees. */
const CANDIDATES = 60;
/**
 * Maps a raw score into (0, 1): a passage that matches each query word about as well as a good
 * definition does lands near 0.7. Only the order is meaningful across queries.
 */
const SCORE_SCALE = 15;
/** Field weights of the first pass: a word in a heading says more than one in the body. */
const FIELD_BOOST = { headings: 2, name: 0.75, text: 1 } as const;

interface IndexedChunk {
  readonly id: string;
  readonly name: string;
  readonly headings: string;
  readonly text: string;
}

interface State {
  sources: Map<string, StoredSource>;
  chunks: Map<string, StoredChunk>;
  vocabulary: Map<string, number>;
  versions: Map<string, DocumentVersion>;
  search: MiniSearch<IndexedChunk>;
}

/**
 * The local retrieval index of one data folder. Loading is lazy (the first search or ingest reads
 * the file) and cheap (the search structure is stored, not rebuilt); a search notices when another
 * process rewrote the file and reloads. Mutations in one process are serialized; across processes
 * the last writer wins, which suits one `ingest` at a time.
 *
 * @example
 * const index = new LocalIndex({ dataDir, synonyms: [catalogSynonyms] });
 * await index.ingest('./docs', { onProgress: (p) => bar.update(p.done) });
 * const hits = await index.search('how is gross margin defined?', 5);
 */
export class LocalIndex {
  readonly path: string;
  private readonly expander: QueryExpander;
  private state: State | undefined;
  private stamp: string | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: LocalIndexOptions) {
    this.path = indexFilePath(options.dataDir);
    const maps = [...(options.defaultSynonyms === false ? [] : [DEFAULT_BUSINESS_SYNONYMS]), ...(options.synonyms ?? [])];
    this.expander = new QueryExpander(maps);
  }

  /**
   * Indexes every `.md`, `.markdown` and `.txt` file under `dir` (recursively; hidden folders and
   * `node_modules` skipped). A file indexed by an earlier ingest of the same folder is replaced
   * when it changed and left alone when not; one that disappeared from the folder is dropped;
   * other folders' documents stay. Hits name a file by its path relative to `dir`.
   */
  async ingest(dir: string, options: IngestOptions = {}): Promise<IngestReport> {
    let root: string;
    try {
      root = await realpath(dir);
      if (!(await stat(root)).isDirectory()) throw new Error('not a directory');
    } catch (error) {
      throw new RetrievalIndexError(`cannot ingest ${dir}: no such folder`, { cause: error, details: { dir } });
    }
    const rootKey = options.root ?? root;
    const weight = options.weight ?? 1;
    const progress = options.onProgress ?? (() => {});

    const files = await listDocuments(root);
    progress({ phase: 'scan', done: files.length, total: files.length });
    const contents: { doc: string; content: string }[] = [];
    for (const file of files) {
      contents.push({ doc: toPosix(relative(root, file)), content: await readFile(file, 'utf8') });
    }

    return this.exclusive(async () => {
      const state = await this.load();
      let added = 0;
      let updated = 0;
      let unchanged = 0;
      let changed = false;
      contents.forEach(({ doc, content }, index) => {
        const key = `${rootKey}::${doc}`;
        const hash = hashOf(content);
        const existing = state.sources.get(key);
        if (existing && existing.hash === hash && existing.weight === weight) unchanged++;
        else {
          if (existing) updated++;
          else added++;
          this.putSource(state, { key, root: rootKey, doc, kind: 'file', weight, content, hash });
          changed = true;
        }
        progress({ phase: 'index', done: index + 1, total: contents.length, doc });
      });
      const present = new Set(contents.map(({ doc }) => `${rootKey}::${doc}`));
      let removed = 0;
      for (const source of [...state.sources.values()]) {
        if (source.root === rootKey && source.kind === 'file' && !present.has(source.key)) {
          this.dropSource(state, source.key);
          removed++;
          changed = true;
        }
      }
      if (changed) {
        progress({ phase: 'save', done: 0, total: 1 });
        await this.save(state);
        progress({ phase: 'save', done: 1, total: 1 });
      }
      const chunks = [...state.sources.values()].filter((source) => source.root === rootKey).reduce((sum, source) => sum + source.chunkIds.length, 0);
      return { root: rootKey, files: contents.length, added, updated, unchanged, removed, chunks };
    });
  }

  /**
   * Makes catalog entries and verified example queries searchable next to the documents. A
   * document with the name of an earlier one replaces it; see `replacePrefix` to drop stale ones.
   */
  async indexVirtualDocuments(documents: readonly VirtualDocument[], options: VirtualIngestOptions = {}): Promise<IngestReport> {
    const weight = options.weight ?? 1;
    return this.exclusive(async () => {
      const state = await this.load();
      let added = 0;
      let updated = 0;
      let unchanged = 0;
      let removed = 0;
      let changed = false;
      const names = new Set(documents.map((document) => document.doc));
      for (const document of documents) {
        const key = `virtual::${document.doc}`;
        const hash = hashOf(`${document.format ?? 'text'}\u0000${document.title ?? ''}\u0000${document.text}`);
        const existing = state.sources.get(key);
        if (existing && existing.hash === hash && existing.weight === weight) {
          unchanged++;
          continue;
        }
        if (existing) updated++;
        else added++;
        this.putSource(state, {
          key,
          root: 'virtual',
          doc: document.doc,
          kind: 'virtual',
          weight,
          content: document.text,
          hash,
          format: document.format ?? 'text',
          title: document.title ?? document.doc.split(':').pop() ?? document.doc,
        });
        changed = true;
      }
      if (options.replacePrefix !== undefined) {
        for (const source of [...state.sources.values()]) {
          if (source.kind === 'virtual' && source.doc.startsWith(options.replacePrefix) && !names.has(source.doc)) {
            this.dropSource(state, source.key);
            removed++;
            changed = true;
          }
        }
      }
      if (changed) await this.save(state);
      const chunks = [...state.sources.values()].filter((source) => source.kind === 'virtual').reduce((sum, source) => sum + source.chunkIds.length, 0);
      return { root: 'virtual', files: documents.length, added, updated, unchanged, removed, chunks };
    });
  }

  /**
   * The `k` best passages for a question, best first. Scores are in (0, 1): comparable within one
   * index, not across indexes. An empty index answers with no hits.
   */
  async search(query: string, k: number): Promise<LocalSearchHit[]> {
    const state = await this.load();
    if (state.chunks.size === 0 || k <= 0) return [];
    const expanded = this.expander.expand(query, state.vocabulary, state.chunks.size);
    if (expanded.weighted.length === 0) return [];
    const weights = new Map(expanded.weighted.map((entry) => [entry.term, entry.weight]));
    const first = state.search.search([...weights.keys()].join(' '), {
      tokenize: (text) => text.split(' ').filter(Boolean),
      processTerm: (term) => term,
      boostTerm: (term) => weights.get(term) ?? 1,
      boost: FIELD_BOOST,
      combineWith: 'OR',
      prefix: false,
      fuzzy: false,
    });

    const multipliers = versionMultipliers(state.versions, query);
    const shadowed = shadowedSources(state.sources);
    const queryWeight = expanded.weighted.reduce((sum, entry) => sum + entry.weight, 0);
    // MiniSearch multiplies a passage's score by the number of query terms it matched, counting a
    // synonym or a typo fix weighted 0.05 as fully as a word of the question: a passage that
    // happens to hold five loose synonyms (or two common words) would beat one that holds the
    // question's rare word. The count is replaced by the matched terms' weights times their idf.
    const total = state.chunks.size;
    const idf = (term: string): number => Math.log(1 + total / (state.vocabulary.get(term) ?? 1));
    const matchedWeight = (terms: readonly string[]): number => terms.reduce((sum, term) => sum + (weights.get(term) ?? 0) * idf(term), 0);
    const firstPass = first
      .map((result) => ({ result, score: (result.score / Math.max(1, result.queryTerms.length)) * matchedWeight(result.queryTerms) }))
      .sort((a, b) => b.score - a.score);
    const candidates = firstPass.slice(0, Math.max(CANDIDATES, k * 4)).flatMap(({ result, score }) => {
      const chunk = state.chunks.get(String(result.id));
      const source = chunk && state.sources.get(chunk.source);
      if (!chunk || !source) return [];
      const shadow = shadowed.has(source.key) ? SHADOWED : 1;
      return [{ id: chunk.id, score, text: chunk.text, multiplier: source.weight * shadow * (multipliers.get(source.key) ?? 1), chunk }];
    });
    return rerank(candidates, expanded, idf)
      .slice(0, k)
      .map(({ candidate, score }) => ({
        doc: candidate.chunk.doc,
        text: candidate.chunk.text,
        score: Number((score / (score + SCORE_SCALE * queryWeight)).toFixed(4)),
        headings: candidate.chunk.headings,
      }));
  }

  /** Counts, for `bi-agent` status output and tests. */
  async stats(): Promise<{ sources: number; chunks: number; roots: string[] }> {
    const state = await this.load();
    const roots = [...new Set([...state.sources.values()].map((source) => source.root))].sort();
    return { sources: state.sources.size, chunks: state.chunks.size, roots };
  }

  /** The documents indexed, as hits name them, with their folder (or `virtual`). */
  async documents(): Promise<{ doc: string; root: string; chunks: number }[]> {
    const state = await this.load();
    return [...state.sources.values()]
      .map((source) => ({ doc: source.doc, root: source.root, chunks: source.chunkIds.length }))
      .sort((a, b) => a.root.localeCompare(b.root) || a.doc.localeCompare(b.doc));
  }

  // -------------------------------------------------------------------------------------------

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async load(): Promise<State> {
    const stamp = await fileStamp(this.path);
    if (this.state && stamp === this.stamp) return this.state;
    const file = stamp === undefined ? undefined : await readIndexFile(this.path);
    this.state = file ? stateFromFile(file) : emptyState();
    this.stamp = stamp;
    return this.state;
  }

  private async save(state: State): Promise<void> {
    rebuildSearch(state);
    const file: IndexFile = {
      format: INDEX_FORMAT,
      version: INDEX_FILE_VERSION,
      analyzer: ANALYZER_VERSION,
      sources: [...state.sources.values()].sort((a, b) => a.key.localeCompare(b.key)),
      chunks: [...state.chunks.values()],
      vocabulary: [...state.vocabulary.entries()],
      search: state.search.toJSON(),
    };
    try {
      await writeIndexFile(this.path, file);
    } catch (error) {
      this.state = undefined; // the next call reloads what is on disk instead of unsaved changes
      throw error;
    }
    this.stamp = await fileStamp(this.path);
  }

  private putSource(
    state: State,
    input: {
      key: string;
      root: string;
      doc: string;
      kind: 'file' | 'virtual';
      weight: number;
      content: string;
      hash: string;
      format?: DocumentFormat;
      title?: string;
    },
  ): void {
    this.dropSource(state, input.key);
    const chunks = chunkDocument(
      { doc: input.doc, content: input.content, format: input.format, title: input.title },
      this.options.chunking,
    );
    const chunkIds: string[] = [];
    for (const chunk of chunks) {
      const id = `${input.key}#${chunk.ordinal}`;
      chunkIds.push(id);
      state.chunks.set(id, {
        id,
        source: input.key,
        doc: input.doc,
        headings: chunk.headings,
        extraHeadings: chunk.extraHeadings,
        body: chunk.body,
        text: chunk.text,
      });
    }
    const preamble = input.content.split(/\s+/).slice(0, 120).join(' ');
    const version = versionOf(input.doc, preamble);
    state.sources.set(input.key, {
      key: input.key,
      root: input.root,
      doc: input.doc,
      kind: input.kind,
      hash: input.hash,
      weight: input.weight,
      family: `${input.root}::${version.family}`,
      year: version.year ?? null,
      superseded: version.superseded,
      chunkIds,
    });
    state.versions.set(input.key, { family: `${input.root}::${version.family}`, year: version.year, superseded: version.superseded });
  }

  private dropSource(state: State, key: string): void {
    const source = state.sources.get(key);
    if (!source) return;
    for (const id of source.chunkIds) state.chunks.delete(id);
    state.sources.delete(key);
    state.versions.delete(key);
  }
}

/**
 * The same document shipped in two folders — the project's sample `metric-definitions.md` and the
 * user's own — is two editions of one text, and the one from the folder of higher weight (the
 * user's) is the one to answer from. The other keeps this share of its score, so it still shows
 * when nothing else matches.
 */
const SHADOWED = 0.35;

/** Keys of file sources whose file name a folder of higher weight also holds. */
function shadowedSources(sources: ReadonlyMap<string, StoredSource>): Set<string> {
  const nameOf = (doc: string): string => (doc.split('/').pop() ?? doc).toLowerCase();
  const best = new Map<string, number>();
  for (const source of sources.values()) {
    if (source.kind !== 'file') continue;
    const name = nameOf(source.doc);
    best.set(name, Math.max(best.get(name) ?? 0, source.weight));
  }
  const out = new Set<string>();
  for (const source of sources.values()) {
    if (source.kind === 'file' && source.weight < (best.get(nameOf(source.doc)) ?? 0)) out.add(source.key);
  }
  return out;
}

function searchOptions(): MiniSearchOptions<IndexedChunk> {
  return { fields: ['name', 'headings', 'text'], idField: 'id', tokenize, processTerm: processWord };
}

function indexedChunk(chunk: StoredChunk): IndexedChunk {
  return {
    id: chunk.id,
    name: titleFromName(chunk.doc),
    headings: [...chunk.headings, ...chunk.extraHeadings].join(' \n '),
    text: chunk.body,
  };
}

function emptyState(): State {
  return { sources: new Map(), chunks: new Map(), vocabulary: new Map(), versions: new Map(), search: new MiniSearch(searchOptions()) };
}

function stateFromFile(file: IndexFile): State {
  const state = emptyState();
  for (const source of file.sources) {
    state.sources.set(source.key, source);
    state.versions.set(source.key, { family: source.family, year: source.year ?? undefined, superseded: source.superseded });
  }
  for (const chunk of file.chunks) state.chunks.set(chunk.id, chunk);
  if (file.analyzer === ANALYZER_VERSION && file.search) {
    state.search = MiniSearch.loadJS(file.search, searchOptions());
    state.vocabulary = new Map(file.vocabulary);
  } else {
    rebuildSearch(state);
  }
  return state;
}

/** Rebuilds the search structure and the vocabulary from the passages: cheap at this scale. */
function rebuildSearch(state: State): void {
  const search = new MiniSearch<IndexedChunk>(searchOptions());
  const vocabulary = new Map<string, number>();
  const chunks = [...state.chunks.values()];
  search.addAll(chunks.map(indexedChunk));
  for (const chunk of chunks) {
    const item = indexedChunk(chunk);
    for (const term of new Set(analyze(`${item.name} ${item.headings} ${item.text}`))) {
      vocabulary.set(term, (vocabulary.get(term) ?? 0) + 1);
    }
  }
  state.search = search;
  state.vocabulary = vocabulary;
}

function hashOf(content: string): string {
  return createHash('sha256').update(`analyzer:${ANALYZER_VERSION}\u0000`).update(content).digest('hex');
}

function toPosix(path: string): string {
  return sep === '/' ? path : path.split(sep).join('/');
}

/** Every ingestible file under `root`, sorted; hidden entries and `node_modules` are skipped. */
async function listDocuments(root: string): Promise<string[]> {
  const out: string[] = [];
  const visit = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true });
    for (const entry of entries) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await visit(path);
      else if (INGESTIBLE.test(entry.name)) {
        if (entry.isFile() || (entry.isSymbolicLink() && (await stat(path).catch(() => undefined))?.isFile())) out.push(path);
      }
    }
  };
  await visit(root);
  return out.sort();
}
