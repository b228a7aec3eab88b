/**
 * Errors of the local retrieval adapter. They extend the core's `BiAgentError`, so the one
 * HTTP/CLI mapping handles them, and carry the file they concern.
 */
import { BiAgentError } from '../../core/errors.ts';

/**
 * The index file in the data folder cannot be read (truncated, hand-edited, from a newer version),
 * or a folder to ingest does not exist. The message says what to do; `cause` keeps the original.
 */
export class RetrievalIndexError extends BiAgentError {
  readonly code = 'retrieval_index';
}
