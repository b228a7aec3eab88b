/**
 * The on-disk form of the local retrieval index: one JSON file, `<dataDir>/retrieval/index.json`,
 * written atomically (temporary file, then rename) so a reader — the server, while
 * `bi-agent ingest` runs in another process — sees the old index or the new one, never half of it.
 * @internal
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { AsPlainObject } from 'minisearch';
import { RetrievalIndexError } from './errors.ts';

export const INDEX_FORMAT = 'bi-agent-retrieval-index';
/** Bumped when the file's shape changes; an older file is then read and upgraded, a newer refused. */
export const INDEX_FILE_VERSION = 1;

/** One ingested file or virtual document: the manifest entry that makes re-ingest replace, not add. */
export interface StoredSource {
  /** `<root>::<doc>`: unique per ingested folder and file. */
  readonly key: string;
  /** The ingested folder (its real path) or a logical root such as `bi-agent:samples`, `virtual`. */
  readonly root: string;
  /** What hits show: the path relative to `root` (posix separators), or a virtual name. */
  readonly doc: string;
  readonly kind: 'file' | 'virtual';
  /** sha256 of the content and the chunker's version: unchanged files are skipped on re-ingest. */
  readonly hash: string;
  /** Multiplies every score of the source's chunks (the shipped samples rank below your documents). */
  readonly weight: number;
  readonly family: string;
  readonly year: number | null;
  readonly superseded: boolean;
  readonly chunkIds: readonly string[];
}

/** One passage as stored: enough to rebuild the search structure without re-reading files. */
export interface StoredChunk {
  readonly id: string;
  readonly source: string;
  readonly doc: string;
  readonly headings: readonly string[];
  readonly extraHeadings: readonly string[];
  readonly body: string;
  readonly text: string;
}

export interface IndexFile {
  readonly format: typeof INDEX_FORMAT;
  readonly version: number;
  /** Version of the analyzer the search structure was built with; a mismatch triggers a rebuild. */
  readonly analyzer: number;
  readonly sources: StoredSource[];
  readonly chunks: StoredChunk[];
  /** Index term → number of chunks holding it, for typo correction and coverage weights. */
  readonly vocabulary: [string, number][];
  readonly search: AsPlainObject;
}

/** `<dataDir>/retrieval/index.json`. */
export function indexFilePath(dataDir: string): string {
  return join(dataDir, 'retrieval', 'index.json');
}

/** The file's identity for change detection: a reload happens when another process rewrote it. */
export async function fileStamp(path: string): Promise<string | undefined> {
  try {
    const info = await stat(path);
    return `${info.mtimeMs}:${info.size}:${info.ino}`;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Reads the index file; `undefined` when there is none yet. */
export async function readIndexFile(path: string): Promise<IndexFile | undefined> {
  let raw: string;
  try {
    raw = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new RetrievalIndexError(`cannot read the retrieval index ${path}`, { cause: error, details: { path } });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (error) {
    throw new RetrievalIndexError(
      `the retrieval index ${path} is damaged; delete it and run "bi-agent ingest" again`,
      { cause: error, details: { path } },
    );
  }
  const file = parsed as Partial<IndexFile>;
  if (file?.format !== INDEX_FORMAT || typeof file.version !== 'number' || !Array.isArray(file.sources) || !Array.isArray(file.chunks)) {
    throw new RetrievalIndexError(`${path} is not a bi-agent retrieval index; delete it and run "bi-agent ingest" again`, {
      details: { path },
    });
  }
  if (file.version > INDEX_FILE_VERSION) {
    throw new RetrievalIndexError(`the retrieval index ${path} was written by a newer bi-agent (format ${file.version})`, {
      details: { path },
    });
  }
  return file as IndexFile;
}

/** Writes the index file atomically: a temporary file next to it, then a rename over it. */
export async function writeIndexFile(path: string, file: IndexFile): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(temporary, JSON.stringify(file), 'utf8');
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw new RetrievalIndexError(`cannot write the retrieval index ${path}`, { cause: error, details: { path } });
  }
}
